import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { waitForUiText } from '../../host/uiProbe';
import { activateApi, projectRoot, setDataSetting, stixDir } from './helpers';

// attackLens.stixBundles is watched: a good bundle replaces the data, a bad one is reported and
// the data the extension had stays.

const setBundles = (value: string[] | undefined): Promise<string> => setDataSetting('stixBundles', value);

describe('foundation: attackLens.stixBundles', () => {
  afterEach(async () => {
    // Reset and wait for that reload too, so the next test sees only its own.
    if (vscode.workspace.getConfiguration('attackLens').inspect('stixBundles')?.workspaceValue !== undefined) await setBundles(undefined);
  });

  it('keeps the loaded data and reports the file when the bundle is not JSON', async () => {
    const api = await activateApi();
    const outcome = await setBundles(['broken.json']);
    assert.match(outcome, /^failed: /);
    assert.match(outcome, /broken\.json/);
    assert.match(outcome, /not valid JSON/);
    const toast = await waitForUiText('.notifications-toasts', /could not use attackLens\.stixBundles and kept ATT&CK v18\.1: .*broken\.json/);
    assert.match(toast, /Open Settings/);
    assert.strictEqual(api.lens.index.versionLabel, 'ATT&CK v18.1');
    assert.strictEqual(api.lens.indexSource, 'built-in data');
  });

  it('keeps the loaded data when the bundle is STIX but not ATT&CK', async () => {
    const api = await activateApi();
    const outcome = await setBundles(['foreign-stix.json']);
    assert.match(outcome, /^failed: /);
    assert.match(outcome, /not MITRE ATT&CK data/);
    assert.strictEqual(api.lens.index.versionLabel, 'ATT&CK v18.1');
  });

  it('switches to a real bundle (Enterprise 17.1), then back to the built-in data when reset', async () => {
    const api = await activateApi();
    const changes: string[] = [];
    const sub = api.lens.onDidChangeIndex((index) => changes.push(index.versionLabel));
    try {
      const bundle = path.join(stixDir, 'enterprise-attack-17.1.json');
      const outcome = await setBundles([bundle]);
      assert.match(outcome, /^loaded: ATT&CK v18\.1 → ATT&CK v17\.1/);
      assert.strictEqual(api.lens.index.versionLabel, 'ATT&CK v17.1');
      await waitForUiText('.statusbar', /ATT&CK v17\.1/);
      assert.deepStrictEqual(api.lens.index.domains.map((d) => d.domain), ['enterprise-attack']);
      assert.match(api.lens.indexSource, /attackLens\.stixBundles/);
      // A technique that 17.1 and 18.1 both have resolves in the new data.
      assert.strictEqual(api.lens.index.technique('T1059.001')?.name, 'PowerShell');

      const reset = await setBundles(undefined);
      assert.match(reset, /^loaded: ATT&CK v17\.1 → ATT&CK v18\.1/);
      assert.strictEqual(api.lens.indexSource, 'built-in data');
      await waitForUiText('.statusbar', /ATT&CK v18\.1/);
      assert.deepStrictEqual(changes, ['ATT&CK v17.1', 'ATT&CK v18.1']);
    } finally {
      sub.dispose();
    }
  });

  it('ignores a corrupt downloaded cache and falls back to the built-in data', async () => {
    const api = await activateApi();
    const cache = vscode.Uri.joinPath(api.lens.extension.globalStorageUri, 'attack-index.json');
    assert.ok(!fs.existsSync(cache.fsPath), 'no cache before this test');
    // Valid JSON of the right format, but a field AttackIndex would trip over (a TypeError before).
    const shipped = JSON.parse(fs.readFileSync(path.join(projectRoot, 'dist', 'attack-index.json'), 'utf8')) as { domains: { techniques: unknown }[] };
    shipped.domains[0].techniques = 5;
    fs.mkdirSync(path.dirname(cache.fsPath), { recursive: true });
    fs.writeFileSync(cache.fsPath, JSON.stringify(shipped));
    try {
      assert.match(await setBundles([path.join(stixDir, 'enterprise-attack-17.1.json')]), /^loaded: .*ATT&CK v17\.1/);
      const reset = await setBundles(undefined);
      assert.match(reset, /^loaded: ATT&CK v17\.1 → ATT&CK v18\.1 from built-in data/);
      assert.strictEqual(api.lens.indexSource, 'built-in data');
    } finally {
      fs.rmSync(cache.fsPath, { force: true });
    }
  });
});
