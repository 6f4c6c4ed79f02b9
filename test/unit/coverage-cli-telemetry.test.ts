import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { coverageCommand } from '../../src/cli/coverage';
import { CliContext } from '../../src/cli/context';
import { layerViolations, loadIndex, projectRoot } from './coverage-helpers';
import { rawTelemetry, RawTelemetry } from './helpers/rawTelemetry';

// `attack-lens coverage --telemetry FILE`: the four states over every active Enterprise technique
// and sub-technique, each once; uncovered ones checked against the raw 18.1 relationships.

const cli = path.join(projectRoot, 'dist', 'cli.js');
const formats = path.join(projectRoot, 'test', 'fixtures', 'coverage', 'formats');
const STATES = ['detected', 'no-telemetry', 'visible', 'blind'] as const;

type States = Record<(typeof STATES)[number], string[]>;

function run(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, 'coverage', formats, ...args], { cwd: projectRoot, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('attack-lens coverage --telemetry (needs ../shared)', function () {
  this.timeout(120_000);
  let dir: string;
  let raw: RawTelemetry;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attack-lens-telemetry-'));
    raw = rawTelemetry('enterprise-attack-18.1.json');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
  };

  /** Uncovered techniques are visible when an analytic for them reads a collected component. */
  function assertStates(states: States, covered: ReadonlySet<string>, collected: ReadonlySet<string>): void {
    const listed = STATES.flatMap((s) => states[s]);
    assert.strictEqual(listed.length, new Set(listed).size, 'each technique once');
    assert.deepStrictEqual(new Set(listed), raw.activeTechniques, 'every active technique and sub-technique');
    assert.deepStrictEqual(new Set([...states.detected, ...states['no-telemetry']]), new Set([...covered].filter((id) => raw.activeTechniques.has(id))));
    for (const id of [...states.visible, ...states.blind]) {
      const visible = (raw.analyticsOf.get(id) ?? []).some((a) => a.refs.some(([dc]) => collected.has(dc)));
      assert.strictEqual(states.visible.includes(id), visible, id);
    }
    assert.ok(states.visible.length > 0 && states.blind.length > 0);
  }

  it('adds telemetryStates to the json report, from the plain object; unknown names are named on stderr', () => {
    const file = write('telemetry.json', JSON.stringify({ dataComponents: ['DC0032', 'Process Creation'], logSources: ['WinEventLog:Sysmon', 'Nope:Log'] }));
    const r = run('--format', 'json', '--telemetry', file);
    assert.strictEqual(r.code, 0, r.stderr);
    assert.match(r.stderr, /a log source no ATT&CK v18\.1 data component lists: “Nope:Log” \(left out\)/);
    const report = JSON.parse(r.stdout) as { techniques: Record<string, unknown>; telemetryStates: States };
    const collected = new Set([raw.componentByName.get('process creation')!, ...raw.componentsOfLogSource.get('wineventlog:sysmon')!]);
    assertStates(report.telemetryStates, new Set(Object.keys(report.techniques)), collected);
  });

  it('reads a settings file and a DeTT&CT file; the summary and markdown add the four counts per tactic', () => {
    const settings = write('settings.json', `{\n  // the team's\n  "attackLens.telemetry": { "logSources": ["auditd:SYSCALL"] },\n}\n`);
    const json = JSON.parse(run('--format', 'json', '--telemetry', settings).stdout) as { techniques: Record<string, unknown>; telemetryStates: States };
    assertStates(json.telemetryStates, new Set(Object.keys(json.techniques)), raw.componentsOfLogSource.get('auditd:syscall')!);

    const dettect = write(
      'ds.yaml',
      'version: 1.2\nfile_type: data-source-administration\ndata_sources:\n  - data_source_name: Process Creation\n    data_source:\n      - applicable_to: [all]\n        data_quality: {device_completeness: 3, data_field_completeness: 3, timeliness: 3, consistency: 3, retention: 3}\n',
    );
    const summary = run('--telemetry', dettect);
    assert.strictEqual(summary.code, 0, summary.stderr);
    const header = summary.stdout.split('\n')[0];
    assert.match(header, /Detected No-telem Visible\s+Blind$/);
    const execution = summary.stdout.split('\n').find((l) => l.startsWith('Execution'))!;
    const counts = execution.trim().split(/\s+/).slice(-4).map(Number);
    const md = run('--format', 'markdown', '--telemetry', dettect).stdout;
    const row = md.split('\n').find((l) => l.startsWith('| Execution |'))!;
    assert.deepStrictEqual(
      row
        .split('|')
        .slice(-5, -1)
        .map((c) => Number(c.trim())),
      counts,
      'markdown and summary agree',
    );
    const jsonStates = (JSON.parse(run('--format', 'json', '--telemetry', dettect).stdout) as { telemetryStates: States }).telemetryStates;
    const index = loadIndex();
    const ofExecution = new Set(index.techniquesForTactic('execution', 'enterprise-attack', true).map((t) => t.id));
    assert.deepStrictEqual(
      counts,
      STATES.map((s) => jsonStates[s].filter((id) => ofExecution.has(id)).length),
    );
    assert.match(md, /Detected \| No telemetry \| Visible \| Blind \|/);
  });

  it('refuses a file naming nothing ATT&CK knows, a file of another kind, and formats it does not add to', () => {
    const unknown = run('--telemetry', write('bad.json', JSON.stringify({ dataComponents: ['Proces Creation'] })));
    assert.strictEqual(unknown.code, 2);
    assert.match(unknown.stderr, /names no data component or log source of ATT&CK v18\.1 \(a data component not in ATT&CK v18\.1: “Proces Creation”\)/);
    const other = run('--telemetry', write('other.json', '{"editor.tabSize": 2}'));
    assert.strictEqual(other.code, 2);
    assert.match(other.stderr, /has none of dataComponents/);
    const csv = run('--format', 'csv', '--telemetry', write('ok.json', '{"dataComponents": ["DC0032"]}'));
    assert.strictEqual(csv.code, 2);
    assert.match(csv.stderr, /--telemetry adds the telemetry states to the summary, json, markdown and navigator formats, not to csv/);
  });

  it('--format navigator colours the layer by state: a legend, each state in the metadata, the scores as --score says', () => {
    const file = write('nav.json', JSON.stringify({ name: 'SOC', logSources: ['WinEventLog:Sysmon'] }));
    const collected = raw.componentsOfLogSource.get('wineventlog:sysmon')!;
    type Layer = { metadata: { name: string; value: string }[]; legendItems: { label: string; color: string }[]; techniques: { techniqueID: string; score?: number; color?: string; metadata: { name: string; value: string }[] }[] };
    const layerOf = (...args: string[]) => {
      const r = run('--format', 'navigator', ...args);
      assert.strictEqual(r.code, 0, r.stderr);
      const layer = JSON.parse(r.stdout) as Layer;
      assert.deepStrictEqual(layerViolations(layer), []);
      return layer;
    };
    const statesOf = (layer: Layer): States => {
      const out: States = { detected: [], 'no-telemetry': [], visible: [], blind: [] };
      for (const t of layer.techniques) {
        const s = t.metadata.filter((m) => m.name === 'telemetry').map((m) => m.value);
        assert.strictEqual(s.length, 1, t.techniqueID);
        out[s[0] as keyof States].push(t.techniqueID);
      }
      return out;
    };
    const layer = layerOf('--telemetry', file);
    const json = JSON.parse(run('--format', 'json', '--telemetry', file).stdout) as { techniques: Record<string, unknown>; telemetryStates: States };
    const states = statesOf(layer);
    assertStates(states, new Set(Object.keys(json.techniques)), collected);
    for (const s of STATES) assert.deepStrictEqual([...states[s]].sort(), json.telemetryStates[s], `${s}: the layer and the json agree`);
    const legend = new Map(layer.legendItems.map((l) => [l.label.replace('Telemetry: ', '').replace(' ', '-'), l.color]));
    assert.deepStrictEqual([...legend.keys()], [...STATES]);
    for (const s of STATES) for (const id of states[s]) assert.strictEqual(layer.techniques.find((t) => t.techniqueID === id)!.color, legend.get(s), `${id} ${s}`);
    assert.match(layer.metadata.find((m) => m.name === 'telemetry')!.value, /^SOC: \d+ detected · \d+ no telemetry · \d+ visible · \d+ blind$/);

    const scores = (l: Layer) => Object.fromEntries(l.techniques.filter((t) => t.score !== undefined).map((t) => [t.techniqueID, t.score]));
    assert.deepStrictEqual(scores(layer), scores(layerOf()), 'rule counts, as without --telemetry');
    const strength = layerOf('--telemetry', file, '--score', 'strength');
    assert.deepStrictEqual(scores(strength), scores(layerOf('--score', 'strength')), 'strength, as without --telemetry');
    assert.notDeepStrictEqual(scores(strength), scores(layer));
    assert.deepStrictEqual(statesOf(strength), states, 'the colours stay the states');
  });

  it('takes what each rule reads from the context: a covering rule that reads a collected component makes its techniques detected', async () => {
    const file = write('pc.json', JSON.stringify({ dataComponents: ['Process Creation'] }));
    const index = loadIndex();
    const ctx: CliContext = { out: () => undefined, err: () => undefined, isTty: false, index: () => index, ruleTelemetry: () => () => ({ dataComponents: ['DC0032'], unmapped: [] }) };
    const outFile = path.join(dir, 'out.json');
    assert.strictEqual(await coverageCommand([formats, '--format', 'json', '--telemetry', file, '--out', outFile], ctx), 0);
    const out = fs.readFileSync(outFile, 'utf8');
    const report = JSON.parse(out) as { techniques: Record<string, unknown>; telemetryStates: States };
    const coveredActive = Object.keys(report.techniques)
      .filter((id) => raw.activeTechniques.has(id))
      .sort();
    assert.deepStrictEqual(report.telemetryStates.detected, coveredActive, 'every covering rule reads DC0032, which is collected');
    assert.deepStrictEqual(report.telemetryStates['no-telemetry'], []);
  });
});
