import * as assert from 'assert';
import * as vscode from 'vscode';
import type { StartedApi } from '../../host/inHost';
import type { RuleRef, TechniqueCoverage } from '../../../src/coverage/model';
import type { CreatedRule } from '../../../src/commands/createRuleForGap';
import { parseRuleFile } from '../../../src/rules/index';
import type { CoverageNode } from '../../../src/views/coverageNodes';
import * as fs from 'fs';
import * as path from 'path';
import { activateApi, description, gapNodes, projectRoot, setSetting, waitFor, workspaceUri, write } from './helpers';

// Telemetry in the views, with attackLens.telemetry set to Process Creation (DC0032): the Coverage
// tree's state per technique (icon and description), per tactic (the four counts) and its filter by
// state; the Priority gaps order (visible before blind at equal weight) and the log source named;
// the hover on a technique. A gap is expected visible when one of ATT&CK's analytics for it reads
// DC0032 (read here from the index's analytics: no platform filter in this workspace, and the
// profile is the same on every platform). A covered technique is expected detected when one of its
// covering rules (direct or through a sub-technique) is in a file that reads process creation, told
// by the words its format uses for it (below); no-telemetry otherwise.

const PROFILE = { dataComponents: ['DC0032'] };
const ICONS: Record<string, string> = { detected: 'pass-filled', 'no-telemetry': 'warning', visible: 'eye', blind: 'eye-closed' };

const readsProcessCreation = (api: StartedApi, id: string) => api.lens.index.analyticsFor(id).some((a) => a.logSources.some((ls) => ls.dataComponent === 'DC0032'));

/**
 * Whether a rule file reads process creation, by the words its format uses for it (read here from
 * the file, not through the extension's mappings): Sigma's process_creation category, ESCU's Sysmon
 * EventID 1 / Security 4688 data sources, Elastic's process events, Sentinel's process tables,
 * YARA-L's PROCESS_LAUNCH events.
 */
const PROCESS_CREATION_WORDS = [
  /^\s*category: process_creation\s*(#.*)?$/m,
  /^\s*- '?(Sysmon EventID 1|Windows Event Log Security 4688)'?\s*$/m,
  /^process where |logs-endpoint\.events\.process-/m,
  /\b(DeviceProcessEvents|SecurityEvent\s*\|\s*where EventID == 4688)\b/,
  /\.metadata\.event_type = "PROCESS_LAUNCH"/,
];

/** The fixture's rules as shipped, and whether each reads process creation (the words above must agree). */
const FIXTURE_RULES: Record<string, boolean> = {
  'rules/sigma/windows/certutil_download.yml': true,
  'rules/splunk/powershell_encoded.yml': true,
  'rules/chronicle/web_shell_exploit.yaral': true,
  'rules/sigma/windows/lsass_access.yml': false,
  'rules/sigma/cloud/cloud_account_login.yml': false,
  'rules/elastic/run_key.toml': false,
  'rules/sentinel/phishing_attachment.yaml': false,
};

/** The paths (URI strings) of the workspace's rule files that read process creation (earlier suites add some). */
async function processCreationFiles(api: StartedApi): Promise<Set<string>> {
  const out = new Set<string>();
  for (const f of api.rules.files()) {
    if (!f.rules.length) continue;
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.parse(f.path)));
    if (PROCESS_CREATION_WORDS.some((w) => w.test(text))) out.add(f.path);
  }
  return out;
}

function expectedState(api: StartedApi, c: TechniqueCoverage, processCreation: ReadonlySet<string>): string {
  if (c.covered) return [...c.rules, ...c.viaSubtechniques].some((r: RuleRef) => processCreation.has(r.path)) ? 'detected' : 'no-telemetry';
  return readsProcessCreation(api, c.technique.id) ? 'visible' : 'blind';
}

