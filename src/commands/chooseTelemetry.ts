import * as vscode from 'vscode';
import { DataComponent, Domain } from '../attack/types';
import { LensContext } from '../context';
import { allCollected, readTelemetryProfile, TelemetryFileError, telemetryJsonFromText, TelemetryReading, telemetryReadingMessage } from '../coverage/telemetryProfile';
import { noticeText, pickText } from '../outsideText';
import { TelemetryProfileState } from '../state/telemetryProfile';
import { MAX_SMALL_DATA_FILE_BYTES, readDataText } from '../workspace/readDataFile';
import { settingUri } from '../workspace/settingPath';

// "ATT&CK Lens: Choose telemetry": what the team collects, saved to the workspace setting
// `attackLens.telemetry` (.vscode/settings.json, so the team shares it). The picker lists the data
// components of the domains in scope grouped by data source, each with the log sources ATT&CK lists
// for it in its detail line, so typing `WinEventLog:Sysmon` finds the components Sysmon feeds. It
// opens with the current profile's components checked, and those the workspace's rules read
// (`rulesRead`, given at registration). An item reads the profile from a file instead.
// Arguments skip the UI (tests, tasks): `{ dataComponents?, logSources?, platforms?, name? }` as the
// setting holds them, or `{ file: Uri | path }` (JSON or YAML, a settings file, a DeTT&CT file);
// `{ query: 'WinEventLog:Sysmon' }` opens the picker with that search typed.
// Names ATT&CK does not know are named in a warning and left out; nothing known is an error.

const CHOOSE_TELEMETRY_COMMAND = 'attackLens.chooseTelemetry';
const KEPT_KEYS = new Set(['name', 'platforms', 'quality']);

/** @public What the command returns to executeCommand callers. */
export type ChooseTelemetryResult = { readonly setting: Record<string, unknown>; readonly collected: readonly string[]; readonly warning?: string } | { readonly error: string } | undefined;

/** The data component IDs the workspace's rules read (issue #12 §1). */
export type RulesRead = () => ReadonlySet<string>;

interface ComponentItem extends vscode.QuickPickItem {
  readonly component?: DataComponent;
  readonly fromFile?: true;
}

function fail(error: string): ChooseTelemetryResult {
  void vscode.window.showErrorMessage(noticeText(error));
  return { error };
}

async function save(lens: LensContext, setting: Record<string, unknown>, reading: TelemetryReading, announce: boolean): Promise<ChooseTelemetryResult> {
  const problem = telemetryReadingMessage(reading, lens.index.versionLabel);
  const collected = reading.profile ? allCollected(reading.profile) : [];
  if (!collected.length) return fail(`The telemetry names no data component or log source of ${lens.index.versionLabel}${problem ? `: ${problem}` : ''}; attackLens.telemetry is unchanged.`);
  if (reading.problems.length) return fail(`The telemetry cannot be read: ${problem}; attackLens.telemetry is unchanged.`);
  const where = await lens.config.update('telemetry', setting, 'workspaceIfOpen');
  lens.log.info(`Telemetry: ${collected.length} data components saved to the ${where} setting attackLens.telemetry`);
  if (problem) void vscode.window.showWarningMessage(noticeText(`Telemetry saved without ${problem}.`));
  else if (announce) void vscode.window.showInformationMessage(`Telemetry: ${collected.length} data component${collected.length === 1 ? '' : 's'} collected.`);
  return { setting, collected, ...(problem ? { warning: problem } : {}) };
}

async function saveSetting(lens: LensContext, setting: Record<string, unknown>, announce: boolean): Promise<ChooseTelemetryResult> {
  return save(lens, setting, readTelemetryProfile(setting, lens.index), announce);
}

