import * as vscode from 'vscode';
import { CoverageSort, CoverageTreeProvider } from '../views/coverageTree';

// "Sort by matrix order or coverage": matrix order lists tactics as the ATT&CK matrix does and
// techniques by name; coverage lists the least covered first. An optional argument ('matrix' |
// 'coverage') sets the order instead of toggling it; returns the new order.

export function registerToggleCoverageSortCommand(tree: CoverageTreeProvider): vscode.Disposable {
  return vscode.commands.registerCommand('attackLens.toggleCoverageSort', (order?: unknown) => {
    tree.sort = order === 'matrix' || order === 'coverage' ? (order as CoverageSort) : tree.sort === 'matrix' ? 'coverage' : 'matrix';
    return tree.sort;
  });
}
