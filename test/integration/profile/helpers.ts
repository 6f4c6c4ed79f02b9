import * as vscode from 'vscode';

import { activateApi, waitFor, workspaceUri } from '../../host/inHost';

export { activateApi, waitFor, workspaceUri };

export async function disk(...segments: string[]): Promise<string> {
  return new TextDecoder().decode(await vscode.workspace.fs.readFile(workspaceUri(...segments)));
}

/** The threatProfile value in the workspace settings (what the team shares), not the merged one. */
export function workspaceProfileSetting(): Record<string, unknown> | undefined {
  return vscode.workspace.getConfiguration('attackLens').inspect<Record<string, unknown>>('threatProfile')?.workspaceValue;
}
