import * as vscode from 'vscode';
import { newerThanDataPhrase } from '../checks/newerThanData';
import { LensContext } from '../context';
import { noticeText } from '../outsideText';
import { RuleStore } from '../workspace/ruleStore';

// References that look newer than the loaded ATT&CK data (src/checks/newerThanData.ts), said once
// for the whole workspace instead of as an error on every line: a status bar warning while there
// are any, and one notification per workspace and data version ("212 references look newer than
// the loaded ATT&CK v18.1") with a way to update the data and a way to see them.

/** Registered by src/commands/showNewerThanData.ts. */
const SHOW_NEWER_THAN_DATA_COMMAND = 'attackLens.showNewerThanData';
const UPDATE_COMMAND = 'attackLens.updateAttackData';
/** Workspace state: the data version the notification was last shown for. */
const NOTIFIED_KEY = 'attackLens.newerThanData.notifiedFor';
const UPDATE = 'Update ATT&CK data';
const SHOW = 'Show them';

export interface NewerThanDataNotice {
  readonly disposable: vscode.Disposable;
  /** What the notice says now (tests): the status bar text while shown, and the notifications shown so far. */
  readonly state: { readonly statusText?: string; readonly notifications: readonly string[] };
}

export function registerNewerThanDataNotice(lens: LensContext, store: RuleStore): NewerThanDataNotice {
  const item = vscode.window.createStatusBarItem('attackLens.newerThanData', vscode.StatusBarAlignment.Right, 99);
  item.name = 'ATT&CK Lens: references newer than the data';
  item.command = SHOW_NEWER_THAN_DATA_COMMAND;
  item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
  const state: { statusText?: string; notifications: string[] } = { notifications: [] };

  const update = () => {
    // Until the first scan has finished the count is only part of the workspace's.
    if (!store.lastScan) return;
    const model = store.model;
    const count = model.newerThanDataCount;
    const version = lens.index.versionLabel;
    if (count === 0) {
      item.hide();
      state.statusText = undefined;
      return;
    }
    const phrase = newerThanDataPhrase(count, version);
    item.text = `$(warning) ${count} newer than ${version.replace(/^ATT&CK /, '')}`;
    item.tooltip = `${phrase}: they count for nothing until the ATT&CK data has them. Click to show them.`;
    item.show();
    state.statusText = item.text;
    if (lens.extension.workspaceState.get<string>(NOTIFIED_KEY) === version) return;
    void lens.extension.workspaceState.update(NOTIFIED_KEY, version);
    const message = noticeText(`ATT&CK Lens: ${phrase}.`);
    state.notifications.push(message);
    void vscode.window.showInformationMessage(message, UPDATE, SHOW).then((choice) => {
      if (choice === UPDATE) void vscode.commands.executeCommand(UPDATE_COMMAND);
      else if (choice === SHOW) void vscode.commands.executeCommand(SHOW_NEWER_THAN_DATA_COMMAND);
    });
  };
  update();
  return { disposable: vscode.Disposable.from(item, store.onDidChange(update)), state };
}
