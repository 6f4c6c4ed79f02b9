import * as assert from 'assert';
import * as vscode from 'vscode';
import { activateApi, assertPercentOf, description, label, nextChange, ruleChildren, tacticNode, techniqueNode, workspaceUri } from './helpers';

// The Coverage view for the fixture workspace (test/fixtures/workspaces/coverage). The expected
// numbers come from the technique IDs written in the fixture files, listed here by hand, and
// from the ATT&CK index's own tactic membership: not from the parsers or the model.

/** Techniques each counted (non-deprecated) rule names, as written in the fixture files (T1086 → T1059.001 revoked). */
const FIXTURE_TECHNIQUES: Record<string, readonly string[]> = {
  'rules/sigma/ps_encoded.yml#0': ['T1059.001', 'T1027'],
  'rules/sigma/cred_dump.yml#0': ['T1003.001', 'T1003'],
  'rules/sigma/cred_dump.yml#1': ['T1059.001'],
  'rules/splunk/service_temp_path.yml#0': ['T1543.003', 'T1569.002'],
  'rules/elastic/office_cmd.toml#0': ['T1059', 'T1059.003', 'T1566', 'T1566.001'],
  'rules/sentinel/sharepoint_download.yaml#0': ['T1530', 'T1567'],
  'rules/chronicle/rundll32_network.yaral#0': ['T1218.011'],
};

