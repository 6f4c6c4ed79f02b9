import * as vscode from 'vscode';
import { LensContext } from '../context';
import { RuleStore } from '../workspace/ruleStore';
import { foldersOf, scopeLabel, scopeOfArguments } from '../workspace/ruleScope';
import { exportLayer } from './exportNavigatorLayer';
import type { CoverageTelemetry } from '../state/coverageTelemetry';

// "Export layer for this folder" (explorer and editor context menus): the coverage of the rule
// files under the folders picked (a rule file stands for its folder) as a Navigator layer, saved
// next to them by default. A third argument, a file Uri, writes there without asking (tests,
// scripts), a fourth ('telemetry' or 'rules') says what colours it with a telemetry profile;
// returns the URI written.

export function registerExportFolderLayerCommand(lens: LensContext, store: RuleStore, telemetry?: CoverageTelemetry): vscode.Disposable {
  return vscode.commands.registerCommand('attackLens.exportFolderLayer', async (clicked?: unknown, selected?: unknown, target?: unknown, colouring?: unknown) => {
    const picked = scopeOfArguments(clicked, selected);
    if (!picked) return vscode.commands.executeCommand('attackLens.exportNavigatorLayer');
    await store.ready;
    const scope = await foldersOf(picked);
    return exportLayer(lens, store.modelFor(scope), { target, colouring, telemetry, name: `${scopeLabel(scope)} coverage`, folder: scope[0] });
  });
}
