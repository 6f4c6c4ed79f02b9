import * as assert from 'assert';
import * as vscode from 'vscode';
import { activateApi, waitFor, workspaceUri } from '../../host/inHost';
import { uiClick, uiText, waitForUiText } from '../../host/uiProbe';

// Runs with workspace trust on and the folder untrusted (runCodeServer: UNTRUSTED_SUITES). The
// fixture's .vscode/settings.json plants every restricted setting: a bundle path, a site URL, an ID
// pattern, an atomics index, an update URL. In Restricted Mode the extension works on its shipped
// data and ignores them with one notice; once the folder is trusted they apply.

const NOTICE = /ATT&CK Lens is in Restricted Mode: this workspace's attackLens\.stixBundles, attackLens\.updateBaseUrl, attackLens\.siteBaseUrl, attackLens\.atomicsIndex and attackLens\.generic\.idPattern are ignored until you trust it/g;

async function hoverText(rel: string, needle: string): Promise<string> {
  const doc = await vscode.workspace.openTextDocument(workspaceUri(rel));
  const at = doc.positionAt(doc.getText().indexOf(needle) + 2);
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, at);
  return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
}

function notesReferences(api: Awaited<ReturnType<typeof activateApi>>): string[] {
  const notes = api.rules.files().find((f) => f.path.endsWith('threat-notes.md'));
  return (notes?.rules ?? []).flatMap((r) => r.references.map((x) => x.id ?? x.text));
}

describe('restricted: an untrusted workspace', () => {
  it('activates in Restricted Mode on the shipped data, without reading the planted bundle', async () => {
    assert.strictEqual(vscode.workspace.isTrusted, false, 'the runner opens this folder untrusted');
    const api = await activateApi();
    assert.strictEqual(api.lens.indexSource, 'built-in data');
    assert.strictEqual(api.lens.index.versionLabel, 'ATT&CK v18.1');
    assert.deepStrictEqual(api.lens.config.stixBundles, []);
    assert.strictEqual(api.lens.config.siteBaseUrl, 'https://attack.mitre.org');
  });

  it('hovers with links to the ATT&CK site, not the planted siteBaseUrl', async () => {
    const text = await hoverText('rules/proc_creation_win_powershell_encoded.yml', 'attack.t1059.001');
    assert.match(text, /PowerShell/);
    assert.match(text, /\(https:\/\/attack\.mitre\.org\/techniques\/T1059\/001\/\)/);
    assert.doesNotMatch(text, /planted/);
  });

  it('completes technique tags', async () => {
    const doc = await vscode.workspace.openTextDocument(workspaceUri('rules/proc_creation_win_powershell_encoded.yml'));
    const at = doc.positionAt(doc.getText().indexOf('attack.t1059.001') + 'attack.t1059'.length);
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, at);
    const labels = list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    assert.ok(labels.some((l) => /t1059\.001/i.test(l)), labels.slice(0, 20).join(', '));
  });

  it('reports diagnostics (a revoked tag)', async () => {
    const doc = await vscode.workspace.openTextDocument(workspaceUri('rules/revoked_tag.yml'));
    await vscode.window.showTextDocument(doc);
    const diagnostics = await waitFor('diagnostics for the revoked tag', () => {
      const d = vscode.languages.getDiagnostics(doc.uri);
      return d.length > 0 ? d : undefined;
    });
    assert.ok(diagnostics.some((d) => /T1086/.test(d.message) && /revoked/i.test(d.message)), diagnostics.map((d) => d.message).join('\n'));
  });

  it('computes coverage, the generic notes read with the built-in ID pattern', async () => {
    const api = await activateApi();
    assert.ok(api.rules.model.forTechnique('T1059.001')?.covered, 'T1059.001 is covered by the fixture rule');
    const refs = notesReferences(api);
    assert.ok(refs.includes('T1027') && refs.includes('G0016'), refs.join(', '));
  });

  it('says once which settings it ignores, and never tried the planted bundle', async () => {
    const toast = await waitForUiText('.notifications-toasts', NOTICE);
    assert.strictEqual(toast.match(NOTICE)?.length, 1, toast);
    assert.doesNotMatch(await uiText('.notifications-toasts'), /could not use attackLens\.stixBundles|idPattern .* is|siteBaseUrl must be/);
  });

  it('applies the workspace settings once the folder is trusted', async () => {
    const api = await activateApi();
    const granted = new Promise<void>((resolve) => vscode.workspace.onDidGrantWorkspaceTrust(() => resolve()));
    await vscode.commands.executeCommand('workbench.trust.manage');
    await uiClick('.workspace-trust-editor .monaco-button:text-matches("^Trust", "")');
    await granted;
    assert.strictEqual(vscode.workspace.isTrusted, true);
    // VS Code hands out the workspace's restricted settings in a configuration change that can come after the grant.
    await waitFor('the workspace siteBaseUrl once trusted', () => api.lens.config.siteBaseUrl === 'https://planted.example', 10_000);
    assert.strictEqual(api.lens.config.siteBaseUrl, 'https://planted.example');
    assert.deepStrictEqual(api.lens.config.stixBundles, ['planted/enterprise-attack.json']);
    // The planted bundle is now read (and is missing): the reload says so and keeps the data.
    await waitForUiText('.notifications-toasts', /could not use attackLens\.stixBundles and kept ATT&CK v18\.1: .*planted/);
    assert.strictEqual(api.lens.indexSource, 'built-in data');
    // The planted ID pattern now reads the notes: it finds none of the IDs the built-in one did.
    await waitFor('the notes rescanned with the workspace ID pattern', () => !notesReferences(api).includes('T1027'));
    const text = await hoverText('rules/proc_creation_win_powershell_encoded.yml', 'attack.t1059.001');
    assert.match(text, /\(https:\/\/planted\.example\/techniques\/T1059\/001\/\)/);
  });
});
