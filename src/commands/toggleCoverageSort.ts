import * as vscode from 'vscode';

// "Sort by matrix order or coverage": matrix order lists tactics as the ATT&CK matrix does and
// techniques by name; coverage lists the least covered first. An optional argument ('matrix' |
// 'coverage') sets the order instead of toggling it; returns the new order. While sorted by
// coverage, the toolbar shows "Sort by matrix order" (another icon) in its place.

type CoverageSort = 'matrix' | 'coverage';

/** The Coverage view's order (src/views/coverageTree.ts). */
export interface CoverageOrder {
  sort: CoverageSort;
}

export function registerToggleCoverageSortCommand(tree: CoverageOrder): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.commands.registerCommand('attackLens.toggleCoverageSort', (order?: unknown) => {
      tree.sort = order === 'matrix' || order === 'coverage' ? (order as CoverageSort) : tree.sort === 'matrix' ? 'coverage' : 'matrix';
      return tree.sort;
    }),
    vscode.commands.registerCommand('attackLens.sortCoverageByMatrix', () => {
      tree.sort = 'matrix';
      return tree.sort;
    }),
  );
}
