// Notifications render `[label](target)` as a link, command: targets included. Text that came
// from a layer file, a setting or a file name goes through here so it can only ever be text.

/** The text with every `](` broken, so no part of it reads as a link. */
export function plain(text: string): string {
  return text.replace(/\]\s*\(/g, '] (');
}
