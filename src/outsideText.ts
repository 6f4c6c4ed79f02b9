// Text from outside (rule files, layers, bundles, settings, file names) shown in VS Code. Each
// surface renders something: notifications turn `[label](target)` into links (command: ones
// included), QuickPick items turn `$(name)` into icons, Markdown renders everything. Every piece
// of outside text reaches a surface through the one helper for it here, so it can only be text.
// No vscode import: the CLI's HTML/Markdown exports and the unit tests use these too.

/** Longest outside value quoted in a message; longer ones are cut with an ellipsis. */
const MAX_QUOTED_CHARS = 200;

/** Notification text (information, warning, error messages): every `](` broken, so no part reads as a link. */
export function noticeText(text: string): string {
  return text.replace(/\]\s*\(/g, '] (');
}

/** QuickPick labels, descriptions and details: `$(name)` shows literally instead of as an icon. */
export function pickText(text: string): string {
  return text.replace(/\$\(/g, '\\$(');
}

/** Text inside Markdown (hovers, tooltips, completion documentation): every punctuation mark escaped, one line. */
export function markdownText(text: string): string {
  return text.replace(/[!-/:-@[-`{-~]/g, '\\$&').replace(/\r?\n/g, ' ');
}

/** A value quoted in a message: one line, at most MAX_QUOTED_CHARS characters. */
export function clip(text: string, max = MAX_QUOTED_CHARS): string {
  const flat = text.replace(/[\r\n]+/g, ' ');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** Whether `url` is an absolute http(s) URL: the only links ATT&CK Lens opens or renders. */
export function isHttpUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return (u.protocol === 'https:' || u.protocol === 'http:') && !!u.hostname;
  } catch {
    return false;
  }
}

/** A Markdown link when `url` is http(s) (percent-encoded so it cannot end the link early), else the label as text. */
export function markdownLink(label: string, url: string): string {
  if (!isHttpUrl(url)) return markdownText(label);
  const safe = encodeURI(url).replace(/[()<>[\]]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
  return `[${markdownText(label)}](${safe})`;
}
