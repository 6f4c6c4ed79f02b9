import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { uiScreenshot, waitForUiText } from '../../host/uiProbe';
import { activateApi, EXTENSION_ID, info, projectRoot, stixCounts, stixDir } from './helpers';

describe('foundation: activation', () => {
  // The fixture's .vscode/settings.json names malformed-attack.json: a bundle whose matrix and
  // technique have wrongly typed fields. It used to throw a TypeError out of activate().
  it('activates despite a broken attackLens.stixBundles entry: built-in data in use, one error naming the file', async () => {
    const api = await activateApi();
    assert.deepStrictEqual(vscode.workspace.getConfiguration('attackLens').inspect('stixBundles')?.workspaceValue, ['malformed-attack.json'], 'the fixture sets it');
    assert.strictEqual(api.lens.indexSource, 'built-in data');
    assert.strictEqual(api.lens.index.versionLabel, 'ATT&CK v18.1');
    const failed = (await info()).events.filter((e) => e.origin === 'activation');
    assert.strictEqual(failed.length, 1, JSON.stringify(failed));
    assert.strictEqual(failed[0].outcome, 'failed');
    assert.match(failed[0].message, /could not use attackLens\.stixBundles: \S*malformed-attack\.json: no ATT&CK matrix or techniques found/);
    assert.match(failed[0].message, /skipped 2 malformed objects \(first: x-mitre-matrix--1 field external_references: expected a list\)/);
    const toast = await waitForUiText('.notifications-toasts', /could not use attackLens\.stixBundles: .*malformed-attack\.json/);
    assert.match(toast, /Open Settings/);
  });

  it('activates in the real host and loads the built-in ATT&CK v18.1', async () => {
    const api = await activateApi();
    assert.strictEqual(vscode.extensions.getExtension(EXTENSION_ID)?.isActive, true);
    assert.strictEqual(api.lens.index.versionLabel, 'ATT&CK v18.1');
    assert.strictEqual(api.lens.indexSource, 'built-in data');
    assert.deepStrictEqual(
      api.lens.index.domains.map((d) => `${d.domain} ${d.version}`),
      ['enterprise-attack 18.1', 'mobile-attack 18.1', 'ics-attack 18.1'],
    );
  });

  it('shows the loaded version in the status bar', async () => {
    await activateApi();
    const text = await waitForUiText('.statusbar', /ATT&CK v18\.1/);
    assert.match(text, /ATT&CK v18\.1/);
  });

  it('registers every command the manifest declares', async () => {
    await activateApi();
    const manifest = JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { contributes: { commands: { command: string }[] } };
    const registered = new Set(await vscode.commands.getCommands(true));
    const declared = manifest.contributes.commands.map((c) => c.command);
    for (const id of ['attackLens.showAttackInfo', 'attackLens.updateAttackData']) assert.ok(declared.includes(id), `${id} is declared`);
    assert.ok(declared.length >= 20, `the manifest declares ${declared.length} commands`);
    const missing = declared.filter((c) => !registered.has(c));
    assert.deepStrictEqual(missing, []);
  });

  it('"Show loaded ATT&CK data" reports versions, source and counts that match the STIX bundle', async () => {
    await activateApi();
    const shown = await info();
    assert.strictEqual(shown.versionLabel, 'ATT&CK v18.1');
    assert.strictEqual(shown.source, 'built-in data');
    const enterprise = shown.domains.find((d) => d.domain === 'enterprise-attack');
    assert.ok(enterprise, 'enterprise domain listed');
    assert.strictEqual(enterprise.version, '18.1');
    const expected = stixCounts(path.join(stixDir, 'enterprise-attack-18.1.json'));
    assert.strictEqual(enterprise.counts.techniques, expected.techniques);
    assert.strictEqual(enterprise.counts['sub-techniques'], expected.subtechniques);
    assert.strictEqual(enterprise.counts.groups, expected.groups);
    assert.ok(expected.techniques > 150, `sanity: ${expected.techniques} techniques`);
  });

  it('"Show loaded ATT&CK data" opens a quick pick with versions, counts, source and actions', async () => {
    await activateApi();
    const shown = await vscode.commands.executeCommand<{ versionLabel: string }>('attackLens.showAttackInfo');
    assert.strictEqual(shown?.versionLabel, 'ATT&CK v18.1');
    const picker = await waitForUiText('.quick-input-widget', /Enterprise ATT&CK v18\.1/);
    assert.match(picker, /built-in data/);
    assert.match(picker, /Update ATT&CK data/);
    await uiScreenshot('show-attack-info');
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
  });
});