describe('coverage: tree', () => {
  it('lists the tactics in matrix order with covered/total counts from the fixture rules', async () => {
    const api = await activateApi();
    const tree = api.coverageTree;
    const index = api.lens.index;
    const roots = tree.getChildren();
    const tactics = roots.filter((n) => n.kind === 'tactic');
    assert.deepStrictEqual(
      tactics.map((n) => label(tree, n)),
      index.tactics('enterprise-attack').map((t) => t.name),
    );
    const named = new Set(Object.values(FIXTURE_TECHNIQUES).flat());
    for (const t of index.tactics('enterprise-attack')) {
      const parents = index.techniquesForTactic(t.shortname, 'enterprise-attack');
      const covered = parents.filter((p) => named.has(p.id) || [...named].some((id) => id.startsWith(p.id + '.'))).length;
      const shown = description(tree, tacticNode(tree, t.shortname));
      const m = /^(\d+)\/(\d+) · ([\d.]+)%$/.exec(shown);
      assert.ok(m, `${t.shortname}: ${shown}`);
      assert.deepStrictEqual([Number(m[1]), Number(m[2])], [covered, parents.length], t.shortname);
      assertPercentOf(m[3], covered, parents.length, t.shortname);
    }
  });

  it('shows techniques with their sub-techniques and the rules that name them', async () => {
    const api = await activateApi();
    const tree = api.coverageTree;
    const t1059 = techniqueNode(tree, 'execution', 'T1059');
    assert.ok(t1059 && t1059.kind === 'technique');
    assert.strictEqual(ruleChildren(tree, t1059).length, 1, 'only the Elastic rule names T1059 itself');
    assert.strictEqual(t1059.coverage.viaSubtechniques.length, 3, 'two sub-technique rules (PowerShell ×2, cmd ×1)');
    const ps = techniqueNode(tree, 'execution', 'T1059.001')!;
    const psRules = ruleChildren(tree, ps).map((r) => vscode.workspace.asRelativePath(api.rules.uriOf(r.ref.path)) + '#' + r.ref.ruleIndex).sort();
    const expected = Object.entries(FIXTURE_TECHNIQUES).filter(([, ids]) => ids.includes('T1059.001')).map(([k]) => k).sort();
    assert.deepStrictEqual(psRules, expected);
    const t1110 = techniqueNode(tree, 'credential-access', 'T1110')!;
    assert.strictEqual(description(tree, t1110), 'no rules', 'the vendor folder is excluded by attackLens.coverage.exclude');
  });

  it('lists broken files under Problems and unknown IDs under Unknown references', async () => {
    const api = await activateApi();
    const tree = api.coverageTree;
    const roots = tree.getChildren();
    const problems = roots.find((n) => n.kind === 'problems');
    assert.ok(problems, 'a Problems node');
    const files = tree.getChildren(problems).map((n) => (n.kind === 'problem' ? vscode.workspace.asRelativePath(api.rules.uriOf(n.problem.path)) : ''));
    assert.deepStrictEqual([...new Set(files)], ['rules/sigma/broken.yml']);
    const unknown = roots.find((n) => n.kind === 'unknownRoot');
    assert.ok(unknown, 'an Unknown references node');
    const ids = tree.getChildren(unknown).map((n) => label(tree, n));
    assert.ok(ids.includes('T1999'), `T1999 listed (got ${ids.join(', ')})`);
    const t1999 = tree.getChildren(unknown).find((n) => label(tree, n) === 'T1999')!;
    assert.match(String(tree.getTreeItem(t1999).tooltip), /^T1999 is not in the loaded ATT&CK v18\.1: .*1 rule name it/);
    const refs = tree.getChildren(t1999);
    assert.strictEqual(refs.length, 1);
    assert.strictEqual(refs[0].kind === 'rule' && refs[0].ref.title, 'Old Revoked Mapping');
  });

  it('flags the revoked reference in the tree and counts what needs a look in the badge', async () => {
    const api = await activateApi();
    const tree = api.coverageTree;
    const revokedRoot = tree.getChildren().find((n) => n.kind === 'revokedRoot');
    assert.ok(revokedRoot, 'a Revoked references node');
    const [flagged] = tree.getChildren(revokedRoot);
    assert.ok(flagged.kind === 'rule');
    assert.strictEqual(flagged.ref.title, 'Old Revoked Mapping');
    assert.match(description(tree, flagged), /T1086 is revoked/);
    // Under T1059.001 the same rule carries the flag; the one naming T1059.001 itself does not.
    const ps = ruleChildren(tree, techniqueNode(tree, 'execution', 'T1059.001')!);
    assert.deepStrictEqual(ps.map((r) => [r.ref.title, /revoked/.test(description(tree, r))]).sort(), [['Old Revoked Mapping', true], ['Suspicious PowerShell Encoded Command', false]]);
    const item = tree.getTreeItem(flagged);
    assert.strictEqual((item.iconPath as vscode.ThemeIcon).id, 'warning');
    // Badge: 1 file with problems (broken.yml) + 1 unknown reference (T1999) + 1 revoked (T1086).
    const state = tree.viewState;
    assert.strictEqual(state.badge?.value, 3);
    assert.match(state.badge?.tooltip ?? '', /1 file with problems, 1 unknown reference, 1 revoked reference/);
    assert.match(state.description ?? '', /^\d+(\.\d)?% · 7 rules$/);
  });

  it('honours files.exclude: the archive folder the fixture hides adds nothing', async () => {
    const api = await activateApi();
    assert.strictEqual(api.rules.file(workspaceUri('archive', 'email_collection.yml')), undefined);
    assert.strictEqual(api.rules.model.forTechnique('T1114.001')!.covered, false);
  });

  it('leaves the deprecated rule out and counts the revoked T1086 for T1059.001', async () => {
    const api = await activateApi();
    const model = api.rules.model;
    assert.strictEqual(model.forTechnique('T1053.005')!.covered, false);
    assert.strictEqual(model.deprecatedRuleCount, 1);
    assert.strictEqual(model.ruleCount, Object.keys(FIXTURE_TECHNIQUES).length);
    assert.deepStrictEqual(model.revoked.map((r) => [r.id, r.replacement]), [['T1086', 'T1059.001']]);
  });

  it('opens a rule at its tag line from the tree', async () => {
    const api = await activateApi();
    const tree = api.coverageTree;
    const node = techniqueNode(tree, 'defense-evasion', 'T1027')!;
    const [rule] = ruleChildren(tree, node);
    const item = tree.getTreeItem(rule);
    assert.ok(item.command, 'a rule item has a command');
    await vscode.commands.executeCommand(item.command.command, ...(item.command.arguments ?? []));
    const editor = vscode.window.activeTextEditor;
    assert.ok(editor, 'an editor opened');
    assert.strictEqual(editor.document.uri.toString(), workspaceUri('rules', 'sigma', 'ps_encoded.yml').toString());
    const tagLine = editor.document.getText().split(/\r?\n/).findIndex((l) => /^\s*-\s*attack\.t1027\s*$/.test(l));
    assert.ok(tagLine > 0);
    assert.strictEqual(editor.selection.start.line, tagLine);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('filters to gaps only and sorts by coverage', async () => {
    const api = await activateApi();
    const tree = api.coverageTree;
    try {
      assert.strictEqual(await vscode.commands.executeCommand('attackLens.toggleGapsOnly', true), true);
      const execution = tree.getChildren(tacticNode(tree, 'execution'));
      const index = api.lens.index;
      // Expected from the index and the IDs the fixture rules name.
      const named = new Set(Object.values(FIXTURE_TECHNIQUES).flat());
      const expected = index
        .techniquesForTactic('execution', 'enterprise-attack')
        .filter((t) => {
          const subs = index.subtechniques(t.id);
          const covered = named.has(t.id) || subs.some((s) => named.has(s.id));
          return !covered || subs.some((s) => !named.has(s.id));
        })
        .map((t) => t.id)
        .sort();
      assert.deepStrictEqual(execution.map((n) => (n.kind === 'technique' ? n.coverage.technique.id : '')).sort(), expected);
      const t1059 = execution.find((n) => n.kind === 'technique' && n.coverage.technique.id === 'T1059')!;
      assert.ok(t1059, 'T1059 stays, holding its uncovered sub-techniques');
      const subs = tree.getChildren(t1059);
      assert.ok(subs.length > 0 && subs.every((n) => n.kind === 'technique' && !n.coverage.covered), 'only uncovered sub-techniques, no rules');
      assert.ok(!subs.some((n) => n.kind === 'technique' && n.coverage.technique.id === 'T1059.001'));
      await vscode.commands.executeCommand('attackLens.toggleGapsOnly', false);
      assert.strictEqual(await vscode.commands.executeCommand('attackLens.toggleCoverageSort', 'coverage'), 'coverage');
      const percents = tree.getChildren().filter((n) => n.kind === 'tactic').map((n) => (n.kind === 'tactic' ? n.coverage.techniques.covered / n.coverage.techniques.total : 0));
      assert.deepStrictEqual(percents, [...percents].sort((a, b) => a - b));
      assert.match(tree.viewState.description ?? '', / · least covered first$/);
    } finally {
      await vscode.commands.executeCommand('attackLens.toggleGapsOnly', false);
      await vscode.commands.executeCommand('attackLens.toggleCoverageSort', 'matrix');
    }
  });

  it('narrows the totals when a platform filter is set', async () => {
    const api = await activateApi();
    const tree = api.coverageTree;
    const before = api.rules.model.forTactic('execution')!.techniques.total;
    const changed = new Promise<void>((resolve) => {
      const sub = api.rules.onDidChange(() => {
        sub.dispose();
        resolve();
      });
    });
    await vscode.commands.executeCommand('attackLens.filterCoverage', { platforms: ['Linux'] });
    await changed;
    try {
      const expected = api.lens.index.techniquesForTactic('execution', 'enterprise-attack').filter((t) => t.platforms.includes('Linux')).length;
      assert.strictEqual(api.rules.model.forTactic('execution')!.techniques.total, expected);
      assert.ok(expected < before);
      assert.match(description(tree, tacticNode(tree, 'execution')), new RegExp(`/${expected} · `));
      await nextChange(api.rules, () => vscode.commands.executeCommand('attackLens.filterCoverage', { platforms: ['Windwos'] }));
      assert.strictEqual(api.rules.model.total.techniques.total, 0);
      assert.match(tree.viewState.message ?? '', /No active enterprise-attack technique is on Windwos: check attackLens\.platforms/);
    } finally {
      await vscode.commands.executeCommand('attackLens.filterCoverage', { platforms: [] });
    }
  });
});
