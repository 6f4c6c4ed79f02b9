import { canonicalIdSpelling } from '../rules/refIds';

// How ATT&CK IDs and tactics are written in each format, and their canonical spelling.
// Pure text functions: whether the ID exists is the checks' business. canonicalIdSpelling
// lives with the parsers' readers, which mark text it cannot read.

export { canonicalIdSpelling };

export type SigmaTag =
  | { readonly kind: 'id'; readonly id: string; readonly canonical: string }
  | { readonly kind: 'tactic'; readonly shortname: string }
  /** ID-shaped but of a kind ATT&CK no longer has (`attack.ds0005`, old data sources). */
  | { readonly kind: 'other' }
  /** Starts like a technique ID but is none (`attack.t1059.0001`, `attack.t105`). */
  | { readonly kind: 'bad-id' };

/** Reads a Sigma `attack.*` tag; `canonical` is the tag as SigmaHQ writes it for IDs. */
export function readSigmaTag(tag: string): SigmaTag | undefined {
  const m = /^attack[._-](.+)$/i.exec(tag.trim());
  if (!m) return undefined;
  const rest = m[1].trim();
  const id = canonicalIdSpelling(rest);
  if (id && !id.startsWith('TA')) return { kind: 'id', id, canonical: sigmaTagFor(id) };
  if (id) return { kind: 'id', id, canonical: `attack.${id.toLowerCase()}` };
  if (/^t\d/i.test(rest)) return { kind: 'bad-id' };
  if (/^[a-z]{1,3}\d+$/i.test(rest)) return { kind: 'other' };
  return { kind: 'tactic', shortname: tacticShortnameOf(rest) };
}

export function sigmaTagFor(id: string): string {
  return `attack.${id.toLowerCase()}`;
}

/** `Defense Evasion`, `DefenseEvasion`, `defense_evasion`, `Defense-Evasion` → `defense-evasion`. */
export function tacticShortnameOf(text: string): string {
  return text
    .trim()
    .replace(/([a-z])([A-Z])/g, '$1-$2')
    .replace(/[\s_]+/g, '-')
    .replace(/-+/g, '-')
    .toLowerCase();
}

/** Microsoft Sentinel's spelling of a tactic: `Command and Control` → `CommandAndControl`. */
export function sentinelTacticName(tacticName: string): string {
  return tacticName
    .split(/[\s-]+/)
    .filter(Boolean)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join('');
}

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions). */
export function editDistance(a: string, b: string, max = Infinity): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    rows.push([i]);
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        rows[i].push(j);
        continue;
      }
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2][j - 2] + 1);
      rows[i].push(d);
    }
  }
  return rows[a.length][b.length];
}
