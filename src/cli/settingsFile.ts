import { parse as parseJsonc, ParseError, printParseErrorCode } from 'jsonc-parser';
import { MAX_SMALL_FILE_BYTES, readRegularFile } from '../node/readRegularFile';
import { UsageError } from './args';

// A JSON file with comments as VS Code writes it (.vscode/settings.json, a .code-workspace file,
// a Navigator layer): read for `--profile` and `--settings`. Anything that keeps it from being
// read is bad usage, one line naming the flag and the file.

/** The file's JSON; `flag` (`--settings`) names the option in the error. */
export function readJsoncFile(file: string, flag: string): unknown {
  const read = readRegularFile(file, MAX_SMALL_FILE_BYTES);
  if ('refused' in read) throw new UsageError(`${flag} ${file}: cannot read the file: ${read.refused}`);
  const text = read.bytes.toString('utf8').replace(/^\uFEFF/, '');
  const errors: ParseError[] = [];
  let json: unknown;
  try {
    json = parseJsonc(text, errors, { allowTrailingComma: true });
  } catch (e) {
    // jsonc-parser recurses per level: a file nested thousands deep is refused, not a stack overflow.
    if (e instanceof RangeError) throw new UsageError(`${flag} ${file}: nested too deeply to read`);
    throw e;
  }
  if (errors.length) {
    const line = text.slice(0, errors[0].offset).split('\n').length;
    throw new UsageError(`${flag} ${file}: not valid JSON (${printParseErrorCode(errors[0].error)} on line ${line})`);
  }
  return json;
}

/** The settings object of a settings file, or of a .code-workspace file (its `settings`) when that holds `key`. */
export function settingsObject(json: unknown, key: string): Record<string, unknown> | undefined {
  if (isObject(json) && isObject(json.settings) && key in json.settings) return json.settings;
  return isObject(json) ? json : undefined;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
