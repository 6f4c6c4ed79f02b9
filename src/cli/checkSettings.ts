import * as path from 'path';
import { FINDING_CODES, FindingCode } from '../checks/findings';
import { isSeverity, Severity, SEVERITIES, severityFor } from '../checks/severity';
import { FILE_TREATMENTS, FileTreatment } from '../rules/fileTreatment';
import { compileIdPattern } from '../rules/idPattern';
import { UsageError } from './args';
import { isObject, readJsoncFile } from './settingsFile';

// `check --settings FILE` and `--severity CODE=LEVEL`: the settings the editor's diagnostics use,
// read from a VS Code settings file (or a .code-workspace file's `settings`), so CI and the editor
// agree. A value of the wrong shape is bad usage: CI should not silently check something else.

const KEYS = ['attackLens.diagnostics.severity', 'attackLens.files', 'attackLens.generic.idPattern'] as const;

export interface CheckSettings {
  /** attackLens.diagnostics.severity with the --severity flags over it. */
  readonly severity: Readonly<Record<string, Severity>>;
  /** attackLens.files, when the file sets it (glob → treatment). */
  readonly files?: Readonly<Record<string, FileTreatment>>;
  /** attackLens.generic.idPattern, compiled; undefined for the built-in pattern. */
  readonly genericPattern?: RegExp;
  /** The folder the attackLens.files globs are relative to: the workspace folder the file belongs to. */
  readonly base: string;
}

export function readCheckSettings(file: string | undefined, severityFlags: readonly string[], cwd: string): CheckSettings {
  let settings: Record<string, unknown> = {};
  let base = cwd;
  if (file) {
    const json = readJsoncFile(file, '--settings');
    const workspace = isObject(json) && isObject(json.settings) && Array.isArray(json.folders);
    const object = workspace ? json.settings : json;
    if (!isObject(object)) throw new UsageError(`--settings ${file}: not a settings file (a JSON object of settings)`);
    settings = object;
    const dir = path.dirname(path.resolve(file));
    base = path.basename(dir) === '.vscode' ? path.dirname(dir) : dir;
  }
  const bad = (key: string, why: string) => new UsageError(`--settings ${file}: ${key} ${why}`);

  const severity: Record<string, Severity> = {};
  const overrides = settings[KEYS[0]];
  if (overrides !== undefined) {
    if (!isObject(overrides)) throw bad(KEYS[0], 'must be an object of code → level');
    for (const [code, value] of Object.entries(overrides)) {
      if (!isSeverity(value)) throw bad(KEYS[0], `"${code}": "${String(value)}" is not one of ${SEVERITIES.join(', ')}`);
      severity[code] = value;
    }
  }
  for (const flag of severityFlags) {
    const m = /^([^=]+)=(.*)$/.exec(flag);
    const code = m && (m[1].startsWith('attack-lens/') ? m[1] : `attack-lens/${m[1]}`);
    if (!m || !code || !Object.hasOwn(FINDING_CODES, code)) throw new UsageError(`--severity takes CODE=LEVEL with a finding code (${Object.keys(FINDING_CODES).join(', ')}), not "${flag}"`);
    if (!isSeverity(m[2])) throw new UsageError(`--severity ${flag}: the level must be one of ${SEVERITIES.join(', ')}`);
    severity[code] = m[2];
  }

  const filesValue = settings[KEYS[1]];
  let files: Record<string, FileTreatment> | undefined;
  if (filesValue !== undefined) {
    if (!isObject(filesValue)) throw bad(KEYS[1], 'must be an object of glob → treatment');
    for (const [glob, t] of Object.entries(filesValue))
      if (!(FILE_TREATMENTS as readonly unknown[]).includes(t)) throw bad(KEYS[1], `"${glob}": "${String(t)}" is not one of ${FILE_TREATMENTS.join(', ')}`);
    files = Object.keys(filesValue).length ? (filesValue as Record<string, FileTreatment>) : undefined;
  }

  const pattern = settings[KEYS[2]];
  let genericPattern: RegExp | undefined;
  if (pattern !== undefined && pattern !== '') {
    if (typeof pattern !== 'string') throw bad(KEYS[2], 'must be a string');
    const compiled = compileIdPattern(pattern);
    if ('error' in compiled) throw bad(KEYS[2], compiled.error);
    genericPattern = compiled.re;
  }
  return { severity, files, genericPattern, base };
}

/** A finding's severity under these settings, as the editor's diagnostics compute it. */
export function effectiveSeverity(settings: CheckSettings, code: FindingCode, fallback: Severity): Severity {
  return severityFor(settings.severity, code, fallback);
}
