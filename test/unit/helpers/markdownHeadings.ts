// The headings of a Markdown file with the anchors GitHub gives them, read independently of the
// code that links to them: lowercase, punctuation dropped, spaces to hyphens, repeats numbered.

export interface Heading {
  readonly text: string;
  readonly slug: string;
  /** The text from the heading to the next heading of the same or a higher level. */
  readonly section: string;
}

export function githubSlug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

export function headings(markdown: string): Heading[] {
  const lines = markdown.split(/\r?\n/);
  const found: { level: number; text: string; line: number }[] = [];
  let fenced = false;
  lines.forEach((line, i) => {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    const m = !fenced && /^(#{1,6})\s+(.+?)\s*#*\s*$/.exec(line);
    if (m) found.push({ level: m[1].length, text: m[2], line: i });
  });
  const seen = new Map<string, number>();
  return found.map((h, k) => {
    const base = githubSlug(h.text);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    const next = found.slice(k + 1).find((o) => o.level <= h.level);
    return { text: h.text, slug: n ? `${base}-${n}` : base, section: lines.slice(h.line, next?.line ?? lines.length).join('\n') };
  });
}
