import * as assert from 'assert';
import * as vscode from 'vscode';
import { waitForUiText } from '../../host/uiProbe';
import { activateApi, CoverageApi, waitFor, workspaceUri } from './helpers';

// The exports with attackLens.telemetry set to Process Creation (DC0032), through the real commands
// (issue #12 §4): the Navigator layer coloured by state (or by rule count when asked), the folder
// layer, the markdown and json reports and the matrix's HTML report.
// Expected states are worked out here: the fixture's Sigma rules all read process_creation, which
// ATT&CK calls Process Creation, so what they name is detected; another covered technique is
// detected or no-telemetry (what the other formats read is not this test's business); a technique
// without rules is visible when one of ATT&CK's analytics for it reads DC0032, else blind.

const PROFILE = { name: 'EDR only', dataComponents: ['DC0032'] };
const SIGMA_NAMED = ['T1059.001', 'T1027', 'T1003.001', 'T1003'];
const STATES = ['detected', 'no-telemetry', 'visible', 'blind'];

interface Layer {
  description: string;
  layout: { expandedSubtechniques: string };
  legendItems: { label: string; color: string }[];
  metadata: { name: string; value: string }[];
  techniques: { techniqueID: string; score?: number; color?: string; comment: string; metadata: { name: string; value: string }[] }[];
}

const config = () => vscode.workspace.getConfiguration('attackLens');
const read = async (uri: vscode.Uri) => new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
const stateIn = (t: Layer['techniques'][number]) => t.metadata.filter((m) => m.name === 'telemetry').map((m) => m.value);

const gapState = (api: CoverageApi, id: string) => (api.lens.index.analyticsFor(id).some((a) => a.logSources.some((ls) => ls.dataComponent === 'DC0032')) ? 'visible' : 'blind');

function allowedStates(api: CoverageApi, id: string): string[] {
  if (SIGMA_NAMED.includes(id)) return ['detected'];
  if (api.rules.model.forTechnique(id)?.covered) return ['detected', 'no-telemetry'];
  return [gapState(api, id)];
}

/** Every active Enterprise technique and sub-technique in the model's scope, by walking its tactics. */
function inScope(api: CoverageApi): Set<string> {
  const ids = new Set<string>();
  for (const t of api.rules.model.tactics()) for (const item of t.items) for (const c of [item, ...item.subtechniques]) ids.add(c.technique.id);
  return ids;
}

