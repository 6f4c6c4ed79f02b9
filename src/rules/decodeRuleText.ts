import { MAX_RULE_FILE_BYTES, TOO_LARGE } from './fileSize';

// Rule file bytes → text, the same in the extension and the CLI: which files are refused, and
// which encodings are read.

/**
 * Text of a rule file, or why it is skipped. UTF-8 (a BOM is dropped; invalid bytes are
 * replaced, not refused) or UTF-16 with a BOM, as Windows PowerShell writes it and VS Code
 * reads it; anything else with a NUL byte is binary.
 */
export function decodeRuleText(bytes: Uint8Array): { readonly text: string } | { readonly skipped: string } {
  if (bytes.byteLength > MAX_RULE_FILE_BYTES) return { skipped: TOO_LARGE };
  const utf16 = bytes[0] === 0xff && bytes[1] === 0xfe ? utf16le : bytes[0] === 0xfe && bytes[1] === 0xff ? utf16be : undefined;
  if (utf16) return { text: utf16.decode(bytes) };
  if (bytes.indexOf(0) >= 0) return { skipped: 'binary' };
  return { text: utf8.decode(bytes) };
}

const utf8 = new TextDecoder('utf-8');
const utf16le = new TextDecoder('utf-16le');
const utf16be = new TextDecoder('utf-16be');
