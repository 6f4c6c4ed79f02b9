import * as assert from 'assert';
import * as vscode from 'vscode';
import type { StartedApi } from '../../host/inHost';
import type { Group, Technique } from '../../../src/attack/types';
import type { GapNode } from '../../../src/views/priorityGapsNodes';
import { activateApi, description, gapNodes, label, setSetting } from './helpers';

// The Priority gaps view's nodes and order, without a profile (prevalence) and with profiles set
// through the workspace setting, checked against the ATT&CK data read here (group `uses` lists)
// and the fixture's rules as written by hand (test/fixtures/workspaces/priorities/README.md).

/** Techniques the fixture's rules name. */
const COVERED = ['T1105', 'T1003.001', 'T1078.004', 'T1059.001', 'T1547.001', 'T1566.001', 'T1190'];

function activeGroups(api: StartedApi): Group[] {
  return [...api.lens.index.entries()].filter((e): e is Group => e.kind === 'group' && !e.revoked && !e.deprecated);
}

/** The technique and, for a parent, its sub-techniques. */
function family(api: StartedApi, t: Technique): string[] {
  return [t.id, ...(t.isSubtechnique ? [] : api.lens.index.subtechniques(t.id).map((s) => s.id))];
}

describe('priority gaps: ranking', () => {
  it('has the fixture rules in several formats, Sigma the most', async () => {
    const api = await activateApi();
    const formats = api.rules.files().map((f) => f.format).sort();
    assert.deepStrictEqual(formats, ['elastic', 'sentinel', 'sigma', 'sigma', 'sigma', 'splunk', 'yaral']);
    for (const id of COVERED) assert.ok(api.rules.model.forTechnique(id)!.rules.length > 0, `${id} is covered by a fixture rule`);
  });

  it('without a profile ranks by prevalence (groups using each technique) and says so', async () => {
    const api = await activateApi();
    const tree = api.priorityGaps;
    assert.strictEqual(api.threatProfile.profile, undefined);
    assert.match(tree.viewState.description ?? '', /^prevalence · \d+ gaps$/);
    assert.match(tree.viewState.message ?? '', /No threat profile: ranked by prevalence/);

    const gaps = gapNodes(tree);
    assert.ok(gaps.length > 100, `many techniques are used by some group (${gaps.length})`);
    for (let i = 1; i < gaps.length; i++) assert.ok(gaps[i - 1].gap.weight >= gaps[i].gap.weight, `order at ${i}`);
    const ids = gaps.map((g) => g.gap.technique.id);
    for (const id of COVERED) assert.ok(!ids.includes(id), `${id} has a rule, so it is no gap`);

    // Independent weight: active groups whose `uses` name the technique (for a parent: or a sub-technique).
    const groups = activeGroups(api);
    const usedBy = (id: string) => groups.filter((g) => g.techniques.includes(id)).length;
    const weightOf = (t: Technique) => Math.max(...family(api, t).map(usedBy));
    const direct = new Set(COVERED);
    let best = 0;
    for (const t of api.lens.index.activeTechniques('enterprise-attack')) if (!direct.has(t.id) && usedBy(t.id) > 0) best = Math.max(best, weightOf(t));
    assert.ok(best > 50, 'the most prevalent uncovered technique is used by many groups');
    assert.strictEqual(gaps[0].gap.weight, best);
    for (const g of gaps.slice(0, 20)) assert.ok(Math.abs(g.gap.weight - weightOf(g.gap.technique)) <= 1, `${g.gap.technique.id}: ${g.gap.weight} vs ${weightOf(g.gap.technique)} groups`);

    const top = gaps[0];
    assert.strictEqual(label(tree, top), `${top.gap.technique.id} ${top.gap.technique.name}`);
    assert.match(description(tree, top), new RegExp(`^used by ${best} ATT&CK groups`));
    assert.strictEqual(tree.getTreeItem(top).contextValue, 'gap');
  });

  describe('with a threat profile in the workspace settings', () => {
    afterEach(async () => setSetting(await activateApi(), 'threatProfile', undefined));

    it('APT29 (G0016): only its techniques, partial coverage marked, the view names the profile', async () => {
      const api = await activateApi();
      const tree = api.priorityGaps;
      await setSetting(api, 'threatProfile', { name: 'APT29', actors: ['G0016'] });
      assert.strictEqual(api.threatProfile.profile?.name, 'APT29');
      assert.match(tree.viewState.description ?? '', /^APT29 · \d+ gaps$/);
      assert.match(tree.viewState.message ?? '', /Threat profile “APT29”/);

      const apt29 = api.lens.index.get('G0016') as Group;
      const gaps = gapNodes(tree);
      const ids = gaps.map((g) => g.gap.technique.id);
      for (const id of ids) assert.ok(apt29.techniques.includes(id), `${id} is an APT29 technique`);
      const expected = apt29.techniques.filter((id) => {
        const t = api.lens.index.technique(id);
        return t && !t.revoked && !t.deprecated && !COVERED.includes(id);
      });
      assert.deepStrictEqual([...ids].sort(), [...expected].sort());
      for (const g of gaps) assert.strictEqual(g.gap.weight, 1, 'one actor: every technique weighs 1');
      assert.match(description(tree, gaps[0]), /^used by 1 of 1 actor/);

      // T1078 Valid Accounts: APT29 uses it; the fixture only covers T1078.004.
      const validAccounts = gaps.find((g) => g.gap.technique.id === 'T1078');
      assert.ok(validAccounts, 'T1078 is a gap');
      const subs = api.lens.index.subtechniques('T1078').length;
      assert.strictEqual(description(tree, validAccounts), `used by 1 of 1 actor · partial: 1/${subs} sub-techniques`);
      assert.ok(ids.indexOf('T1078') > ids.indexOf('T1005'), 'at equal weight, uncovered gaps come before partial ones');
    });

    it('a gap lists the actors using it, its tactics, detection strategies, data components and uncovered sub-techniques', async () => {
      const api = await activateApi();
      const tree = api.priorityGaps;
      await setSetting(api, 'threatProfile', { name: 'APT29', actors: ['G0016'] });
      const index = api.lens.index;
      const node = gapNodes(tree).find((g) => g.gap.technique.id === 'T1078')!;
      const children = tree.getChildren(node);
      const detail = (kind: string) => children.find((c): c is Extract<GapNode, { kind: 'detail' }> => c.kind === 'detail' && c.detail === kind);
      const attackIds = (n: GapNode | undefined) => tree.getChildren(n).map((c) => (c.kind === 'attack' ? c.id : '?'));

      assert.deepStrictEqual(attackIds(detail('actors')), ['G0016']);
      const tactics = children.find((c) => c.kind === 'tactics')!;
      const t1078 = index.technique('T1078')!;
      assert.strictEqual(description(tree, tactics), index.tactics('enterprise-attack').filter((t) => t1078.tactics.includes(t.shortname)).map((t) => t.name).join(', '));
      const strategies = index.detectionStrategiesFor('T1078').map((s) => s.id);
      assert.ok(strategies.length > 0, 'ATT&CK v18 has detection strategies for T1078');
      assert.deepStrictEqual(attackIds(detail('strategies')), strategies);
      assert.ok(strategies.every((id) => /^DET\d{4}$/.test(id)));
      assert.deepStrictEqual(attackIds(detail('dataComponents')), index.dataComponentsFor('T1078').map((d) => d.id));
      const uncovered = attackIds(detail('subtechniques'));
      assert.deepStrictEqual(uncovered, index.subtechniques('T1078').map((s) => s.id).filter((id) => id !== 'T1078.004'));
      assert.strictEqual(detail('atomics'), undefined, 'no atomics index configured');
      assert.strictEqual(tree.getTreeItem(tree.getChildren(detail('subtechniques'))[0]).contextValue, 'gap', 'an uncovered sub-technique offers "Create rule for this gap"');

      const actorItem = tree.getTreeItem(tree.getChildren(detail('actors'))[0]);
      assert.strictEqual(actorItem.command?.command, 'attackLens.openTechnique');
      assert.deepStrictEqual(actorItem.command?.arguments, ['G0016']);

      // Worked out when the row is hovered, as VS Code asks for it.
      const tooltip = tree.resolveTreeItem(tree.getTreeItem(node), node).tooltip;
      assert.ok(tooltip instanceof vscode.MarkdownString, 'a Markdown tooltip');
      assert.strictEqual(tooltip.isTrusted, false);
      assert.match(tooltip.value, /APT29 \\\(G0016\\\)/, 'actor names are escaped');
      assert.match(tooltip.value, /Data components \\\(telemetry a rule needs\\\)/);
    });

    it('APT29 + APT28: weights count the actors using each technique, highest first', async () => {
      const api = await activateApi();
      const tree = api.priorityGaps;
      await setSetting(api, 'threatProfile', { name: 'APT29 + APT28', actors: ['G0016', 'G0007'] });
      const actors = ['G0016', 'G0007'].map((id) => api.lens.index.get(id) as Group);
      const usedBy = (id: string) => actors.filter((a) => a.techniques.includes(id)).length;
      const gaps = gapNodes(tree);
      assert.ok(gaps.length > 50);
      assert.strictEqual(gaps[0].gap.weight, 2);
      for (let i = 1; i < gaps.length; i++) assert.ok(gaps[i - 1].gap.weight >= gaps[i].gap.weight, `order at ${i}`);
      for (const g of gaps) assert.strictEqual(g.gap.weight, Math.max(...family(api, g.gap.technique).map(usedBy)), g.gap.technique.id);
      assert.match(description(tree, gaps[0]), /^used by 2 of 2 actors/);
      assert.match(tree.viewState.description ?? '', /^APT29 \+ APT28 · /);
    });

    it('a profile naming techniques the data does not know says so', async () => {
      const api = await activateApi();
      await setSetting(api, 'threatProfile', { name: 'Hand-written', techniques: { T1047: 3, T9999: 1, T1005: 2 } });
      const gaps = gapNodes(api.priorityGaps).map((g) => `${g.gap.technique.id}:${g.gap.weight}`);
      assert.deepStrictEqual(gaps, ['T1047:3', 'T1005:2']);
      assert.match(api.priorityGaps.viewState.message ?? '', /Not in the loaded ATT&CK v[\d.]+.*T9999/);
    });
  });
});
