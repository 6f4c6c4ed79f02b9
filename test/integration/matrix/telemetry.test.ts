import * as assert from 'assert';
import * as vscode from 'vscode';
import type { StartedApi } from '../../host/inHost';
import { activateApi, waitFor, workspaceUri } from '../../host/inHost';
import { uiClick, uiSelect, uiText, waitForUiText } from '../../host/uiProbe';

// The matrix's telemetry colour mode and side panel in the real host, with the workspace's
// attackLens.telemetry set to Process Creation (DC0032). Expected states are worked out here: what
// each fixture rule reads from its own `logsource.category` (issue #12 §1: Sigma process_creation →
// DC0032, registry_set → DC0063), coverage from its tags, and for a gap whether one of ATT&CK's
// analytics for it reads DC0032 (the index's analytics, as the priorities suite reads them).

const PROFILE = { name: 'Matrix telemetry test', dataComponents: ['DC0032'] };
const CATEGORY_READS: Readonly<Record<string, string>> = { process_creation: 'DC0032', registry_set: 'DC0063' };
const DOMAIN = 'enterprise-attack';
type State = 'detected' | 'no-telemetry' | 'visible' | 'blind';
const STATES: readonly State[] = ['detected', 'no-telemetry', 'visible', 'blind'];

const frames = { frames: true };
const config = () => vscode.workspace.getConfiguration('attackLens');

/** Technique ID → the data components its rules read (a sub-technique's rules count for its parent too), from the fixture files. */
async function coveredReads(): Promise<Map<string, Set<string>>> {
  const out = new Map<string, Set<string>>();
  const dir = workspaceUri('rules');
  for (const [name] of await vscode.workspace.fs.readDirectory(dir)) {
    if (!name.endsWith('.yml')) continue;
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(dir, name)));
    const category = /^\s+category:\s*(\S+)/m.exec(text)?.[1] ?? '';
    const reads = CATEGORY_READS[category];
    for (const m of text.matchAll(/^\s+-\s*attack\.(t\d{4}(?:\.\d{3})?)\s*$/gm)) {
      const id = m[1].toUpperCase();
      for (const t of id.includes('.') ? [id, id.split('.')[0]] : [id]) {
        const set = out.get(t) ?? out.set(t, new Set()).get(t)!;
        if (reads) set.add(reads);
      }
    }
  }
  return out;
}

const readsProcessCreation = (api: StartedApi, id: string) => api.lens.index.analyticsFor(id).some((a) => a.logSources.some((ls) => ls.dataComponent === 'DC0032'));

/** The expected state of every Enterprise technique shown as a matrix cell (parents; sub-techniques stay folded). */
async function expectedStates(api: StartedApi): Promise<Map<string, { state: State; name: string }>> {
  const covered = await coveredReads();
  const index = api.lens.index;
  const out = new Map<string, { state: State; name: string }>();
  for (const tactic of index.tactics(DOMAIN)) {
    for (const t of index.techniquesForTactic(tactic.shortname, DOMAIN)) {
      const reads = covered.get(t.id);
      const state: State = reads ? (reads.has('DC0032') ? 'detected' : 'no-telemetry') : readsProcessCreation(api, t.id) ? 'visible' : 'blind';
      out.set(t.id, { state, name: t.name });
    }
  }
  return out;
}

const lines = (text: string) => text.split('\n').filter((l) => l.trim());

async function select(id: string): Promise<string> {
  await uiClick(`.cell[data-id="${id}"]`, frames);
  await waitForUiText('.side .detail-title .detail-id', new RegExp(`^${id.replace('.', '\\.')}$`), frames);
  return waitForUiText('.side', /Telemetry: /, frames);
}

