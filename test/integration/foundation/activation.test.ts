import * as assert from 'assert';
import * as vscode from 'vscode';
import type { AttackLensApi } from '../../../src/extension';

const EXTENSION_ID = 'attack-lens.attack-lens';

async function api(): Promise<AttackLensApi> {
  const ext = vscode.extensions.getExtension<AttackLensApi>(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not loaded`);
  const a = await ext.activate();
  await a.ready;
  return a;
}

describe('foundation: activation', () => {
  it('activates and loads ATT&CK v18.1', async () => {
    const a = await api();
    assert.strictEqual(a.lens.index.versionLabel, 'ATT&CK v18.1');
  });
});
