import { parseJsoncText } from '../core/jsonc';
import { MAX_SMALL_FILE_BYTES, readRegularFile } from '../node/readRegularFile';
import { UsageError } from './args';

// A JSON file with comments as VS Code writes it (.vscode/settings.json, a .code-workspace file,
// a Navigator layer): read for `--profile` and `--settings`. Anything that keeps it from being
// read is bad usage, one line naming the flag and the file.

/** The file's JSON; `flag` (`--settings`) names the option in the error. */
export function readJsoncFile(file: string, flag: string): unknown {
  const read = readRegularFile(file, MAX_SMALL_FILE_BYTES);
  if ('refused' in read) throw new UsageError(`${flag} ${file}: cannot read the file: ${read.refused}`);
  const parsed = parseJsoncText(read.bytes.toString('utf8'));
  if ('error' in parsed) throw new UsageError(`${flag} ${file}: ${parsed.error}`);
  return parsed.value;
}

/** The settings object of a settings file, or of a .code-workspace file (its `settings`) when that holds `key`. */
export function settingsObject(json: unknown, key: string): Record<string, unknown> | undefined {
  if (isObject(json) && isObject(json.settings) && key in json.settings) return json.settings;
  return isObject(json) ? json : undefined;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
