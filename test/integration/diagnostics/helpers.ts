import * as vscode from 'vscode';

// Shared by the diagnostics suite: the activated extension, workspace paths and polling.

import { activateApi, diagnosticsSettled, waitFor, workspaceUri } from '../../host/inHost';

export { activateApi as extensionApi, diagnosticsSettled, waitFor, workspaceUri };

/** The ATT&CK diagnostics of this version of the document, once the extension has published them. */
export async function settledDiagnostics(doc: vscode.TextDocument): Promise<vscode.Diagnostic[]> {
  await diagnosticsSettled(doc);
  return ours(doc.uri);
}

export function ours(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'ATT&CK Lens');
}

/** Opens the document and waits until its ATT&CK diagnostics satisfy `ready` (by default: any). */
export async function diagnosticsOf(rel: string, ready: (ds: vscode.Diagnostic[]) => boolean = (ds) => ds.length > 0): Promise<{ doc: vscode.TextDocument; diagnostics: vscode.Diagnostic[] }> {
  const doc = await vscode.workspace.openTextDocument(workspaceUri(rel));
  const diagnostics = await waitFor(`diagnostics of ${rel}`, () => {
    const ds = ours(doc.uri);
    return ready(ds) ? ds : undefined;
  });
  return { doc, diagnostics };
}

export function codeOf(d: vscode.Diagnostic): string {
  return typeof d.code === 'object' ? String(d.code.value) : String(d.code);
}

export function summary(ds: readonly vscode.Diagnostic[]): string[] {
  const sev = ['error', 'warning', 'information', 'hint'];
  return ds
    .slice()
    .sort((a, b) => a.range.start.compareTo(b.range.start))
    .map((d) => `${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character} ${sev[d.severity]} ${codeOf(d)}`);
}
