import * as vscode from 'vscode';

// "Show references newer than the ATT&CK data": the Coverage view's "Newer than ATT&CK vX" node,
// revealed and expanded (the status bar warning and the notification's "Show them" run it).

/** The Coverage view's reveal (src/views/coverageTree.ts). */
export interface NewerThanDataNode {
  revealNewerThanData(): Promise<boolean>;
}

export function registerShowNewerThanDataCommand(tree: NewerThanDataNode): vscode.Disposable {
  return vscode.commands.registerCommand('attackLens.showNewerThanData', async () => {
    const shown = await tree.revealNewerThanData();
    if (!shown) void vscode.window.showInformationMessage('ATT&CK Lens: no reference in this workspace looks newer than the loaded ATT&CK data.');
    return shown;
  });
}
