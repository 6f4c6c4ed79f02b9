import * as vscode from 'vscode';
import { registerCancelCoverageScanCommand } from '../commands/cancelCoverageScan';
import { registerExportNavigatorLayerCommand } from '../commands/exportNavigatorLayer';
import { registerExportReportCommand } from '../commands/exportReport';
import { registerFilterCoverageCommand } from '../commands/filterCoverage';
import { registerRefreshCoverageCommand } from '../commands/refreshCoverage';
import { registerToggleCoverageSortCommand } from '../commands/toggleCoverageSort';
import { registerToggleGapsOnlyCommand } from '../commands/toggleGapsOnly';
import { LensContext } from '../context';
import { RuleStore } from '../workspace/ruleStore';
import { CoverageTreeProvider, registerCoverageTree } from './coverageTree';

// Workspace coverage, wired: the RuleStore (scan + watch), the Coverage view and its commands.
// `ready` is the store's first scan; `store` and `tree` are handed to the extension's API.

export interface CoverageFeature {
  readonly disposable: vscode.Disposable;
  readonly ready: Promise<void>;
  readonly store: RuleStore;
  readonly tree: CoverageTreeProvider;
}

export function registerCoverage(lens: LensContext): CoverageFeature {
  const store = new RuleStore(lens);
  const tree = registerCoverageTree(lens, store);
  const disposable = vscode.Disposable.from(
    store,
    tree.disposable,
    registerRefreshCoverageCommand(store),
    registerCancelCoverageScanCommand(store),
    registerFilterCoverageCommand(lens),
    registerToggleGapsOnlyCommand(tree.provider),
    registerToggleCoverageSortCommand(tree.provider),
    registerExportNavigatorLayerCommand(lens, store),
    registerExportReportCommand(store),
  );
  return { disposable, ready: store.ready, store, tree: tree.provider };
}
