import * as vscode from 'vscode';
import { CoverageTreeProvider } from '../views/coverageTree';

// "Toggle gaps only": the Coverage view shows only techniques no rule names. An optional
// boolean argument sets the state instead of toggling it; returns the new state. While it is
// on, the toolbar shows "Show all techniques" (another icon) in its place, which turns it off.

export function registerToggleGapsOnlyCommand(tree: CoverageTreeProvider): vscode.Disposable {
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
