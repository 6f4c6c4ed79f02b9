import * as fs from 'fs';
import * as path from 'path';
import { AttackIndex } from '../attack/index';
import { normalizeId } from '../attack/ids';
import { isLayerError, parseLayer } from '../coverage/layerImport';
import { profileFromActors, profileFromIds, profileFromLayer, profileFromSetting, ThreatProfile, ThreatProfileJson } from '../coverage/profile';
import { UsageError } from './args';
import { readJsoncFile, settingsObject } from './settingsFile';

// `attack-lens coverage --profile SPEC`: the threat profile a CI run ranks gaps against, the
// same one the team's editors use. SPEC is
// - a VS Code settings file (`.vscode/settings.json`, or a `.code-workspace` file's `settings`)
//   holding `attackLens.threatProfile`, as "Choose threat profile" writes it; comments allowed;
// - a Navigator layer file (any 4.x): its techniques weighted by score;
// - or a comma list of actors (IDs, names or aliases: `G0016,FIN7`) or of technique IDs.

const ACTOR_TYPES = new Set(['group', 'software', 'campaign']);

export function readProfileFlag(spec: string, index: AttackIndex): ThreatProfile {
  if (fs.existsSync(spec)) return profileFromFile(spec, index);
  const tokens = spec.split(',').map((t) => t.trim()).filter(Boolean);
  if (!tokens.length) throw new UsageError('--profile needs a settings file, a Navigator layer, or a comma list of actors or technique IDs');
  if (tokens.every((t) => /^t\d{4}(?:\.\d{3})?$/i.test(t))) {
    const unknown = tokens.filter((t) => !index.resolve(t));
    if (unknown.length) throw new UsageError(`--profile: ${unknown.join(', ')} not in ${index.versionLabel}`);
    return profileFromIds(tokens.map((t) => index.resolve(t)!.id));
  }
  const ids: string[] = [];
  for (const token of tokens) {
    const byId = index.resolve(normalizeId(token) ?? token);
    const found = byId && ACTOR_TYPES.has(byId.kind) ? [byId] : index.byExactName(token).filter((e) => ACTOR_TYPES.has(e.kind) && index.isActive(e));
    if (!found.length) throw new UsageError(`--profile: "${token}" is not a group, software or campaign of ${index.versionLabel} (nor a file)`);
    ids.push(found[0].id);
  }
  return profileFromActors(index, ids);
}

function profileFromFile(file: string, index: AttackIndex): ThreatProfile {
  const json = readJsoncFile(file, '--profile');
  const settings = settingsObject(json, 'attackLens.threatProfile');
  if (settings && 'attackLens.threatProfile' in settings) {
    const profile = profileFromSetting(settings['attackLens.threatProfile'] as ThreatProfileJson, index);
    if (!profile) throw new UsageError(`--profile ${file}: attackLens.threatProfile names no actors or techniques`);
    return profile;
  }
  const layer = parseLayer(json, index.primary?.domain);
  if (isLayerError(layer)) throw new UsageError(`--profile ${file}: neither a settings file with attackLens.threatProfile nor a usable Navigator layer: ${layer.message}`);
  return profileFromLayer(layer, path.basename(file));
}
