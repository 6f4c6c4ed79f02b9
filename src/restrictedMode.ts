import * as vscode from 'vscode';
import { parse as parseJsonc } from 'jsonc-parser';
import { RESTRICTED_SETTINGS, restrictedKeysIn, SECTION } from './restrictedSettings';
import { LensContext } from './context';
import { noticeText } from './outsideText';

// Restricted Mode (an untrusted workspace): completion, hover, diagnostics and coverage work on the
// shipped ATT&CK data, and the workspace's values of the settings that name files, URLs or patterns
// are ignored (Config.restricted). Once per session a notice names the ones this workspace sets.
// VS Code hides those values from getConfiguration in Restricted Mode, so they are read from the
// workspace's settings files themselves.

/** A settings file bigger than this is not read for the notice (it is only for naming settings, never for their values). */
const MAX_SETTINGS_BYTES = 1024 * 1024;

async function readSettingsFile(uri: vscode.Uri, pick: (json: string) => string[]): Promise<string[]> {
  try {
    const stat = await vscode.workspace.fs.stat(uri);
    if (stat.type !== vscode.FileType.File || stat.size > MAX_SETTINGS_BYTES) return [];
    return pick(new TextDecoder().decode(await vscode.workspace.fs.readFile(uri)));
  } catch {
    return []; // no settings file
  }
}

/** The restricted settings this workspace sets in its folders' .vscode/settings.json or its .code-workspace file. */
async function restrictedSettingsInWorkspace(): Promise<string[]> {
  const files: Promise<string[]>[] = (vscode.workspace.workspaceFolders ?? []).map((f) => readSettingsFile(vscode.Uri.joinPath(f.uri, '.vscode', 'settings.json'), restrictedKeysIn));
  const workspaceFile = vscode.workspace.workspaceFile;
  if (workspaceFile && workspaceFile.scheme !== 'untitled') {
    files.push(readSettingsFile(workspaceFile, (text) => {
      const json = parseJsonc(text, [], { allowTrailingComma: true }) as { settings?: unknown } | undefined;
      return json && typeof json === 'object' && json.settings ? restrictedKeysIn(JSON.stringify(json.settings)) : [];
    }));
  }
  const found = new Set((await Promise.all(files)).flat());
  return RESTRICTED_SETTINGS.map((r) => `${SECTION}.${r}`).filter((k) => found.has(k));
}

/** The one notice: which settings Restricted Mode ignores here, with a way to trust the folder. */
function restrictedModeMessage(ignored: readonly string[]): string {
  const names = ignored.length === 1 ? ignored[0] : `${ignored.slice(0, -1).join(', ')} and ${ignored[ignored.length - 1]}`;
  return noticeText(`ATT&CK Lens is in Restricted Mode: this workspace's ${names} ${ignored.length === 1 ? 'is' : 'are'} ignored until you trust it. Completion, hover, diagnostics and coverage use the ATT&CK data shipped with the extension.`);
}

/** Shows the notice once per session when the workspace is untrusted and sets restricted settings. */
export function registerRestrictedModeNotice(lens: LensContext): vscode.Disposable {
  if (vscode.workspace.isTrusted) return { dispose: () => undefined };
  void restrictedSettingsInWorkspace().then((ignored) => {
    if (ignored.length === 0 || vscode.workspace.isTrusted) return;
    lens.log.info(`Restricted Mode: ignoring the workspace's ${ignored.join(', ')}`);
    void vscode.window.showInformationMessage(restrictedModeMessage(ignored), 'Manage Workspace Trust').then((choice) => {
      if (choice) void vscode.commands.executeCommand('workbench.trust.manage');
    });
  });
  return vscode.workspace.onDidGrantWorkspaceTrust(() => lens.log.info('Workspace trusted: its ATT&CK Lens settings apply now'));
}
