import * as path from 'path';
import { mergeMappings, readMappings, shippedMappings, TelemetryMappings } from '../coverage/telemetry';
import { UsageError } from './args';
import { readJsoncFile, settingsObject } from './settingsFile';

// `attack-lens coverage --mappings FILE`: telemetry mappings on top of the shipped ones, as the
// editor takes them from attackLens.telemetry.mappings. FILE is a mappings file (the shipped
// file's shape, or `{ "<format>:<value>": ["DC…"] }` entries), or a VS Code settings file holding
// attackLens.telemetry.mappings: its entries, or the path of a mappings file, read against the
// workspace folder (the folder holding `.vscode/`).

const KEY = 'attackLens.telemetry.mappings';

export function readMappingsFlag(file: string | undefined): TelemetryMappings {
  if (!file) return shippedMappings();
  const json = readJsoncFile(file, '--mappings');
  const settings = settingsObject(json, KEY);
  let value: unknown = json;
  let source = `--mappings ${file}`;
  if (settings && KEY in settings) {
    value = settings[KEY];
    if (typeof value === 'string') {
      const dir = path.dirname(file);
      const folder = path.basename(dir) === '.vscode' ? path.dirname(dir) : dir;
      const named = path.resolve(folder, value);
      value = readJsoncFile(named, `--mappings ${file}: ${KEY}`);
      source = `--mappings ${named}`;
    }
  }
  const { mappings, problems } = readMappings(value, source);
  if (problems.length) throw new UsageError(problems.slice(0, 3).join('; ') + (problems.length > 3 ? `; and ${problems.length - 3} more` : ''));
  return mergeMappings(shippedMappings(), mappings);
}
