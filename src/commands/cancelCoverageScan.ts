import * as vscode from 'vscode';
import { RuleStore } from '../workspace/ruleStore';
import { CANCEL_SCAN_COMMAND } from '../workspace/scanStatus';

// "Cancel the rule scan": what a click on the scan's status bar item runs. The files read so far
// stay counted; the Coverage view says the scan was cancelled until "Refresh coverage" runs.

export function registerCancelCoverageScanCommand(store: RuleStore): vscode.Disposable {
  return vscode.commands.registerCommand(CANCEL_SCAN_COMMAND, () => {
    const wasScanning = store.scanning;
    store.cancelScan();
    return wasScanning;
  });
}
