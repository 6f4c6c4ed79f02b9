import * as fs from 'fs';
import { applyEdits, fixAllEdits } from '../checks/fixAll';
import { Finding, TextEdit } from '../checks/findings';
import { describeFsError } from '../node/readRegularFile';
import { CheckedFile } from './checkReport';

// `check --fix`: the editor's "Fix all" on each file (fixAllEdits over the findings the settings
// leave on), written back in the file's own encoding.

export interface FixPlan {
  readonly edits: readonly TextEdit[];
  readonly fixed: readonly Finding[];
  readonly text: string;
}

/** The fixed text of a checked file, or undefined when no finding has an unambiguous fix. */
export function planFix(file: CheckedFile): FixPlan | undefined {
  const { edits, fixed } = fixAllEdits(file.findings.map((f) => f.finding));
  if (!edits.length) return undefined;
  return { edits, fixed, text: applyEdits(file.text, edits) };
}

/** One line per fix: `line 12: Replace with T1059.001 … (attack-lens/revoked)`. */
export function describeFixes(plan: FixPlan): string[] {
  return plan.fixed.map((f) => `line ${f.span.start.line + 1}: ${f.fixes.find((x) => x.isPreferred)?.title ?? '?'} (${f.code})`);
}

/**
 * The bytes to write for `text` in the encoding of `original` (a UTF-8 or UTF-16 BOM kept), or
 * undefined when reading did not give `oldText` back exactly (invalid UTF-8, which reading
 * replaced, or a file changed since): writing would rewrite bytes the fixes are not about.
 */
function encodeLike(original: Buffer, oldText: string, text: string): Buffer | undefined {
  const utf16 = original[0] === 0xff && original[1] === 0xfe ? 'le' : original[0] === 0xfe && original[1] === 0xff ? 'be' : undefined;
  const bomLength = utf16 ? 2 : original[0] === 0xef && original[1] === 0xbb && original[2] === 0xbf ? 3 : 0;
  const encode = (t: string) => (utf16 === 'le' ? Buffer.from(t, 'utf16le') : utf16 === 'be' ? Buffer.from(t, 'utf16le').swap16() : Buffer.from(t, 'utf8'));
  if (!encode(oldText).equals(original.subarray(bomLength))) return undefined;
  return Buffer.concat([original.subarray(0, bomLength), encode(text)]);
}

/** Writes the plan over the file; the reason when it cannot. */
export function writeFix(file: CheckedFile, plan: FixPlan): string | undefined {
  let original: Buffer;
  try {
    original = fs.readFileSync(file.path);
  } catch (e) {
    return `cannot read it again: ${describeFsError(e)}`;
  }
  const bytes = encodeLike(original, file.text, plan.text);
  if (!bytes) return 'not valid UTF-8, or changed while it was checked';
  try {
    fs.writeFileSync(file.path, bytes);
  } catch (e) {
    return `cannot write it: ${describeFsError(e)}`;
  }
  return undefined;
}