describe('coverage matrix: telemetry colour mode', function () {
  this.timeout(120_000);

  before(async () => {
    await activateApi();
    await vscode.commands.executeCommand('attackLens.showCoverageMatrix');
    await waitForUiText('.summary', /5 rules/, { frames: true, timeoutMs: 30_000 });
  });

  after(async () => {
    await config().update('telemetry', undefined, vscode.ConfigurationTarget.Workspace);
  });

  it('without a telemetry profile the telemetry mode is not offered, and says why', async () => {
    assert.strictEqual(config().inspect('telemetry')?.workspaceValue, undefined, 'the fixture has no telemetry profile');
    const option = await uiText('select.colour-mode option[value="telemetry"]:disabled', frames);
    assert.match(option, /Telemetry state \(no telemetry profile\)/);
    assert.doesNotMatch(await uiText('.summary', frames), /telemetry profile/);
    assert.strictEqual(await uiText('.cell.t-detected, .cell.t-no-telemetry, .cell.t-visible, .cell.t-blind', frames), '');
  });

  it('with attackLens.telemetry set, colours every cell by its state with a lettered legend', async () => {
    const api = await activateApi();
    await config().update('telemetry', PROFILE, vscode.ConfigurationTarget.Workspace);
    await waitForUiText('.summary', /telemetry profile: Matrix telemetry test/, frames);
    assert.strictEqual(await uiText('select.colour-mode option[value="telemetry"]:disabled', frames), '', 'the mode is offered');
    await uiSelect('select.colour-mode', 'telemetry', frames);
    const legend = await waitForUiText('.legend', /Telemetry state/, frames);
    for (const [mark, label] of [
      ['D', 'detected'],
      ['N', 'no telemetry'],
      ['V', 'visible'],
      ['B', 'blind'],
    ])
      assert.match(legend, new RegExp(`${mark}\\s*${label}`), legend);

    const expected = await expectedStates(api);
    for (const s of STATES) {
      const want = new Set([...expected.values()].filter((e) => e.state === s).map((e) => e.name));
      const shown = new Set(lines(await uiText(`.cell.t-${s} .name`, frames)));
      assert.ok(want.size > 0, `the fixture has ${s} cells`);
      assert.deepStrictEqual([...shown].sort(), [...want].sort(), `${s} cells`);
    }
    const marks = lines(await uiText('.cell[data-id="T1003"] .mark', frames));
    assert.deepStrictEqual([...new Set(marks)], ['D'], 'a detected cell shows its letter, not colour alone');
  });

  it('lists for a visible gap the analytics that read collected log sources: ID, name, log source and channel', async () => {
    const api = await activateApi();
    const expected = await expectedStates(api);
    const id = [...expected]
      .filter(([, e]) => e.state === 'visible')
      .map(([t]) => t)
      .sort()[0];
    const side = await select(id);
    assert.match(side, /Telemetry: visible —/);
    assert.match(side, /What a new rule would read/);
    const analytics = api.lens.index.analyticsFor(id).filter((a) => a.logSources.some((ls) => ls.dataComponent === 'DC0032'));
    const names = lines(await uiText('.side .collected-analytic .analytic-name', frames));
    assert.strictEqual(names.length, analytics.length, `${id}: ${names.join(' | ')}`);
    for (const a of analytics) {
      assert.ok(
        names.some((n) => n.startsWith(`${a.id} ${a.name}`)),
        `${a.id} ${a.name} listed`,
      );
      for (const ls of a.logSources.filter((l) => l.dataComponent === 'DC0032'))
        assert.ok(side.includes(`${ls.name}${ls.channel ? ` · ${ls.channel}` : ''} — DC0032`), `${ls.name} ${ls.channel} listed`);
    }
  });

  it('lists for a covered technique each rule with what it reads and whether it is collected', async () => {
    const api = await activateApi();
    const registry = api.lens.index.dataComponent('DC0063')!.name;
    const process = api.lens.index.dataComponent('DC0032')!.name;
    const persistence = await select('T1547');
    assert.match(persistence, /Telemetry: no telemetry —/);
    assert.match(await uiText('.side .reads', frames), new RegExp(`reads DC0063 ${registry} — not collected`));
    const dump = await select('T1003');
    assert.match(dump, /Telemetry: detected —/);
    assert.match(await uiText('.side .reads', frames), new RegExp(`reads DC0032 ${process} — collected`));
  });

  it('says a blind gap has nothing collected feeding it and which data components would', async () => {
    const api = await activateApi();
    const expected = await expectedStates(api);
    const id = [...expected]
      .filter(([t, e]) => e.state === 'blind' && api.lens.index.dataComponentsFor(t).length > 0)
      .map(([t]) => t)
      .sort()[0];
    const side = await select(id);
    assert.match(side, /Telemetry: blind —/);
    assert.match(side, /Nothing you collect feeds it/);
    assert.strictEqual(await uiText('.side .collected-analytics', frames), '');
    const components = await uiText('.side .components-list', frames);
    for (const dc of api.lens.index.dataComponentsFor(id)) assert.ok(components.includes(`${dc.id} ${dc.name}`), `${dc.id} listed`);
  });

  it('falls back to rule counts when the profile is cleared', async () => {
    await config().update('telemetry', undefined, vscode.ConfigurationTarget.Workspace);
    await waitFor('the summary without a telemetry profile', async () => !/telemetry profile/.test(await uiText('.summary', frames)), 20_000);
    await waitForUiText('.legend', /Rules per technique/, frames);
    assert.strictEqual(await uiText('.cell.t-detected, .cell.t-no-telemetry, .cell.t-visible, .cell.t-blind', frames), '');
    assert.match(await uiText('select.colour-mode option[value="telemetry"]:disabled', frames), /no telemetry profile/);
  });
});
