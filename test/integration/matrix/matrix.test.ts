import * as assert from 'assert';
import * as vscode from 'vscode';
import type { StartedApi } from '../../host/inHost';
import { activateApi, waitFor, workspaceUri } from '../../host/inHost';
import { uiText, waitForUiText } from '../../host/uiProbe';

// "Show coverage matrix" and "Export coverage matrix" in the real host, on a temp copy of
// test/fixtures/workspaces/matrix (five Sigma rules). The webview's content is read through
// the runner's UI probes (the VS Code API cannot see inside a webview).

const TITLE = 'ATT&CK Coverage Matrix';

function matrixTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview && t.label === TITLE);
}

async function readText(uri: vscode.Uri): Promise<string> {
  return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
}

/** Cells per tactic column of Enterprise, from the index (independent of the matrix code). */
function enterpriseCellCount(api: StartedApi): number {
  const index = api.lens.index;
  return index.tactics('enterprise-attack').reduce((n, t) => n + index.techniquesForTactic(t.shortname, 'enterprise-attack').length, 0);
}

const sigmaRule = (title: string, id: string) =>
  ['title: ' + title, 'id: 7b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e', 'status: test', 'tags:', `    - attack.${id.toLowerCase()}`, 'logsource:', '    product: windows', 'detection:', '    selection:', '        EventID: 4688', '    condition: selection', 'level: low', ''].join('\n');

