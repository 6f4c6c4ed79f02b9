import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { projectRoot } from './helpers/attackData';

// `attack-lens coverage` with what the rules read (issue 12 §1, §5, §6), on
// test/fixtures/coverage/telemetry: six rules whose log sources and maturity the expectations
// below are worked out from by hand.
//   stable_process.yml        Sigma process_creation, stable        T1059.001
//   experimental_process.yml  Sigma process_creation, experimental  T1059.001
//   test_file.yml             Sigma file_event, test                T1105
//   unmapped_category.yml     Sigma my_own_category, stable         T1105
//   security_service.yml      Sigma windows/security EventID 4697 (Service Creation) and 99999, stable  T1543.003
//   splunk_both.yml           Splunk "Sysmon EventID 1 AND Sysmon EventID 11", production  T1105

const cli = path.join(projectRoot, 'dist', 'cli.js');
const fixtures = path.join(projectRoot, 'test', 'fixtures', 'coverage', 'telemetry');

function run(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, 'coverage', fixtures, ...args], { cwd: projectRoot, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

interface TelemetryJson {
  telemetry: { dataComponents: Record<string, { name: string; rules: number }>; unmappedLogSources: Record<string, number> };
  techniques: Record<string, { rules: number; dataComponents: string[] }>;
}

describe('attack-lens coverage: telemetry', () => {
  it('--format json counts rules once per data component they read and lists what does not map with its rule count', () => {
    const r = run('--format', 'json');
    assert.strictEqual(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout) as TelemetryJson;
    assert.deepStrictEqual(j.telemetry.dataComponents, {
      // two Sigma process_creation rules, and the Splunk rule (Sysmon 1)
      DC0032: { name: 'Process Creation', rules: 3 },
      // the file_event rule, and the Splunk rule (Sysmon 11)
      DC0039: { name: 'File Creation', rules: 2 },
      DC0060: { name: 'Service Creation', rules: 1 },
    });
    assert.deepStrictEqual(j.telemetry.unmappedLogSources, { 'sigma:category:my_own_category': 1, 'sigma:service:windows/security:99999': 1 });
    assert.deepStrictEqual(
      Object.fromEntries(Object.entries(j.techniques).map(([id, t]) => [id, t.dataComponents])),
      { T1059: ['DC0032'], 'T1059.001': ['DC0032'], T1105: ['DC0032', 'DC0039'], T1543: ['DC0060'], 'T1543.003': ['DC0060'] },
    );
  });

  it('--score strength makes a Navigator layer score the documented 0–5 strength; rules stays the default', () => {
    const strength = JSON.parse(run('--format', 'navigator', '--score', 'strength').stdout) as { techniques: { techniqueID: string; score: number }[]; gradient: { maxValue: number }; description: string };
    // 5 × (2 × min(1, ln(1+n)/ln 6) + 1.5 × mean rank of the rules / 3) / 3.5, one decimal (no telemetry profile).
    const expected = (ranks: number[]) => Math.round(((5 * (2 * Math.min(1, Math.log(1 + ranks.length) / Math.log(6)) + (1.5 * ranks.reduce((a, b) => a + b, 0)) / ranks.length / 3)) / 3.5) * 10) / 10;
    const scores = Object.fromEntries(strength.techniques.map((t) => [t.techniqueID, t.score]));
    assert.deepStrictEqual(scores, { 'T1059.001': expected([3, 1]), T1105: expected([2, 3, 3]), 'T1543.003': expected([3]) });
    assert.strictEqual(strength.gradient.maxValue, 5);
    assert.match(strength.description, /strength 0–5/);
    const rules = JSON.parse(run('--format', 'navigator').stdout) as { techniques: { techniqueID: string; score: number }[] };
    assert.deepStrictEqual(Object.fromEntries(rules.techniques.map((t) => [t.techniqueID, t.score])), { 'T1059.001': 2, T1105: 3, 'T1543.003': 1 });
  });

  it('--mappings adds entries from a settings file (inline, or a mappings file it names) and names bad ones', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attack-lens-mappings-'));
    try {
      fs.mkdirSync(path.join(dir, '.vscode'));
      const settings = path.join(dir, '.vscode', 'settings.json');
      fs.writeFileSync(settings, '{\n  // the team\'s own category\n  "attackLens.telemetry.mappings": { "sigma:category:my_own_category": ["DC0039"] }\n}\n');
      const inline = JSON.parse(run('--format', 'json', '--mappings', settings).stdout) as TelemetryJson;
      assert.deepStrictEqual(inline.telemetry.dataComponents.DC0039, { name: 'File Creation', rules: 3 });
      assert.deepStrictEqual(inline.telemetry.unmappedLogSources, { 'sigma:service:windows/security:99999': 1 });
      fs.writeFileSync(path.join(dir, 'extra.json'), JSON.stringify({ mappings: { sigma: { 'service:windows/security:99999': ['DC0032'] } } }));
      fs.writeFileSync(settings, JSON.stringify({ 'attackLens.telemetry.mappings': 'extra.json' }));
      const file = JSON.parse(run('--format', 'json', '--mappings', settings).stdout) as TelemetryJson;
      assert.deepStrictEqual(file.telemetry.dataComponents.DC0032, { name: 'Process Creation', rules: 4 }, 'the file is read against the workspace folder');
      assert.deepStrictEqual(file.telemetry.unmappedLogSources, { 'sigma:category:my_own_category': 1 });
      fs.writeFileSync(path.join(dir, 'bad.json'), JSON.stringify({ 'sigma:category:x': ['Process Creation'] }));
      const bad = run('--format', 'json', '--mappings', path.join(dir, 'bad.json'));
      assert.strictEqual(bad.code, 2);
      assert.match(bad.stderr, /"sigma:category:x" must map/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--score takes rules or strength, with --format navigator only', () => {
    const bad = run('--format', 'navigator', '--score', 'quality');
    assert.strictEqual(bad.code, 2);
    assert.match(bad.stderr, /--score must be one of rules, strength/);
    const json = run('--format', 'json', '--score', 'strength');
    assert.strictEqual(json.code, 2);
    assert.match(json.stderr, /--format navigator/);
  });
});
