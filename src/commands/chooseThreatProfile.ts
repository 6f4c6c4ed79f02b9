import * as vscode from 'vscode';
import { MAX_SMALL_DATA_FILE_BYTES, readDataText } from '../workspace/readDataFile';
import { noticeText } from '../outsideText';
import { LensContext } from '../context';
import { isLayerError, parseLayerText } from '../coverage/layerImport';
import { describeProfile, profileFromActors, profileFromIds, profileFromLayer, profileFromSetting, profileToSetting, ThreatProfile, ThreatProfileJson } from '../coverage/profile';
import { settingUri } from '../workspace/settingPath';
import { actorProfileName, readTechniqueList, techniqueListMessage } from './threatProfileChoices';
import { pickThreatProfile } from './threatProfilePicker';

// "ATT&CK Lens: Choose threat profile": the adversaries (groups, campaigns, software, found by
// name or alias), a Navigator layer, or a list of technique IDs, saved to the workspace setting
// `attackLens.threatProfile` so the team shares it (.vscode/settings.json).
// What is stored:
// - actors: `{ name, actors, source: 'actors' }` only. The techniques are derived from the loaded
//   ATT&CK data when read, so an ATT&CK update refreshes them and the file stays short.
// - a layer: its techniques and scores inline, with the file's workspace-relative path as
//   `detail`. Layers usually live outside the repo (Downloads, a red-team share), so a path
//   would break for everyone else; re-run the command to take a new version of the layer.
// - IDs: the techniques, weight 1 each.
// Arguments skip the UI (tests, tasks, keybindings): `{ actors: ['G0016'], name? }`,
// `{ layer: Uri | path }`, `{ ids: ['T1059.001'] | 'T1059.001, T1003', name? }`; `{ query: 'cozy bear' }`
// opens the picker with that search typed.

const CHOOSE_PROFILE_COMMAND = 'attackLens.chooseThreatProfile';

/** @public What the command returns to executeCommand callers. */
export type ChooseProfileResult = { readonly setting: Record<string, unknown>; readonly profile: ThreatProfile } | { readonly error: string; readonly field?: string } | undefined;

async function save(lens: LensContext, setting: Record<string, unknown>, profile: ThreatProfile, announce: boolean): Promise<ChooseProfileResult> {
  const where = await lens.config.update('threatProfile', setting, 'workspaceIfOpen');
  lens.log.info(`${describeProfile(profile)} saved to the ${where} setting attackLens.threatProfile`);
  if (announce) {
    void vscode.window.showInformationMessage(noticeText(`${describeProfile(profile)}. The Priority gaps view now ranks for it.`), 'Show priority gaps').then((a) => {
      if (a) void vscode.commands.executeCommand('attackLens.priorityGaps.focus');
    });
  }
  return { setting, profile };
}

function fail(error: string, field?: string): ChooseProfileResult {
  void vscode.window.showErrorMessage(noticeText(error));
  return { error, ...(field ? { field } : {}) };
}

async function saveActors(lens: LensContext, ids: readonly string[], name: string | undefined, announce: boolean): Promise<ChooseProfileResult> {
  const profile = profileFromActors(lens.index, ids, name);
  if (!profile.actors.length) return fail(`None of ${ids.join(', ')} is a group, campaign or software in ${lens.index.versionLabel}.`);
  const setting = { name: profile.name, actors: [...profile.actors], source: 'actors' };
  return save(lens, setting, profile, announce);
}

function layerUri(lens: LensContext, layer: vscode.Uri | string): vscode.Uri {
  return layer instanceof vscode.Uri ? layer : settingUri(lens.config.pathInWorkspace(layer));
}