describe('coverage matrix', () => {
  it('opens a webview panel titled "ATT&CK Coverage Matrix", once', async () => {
    const api = await activateApi();
    assert.strictEqual(api.rules.model.ruleCount, 5, 'the fixture has five rules');
    await vscode.commands.executeCommand('attackLens.showCoverageMatrix');
    await waitFor('the matrix tab', () => matrixTabs().length === 1, 30_000);
    await vscode.commands.executeCommand('attackLens.showCoverageMatrix');
    await new Promise((r) => setTimeout(r, 300));
    assert.strictEqual(matrixTabs().length, 1, 'a second call reveals the same panel');
    assert.ok(matrixTabs()[0].isActive);
  });

  it('shows the matrix in the webview: tactics in order, counts, version', async () => {
    const summary = await waitForUiText('.summary', /ATT&CK v18\.1 · 5 rules/, { frames: true, timeoutMs: 30_000 });
    assert.match(summary, /no threat profile/);
    const heads = (await uiText('.column-head h2', { frames: true })).split('\n');
    assert.deepStrictEqual(heads.slice(0, 3), ['Reconnaissance', 'Resource Development', 'Initial Access']);
    assert.strictEqual(heads.length, 14);
    assert.strictEqual(await uiText('.cell[data-id="T1059"] .count', { frames: true }), '2');
    assert.strictEqual(await uiText('.cell[data-id="T1003"] .count', { frames: true }), '1');
    assert.strictEqual(await uiText('.cell[data-id="T1001"] .count', { frames: true }), '0');
  });

  it('updates in place when a rule is added (no reload)', async () => {
    const api = await activateApi();
    const uri = workspaceUri('rules', 'live_data_obfuscation.yml');
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(sigmaRule('Live Data Obfuscation', 'T1001')));
    await waitFor('the store to see the rule', () => api.rules.model.forTechnique('T1001')?.covered, 30_000);
    await waitForUiText('.cell[data-id="T1001"] .count', /^1$/, { frames: true });
    // The page counts the models it rendered: a reloaded page would be back at 1.
    await waitForUiText('body:not([data-renders="1"]) .summary', /6 rules/, { frames: true });
    await vscode.workspace.fs.delete(uri);
    await waitForUiText('.cell[data-id="T1001"] .count', /^0$/, { frames: true });
  });

  it('overlays the threat profile from the setting', async () => {
    const config = vscode.workspace.getConfiguration('attackLens');
    await config.update('threatProfile', { name: 'Matrix test profile', techniques: { 'T1059.001': 3, T1105: 1 } }, vscode.ConfigurationTarget.Workspace);
    try {
      await waitForUiText('.summary', /threat profile: Matrix test profile/, { frames: true });
      const flagged = await uiText('.cell.profile', { frames: true });
      assert.match(flagged, /Command and Scripting Interpreter/);
      assert.match(flagged, /Ingress Tool Transfer/);
      const target = workspaceUri('out', 'profile.svg');
      await vscode.commands.executeCommand('attackLens.exportCoverageMatrix', 'svg', target);
      const svg = await readText(target);
      assert.match(svg, /threat profile: Matrix test profile/);
      assert.strictEqual((svg.match(/ rx="2" fill="#[0-9a-f]{6}" stroke="#d9480f"/g) ?? []).length, 2, 'T1059 and T1105 outlined');
    } finally {
      await config.update('threatProfile', undefined, vscode.ConfigurationTarget.Workspace);
    }
    await waitForUiText('.summary', /no threat profile/, { frames: true });
  });

  it('exports a self-contained HTML report to a given file', async () => {
    const api = await activateApi();
    const target = workspaceUri('out', 'matrix.html');
    const written = await vscode.commands.executeCommand<vscode.Uri>('attackLens.exportCoverageMatrix', 'html', target);
    assert.strictEqual(written?.toString(), target.toString());
    const html = await readText(target);
    assert.match(html, /^<!DOCTYPE html>/);
    assert.match(html, /Enterprise ATT&amp;CK coverage/);
    assert.match(html, /ATT&amp;CK v18\.1/);
    assert.match(html, /5 rules/);
    assert.match(html, /generated \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
    assert.match(html, /Coverage per tactic/);
    assert.match(html, /Top ranked gaps/);
    assert.ok(!/\b(?:src|href)\s*=\s*["']?(?:https?:)?\/\//i.test(html), 'no remote resources');
    assert.ok(!/<script/i.test(html), 'no scripts');
    const execution = api.rules.model.forTactic('execution', 'enterprise-attack')!;
    assert.ok(html.includes(`<td class="num">${execution.techniques.covered}/${execution.techniques.total}</td>`), 'Execution row');
    assert.ok(!html.includes('<img'), 'the fixture rule titled <img …> never reaches the report as markup');
  });

  it('exports the matrix as SVG and PNG to given files', async () => {
    const api = await activateApi();
    const svgTarget = workspaceUri('out', 'matrix.svg');
    await vscode.commands.executeCommand('attackLens.exportCoverageMatrix', 'svg', svgTarget);
    const svg = await readText(svgTarget);
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.match(svg, /<\/svg>\n$/);
    const cells = (svg.match(/ rx="2" /g) ?? []).length;
    assert.strictEqual(cells, enterpriseCellCount(api));
    assert.ok(svg.includes('<title>T1059 Command and Scripting Interpreter: 2 rules</title>'), 'T1059 cell');

    const macTarget = workspaceUri('out', 'matrix-macos.svg');
    await vscode.commands.executeCommand('attackLens.exportCoverageMatrix', 'svg', macTarget, { platform: 'macOS' });
    const macCells = ((await readText(macTarget)).match(/ rx="2" /g) ?? []).length;
    assert.ok(macCells > 0 && macCells < cells, `platform filter: ${macCells} of ${cells}`);

    const pngTarget = workspaceUri('out', 'matrix.png');
    await vscode.commands.executeCommand('attackLens.exportCoverageMatrix', 'png', pngTarget);
    const png = await vscode.workspace.fs.readFile(pngTarget);
    assert.deepStrictEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
    const width = new DataView(png.buffer, png.byteOffset).getUint32(16);
    const svgWidth = Number(/width="(\d+)"/.exec(svg)![1]);
    assert.strictEqual(width, svgWidth * 2, 'rendered at 2× the SVG size');
    assert.ok(png.byteLength > 20_000, `${png.byteLength} bytes`);

    // With another editor in front of it the panel's page is unloaded: the export brings it back.
    const doc = await vscode.workspace.openTextDocument({ content: 'in front of the matrix', language: 'plaintext' });
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Active, preview: false });
    await waitFor('the matrix tab to be in the background', () => matrixTabs().every((t) => !t.isActive), 30_000);
    const hiddenTarget = workspaceUri('out', 'matrix-hidden.png');
    const started = Date.now();
    await vscode.commands.executeCommand('attackLens.exportCoverageMatrix', 'png', hiddenTarget);
    const hidden = await vscode.workspace.fs.readFile(hiddenTarget);
    assert.deepStrictEqual([...hidden.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47], `a PNG, after ${Date.now() - started} ms`);
    assert.strictEqual(new DataView(hidden.buffer, hidden.byteOffset).getUint32(16), width);
    const front = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === doc.uri.toString());
    await vscode.workspace.fs.delete(hiddenTarget);
    await vscode.window.tabGroups.close(front);
  });

  it('closes with the tab', async () => {
    for (const tab of matrixTabs()) await vscode.window.tabGroups.close(tab);
    await waitFor('the tab to close', () => matrixTabs().length === 0, 30_000);
  });
});
