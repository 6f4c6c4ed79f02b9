import * as vscode from 'vscode';
import { RuleStore } from '../workspace/ruleStore';

// "Refresh coverage": finds and parses every rule file again (cancelling a scan in progress).
// Resolves when the scan has finished, so callers (tests) can await it.

export function registerRefreshCoverageCommand(store: RuleStore): vscode.Disposable {
  return vscode.commands.registerCommand('attackLens.refreshCoverage', () => store.rescan());
}
