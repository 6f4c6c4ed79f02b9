import * as vscode from 'vscode';

// "Toggle gaps only": the Coverage view shows only techniques no rule names. An optional
// boolean argument sets the state instead of toggling it; returns the new state. While it is
// on, the toolbar shows "Show all techniques" (another icon) in its place, which turns it off.

/** The Coverage view's gaps-only switch (src/views/coverageTree.ts). */
export interface GapsOnlySwitch {
  gapsOnly: boolean;
}

export function registerToggleGapsOnlyCommand(tree: GapsOnlySwitch): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.commands.registerCommand('attackLens.toggleGapsOnly', (on?: unknown) => {
      tree.gapsOnly = typeof on === 'boolean' ? on : !tree.gapsOnly;
      return tree.gapsOnly;
    }),
    vscode.commands.registerCommand('attackLens.showAllTechniques', () => {
      tree.gapsOnly = false;
      return false;
    }),
  );
}
