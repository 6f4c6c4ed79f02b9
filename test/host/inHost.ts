import * as assert from 'assert';
import * as vscode from 'vscode';
import type { AttackLensApi } from '../../src/extension';

// Helpers for tests that run inside the extension host (every integration suite): the activated
// extension's API after its first scan, paths in the suite's workspace, polling.

export const EXTENSION_ID = 'attack-lens.attack-lens';

/** The API with every feature started: what the suites expect, asserted rather than assumed. */
export type StartedApi = AttackLensApi & Required<Pick<AttackLensApi, 'rules' | 'coverageTree' | 'priorityGaps' | 'threatProfile' | 'diagnostics' | 'welcome'>>;

export async function activateApi(): Promise<StartedApi> {
  const ext = vscode.extensions.getExtension<AttackLensApi>(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not loaded`);
  const api = await ext.activate();
  await api.ready;
  assert.ok(api.rules && api.coverageTree && api.priorityGaps && api.threatProfile && api.diagnostics && api.welcome, 'every feature started (see the ATT&CK Lens output for the one that did not)');
  return api as StartedApi;
}

/** A URI in the suite's workspace folder; segments may hold `/`. */
export function workspaceUri(...segments: string[]): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the suite runs with a workspace folder');
  return vscode.Uri.joinPath(folder.uri, ...segments.flatMap((s) => s.split('/')));
}

/** Polls `probe` until it returns something other than undefined or false, and returns that. */
export async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Resolves once the extension has published the ATT&CK diagnostics of this version of the
 * document (an empty list counts); rejects after the timeout, so diagnostics that never ran fail.
 */
export async function diagnosticsSettled(doc: vscode.TextDocument, timeoutMs = 20_000): Promise<void> {
  const { diagnostics } = await activateApi();
  const key = doc.uri.toString();
  await new Promise<void>((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      sub.dispose();
      resolve();
    };
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`no diagnostics published for ${doc.uri.path} version ${doc.version} within ${timeoutMs} ms (last: ${diagnostics.settledVersion(doc.uri)})`));
    }, timeoutMs);
    const sub = diagnostics.onDidSettle((e) => {
      if (e.uri.toString() === key && e.version === doc.version) done();
    });
    if (diagnostics.settledVersion(doc.uri) === doc.version) done();
  });
}