const item = (api: StartedApi, node: CoverageNode) => api.coverageTree.getTreeItem(node);
const iconId = (i: vscode.TreeItem) => (i.iconPath instanceof vscode.ThemeIcon ? i.iconPath.id : '');
const tacticNodes = (api: StartedApi) => api.coverageTree.getChildren().filter((n): n is Extract<CoverageNode, { kind: 'tactic' }> => n.kind === 'tactic');
const techniqueNodes = (api: StartedApi, node: CoverageNode) => api.coverageTree.getChildren(node).filter((n): n is Extract<CoverageNode, { kind: 'technique' }> => n.kind === 'technique');
const stateOf = (desc: string) => /· (detected|no telemetry|visible|blind)$/.exec(desc)?.[1]?.replace(' ', '-');

describe('telemetry in the views', function () {
  this.timeout(60_000);
  afterEach(async () => {
    const api = await activateApi();
    api.coverageTree.stateFilter = undefined;
    await setSetting(api, 'telemetry', undefined);
  });

  it('without a telemetry profile the tree shows no states', async () => {
    const api = await activateApi();
    const execution = tacticNodes(api).find((t) => t.coverage.tactic.shortname === 'execution')!;
    assert.doesNotMatch(String(item(api, execution).description), /detected|visible|blind/);
    for (const n of techniqueNodes(api, execution)) assert.strictEqual(stateOf(String(item(api, n).description)), undefined, String(item(api, n).description));
  });

  it('tells the fixture’s rules that read process creation from those that do not', async () => {
    const api = await activateApi();
    const found = await processCreationFiles(api);
    for (const [file, reads] of Object.entries(FIXTURE_RULES)) assert.strictEqual(found.has(workspaceUri(file).toString()), reads, file);
  });

  it('the Coverage tree shows each technique’s state as icon and description, and the four counts per tactic', async () => {
    const api = await activateApi();
    await setSetting(api, 'telemetry', PROFILE);
    const processCreation = await processCreationFiles(api);
    let checked = 0;
    const seen = { detected: 0, 'no-telemetry': 0, visible: 0, blind: 0 };
    for (const tactic of tacticNodes(api)) {
      const counts = { detected: 0, 'no-telemetry': 0, visible: 0, blind: 0 };
      for (const t of tactic.coverage.items) for (const c of [t, ...t.subtechniques]) counts[expectedState(api, c, processCreation) as keyof typeof counts]++;
      const desc = String(item(api, tactic).description);
      const m = /· (\d+) detected · (\d+) no telemetry · (\d+) visible · (\d+) blind$/.exec(desc);
      assert.ok(m, `${tactic.coverage.tactic.name}: ${desc}`);
      assert.deepStrictEqual(m.slice(1).map(Number), [counts.detected, counts['no-telemetry'], counts.visible, counts.blind], `${tactic.coverage.tactic.name} detected/no telemetry/visible/blind`);
      for (const n of techniqueNodes(api, tactic)) {
        const i = item(api, n);
        const state = stateOf(String(i.description));
        assert.strictEqual(state, expectedState(api, n.coverage, processCreation), `${n.coverage.technique.id}: ${i.description}`);
        assert.strictEqual(iconId(i), ICONS[state!], `${n.coverage.technique.id} icon`);
        assert.match((i.tooltip as vscode.MarkdownString).value.replace(/\\(.)/g, '$1'), new RegExp(`Telemetry: ${state!.replace('-', ' ')} —`));
        seen[state as keyof typeof seen]++;
        checked++;
      }
    }
    assert.ok(checked > 100, `${checked} techniques checked`);
    // A rule on a collected log source makes its technique detected (T1105: the Sigma process_creation
    // rule; T1059 through T1059.001's Splunk rule); one on an uncollected source leaves it no-telemetry (T1003 through LSASS access).
    const states = api.coverageTree.telemetryStates!;
    assert.strictEqual(states.byTechnique.get('T1105'), 'detected');
    assert.strictEqual(states.byTechnique.get('T1059'), 'detected');
    assert.strictEqual(states.byTechnique.get('T1003.001'), 'no-telemetry');
    assert.strictEqual(states.byTechnique.get('T1547.001'), 'no-telemetry');
    assert.ok(seen.detected > 0 && seen['no-telemetry'] > 0 && seen.visible > 0 && seen.blind > 0, `every state shows in the tree: ${JSON.stringify(seen)}`);
    assert.ok(states.lists.visible.length > 0 && states.lists.blind.length > 0, 'the fixture has both visible and blind gaps');
  });

  it('filters the tree by state', async () => {
    const api = await activateApi();
    await setSetting(api, 'telemetry', PROFILE);
    const filtered = await vscode.commands.executeCommand<string[]>('attackLens.filterCoverageByTelemetry', ['visible']);
    assert.deepStrictEqual(filtered, ['visible']);
    assert.match(api.coverageTree.viewState.message ?? '', /Showing telemetry states visible only/);
    let shown = 0;
    for (const tactic of tacticNodes(api)) {
      for (const n of techniqueNodes(api, tactic)) {
        const own = !n.coverage.covered && readsProcessCreation(api, n.coverage.technique.id);
        const sub = n.coverage.subtechniques.some((s) => !s.covered && readsProcessCreation(api, s.technique.id));
        assert.ok(own || sub, `${n.coverage.technique.id} is visible or holds a visible sub-technique`);
        for (const s of techniqueNodes(api, n)) assert.strictEqual(stateOf(String(item(api, s).description)), 'visible', s.coverage.technique.id);
        shown++;
      }
      const expected = tactic.coverage.items.filter((t) => [t, ...t.subtechniques].some((c) => !c.covered && readsProcessCreation(api, c.technique.id))).length;
      assert.strictEqual(techniqueNodes(api, tactic).length, expected, tactic.coverage.tactic.name);
    }
    assert.ok(shown > 0);
    assert.deepStrictEqual(await vscode.commands.executeCommand<string[]>('attackLens.filterCoverageByTelemetry', []), []);
    assert.strictEqual(api.coverageTree.viewState.message, undefined);
  });

  it('Priority gaps rank visible gaps above blind ones of the same weight and name the log source', async () => {
    const api = await activateApi();
    await setSetting(api, 'telemetry', PROFILE);
    const gaps = gapNodes(api.priorityGaps);
    let visible = 0;
    for (let i = 0; i < gaps.length; i++) {
      const g = gaps[i].gap;
      // A partial gap (a sub-technique has rules) is covered: its state is detected or no-telemetry, never visible or blind.
      const uncovered = g.status === 'uncovered';
      const isVisible = uncovered && readsProcessCreation(api, g.technique.id);
      const desc = description(api.priorityGaps, gaps[i]);
      if (isVisible) {
        visible++;
        assert.match(desc, /· visible: \S+/, `${g.technique.id}: ${desc}`);
        const source = /visible: (\S+)/.exec(desc)![1];
        const names = api.lens.index.analyticsFor(g.technique.id).flatMap((a) => a.logSources.filter((ls) => ls.dataComponent === 'DC0032').map((ls) => ls.name));
        assert.ok(names.includes(source), `${g.technique.id}: ${source} is a Process Creation log source of its analytics (${names.join(', ')})`);
      } else if (uncovered) assert.match(desc, /· blind$/, `${g.technique.id}: ${desc}`);
      else assert.doesNotMatch(desc, /visible|blind/, `${g.technique.id} is partial: ${desc}`);
      const prev = gaps[i - 1]?.gap;
      if (prev && prev.weight === g.weight && isVisible) assert.ok(prev.status === 'uncovered' && readsProcessCreation(api, prev.technique.id), `${g.technique.id} (visible) comes after ${prev.technique.id} (not visible) of the same weight ${g.weight}`);
    }
    assert.ok(visible > 0 && visible < gaps.length, `${visible} of ${gaps.length} gaps visible`);
  });

  it('the hover on a technique says where it is detectable with the telemetry', async () => {
    const api = await activateApi();
    await setSetting(api, 'telemetry', PROFILE);
    const doc = await vscode.workspace.openTextDocument(workspaceUri('rules/splunk/powershell_encoded.yml'));
    const at = doc.positionAt(doc.getText().indexOf('- T1059.001') + 4);
    const text = await waitFor('the ATT&CK hover', async () => {
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, at);
      const all = hovers.map((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value)).join('\n')).join('\n');
      return /T1059\.001/.test(all) ? all : undefined;
    });
    const plain = text.replace(/\\(.)/g, '$1');
    assert.match(plain, /\*\*Detectable with your telemetry:\*\* DC0032 Process Creation \([^)]*WinEventLog:Sysmon EventCode=1/);
    // The rule reads Sysmon EventID 1 (its data_source): process creation, collected.
    assert.match(plain, /\*\*This rule reads:\*\* DC0032 Process Creation \(collected\)\n/);
    await setSetting(api, 'telemetry', undefined);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, at);
    const without = hovers.map((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value)).join('\n')).join('\n');
    assert.match(without, /T1059\.001/);
    assert.doesNotMatch(without, /with your telemetry/);
    assert.match(without.replace(/\\(.)/g, '$1'), /\*\*This rule reads:\*\* DC0032 Process Creation\n/, 'without a profile, just what it reads');
  });

  it('the hover on a rule reading an uncollected data component says so', async () => {
    const api = await activateApi();
    await setSetting(api, 'telemetry', PROFILE);
    const doc = await vscode.workspace.openTextDocument(workspaceUri('rules/sigma/windows/lsass_access.yml'));
    assert.match(doc.getText(), /^ {4}category: process_access$/m);
    const processAccess = api.lens.index.findDataComponent('Process Access')!;
    const at = doc.positionAt(doc.getText().indexOf('attack.t1003.001') + 8);
    const text = await waitFor('the ATT&CK hover', async () => {
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, at);
      const all = hovers.map((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value)).join('\n')).join('\n');
      return /T1003\.001/.test(all) ? all : undefined;
    });
    assert.match(text.replace(/\\(.)/g, '$1'), new RegExp(`\\*\\*This rule reads:\\*\\* ${processAccess.id} Process Access \\(not collected\\)\\n`));
  });

  it('Create rule for this gap reads the collected log source the gap names; a blind gap keeps the TODO', async () => {
    const api = await activateApi();
    await setSetting(api, 'telemetry', PROFILE);
    const gaps = gapNodes(api.priorityGaps);
    const visible = gaps.find((g) => readsProcessCreation(api, g.gap.technique.id))!;
    const named = /visible: (\S+)/.exec(description(api.priorityGaps, visible))![1];
    // Sigma is the format most of the workspace's rule files use; process creation is its process_creation category, on the product the log source comes from.
    const product = /^WinEventLog:/.test(named) ? 'windows' : /^auditd:/.test(named) ? 'linux' : /^macos:/.test(named) ? 'macos' : undefined;
    const created = (await vscode.commands.executeCommand('attackLens.createRuleForGap', visible)) as CreatedRule;
    try {
      assert.strictEqual(created.format, 'sigma');
      const text = created.document.getText();
      assert.ok(created.logSource?.startsWith(named), `${created.logSource} is the log source the gap names (${named})`);
      assert.match(text, /^ {4}category: process_creation$/m, text);
      if (product) assert.match(text, new RegExp(`^ {4}product: ${product} # reads ${named.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'm'), text);
      const parsed = parseRuleFile(text, created.document.uri.toString(), api.lens.index);
      assert.deepStrictEqual(parsed.problems, []);
      assert.ok(parsed.rules[0].reads?.some((r) => r.value === 'category:process_creation'), 'the real parser reads the category back');
      assert.ok(parsed.rules[0].references.some((r) => r.id === visible.gap.technique.id));
    } finally {
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }
    const blind = gaps.find((g) => !readsProcessCreation(api, g.gap.technique.id))!;
    const plain = (await vscode.commands.executeCommand('attackLens.createRuleForGap', blind.gap.technique.id)) as CreatedRule;
    try {
      assert.strictEqual(plain.logSource, undefined);
      assert.match(plain.document.getText(), /^ {4}category: process_creation # TODO$/m);
    } finally {
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }
  });

  it('lists the log sources rules read that map to no data component, with their rules and why', async () => {
    const api = await activateApi();
    // The shipped mappings file says why antivirus alerts cannot be mapped; my_edr_thing is in no mapping.
    const shipped = JSON.parse(fs.readFileSync(path.join(projectRoot, 'src', 'coverage', 'telemetry-mappings.json'), 'utf8')) as { mappings: { sigma: Record<string, string[]> }; unmappable: Record<string, string> };
    const reason = shipped.unmappable['sigma:category:antivirus'];
    assert.ok(reason && !shipped.mappings.sigma['category:my_edr_thing']);
    const rule = (title: string, category: string, id: string) => `title: ${title}\nstatus: test\nlogsource:\n    product: windows\n    category: ${category}\ndetection:\n    sel:\n        a: b\n    condition: sel\ntags:\n    - attack.${id}\n`;
    const files = {
      'rules/sigma/unmapped/av_one.yml': rule('AV one', 'antivirus', 't1105'),
      'rules/sigma/unmapped/av_two.yml': rule('AV two', 'antivirus', 't1105'),
      'rules/sigma/unmapped/edr_thing.yml': rule('EDR thing', 'my_edr_thing', 't1105'),
    };
    const uris = Object.keys(files).map((f) => workspaceUri(f));
    const unmappedRoot = () => api.coverageTree.getChildren().find((n): n is Extract<CoverageNode, { kind: 'unmappedRoot' }> => n.kind === 'unmappedRoot');
    try {
      for (const [f, text] of Object.entries(files)) await write(workspaceUri(f), text);
      await waitFor('the new rules in the store', () => uris.every((u) => api.rules.file(u)));
      const root = await waitFor('the Unmapped log sources node', () => (unmappedRoot()?.unmapped.some((u) => u.key === 'sigma:category:my_edr_thing') ? unmappedRoot() : undefined));
      const rootItem = item(api, root);
      assert.strictEqual(rootItem.label, 'Unmapped log sources');
      const values = api.coverageTree.getChildren(root).filter((n): n is Extract<CoverageNode, { kind: 'unmapped' }> => n.kind === 'unmapped');
      assert.match(String(rootItem.description), new RegExp(`^${values.length} log sources?$`));
      const byLabel = new Map(values.map((n) => [String(item(api, n).label), n]));
      for (const n of values) assert.ok(!/process_creation|process_access/.test(String(item(api, n).label)), 'mapped values are not listed');
      const av = byLabel.get('sigma:category:antivirus')!;
      assert.ok(av, [...byLabel.keys()].join(', '));
      assert.strictEqual(item(api, av).description, '2 rules · unmappable');
      assert.ok((item(api, av).tooltip as vscode.MarkdownString).value.replace(/\\(.)/g, '$1').includes(reason), 'the reason the mappings file gives');
      const edr = byLabel.get('sigma:category:my_edr_thing')!;
      assert.strictEqual(item(api, edr).description, '1 rule');
      assert.match((item(api, edr).tooltip as vscode.MarkdownString).value.replace(/\\(.)/g, '$1'), /attackLens\.telemetry\.mappings/);
      const avRules = api.coverageTree.getChildren(av).map((n) => item(api, n));
      assert.deepStrictEqual(avRules.map((i) => i.label).sort(), ['AV one', 'AV two']);
      const open = avRules.find((i) => i.label === 'AV two')!.command!;
      await vscode.commands.executeCommand(open.command, ...(open.arguments ?? []));
      await waitFor('the rule opened', () => vscode.window.activeTextEditor?.document.uri.toString() === workspaceUri('rules/sigma/unmapped/av_two.yml').toString());
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      for (const u of uris) await vscode.workspace.fs.delete(u);
      await waitFor('the rules gone from the store', () => uris.every((u) => !api.rules.file(u)));
    }
    assert.ok(!unmappedRoot()?.unmapped.some((u) => u.key === 'sigma:category:my_edr_thing'), 'the value goes with its rules');
  });
});
