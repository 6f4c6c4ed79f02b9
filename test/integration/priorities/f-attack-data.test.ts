import * as assert from 'assert';
import * as path from 'path';
import * as vscode from 'vscode';
import type { GapNode } from '../../../src/views/priorityGapsNodes';
import { activateApi, gapNodes, setSetting, sharedRoot, waitFor } from './helpers';

// The view follows the ATT&CK data: with attackLens.stixBundles pointing at Enterprise 17.1
// (before v18's detection strategies) the gaps are ranked against the 17.1 groups and lose
// their detection-strategy rows; back on the built-in 18.1 data they return.

const stixDir = process.env.ATTACK_LENS_STIX || path.join(sharedRoot, 'attack');

async function setBundles(api: Awaited<ReturnType<typeof activateApi>>, value: string[] | undefined, version: string): Promise<void> {
  await vscode.workspace.getConfiguration('attackLens').update('stixBundles', value, vscode.ConfigurationTarget.Workspace);
  await waitFor(`ATT&CK ${version}`, () => api.lens.index.versionLabel === `ATT&CK v${version}`, 60_000);
  await api.rules.ready;
  await waitFor('the rescan after the data change', () => !api.rules.scanning && api.rules.model.index === api.lens.index, 60_000);
}

const strategies = (tree: Awaited<ReturnType<typeof activateApi>>['priorityGaps'], node: GapNode) => tree.getChildren(node).find((c) => c.kind === 'detail' && c.detail === 'strategies');

describe('priority gaps: ATT&CK data changes', function () {
  this.timeout(120_000);
  after(async () => {
    const api = await activateApi();
    await setSetting(api, 'threatProfile', undefined);
    if (vscode.workspace.getConfiguration('attackLens').inspect('stixBundles')?.workspaceValue !== undefined) await setBundles(api, undefined, '18.1');
  });

  it('re-ranks against the loaded data and shows what it has', async () => {
    const api = await activateApi();
    const tree = api.priorityGaps;
    await setSetting(api, 'threatProfile', { name: 'APT29', actors: ['G0016'] });
    const gap = () => gapNodes(tree).find((g) => g.gap.technique.id === 'T1047');
    assert.ok(strategies(tree, gap()!), 'v18.1 has detection strategies for T1047');

    await setBundles(api, [path.join(stixDir, 'enterprise-attack-17.1.json')], '17.1');
    await waitFor('the gaps ranked against 17.1', () => gap()?.gap.technique === api.lens.index.technique('T1047'));
    assert.strictEqual(strategies(tree, gap()!), undefined, 'ATT&CK 17.1 has no detection strategies');
    const tooltip = tree.resolveTreeItem(tree.getTreeItem(gap()!), gap()!).tooltip as vscode.MarkdownString;
    assert.match(tooltip.value, /Detection strategies:\*\* none in the loaded ATT\\&CK data/);

    await setBundles(api, undefined, '18.1');
    await waitFor('the gaps ranked against 18.1', () => gap()?.gap.technique === api.lens.index.technique('T1047'));
    assert.ok(strategies(tree, gap()!), 'back on 18.1');
  });
});
