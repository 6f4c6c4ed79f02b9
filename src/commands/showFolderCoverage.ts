import * as vscode from 'vscode';
import { RuleStore } from '../workspace/ruleStore';
import { foldersOf, RuleScope, scopeOfArguments } from '../workspace/ruleScope';

// "Show coverage for this folder" (explorer and editor context menus): the Coverage view limited
// to the rule files under the folders picked (a rule file stands for its folder), focused.
// "Show coverage for the whole workspace" lifts the limit. Both return the folders shown (URI
// strings; empty for the whole workspace).

/** The Coverage view's folder limit (src/views/coverageTree.ts). */
export interface ScopedCoverageView {
  scope: RuleScope | undefined;
}

export function registerShowFolderCoverageCommands(store: RuleStore, tree: ScopedCoverageView): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.commands.registerCommand('attackLens.showFolderCoverage', async (clicked?: unknown, selected?: unknown) => {
      const picked = scopeOfArguments(clicked, selected);
      await store.ready;
      tree.scope = picked ? await foldersOf(picked) : undefined;
      await vscode.commands.executeCommand('attackLens.coverage.focus');
      return (tree.scope ?? []).map(String);
    }),
    vscode.commands.registerCommand('attackLens.showWorkspaceCoverage', () => {
      tree.scope = undefined;
      return [];
    }),
  );
}
