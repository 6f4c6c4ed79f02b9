import * as assert from 'assert';
import * as vscode from 'vscode';
import type { AttackLensApi } from '../../../src/extension';

export async function activateApi(): Promise<AttackLensApi> {
  const ext = vscode.extensions.getExtension<AttackLensApi>('attack-lens.attack-lens');
  assert.ok(ext, 'the extension is loaded');
  const api = await ext.activate();
  await api.ready;
  return api;
}

export function workspaceUri(...segments: string[]): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the suite runs with a workspace folder');
  return vscode.Uri.joinPath(folder.uri, ...segments);
}

export async function disk(...segments: string[]): Promise<string> {
  return new TextDecoder().decode(await vscode.workspace.fs.readFile(workspaceUri(...segments)));
}

export async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The threatProfile value in the workspace settings (what the team shares), not the merged one. */
export function workspaceProfileSetting(): Record<string, unknown> | undefined {
  return vscode.workspace.getConfiguration('attackLens').inspect<Record<string, unknown>>('threatProfile')?.workspaceValue;
}
