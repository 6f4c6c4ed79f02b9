// The one size limit on rule files, for the extension and the CLI: the coverage scan skips a
// larger file, the editor gives a larger document no ATT&CK features (rule files are a few KB;
// 1 MB is a generated artefact or a dump).

export const MAX_RULE_FILE_BYTES = 1024 * 1024;

/** The Skipped node's (and the CLI's) reason for a file over the limit. */
export const TOO_LARGE = 'larger than 1 MB';

/**
 * Whether an open document's text is over the limit. Its length in UTF-16 units is a lower
 * bound of its size in UTF-8 bytes, and needs no encoding to measure.
 */
export function textOverLimit(text: string): boolean {
  return text.length > MAX_RULE_FILE_BYTES;
}