describe('exports with a telemetry profile', function () {
  this.timeout(60_000);
  before(async () => {
    const api = await activateApi();
    await config().update('telemetry', PROFILE, vscode.ConfigurationTarget.Workspace);
    await waitFor('the telemetry profile', () => api.telemetry?.profile?.collected.has('DC0032'));
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    await config().update('telemetry', undefined, vscode.ConfigurationTarget.Workspace);
  });

  it('the Navigator layer: every technique in scope once, coloured as the legend says for its state, the state in its metadata, scores by rule count', async () => {
    const api = await activateApi();
    const target = workspaceUri('out', 'layer-telemetry.json');
    const written = await vscode.commands.executeCommand<vscode.Uri>('attackLens.exportNavigatorLayer', target);
    assert.strictEqual(written?.toString(), target.toString());
    const layer = JSON.parse(await read(target)) as Layer;
    const ids = layer.techniques.map((t) => t.techniqueID);
    assert.strictEqual(ids.length, new Set(ids).size, 'one entry per technique');
    assert.deepStrictEqual(new Set(ids), inScope(api));
    const colour = new Map(layer.legendItems.map((l) => [l.label, l.color]));
    assert.deepStrictEqual([...colour.keys()], ['Telemetry: detected', 'Telemetry: no telemetry', 'Telemetry: visible', 'Telemetry: blind']);
    const counts = new Map<string, number>();
    for (const t of layer.techniques) {
      const [state, ...more] = stateIn(t);
      assert.ok(!more.length && allowedStates(api, t.techniqueID).includes(state), `${t.techniqueID}: ${state}`);
      assert.strictEqual(t.color, colour.get(`Telemetry: ${state.replace('-', ' ')}`), `${t.techniqueID} colour`);
      counts.set(state, (counts.get(state) ?? 0) + 1);
    }
    assert.ok(counts.get('visible')! > 0 && counts.get('blind')! > 0 && counts.get('detected')! >= SIGMA_NAMED.length, JSON.stringify([...counts]));
    const byId = new Map(layer.techniques.map((t) => [t.techniqueID, t]));
    assert.strictEqual(byId.get('T1059.001')!.score, 2, 'the score is still the rule count');
    assert.strictEqual(byId.get('T1110')!.score, undefined, 'no rule names T1110 (the vendor folder is excluded)');
    assert.match(layer.metadata.find((m) => m.name === 'telemetry')!.value, /^EDR only: \d+ detected · \d+ no telemetry · \d+ visible · \d+ blind$/);
    assert.strictEqual(layer.layout.expandedSubtechniques, 'none');
  });

  it('colours by rule count when asked: the layer of a workspace without a telemetry profile', async () => {
    const target = workspaceUri('out', 'layer-rules.json');
    await vscode.commands.executeCommand('attackLens.exportNavigatorLayer', target, undefined, 'rules');
    const layer = JSON.parse(await read(target)) as Layer;
    assert.ok(layer.techniques.every((t) => stateIn(t).length === 0 && t.color === undefined && t.score !== undefined));
    assert.ok(layer.legendItems.every((l) => / rules?$/.test(l.label)), JSON.stringify(layer.legendItems));
  });

  it('an interactive export asks what to colour by; closing the pick writes nothing', async () => {
    const done = vscode.commands.executeCommand<vscode.Uri | undefined>('attackLens.exportNavigatorLayer');
    const rows = await waitForUiText('.quick-input-widget .quick-input-list', /Rule count/);
    assert.match(rows, /Telemetry states[\s\S]*attackLens\.telemetry “EDR only”/);
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    assert.strictEqual(await done, undefined);
  });

  it('Export layer for this folder colours the folder’s coverage by state', async () => {
    const api = await activateApi();
    const sigma = workspaceUri('rules', 'sigma');
    const target = workspaceUri('out', 'layer-sigma-telemetry.json');
    await vscode.commands.executeCommand('attackLens.exportFolderLayer', sigma, [sigma], target, 'telemetry');
    const layer = JSON.parse(await read(target)) as Layer;
    const byId = new Map(layer.techniques.map((t) => [t.techniqueID, t]));
    for (const id of SIGMA_NAMED) assert.deepStrictEqual(stateIn(byId.get(id)!), ['detected'], id);
    // Rules outside rules/sigma do not count: what only they name is a gap here.
    const coveredHere = new Set([...SIGMA_NAMED, 'T1059']);
    const elsewhere = api.rules.model.referencedTechniques().filter((id) => !coveredHere.has(id) && byId.has(id));
    assert.ok(elsewhere.length > 0, 'the other formats name techniques the Sigma rules do not');
    for (const id of elsewhere) assert.deepStrictEqual(stateIn(byId.get(id)!), [gapState(api, id)], id);
  });

  it('the markdown and json reports and the HTML report carry the states', async () => {
    const api = await activateApi();
    const md = await read((await vscode.commands.executeCommand<vscode.Uri>('attackLens.exportReport', 'markdown', workspaceUri('out', 'coverage-telemetry.md')))!);
    assert.match(md, /\| Detected \| No telemetry \| Visible \| Blind \|/);
    const json = JSON.parse(await read((await vscode.commands.executeCommand<vscode.Uri>('attackLens.exportReport', 'json', workspaceUri('out', 'coverage-telemetry.json')))!)) as {
      telemetryStates: Record<string, string[]>;
      telemetry: { dataComponents: Record<string, { name: string; rules: number }>; unmappedLogSources: Record<string, number> };
      techniques: Record<string, { rules: number; dataComponents?: string[] }>;
    };
    assert.deepStrictEqual(Object.keys(json.telemetryStates), STATES);
    // What the rules read, as `attack-lens coverage --format json` has it: the Sigma rules read process creation.
    assert.strictEqual(json.telemetry.dataComponents.DC0032?.name, 'Process Creation');
    assert.ok(json.telemetry.dataComponents.DC0032.rules > 0, 'rules counted for DC0032');
    assert.ok(Object.values(json.techniques).some((t) => t.rules > 0 && t.dataComponents?.includes('DC0032')), 'a covered technique lists DC0032');
    assert.ok(Object.values(json.techniques).every((t) => Array.isArray(t.dataComponents)), 'every technique has its dataComponents');
    const listed = STATES.flatMap((s) => json.telemetryStates[s]);
    assert.deepStrictEqual(new Set(listed), inScope(api));
    for (const s of STATES) for (const id of json.telemetryStates[s]) assert.ok(allowedStates(api, id).includes(s), `${id}: ${s}`);

    const execution = api.lens.index.techniquesForTactic('execution', 'enterprise-attack', true).filter((t) => inScope(api).has(t.id)).map((t) => t.id);
    const expected = STATES.map((s) => json.telemetryStates[s].filter((id) => execution.includes(id)).length);
    const mdRow = md.split('\n').find((l) => l.startsWith('| Execution |'))!;
    assert.deepStrictEqual(mdRow.split('|').slice(-5, -1).map((c) => Number(c.trim())), expected, 'markdown: Execution');

    const html = await read((await vscode.commands.executeCommand<vscode.Uri>('attackLens.exportCoverageMatrix', 'html', workspaceUri('out', 'matrix-telemetry.html')))!);
    assert.match(html, /<th class="num">Detected<\/th><th class="num">No telemetry<\/th><th class="num">Visible<\/th><th class="num">Blind<\/th>/);
    const htmlRow = /<tr><td>Execution <code>TA0002<\/code><\/td>.*<\/tr>/.exec(html)?.[0] ?? '';
    assert.deepStrictEqual([...htmlRow.matchAll(/<td class="num">(\d+)<\/td>/g)].map((m) => Number(m[1])).slice(-4), expected, 'HTML: Execution');
    assert.match(html, /Telemetry states against the telemetry profile “EDR only”/);
  });
});
