import * as assert from 'assert';
import * as vscode from 'vscode';
import type { ChooseProfileResult } from '../../../src/commands/chooseThreatProfile';
import { activateApi, disk, waitFor, workspaceProfileSetting, workspaceUri } from './helpers';

// "Choose threat profile" / "Clear threat profile" through the real commands, with the
// argument forms that skip the pickers (the pickers' search is unit-tested; c-ui drives them).

const choose = (args: unknown) => vscode.commands.executeCommand<ChooseProfileResult>('attackLens.chooseThreatProfile', args);

describe('Choose threat profile', () => {
  afterEach(async () => {
    await vscode.commands.executeCommand('attackLens.clearThreatProfile', { quiet: true });
  });

  it('saves selected actors to the workspace settings; the Priority gaps state reads them', async () => {
    const api = await activateApi();
    const result = await choose({ actors: ['G0016', 'g0007'], name: 'Russian services' });
    assert.ok(result && 'setting' in result, JSON.stringify(result));
    assert.deepStrictEqual(workspaceProfileSetting(), { name: 'Russian services', actors: ['G0016', 'G0007'], source: 'actors' });
    const settingsFile = JSON.parse(await disk('.vscode', 'settings.json')) as Record<string, unknown>;
    assert.deepStrictEqual(settingsFile['attackLens.threatProfile'], { name: 'Russian services', actors: ['G0016', 'G0007'], source: 'actors' }, '.vscode/settings.json holds it: the team shares it');

    const profile = await waitFor('the profile state to follow the setting', () => (api.threatProfile.profile?.name === 'Russian services' ? api.threatProfile.profile : undefined));
    // Independent of profile.ts: count the two groups' techniques from the index's group entries.
    const expected = new Map<string, number>();
    for (const g of ['G0016', 'G0007']) {
      for (const raw of new Set(api.lens.index.group(g)!.techniques)) {
        const t = api.lens.index.technique(raw);
        if (!t || t.deprecated) continue;
        const id = t.revoked ? api.lens.index.replacementOf(t.id)! : t.id;
        expected.set(id, (expected.get(id) ?? 0) + 1);
      }
    }
    assert.deepStrictEqual(new Map(Object.entries(profile.techniques)), new Map([...expected].sort()));
    assert.ok([...expected.values()].includes(2), 'some techniques are used by both groups');
    assert.strictEqual(api.threatProfile.ranking.mode, 'profile');
  });

  it('refuses IDs that are not actors, leaving the setting alone', async () => {
    await choose({ actors: ['G0016'] });
    const result = await choose({ actors: ['T1059', 'G9999'] });
    assert.ok(result && 'error' in result);
    assert.match(result.error, /None of T1059, G9999 is a group, campaign or software/);
    assert.deepStrictEqual(workspaceProfileSetting(), { name: 'APT29', actors: ['G0016'], source: 'actors' });
  });

  it('stores a Navigator layer’s techniques and scores inline, with its workspace-relative path', async () => {
    const api = await activateApi();
    const result = await choose({ layer: workspaceUri('layers', 'red-team-plan.json') });
    assert.ok(result && 'setting' in result, JSON.stringify(result));
    // The layer file, read here: scores as weights, unscored entries weigh 1, disabled entries are left out.
    assert.deepStrictEqual(workspaceProfileSetting(), {
      name: 'Red team plan Q3',
      actors: [],
      techniques: { 'T1003.001': 5, 'T1059.001': 3, T1566: 1 },
      source: 'layer',
      detail: 'layers/red-team-plan.json',
    });
    await waitFor('the layer profile', () => api.threatProfile.profile?.source === 'layer');
    assert.strictEqual(api.threatProfile.profile?.techniques['T1021.002'], undefined);

    // The profile survives the file: it is read from the setting alone.
    await vscode.workspace.fs.rename(workspaceUri('layers', 'red-team-plan.json'), workspaceUri('layers', 'moved.json'));
    try {
      await api.threatProfile.ready;
      assert.strictEqual(api.threatProfile.profile?.techniques['T1003.001'], 5);
    } finally {
      await vscode.workspace.fs.rename(workspaceUri('layers', 'moved.json'), workspaceUri('layers', 'red-team-plan.json'));
    }
  });

  it('a malformed layer is an error naming the field; the profile is unchanged', async () => {
    await choose({ ids: ['T1059.001'] });
    const before = workspaceProfileSetting();
    const result = await choose({ layer: 'layers/broken-layer.json' });
    assert.ok(result && 'error' in result, JSON.stringify(result));
    assert.match(result.error, /broken-layer\.json is not a usable Navigator layer: .*techniqueID/);
    assert.match(result.field ?? '', /techniques\[0\]\.techniqueID/);
    assert.deepStrictEqual(workspaceProfileSetting(), before);
  });

  it('saves a technique list; revoked IDs become their replacement, unknown IDs are refused', async () => {
    const result = await choose({ ids: 'T1059.001, t1003; T1086', name: 'Hunt list' });
    assert.ok(result && 'setting' in result, JSON.stringify(result));
    assert.deepStrictEqual(workspaceProfileSetting(), { name: 'Hunt list', actors: [], techniques: { T1003: 1, 'T1059.001': 1 }, source: 'ids', detail: '2 techniques' });
    const bad = await choose({ ids: ['T1059.001', 'T9999'] });
    assert.ok(bad && 'error' in bad);
    assert.match(bad.error, /Not in ATT&CK v18\.1: T9999/);
    assert.deepStrictEqual((workspaceProfileSetting() as { name: string }).name, 'Hunt list');
  });

  it('Clear threat profile removes the setting; gaps are ranked by prevalence again', async () => {
    const api = await activateApi();
    await choose({ actors: ['G0016'] });
    await waitFor('the profile', () => api.threatProfile.profile !== undefined);
    assert.strictEqual(await vscode.commands.executeCommand('attackLens.clearThreatProfile', { quiet: true }), true);
    assert.strictEqual(workspaceProfileSetting(), undefined);
    assert.ok(!('attackLens.threatProfile' in (JSON.parse(await disk('.vscode', 'settings.json')) as object)));
    await waitFor('prevalence mode', () => api.threatProfile.profile === undefined);
    assert.strictEqual(api.threatProfile.ranking.mode, 'prevalence');
    assert.strictEqual(await vscode.commands.executeCommand('attackLens.clearThreatProfile', { quiet: true }), false, 'nothing left to clear');
  });
});
