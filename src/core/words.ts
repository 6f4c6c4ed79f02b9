// Small wording helpers for text the views and reports show.

/** `1 rule`, `2 rules`, `3 analyses` (with `many`). */
export function plural(n: number, one: string, many = one + 's'): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The first paragraph of a description, cut at a word boundary with an ellipsis past `max` characters. */
export function firstSentences(text: string, max = 280): string {
  const para = text.split(/\n\s*\n/)[0].trim();
  return para.length > max ? para.slice(0, max).replace(/\s+\S*$/, '') + '…' : para;
}
