import * as vscode from 'vscode';
import { LensContext } from '../context';
import { RuleStore } from '../workspace/ruleStore';
import { foldersOf, scopeLabel, scopeOfArguments } from '../workspace/ruleScope';
import { exportLayer } from './exportNavigatorLayer';

// "Export layer for this folder" (explorer and editor context menus): the coverage of the rule
// files under the folders picked (a rule file stands for its folder) as a Navigator layer, saved
// next to them by default. A third argument, a file Uri, writes there without asking (tests,
// scripts); returns the URI written.

export function registerExportFolderLayerCommand(lens: LensContext, store: RuleStore): vscode.Disposable {
  return vscode.commands.registerCommand('attackLens.exportFolderLayer', async (clicked?: unknown, selected?: unknown, target?: unknown) => {
    const picked = scopeOfArguments(clicked, selected);
    if (!picked) return vscode.commands.executeCommand('attackLens.exportNavigatorLayer');
    await store.ready;
    const scope = await foldersOf(picked);
    return exportLayer(lens, store.modelFor(scope), { target, name: `${scopeLabel(scope)} coverage`, folder: scope[0] });
  });
}
