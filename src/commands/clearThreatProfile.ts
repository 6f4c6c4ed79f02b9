import * as vscode from 'vscode';
import { noticeText } from '../outsideText';
import { LensContext } from '../context';
import { describeProfile, profileFromSetting, ThreatProfileJson } from '../coverage/profile';

// "ATT&CK Lens: Clear threat profile": removes `attackLens.threatProfile` from the workspace (and
// the user settings, where a profile may have been saved without a folder open), so priority
// gaps are ranked by prevalence again. Returns whether a profile was set.

const CLEAR_PROFILE_COMMAND = 'attackLens.clearThreatProfile';

async function clearThreatProfile(lens: LensContext, options: { readonly quiet?: boolean } = {}): Promise<boolean> {
  const inspected = lens.config.inspect<ThreatProfileJson>('threatProfile');
  const before = profileFromSetting(lens.config.threatProfile as ThreatProfileJson, lens.index);
  if (inspected?.workspaceValue !== undefined && vscode.workspace.workspaceFolders?.length) await lens.config.update('threatProfile', undefined, 'workspace');
  if (inspected?.globalValue !== undefined) await lens.config.update('threatProfile', undefined, 'user');
  const after = profileFromSetting(lens.config.threatProfile as ThreatProfileJson, lens.index);
  if (before) lens.log.info(`Cleared the threat profile (${describeProfile(before)})`);
  if (!options.quiet) {
    if (after) void vscode.window.showWarningMessage(noticeText(`The threat profile is still set in a workspace folder's settings (${describeProfile(after)}); edit .vscode/settings.json there.`));
    else void vscode.window.showInformationMessage(noticeText(before ? `Threat profile “${before.name}” cleared: priority gaps are ranked by prevalence.` : 'No threat profile was set: priority gaps are ranked by prevalence.'));
  }
  return before !== undefined;
}

/** Also keeps the `attackLens.hasThreatProfile` context key (menus offer Clear only when there is something to clear). */
export function registerClearThreatProfileCommand(lens: LensContext): vscode.Disposable {
  const updateContext = () => void vscode.commands.executeCommand('setContext', 'attackLens.hasThreatProfile', profileFromSetting(lens.config.threatProfile as ThreatProfileJson, lens.index) !== undefined);
  updateContext();
  return vscode.Disposable.from(
    vscode.commands.registerCommand(CLEAR_PROFILE_COMMAND, (options?: unknown) => clearThreatProfile(lens, options && typeof options === 'object' ? (options as { quiet?: boolean }) : {})),
    lens.config.onDidChange((affects) => {
      if (affects('threatProfile')) updateContext();
    }),
    lens.onDidChangeIndex(updateContext),
  );
}
