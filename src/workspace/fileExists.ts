import * as vscode from 'vscode';

/** Whether something exists at the URI (a file, a folder), through vscode.workspace.fs. */
export async function fileExists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}