async function saveFile(lens: LensContext, uri: vscode.Uri, announce: boolean): Promise<ChooseTelemetryResult> {
  const shown = vscode.workspace.getWorkspaceFolder(uri) ? vscode.workspace.asRelativePath(uri, false) : uri.path.replace(/^.*\//, '');
  let setting: Record<string, unknown>;
  try {
    setting = telemetryJsonFromText(await readDataText(uri, MAX_SMALL_DATA_FILE_BYTES), uri.path);
  } catch (e) {
    if (e instanceof TelemetryFileError) return fail(`${shown} is not a telemetry profile: ${e.message}`);
    return fail(`Cannot read ${shown}: ${(e as Error)?.message ?? String(e)}`);
  }
  return saveSetting(lens, setting, announce);
}

/** "Log sources: WinEventLog:Sysmon, WinEventLog:Security, …": what QuickPick matches a typed log source name against. */
function logSourceDetail(lens: LensContext, id: string): string {
  const names = [...lens.index.logSourcesOf(id).keys()];
  return names.length ? `Log sources: ${names.join(', ')}` : 'No log source listed';
}

/** The file item, then a separator per data source followed by its data components. */
function componentItems(lens: LensContext, domains: readonly Domain[]): ComponentItem[] {
  const items: ComponentItem[] = [
    {
      label: '$(file) Read from a file…',
      detail: 'JSON or YAML with dataComponents / logSources, a settings file with attackLens.telemetry, or a DeTT&CT data-source administration file',
      fromFile: true,
      alwaysShow: true,
    },
  ];
  for (const group of lens.index.dataSources(domains)) {
    items.push({ label: group.name ? pickText(group.name) : 'Other data components', kind: vscode.QuickPickItemKind.Separator });
    for (const c of group.dataComponents) items.push({ component: c, label: pickText(c.name), description: c.id, detail: pickText(logSourceDetail(lens, c.id)) });
  }
  return items;
}

function pickComponents(lens: LensContext, checked: ReadonlySet<string>, query: string): Promise<readonly ComponentItem[] | undefined> {
  const domains = lens.config.domains.filter((d) => lens.index.domain(d));
  const pick = vscode.window.createQuickPick<ComponentItem>();
  pick.canSelectMany = true;
  pick.title = 'Telemetry: the data components you collect';
  pick.placeholder = 'Type a data component or a log source (WinEventLog:Sysmon, auditd:SYSCALL, AWS:CloudTrail); check what you collect';
  pick.matchOnDescription = true;
  pick.matchOnDetail = true;
  pick.items = componentItems(lens, domains.length ? domains : [lens.index.primary?.domain ?? 'enterprise-attack']);
  pick.selectedItems = pick.items.filter((i) => i.component && checked.has(i.component.id));
  pick.value = query;
  return new Promise((resolve) => {
    let accepted = false;
    pick.onDidAccept(() => {
      accepted = true;
      resolve(pick.selectedItems);
      pick.hide();
    });
    pick.onDidHide(() => {
      if (!accepted) resolve(undefined);
      pick.dispose();
    });
    pick.show();
  });
}

async function chooseInteractively(lens: LensContext, state: TelemetryProfileState, rulesRead: RulesRead, query = ''): Promise<ChooseTelemetryResult> {
  // What is collected everywhere; per-platform lists are kept as they are, not checked here.
  const checked = new Set([...(state.profile?.collected ?? []), ...rulesRead()]);
  const picked = await pickComponents(lens, checked, query);
  if (!picked) return undefined;
  if (picked.some((i) => i.fromFile)) {
    const file = (
      await vscode.window.showOpenDialog({
        title: 'Telemetry from a file',
        openLabel: 'Use as telemetry',
        canSelectMany: false,
        filters: { 'Telemetry profile': ['json', 'yaml', 'yml', 'code-workspace'], 'All files': ['*'] },
        defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
      })
    )?.[0];
    return file ? saveFile(lens, file, true) : undefined;
  }
  // Per-platform lists, a name and quality scores are kept; the checked components replace the rest. Only
  // these keys: the merged value also holds the keys of settings under it (attackLens.telemetry.mappings).
  const kept = Object.fromEntries(Object.entries(lens.config.telemetry).filter(([k]) => KEPT_KEYS.has(k)));
  const ids = picked.flatMap((i) => (i.component ? [i.component.id] : []));
  if (!ids.length && !('platforms' in kept)) {
    await lens.config.update('telemetry', undefined, 'workspaceIfOpen');
    void vscode.window.showInformationMessage('Telemetry cleared: no technique states are shown.');
    return undefined;
  }
  return saveSetting(lens, { ...kept, dataComponents: ids }, true);
}

async function chooseTelemetry(lens: LensContext, state: TelemetryProfileState, rulesRead: RulesRead, args?: unknown): Promise<ChooseTelemetryResult> {
  if (args instanceof vscode.Uri) return saveFile(lens, args, true);
  if (args && typeof args === 'object') {
    const a = args as Record<string, unknown>;
    if (a.file instanceof vscode.Uri) return saveFile(lens, a.file, false);
    if (typeof a.file === 'string') return saveFile(lens, settingUri(lens.config.pathInWorkspace(a.file)), false);
    if ('dataComponents' in a || 'logSources' in a || 'platforms' in a) return saveSetting(lens, a, false);
    // The picker with a search already typed (a log source name, say).
    if (typeof a.query === 'string') return chooseInteractively(lens, state, rulesRead, a.query);
  }
  return chooseInteractively(lens, state, rulesRead);
}

/** `rulesRead` gives the data components the workspace's rules read, checked when the picker opens. */
export function registerChooseTelemetryCommand(lens: LensContext, state: TelemetryProfileState, rulesRead: RulesRead = () => new Set()): vscode.Disposable {
  return vscode.commands.registerCommand(CHOOSE_TELEMETRY_COMMAND, (args?: unknown) => chooseTelemetry(lens, state, rulesRead, args));
}
