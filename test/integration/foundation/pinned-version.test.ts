import * as assert from 'assert';
import * as vscode from 'vscode';
import { waitForUiText } from '../../host/uiProbe';
import { activateApi, setDataSetting } from './helpers';

// attackLens.attackVersion pins the workspace to one ATT&CK release among those available: here
// the shipped data, which holds 18.1 (the newest) and Enterprise 17.1 beside it (the build compiles
// both from ../shared/attack). Changing the setting switches the data and the status bar; a release
// that is not available keeps the data in use and names those that are.

const setVersion = (value: string | undefined): Promise<string> => setDataSetting('attackVersion', value);

describe('foundation: attackLens.attackVersion', () => {
  afterEach(async () => {
    if (vscode.workspace.getConfiguration('attackLens').inspect('attackVersion')?.workspaceValue !== undefined) await setVersion(undefined);
  });

  it('pins the workspace to the shipped 17.1, says so in the status bar, and goes back to the newest with "latest"', async () => {
    const api = await activateApi();
    const changes: string[] = [];
    const sub = api.lens.onDidChangeIndex((index) => changes.push(index.domains.map((d) => `${d.domain} ${d.version}`).join(', ')));
    try {
      assert.match(await waitForUiText('.statusbar', /ATT&CK v18\.1/), /ATT&CK v18\.1(?! \()/);
      const pinned = await setVersion('17.1');
      assert.match(pinned, /^loaded: ATT&CK v18\.1 → ATT&CK v17\.1 from built-in data$/);
      assert.deepStrictEqual(api.lens.index.domains.map((d) => `${d.domain} ${d.version}`), ['enterprise-attack 17.1']);
      await waitForUiText('.statusbar', /ATT&CK v17\.1 \(pinned\)/);
      // A technique 18.1 added is not in 17.1; one both have resolves.
      assert.strictEqual(api.lens.index.technique('T1059.001')?.name, 'PowerShell');

      const latest = await setVersion('latest');
      assert.match(latest, /^loaded: ATT&CK v17\.1 → ATT&CK v18\.1 from built-in data$/);
      assert.strictEqual(api.lens.index.domains.length, 3);
      assert.match(await waitForUiText('.statusbar', /ATT&CK v18\.1(?! \()/), /ATT&CK v18\.1(?! \()/);
      assert.deepStrictEqual(changes, ['enterprise-attack 17.1', 'enterprise-attack 18.1, mobile-attack 18.1, ics-attack 18.1']);
    } finally {
      sub.dispose();
    }
  });

  it('keeps the data in use when the pinned release is not available, naming those that are', async () => {
    const api = await activateApi();
    const before = api.lens.index;
    const outcome = await setVersion('16.0');
    assert.match(outcome, /^failed: ATT&CK Lens kept ATT&CK v18\.1: attackLens\.attackVersion: ATT&CK 16\.0 is not available \(available: 18\.1, 17\.1\)\. Run "Update ATT&CK data" to download it/);
    assert.strictEqual(api.lens.index, before);
    await waitForUiText('.statusbar', /ATT&CK v18\.1 \(16\.0 not available\)/);
    await waitForUiText('.notifications-toasts', /attackLens\.attackVersion: ATT&CK 16\.0 is not available/);
  });
});
