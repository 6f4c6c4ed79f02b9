import * as vscode from 'vscode';
import { MAX_SMALL_DATA_FILE_BYTES, readDataText } from '../workspace/readDataFile';
import { noticeText, pickText } from '../outsideText';
import { Actor } from '../attack/types';
import { LensContext } from '../context';
import { isLayerError, parseLayerText } from '../coverage/layerImport';
import { describeProfile, profileFromActors, profileFromIds, profileFromLayer, profileFromSetting, profileToSetting, ThreatProfile, ThreatProfileJson } from '../coverage/profile';
import { settingUri } from '../workspace/settingPath';
import { actorDetail, allActors, readTechniqueList, searchActors, techniqueListMessage } from './threatProfileChoices';

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
// opens the actor picker with that search typed.

const CHOOSE_PROFILE_COMMAND = 'attackLens.chooseThreatProfile';

/** @public What the command returns to executeCommand callers. */
export type ChooseProfileResult = { readonly setting: Record<string, unknown>; readonly profile: ThreatProfile } | { readonly error: string; readonly field?: string } | undefined;

interface ActorItem extends vscode.QuickPickItem {
  readonly actor: Actor;
}

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

/** The multi-select actor picker, searching names and aliases as the user types; current actors pre-selected. */
function pickActors(lens: LensContext, current: readonly string[], query = ''): Promise<Actor[] | undefined> {
  const pick = vscode.window.createQuickPick<ActorItem>();
  pick.canSelectMany = true;
  pick.title = 'Threat profile: the adversaries that target you';
  pick.placeholder = 'Type a group, campaign or software name or alias (Cozy Bear, FIN7, Cobalt Strike); select several';
  pick.matchOnDescription = true;
  pick.matchOnDetail = true;
  const chosen = new Map<string, Actor>();
  for (const a of current) {
    const e = lens.index.resolve(a);
    if (e && (e.kind === 'group' || e.kind === 'campaign' || e.kind === 'software')) chosen.set(e.id, e);
  }
  const item = (a: Actor): ActorItem => ({ actor: a, label: pickText(a.name), description: pickText(a.id), detail: pickText(actorDetail(a)), alwaysShow: true });
  let shown: ActorItem[] = [];
  let updating = false;
  const update = (value: string) => {
    const found = value.trim() ? searchActors(lens.search, value, 60) : allActors(lens.index);
    const selected = [...chosen.values()];
    const rest = found.filter((a) => !chosen.has(a.id));
    shown = [...selected, ...rest].map(item);
    updating = true;
    pick.items = shown;
    pick.selectedItems = shown.filter((i) => chosen.has(i.actor.id));
    updating = false;
  };
  pick.onDidChangeSelection((sel) => {
    if (updating) return;
    const ids = new Set(sel.map((i) => i.actor.id));
    for (const i of shown) {
      if (ids.has(i.actor.id)) chosen.set(i.actor.id, i.actor);
      else chosen.delete(i.actor.id);
    }
  });
  pick.onDidChangeValue(update);
  pick.value = query;
  update(query);
  return new Promise((resolve) => {
    let accepted = false;
    pick.onDidAccept(() => {
      accepted = true;
      resolve([...chosen.values()]);
      pick.hide();
    });
    pick.onDidHide(() => {
      if (!accepted) resolve(undefined);
      pick.dispose();
    });
    pick.show();
  });
}

/** The actor picker (optionally searching for `query` already), then the profile's name. */
async function chooseActors(lens: LensContext, current: ThreatProfile | undefined, query = ''): Promise<ChooseProfileResult> {
  const actors = await pickActors(lens, current?.source === 'actors' ? current.actors : [], query);
  if (!actors?.length) return undefined;
  const suggested = actors.map((a) => a.name).join(', ');
  const name = await vscode.window.showInputBox({ title: 'Threat profile name', value: current?.source === 'actors' && current.actors.join() === actors.map((a) => a.id).join() ? current.name : suggested, prompt: 'Shown in the Priority gaps view and exported reports' });
  if (name === undefined) return undefined;
  return saveActors(lens, actors.map((a) => a.id), name.trim() || suggested, true);
}

async function chooseInteractively(lens: LensContext): Promise<ChooseProfileResult> {
  const current = profileFromSetting(lens.config.threatProfile as ThreatProfileJson, lens.index);
  type Source = vscode.QuickPickItem & { readonly source: 'actors' | 'layer' | 'ids' | 'clear' };
  const sources: Source[] = [
    { source: 'actors', label: '$(organization) Adversaries', detail: 'Groups, campaigns and software from ATT&CK; each technique weighs how many of them use it' },
    { source: 'layer', label: '$(file) Navigator layer…', detail: 'An ATT&CK Navigator 4.x layer file (a threat report, a red-team plan); weights are its scores' },
    { source: 'ids', label: '$(list-flat) Technique IDs…', detail: 'A plain list such as T1059.001, T1003, T1566' },
  ];
  if (current) sources.push({ source: 'clear', label: '$(close) Clear threat profile', detail: 'Rank gaps by prevalence (how many ATT&CK groups use each technique)' });
  const source = await vscode.window.showQuickPick(sources, {
    title: current ? `Choose threat profile (now: ${describeProfile(current)})` : 'Choose threat profile (none yet: gaps are ranked by prevalence)',
    placeHolder: 'Where the techniques that matter come from',
  });
  if (!source) return undefined;
  if (source.source === 'clear') {
    await vscode.commands.executeCommand('attackLens.clearThreatProfile');
    return undefined;
  }
  if (source.source === 'actors') return chooseActors(lens, current);
  if (source.source === 'layer') {
    const file = (await vscode.window.showOpenDialog({ title: 'Threat profile from a Navigator layer', openLabel: 'Use as threat profile', canSelectMany: false, filters: { 'Navigator layer': ['json'], 'All files': ['*'] }, defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri }))?.[0];
    return file ? saveLayer(lens, file, true) : undefined;
  }
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
  return text === undefined ? undefined : saveIds(lens, text, current?.source === 'ids' ? current.name : undefined, true);
}

async function chooseThreatProfile(lens: LensContext, args?: unknown): Promise<ChooseProfileResult> {
  if (args && typeof args === 'object') {
    const a = args as Record<string, unknown>;
    const name = typeof a.name === 'string' ? a.name : undefined;
    if (Array.isArray(a.actors)) return saveActors(lens, a.actors.filter((x): x is string => typeof x === 'string'), name, false);
    if (a.layer instanceof vscode.Uri || typeof a.layer === 'string') return saveLayer(lens, layerUri(lens, a.layer), false);
    if (Array.isArray(a.ids) || typeof a.ids === 'string') return saveIds(lens, a.ids as string[] | string, name, false);
    // The actor picker with a search already typed (a link such as "add APT29 to the threat profile").
    if (typeof a.query === 'string') return chooseActors(lens, profileFromSetting(lens.config.threatProfile as ThreatProfileJson, lens.index), a.query);
    // A Uri from the explorer context menu: a layer file.
    if (args instanceof vscode.Uri) return saveLayer(lens, args, true);
  }
  return chooseInteractively(lens);
}

export function registerChooseThreatProfileCommand(lens: LensContext): vscode.Disposable {
  return vscode.commands.registerCommand(CHOOSE_PROFILE_COMMAND, (args?: unknown) => chooseThreatProfile(lens, args));
}
