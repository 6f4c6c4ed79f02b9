import * as assert from 'assert';
import * as vscode from 'vscode';
import type { BaselineImport } from '../../../src/commands/importBaselineLayer';
import type { GapNode } from '../../../src/views/priorityGapsNodes';
import { activateApi, description, sectionNode, waitFor, workspaceUri, write } from './helpers';

// "Compare with a Navigator layer (baseline)": a 4.5 layer read from the workspace, the
// "Baseline covers, we don't" section, malformed layers reported with the field at fault, and
// "Clear baseline layer".

const layer = (techniques: unknown[], extra: Record<string, unknown> = {}) =>
  JSON.stringify({ name: 'Red team plan *Q3* [x](command:workbench.action.quit)', versions: { attack: '18', navigator: '5.1.0', layer: '4.5' }, domain: 'enterprise-attack', description: '', techniques, ...extra }, null, 2);

describe('priority gaps: baseline layer', () => {
  after(async () => vscode.commands.executeCommand('attackLens.clearBaselineLayer'));

  it('lists the techniques the baseline covers that no rule of ours names', async () => {
    const api = await activateApi();
    const tree = api.priorityGaps;
    assert.strictEqual(sectionNode(tree, 'baseline'), undefined, 'no baseline yet');
    const uri = workspaceUri('layers', 'red_team_plan.json');
    await write(
      uri,
      layer([
        { techniqueID: 'T1105', score: 1 },
        { techniqueID: 'T1059.001', tactic: 'execution', score: 2 },
        { techniqueID: 'T1021.001', tactic: 'lateral-movement', score: 1 },
        { techniqueID: 'T1047', tactic: 'execution', color: '#ff6666' },
        { techniqueID: 'T1566', tactic: 'initial-access', score: 1 },
        { techniqueID: 'T1003', tactic: 'credential-access', enabled: false },
        { techniqueID: 'T9999', score: 1 },
      ]),
    );
    const result = (await vscode.commands.executeCommand('attackLens.importBaselineLayer', uri)) as BaselineImport;
    assert.ok('baseline' in result, `imported: ${JSON.stringify(result)}`);
    assert.deepStrictEqual(result.baseline.techniques, ['T1021.001', 'T1047', 'T1059.001', 'T1105', 'T1566', 'T9999'], 'enabled entries only');
    const section = await waitFor('the baseline section', () => sectionNode(tree, 'baseline'));
    const entries = tree.getChildren(section) as Extract<GapNode, { kind: 'entry' }>[];
    // T1105 and T1059.001 have rules; T1566 is only covered through T1566.001; T9999 is unknown.
    assert.deepStrictEqual(entries.map((e) => e.id), ['T1021.001', 'T1047', 'T1566']);
    assert.deepStrictEqual(entries.map((e) => description(tree, e)), ['no rules', 'no rules', 'partial: only some sub-techniques have rules']);
    assert.strictEqual(tree.getTreeItem(entries[0]).contextValue, 'gap', 'a rule can be created for it');
    const item = tree.getTreeItem(section);
    assert.strictEqual(item.contextValue, 'section.baseline');
    assert.strictEqual(item.description, '3 techniques · Red team plan *Q3* [x](command:workbench.action.quit)');
    assert.strictEqual(typeof item.tooltip, 'string', 'the layer-derived name is shown as plain text');
    assert.match(String(item.tooltip), /1 not in the loaded ATT&CK data/);
    const tooltip = tree.resolveTreeItem(tree.getTreeItem(entries[1]), entries[1]).tooltip as vscode.MarkdownString;
    assert.strictEqual(tooltip.isTrusted, false);
    assert.strictEqual(api.threatProfile.baseline?.source, uri.toString(), 'kept in workspace state');
  });

  it('rejects malformed layers with the field at fault and keeps the current baseline', async () => {
    const api = await activateApi();
    const before = api.threatProfile.baseline;
    assert.ok(before);
    const cases: [string, string, RegExp][] = [
      ['no_id.json', layer([{ techniqueID: 'T1047' }, { score: 3 }]), /techniques\[1\]\.techniqueID is missing/],
      ['old.json', layer([], { versions: { layer: '3.0' } }), /versions\.layer "3\.0" is not a 4\.x layer/],
      ['bad_domain.json', layer([], { domain: 'pre-attack' }), /domain "pre-attack" is not/],
      ['score.json', layer([{ techniqueID: 'T1047', score: 'high' }]), /techniques\[0\]\.score must be a number/],
      ['not_json.json', '{ "name": ', /not valid JSON/],
    ];
    for (const [name, text, expected] of cases) {
      const uri = workspaceUri('layers', name);
      await write(uri, text);
      const result = (await vscode.commands.executeCommand('attackLens.importBaselineLayer', uri)) as BaselineImport;
      assert.ok('error' in result, `${name} is rejected`);
      assert.match(result.error, expected, name);
      assert.ok(result.error.startsWith(`${name} is not a usable Navigator layer: `), result.error);
    }
    const missing = (await vscode.commands.executeCommand('attackLens.importBaselineLayer', workspaceUri('layers', 'nope.json'))) as BaselineImport;
    assert.ok('error' in missing && /^Cannot read nope\.json/.test(missing.error));
    assert.deepStrictEqual(api.threatProfile.baseline, before, 'the earlier baseline stays');
  });

  it('"Clear baseline layer" removes the section', async () => {
    const api = await activateApi();
    await vscode.commands.executeCommand('attackLens.clearBaselineLayer');
    assert.strictEqual(api.threatProfile.baseline, undefined);
    assert.strictEqual(sectionNode(api.priorityGaps, 'baseline'), undefined);
  });
});