async function saveLayer(lens: LensContext, uri: vscode.Uri, announce: boolean): Promise<ChooseProfileResult> {
  const shown = vscode.workspace.getWorkspaceFolder(uri) ? vscode.workspace.asRelativePath(uri, false) : uri.path.replace(/^.*\//, '');
  let text: string;
  try {
    text = await readDataText(uri, MAX_SMALL_DATA_FILE_BYTES);
  } catch (e) {
    return fail(`Cannot read ${shown}: ${(e as Error)?.message ?? String(e)}`);
  }
  const layer = parseLayerText(text, lens.index.primary?.domain);
  if (isLayerError(layer)) return fail(`${shown} is not a usable Navigator layer: ${layer.message}`, layer.field);
  const profile = profileFromLayer(layer, shown);
  const n = Object.keys(profile.techniques).length;
  if (!n) return fail(`${shown} (“${layer.name}”) marks no techniques (all disabled or none listed); the threat profile is unchanged.`, 'techniques');
  return save(lens, { ...profileToSetting(profile), source: 'layer' }, profile, announce);
}

async function saveIds(lens: LensContext, ids: readonly string[] | string, name: string | undefined, announce: boolean): Promise<ChooseProfileResult> {
  const reading = readTechniqueList(lens.index, typeof ids === 'string' ? ids : ids.join(' '));
  const problem = techniqueListMessage(reading, lens.index.versionLabel);
  if (problem?.error) return fail(problem.message);
  const profile = profileFromIds(reading.ids, name?.trim() || 'Technique list');
  return save(lens, profileToSetting(profile), profile, announce);
}

/** The one picker (src/commands/threatProfilePicker.ts), then what the chosen source needs. */
async function chooseInteractively(lens: LensContext, query?: string): Promise<ChooseProfileResult> {
  const current = profileFromSetting(lens.config.threatProfile as ThreatProfileJson, lens.index);
  const chosen = await pickThreatProfile(lens.index, lens.search, {
    title: current ? `Choose threat profile (now: ${describeProfile(current)})` : 'Choose threat profile (none yet: gaps are ranked by prevalence)',
    current: current?.source === 'actors' ? current.actors : [],
    canClear: current !== undefined,
    ...(query ? { query } : {}),
  });
  switch (chosen?.kind) {
    case undefined:
      return undefined;
    case 'clear':
      await vscode.commands.executeCommand('attackLens.clearThreatProfile');
      return undefined;
    case 'actors': {
      const named = actorProfileName(chosen.actors, current?.source === 'actors' ? current : undefined);
      const name = named.ask ? await vscode.window.showInputBox({ title: 'Threat profile name', value: named.name, prompt: 'Shown in the Priority gaps view and exported reports' }) : named.name;
      if (name === undefined) return undefined;
      return saveActors(lens, chosen.actors.map((a) => a.id), name.trim() || named.name, true);
    }
    case 'layer': {
      const file = (await vscode.window.showOpenDialog({ title: 'Threat profile from a Navigator layer', openLabel: 'Use as threat profile', canSelectMany: false, filters: { 'Navigator layer': ['json'], 'All files': ['*'] }, defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri }))?.[0];
      return file ? saveLayer(lens, file, true) : undefined;
    }
    case 'ids': {
      const name = current?.source === 'ids' ? current.name : undefined;
      if (chosen.typed) return saveIds(lens, chosen.typed.ids, name, true);
      const text = await vscode.window.showInputBox({
        title: 'Threat profile: technique IDs',
        prompt: 'Separated by commas, spaces or semicolons',
        placeHolder: 'T1059.001, T1003, T1566',
        value: current?.source === 'ids' ? Object.keys(current.techniques).join(', ') : '',
        validateInput: (v) => {
          const m = techniqueListMessage(readTechniqueList(lens.index, v), lens.index.versionLabel);
          return m ? { message: m.message, severity: m.error ? vscode.InputBoxValidationSeverity.Error : vscode.InputBoxValidationSeverity.Info } : undefined;
        },
      });
      return text === undefined ? undefined : saveIds(lens, text, name, true);
    }
  }
}

async function chooseThreatProfile(lens: LensContext, args?: unknown): Promise<ChooseProfileResult> {
  if (args && typeof args === 'object') {
    const a = args as Record<string, unknown>;
    const name = typeof a.name === 'string' ? a.name : undefined;
    if (Array.isArray(a.actors)) return saveActors(lens, a.actors.filter((x): x is string => typeof x === 'string'), name, false);
    if (a.layer instanceof vscode.Uri || typeof a.layer === 'string') return saveLayer(lens, layerUri(lens, a.layer), false);
    if (Array.isArray(a.ids) || typeof a.ids === 'string') return saveIds(lens, a.ids as string[] | string, name, false);
    // The actor picker with a search already typed (a link such as "add APT29 to the threat profile").
    if (typeof a.query === 'string') return chooseInteractively(lens, a.query);
    // A Uri from the explorer context menu: a layer file.
    if (args instanceof vscode.Uri) return saveLayer(lens, args, true);
  }
  return chooseInteractively(lens);
}

export function registerChooseThreatProfileCommand(lens: LensContext): vscode.Disposable {
  return vscode.commands.registerCommand(CHOOSE_PROFILE_COMMAND, (args?: unknown) => chooseThreatProfile(lens, args));
}
