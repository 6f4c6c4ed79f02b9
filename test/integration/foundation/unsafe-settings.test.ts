import * as assert from 'assert';
import * as vscode from 'vscode';
import { waitForUiText } from '../../host/uiProbe';
import { activateApi, waitFor, workspaceUri } from '../../host/inHost';

// Settings a workspace can hand the extension even when trusted: a site URL that is not http(s)
// and an ID pattern that could hang the host. Each is refused with one warning naming the setting,
// and the default takes its place.

const config = () => vscode.workspace.getConfiguration('attackLens');

async function linksIn(uri: vscode.Uri): Promise<string[]> {
  const links = await vscode.commands.executeCommand<vscode.DocumentLink[]>('vscode.executeLinkProvider', uri);
  return links.map((l) => l.target?.toString(true) ?? '');
}

describe('foundation: unsafe settings', () => {
  afterEach(async () => {
    for (const key of ['siteBaseUrl', 'generic.idPattern', 'files']) await config().update(key, undefined, vscode.ConfigurationTarget.Workspace);
  });

  it('a siteBaseUrl that is not http(s) is ignored with a warning: links go to the ATT&CK site', async () => {
    await activateApi();
    const rule = workspaceUri('rules/proc_creation_win_powershell_encoded.yml');
    await vscode.workspace.openTextDocument(rule);
    await config().update('siteBaseUrl', 'command:workbench.action.quit?', vscode.ConfigurationTarget.Workspace);
    const links = await waitFor('document links', async () => {
      const l = await linksIn(rule);
      return l.length ? l : undefined;
    });
    assert.ok(links.every((l) => l.startsWith('https://attack.mitre.org/')), links.join('\n'));
    await waitForUiText('.notifications-toasts', /attackLens\.siteBaseUrl must be an http or https URL; “command:workbench\.action\.quit\?” is ignored and https:\/\/attack\.mitre\.org is used/);
  });

  it('an ID pattern that could hang the host is refused with a warning; the built-in one reads the file', async () => {
    const api = await activateApi();
    await config().update('files', { '**/*.notes': 'generic' }, vscode.ConfigurationTarget.Workspace);
    await config().update('generic.idPattern', '(T\\d+)+$', vscode.ConfigurationTarget.Workspace);
    const uri = workspaceUri('rules/threats.notes');
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode('Obfuscation (T1027) and PowerShell (T1059.001) here.\n'));
    const doc = await vscode.workspace.openTextDocument(uri);
    const at = doc.positionAt(doc.getText().indexOf('T1027') + 2);
    const hover = await waitFor('a hover on T1027', async () => {
      const h = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, at);
      return h.length ? h : undefined;
    });
    assert.match(hover.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n'), /T1027 Obfuscated Files or Information/);
    await waitForUiText('.notifications-toasts', /attackLens\.generic\.idPattern “\(T\\d\+\)\+\$” has an unbounded repeat .* the built-in ID pattern is used instead/);
    const scanned = await waitFor('the notes file in the coverage scan', () => api.rules.files().find((f) => f.path.endsWith('threats.notes')));
    assert.deepStrictEqual(scanned.rules[0].references.map((r) => r.id), ['T1027', 'T1059.001']);
  });
});
