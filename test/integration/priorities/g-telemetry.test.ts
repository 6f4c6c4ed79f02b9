import * as assert from 'assert';
import * as vscode from 'vscode';
import type { StartedApi } from '../../host/inHost';
import type { TechniqueCoverage } from '../../../src/coverage/model';
import type { CoverageNode } from '../../../src/views/coverageNodes';
import { activateApi, description, gapNodes, setSetting, waitFor, workspaceUri } from './helpers';

// Telemetry in the views, with attackLens.telemetry set to Process Creation (DC0032): the Coverage
// tree's state per technique (icon and description), per tactic (the four counts) and its filter by
// state; the Priority gaps order (visible before blind at equal weight) and the log source named;
// the hover on a technique. A gap is expected visible when one of ATT&CK's analytics for it reads
// DC0032 (read here from the index's analytics: no platform filter in this workspace, and the
// profile is the same on every platform). What each rule reads is not known to this test, so a
// covered technique is accepted as detected or no-telemetry.

const PROFILE = { dataComponents: ['DC0032'] };
const ICONS: Record<string, string> = { detected: 'pass-filled', 'no-telemetry': 'warning', visible: 'eye', blind: 'eye-closed' };

const readsProcessCreation = (api: StartedApi, id: string) => api.lens.index.analyticsFor(id).some((a) => a.logSources.some((ls) => ls.dataComponent === 'DC0032'));

function expectedState(api: StartedApi, c: TechniqueCoverage): string[] {
  if (c.covered) return ['detected', 'no-telemetry'];
  return [readsProcessCreation(api, c.technique.id) ? 'visible' : 'blind'];
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

  it('the Coverage tree shows each technique’s state as icon and description, and the four counts per tactic', async () => {
    const api = await activateApi();
    await setSetting(api, 'telemetry', PROFILE);
    let checked = 0;
    for (const tactic of tacticNodes(api)) {
      const counts = { detected: 0, 'no-telemetry': 0, visible: 0, blind: 0, covered: 0 };
      for (const t of tactic.coverage.items) {
        for (const c of [t, ...t.subtechniques]) {
          if (c.covered) counts.covered++;
          else counts[expectedState(api, c)[0] as 'visible' | 'blind']++;
        }
      }
      const desc = String(item(api, tactic).description);
      const m = /· (\d+) detected · (\d+) no telemetry · (\d+) visible · (\d+) blind$/.exec(desc);
      assert.ok(m, `${tactic.coverage.tactic.name}: ${desc}`);
      assert.deepStrictEqual([Number(m[3]), Number(m[4])], [counts.visible, counts.blind], `${tactic.coverage.tactic.name} visible/blind`);
      assert.strictEqual(Number(m[1]) + Number(m[2]), counts.covered, `${tactic.coverage.tactic.name}: detected + no telemetry are the covered ones`);
      for (const n of techniqueNodes(api, tactic)) {
        const i = item(api, n);
        const state = stateOf(String(i.description));
        assert.ok(state && expectedState(api, n.coverage).includes(state), `${n.coverage.technique.id}: ${i.description}`);
        assert.strictEqual(iconId(i), ICONS[state], `${n.coverage.technique.id} icon`);
        assert.match((i.tooltip as vscode.MarkdownString).value.replace(/\\(.)/g, '$1'), new RegExp(`Telemetry: ${state.replace('-', ' ')} —`));
        checked++;
      }
    }
    assert.ok(checked > 100, `${checked} techniques checked`);
    const states = api.coverageTree.telemetryStates!;
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
      const isVisible = readsProcessCreation(api, g.technique.id);
      const desc = description(api.priorityGaps, gaps[i]);
      if (isVisible) {
        visible++;
        assert.match(desc, /· visible: \S+/, `${g.technique.id}: ${desc}`);
        const source = /visible: (\S+)/.exec(desc)![1];
        const names = api.lens.index.analyticsFor(g.technique.id).flatMap((a) => a.logSources.filter((ls) => ls.dataComponent === 'DC0032').map((ls) => ls.name));
        assert.ok(names.includes(source), `${g.technique.id}: ${source} is a Process Creation log source of its analytics (${names.join(', ')})`);
      } else assert.match(desc, /· blind$/, `${g.technique.id}: ${desc}`);
      const prev = gaps[i - 1]?.gap;
      if (prev && prev.weight === g.weight && isVisible) assert.ok(readsProcessCreation(api, prev.technique.id), `${g.technique.id} (visible) comes after ${prev.technique.id} (blind) of the same weight ${g.weight}`);
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
    await setSetting(api, 'telemetry', undefined);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, at);
    const without = hovers.map((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value)).join('\n')).join('\n');
    assert.match(without, /T1059\.001/);
    assert.doesNotMatch(without, /with your telemetry/);
  });
});
