import { AttackIndex } from '../attack/index';
import { parseRuleFile } from './index';
import { ParsedRuleFile, RuleFormat } from './types';

// How a rule file is parsed under its treatment, the same in the extension (attackLens.files,
// the editor's document format) and the CLI (by extension): which format, which ID pattern,
// which root. Every parse of a rule file goes through parseTreated.

/** A file's format, or `auto`: detected by content; a file no detector claims names nothing. */
export type Treatment = RuleFormat | 'auto';

export interface TreatedFile {
  readonly treatment: Treatment;
  /** attackLens.generic.idPattern, compiled; only `generic` files use it (undefined: the built-in pattern). */
  readonly genericPattern?: RegExp;
  /** The folder above the rules (a prefix of the path): only folders below it make a rule deprecated. */
  readonly root?: string;
}

/** `path` is the file's URI string in the extension and its file-system path in the CLI (see ParsedRuleFile.path). */
export function parseTreated(text: string, path: string, index: AttackIndex | undefined, file: TreatedFile): ParsedRuleFile {
  // `auto` never gets the pattern: with one, an undetected file would be read as generic.
  const genericPattern = file.treatment === 'generic' ? file.genericPattern : undefined;
  return parseRuleFile(text, path, index, { format: file.treatment, genericPattern, root: file.root });
}
