import * as assert from 'assert';
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AttackIndex } from '../../src/attack/index';
import { expectedCoverage, filesUnder, layerViolations, loadIndex, projectRoot, sharedRoot, sigmaRules, sigmaTechniquesByRegex } from './coverage-helpers';

// `attack-lens coverage` as a user runs it: dist/cli.js in a child process.

const cli = path.join(projectRoot, 'dist', 'cli.js');
const formats = path.join(projectRoot, 'test', 'fixtures', 'coverage', 'formats');

function run(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, 'coverage', ...args], { cwd: projectRoot, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

interface CoverageJson {
  attackVersion: string;
  domains: string[];
  rules: number;
  skipped: { file: string; reason: string }[];
  problems: { file: string; line: number; message: string }[];
  total: { techniques: { covered: number; total: number; percent: number } };
  tactics: Record<string, { covered: number; total: number }>;
  techniques: Record<string, { rules: number; viaSubtechniques: number; files: string[] }>;
  unknown: Record<string, number>;
}

describe('attack-lens coverage', function () {
  this.timeout(60_000);
  let index: AttackIndex;
  before(() => {
    index = loadIndex();
  });

  it('--format json: the documented shape, counts from the fixture files', () => {
    const r = run(formats, '--format', 'json');
    assert.strictEqual(r.code, 0, r.stderr);
    assert.strictEqual(r.stderr, '', 'no progress on a non-TTY stderr');
    const j = JSON.parse(r.stdout) as CoverageJson;
    assert.strictEqual(j.attackVersion, index.domain('enterprise-attack')!.version);
    assert.deepStrictEqual(j.domains, ['enterprise-attack']);
    assert.strictEqual(j.rules, 7);
    // Both Sigma rules are `category: process_creation`; the Elastic rule reads `logs-endpoint.events.process-*`, as do the sub-technique rules of T1059.
    assert.deepStrictEqual(j.techniques['T1059.001'], { rules: 2, viaSubtechniques: 0, files: [path.join(formats, 'sigma_multi.yml'), path.join(formats, 'sigma_powershell.yml')].sort(), dataComponents: ['DC0032'] });
    assert.deepStrictEqual(j.techniques['T1059'], { rules: 1, viaSubtechniques: 3, files: [path.join(formats, 'elastic_rule.toml')], dataComponents: ['DC0032'] });
    assert.deepStrictEqual(j.unknown, { T1999: 1 });
    assert.deepStrictEqual(j.problems.map((p) => path.basename(p.file)), ['broken.yml']);
    assert.ok(j.problems[0].line >= 1, '1-based line');
    assert.deepStrictEqual(Object.keys(j.tactics), index.tactics('enterprise-attack').map((t) => t.shortname));
    assert.strictEqual(j.tactics['execution'].total, index.techniquesForTactic('execution', 'enterprise-attack').length);
  });

  it('--format json: the keys the issue documents, in its order, before any extra detail', () => {
    const j = JSON.parse(run(formats, '--format', 'json').stdout) as Record<string, unknown> & CoverageJson;
    // From issue 4: {"attackVersion","domains","rules":N,"skipped":[…],"problems":[{file,line,message}],
    // "tactics":{shortname:{"covered":n,"total":n}},"techniques":{"T1059.001":{"rules":n,"viaSubtechniques":n,"files":[…]}},"unknown":{"T1685":n}}
    assert.deepStrictEqual(Object.keys(j).slice(0, 8), ['attackVersion', 'domains', 'rules', 'skipped', 'problems', 'tactics', 'techniques', 'unknown']);
    assert.strictEqual(typeof j.attackVersion, 'string');
    assert.ok(Number.isInteger(j.rules));
    assert.ok(Array.isArray(j.skipped));
    assert.deepStrictEqual(Object.keys(j.problems[0]), ['file', 'line', 'message']);
    for (const t of Object.values(j.tactics)) {
      assert.deepStrictEqual(Object.keys(t).slice(0, 2), ['covered', 'total']);
      assert.ok(Number.isInteger(t.covered) && Number.isInteger(t.total));
    }
    // Issue 12 §6 adds each covered technique's data components after the keys issue 4 documents.
    for (const t of Object.values(j.techniques)) assert.deepStrictEqual(Object.keys(t), ['rules', 'viaSubtechniques', 'files', 'dataComponents']);
    for (const n of Object.values(j.unknown)) assert.ok(Number.isInteger(n));
  });

  it('folder names above the path given do not make rules deprecated; deprecated/ folders below it do', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attack-lens-cov-'));
    try {
      const checkout = path.join(dir, 'deprecated', 'detections');
      fs.cpSync(formats, checkout, { recursive: true });
      fs.mkdirSync(path.join(checkout, '_deprecated'));
      fs.copyFileSync(path.join(formats, 'sigma_powershell.yml'), path.join(checkout, '_deprecated', 'old_powershell.yml'));
      const j = JSON.parse(run(checkout, '--format', 'json').stdout) as CoverageJson & { deprecatedRulesExcluded: number };
      assert.strictEqual(j.rules, 7, 'the same rules as the fixture folder itself');
      assert.strictEqual(j.deprecatedRulesExcluded, 2, 'the status: deprecated rule and the copy in _deprecated/');
      assert.strictEqual(j.techniques['T1059.001'].rules, 2);
      const relative = JSON.parse(spawnSync(process.execPath, [cli, 'coverage', path.join('deprecated', 'detections'), '--format', 'json'], { cwd: dir, encoding: 'utf8' }).stdout) as CoverageJson;
      assert.strictEqual(relative.rules, 7, 'a relative path below a deprecated/ folder');
      const only = JSON.parse(run(path.join(checkout, '_deprecated'), '--format', 'json').stdout) as CoverageJson;
      assert.strictEqual(only.rules, 0, 'a deprecated folder given itself is still deprecated');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a reader that stops early (| head) is not a crash; the exit code still reports the gate (needs ../shared)', async () => {
    const firstLineThenClose = (...args: string[]) =>
      new Promise<{ code: number | null; stderr: string; line: string }>((resolve) => {
        const child = spawn(process.execPath, [cli, 'coverage', ...args], { cwd: projectRoot });
        let stderr = '';
        let line = '';
        child.stderr.on('data', (d) => (stderr += d));
        child.stdout.once('data', (d) => {
          line = String(d).split('\n')[0];
          child.stdout.destroy();
        });
        child.on('close', (code) => resolve({ code, stderr, line }));
      });
    const ok = await firstLineThenClose(sigmaRules, '--format', 'csv');
    assert.strictEqual(ok.line.split(',')[0], 'domain');
    assert.deepStrictEqual([ok.code, ok.stderr], [0, '']);
    const gated = await firstLineThenClose(sigmaRules, '--format', 'csv', '--fail-under', '100');
    assert.strictEqual(gated.code, 1);
    assert.match(gated.stderr, /below --fail-under 100%/);
    assert.doesNotMatch(gated.stderr, /EPIPE/);
  });

  it('--fail-under exits 1 below the threshold and 0 at or above it', () => {
    const j = JSON.parse(run(formats, '--format', 'json').stdout) as CoverageJson;
    const pct = j.total.techniques.percent;
    assert.ok(pct > 0 && pct < 50);
    const below = run(formats, '--fail-under', String(Math.ceil(pct + 1)));
    assert.strictEqual(below.code, 1);
    assert.match(below.stderr, /below --fail-under/);
    assert.strictEqual(run(formats, '--fail-under', String(Math.floor(pct))).code, 0);
    assert.strictEqual(run(formats, '--fail-under', '0').code, 0);
  });

  it('exits 2 on bad usage and missing paths', () => {
    for (const args of [[], [formats, '--format', 'xml'], [formats, '--fail-under', 'lots'], [formats, '--fail-under', '101'], [formats, '--bogus'], [formats, '--domain', 'cloud'], [formats, '--platform', 'Windwos'], [formats, '--domain', 'mobile', '--platform', 'Windows'], [path.join(formats, 'does-not-exist')]]) {
      const r = run(...args);
      assert.strictEqual(r.code, 2, `${args.join(' ')} → ${r.code} ${r.stderr}`);
      assert.ok(r.stderr.length > 0);
      assert.strictEqual(r.stdout, '');
    }
  });

  it('--out writes the file and prints nothing', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attack-lens-cov-'));
    try {
      const out = path.join(dir, 'layer.json');
      const r = run(formats, '--format', 'navigator', '--out', out);
      assert.strictEqual(r.code, 0, r.stderr);
      assert.strictEqual(r.stdout, '');
      const layer = JSON.parse(fs.readFileSync(out, 'utf8')) as { techniques: { techniqueID: string; score: number }[] };
      assert.deepStrictEqual(layerViolations(layer), []);
      assert.strictEqual(layer.techniques.find((t) => t.techniqueID === 'T1059.001')?.score, 2);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--format navigator with several domains writes a list of layers, one per domain', () => {
    const r = run(formats, '--format', 'navigator', '--domain', 'enterprise,ics');
    assert.strictEqual(r.code, 0, r.stderr);
    const layers = JSON.parse(r.stdout) as { domain: string; techniques: { techniqueID: string }[] }[];
    assert.ok(Array.isArray(layers));
    assert.deepStrictEqual(layers.map((l) => l.domain), ['enterprise-attack', 'ics-attack']);
    for (const l of layers) assert.deepStrictEqual(layerViolations(l), []);
    assert.ok(layers[0].techniques.some((t) => t.techniqueID === 'T1059.001'));
    assert.deepStrictEqual(layers[1].techniques, [], 'no fixture rule names an ICS technique');
    const repeated = run(formats, '--format', 'json', '--domain', 'ics', '--domain', 'ics-attack,enterprise', '--domain', 'ics');
    assert.deepStrictEqual((JSON.parse(repeated.stdout) as CoverageJson).domains, ['ics-attack', 'enterprise-attack'], 'a domain named twice is listed once');
  });

  it('shows progress on stderr only when it is a terminal', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attack-lens-cov-'));
    try {
      const out = path.join(dir, 'report.json');
      // `script` runs the CLI on a pseudo-terminal; with --out, all it prints is stderr.
      const r = spawnSync('script', ['-qec', `${JSON.stringify(process.execPath)} ${JSON.stringify(cli)} coverage ${JSON.stringify(formats)} --format json --out ${JSON.stringify(out)}`, '/dev/null'], { encoding: 'utf8' });
      assert.strictEqual(r.status, 0, r.stderr);
      assert.match(r.stdout, /attack-lens: parsed 8\/8 files/);
      assert.ok(r.stdout.endsWith('\r\x1b[K'), 'the progress line is cleared at the end');
      assert.strictEqual((JSON.parse(fs.readFileSync(out, 'utf8')) as CoverageJson).rules, 7);
      const piped = run(formats, '--format', 'json');
      assert.strictEqual(piped.stderr, '', 'nothing on a piped stderr');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('markdown, csv and the default summary', () => {
    const md = run(formats, '--format', 'markdown');
    assert.strictEqual(md.code, 0);
    assert.match(md.stdout, /\| Tactic \| Techniques \| % \| Sub-techniques \| % \|/);
    assert.match(md.stdout, /## Top gaps/);
    assert.match(md.stdout, /## Unknown references[\s\S]*T1999/);
    const csv = run(formats, '--format', 'csv');
    assert.match(csv.stdout, /^domain,tactics,technique_id,name,subtechnique,covered,rules,via_subtechniques,files\r\n/);
    const summary = run(formats);
    assert.strictEqual(summary.code, 0);
    for (const t of index.tactics('enterprise-attack')) assert.ok(summary.stdout.includes(t.name), t.name);
    assert.match(summary.stdout, /7 rules · techniques \d+\/\d+/);
  });

  it('--platform, --domain and --include-deprecated change the scope', () => {
    const all = JSON.parse(run(formats, '--format', 'json').stdout) as CoverageJson;
    const linux = JSON.parse(run(formats, '--format', 'json', '--platform', 'linux').stdout) as CoverageJson;
    const expectedLinux = index.techniquesForTactic('execution', 'enterprise-attack').filter((t) => t.platforms.includes('Linux')).length;
    assert.strictEqual(linux.tactics['execution'].total, expectedLinux);
    assert.ok(linux.total.techniques.total < all.total.techniques.total);
    const ics = JSON.parse(run(formats, '--format', 'json', '--domain', 'ics').stdout) as CoverageJson;
    assert.deepStrictEqual(ics.domains, ['ics-attack']);
    assert.deepStrictEqual(Object.keys(ics.tactics), index.tactics('ics-attack').map((t) => t.shortname));
    const dep = JSON.parse(run(formats, '--format', 'json', '--include-deprecated').stdout) as CoverageJson;
    assert.strictEqual(dep.rules, all.rules + 1);
    assert.strictEqual(dep.techniques['T1053.005'].rules, 1);
  });

  it('--atomics adds the Atomic Red Team cross-reference, checked against the CSV read by hand (needs ../shared)', () => {
    const csv = path.join(sharedRoot, 'atomic-red-team', 'index.csv');
    const r = run(formats, '--format', 'json', '--atomics', csv);
    assert.strictEqual(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout) as CoverageJson & { atomics: { testedNotDetected: { id: string; tests: number }[]; detectedNotTested: { id: string; rules: number }[]; unknown: string[] } };
    // Independent reading: the "Technique #" column, tests counted once per GUID.
    const guids = new Map<string, Set<string>>();
    for (const line of fs.readFileSync(csv, 'utf8').split(/\r?\n/).slice(1)) {
      const m = /^[^,]*,(T\d{4}(?:\.\d{3})?),.*,([0-9a-f-]{36}),[^,]*$/i.exec(line);
      if (m) guids.set(m[1], (guids.get(m[1]) ?? new Set()).add(m[2]));
    }
    const testsOf = (id: string) => [...guids].filter(([k]) => k === id || k.startsWith(id + '.')).reduce((n, [, g]) => n + g.size, 0);
    const detected = new Set(Object.keys(j.techniques));
    assert.ok(j.atomics.testedNotDetected.length > 100);
    for (const e of j.atomics.testedNotDetected) {
      assert.ok(guids.has(e.id), `${e.id} has tests`);
      assert.ok(!detected.has(e.id), `${e.id} has no rule`);
      assert.strictEqual(e.tests, testsOf(e.id), e.id);
    }
    for (const e of j.atomics.detectedNotTested) {
      assert.strictEqual(testsOf(e.id), 0, `${e.id} has no test`);
      assert.ok(j.techniques[e.id].rules > 0);
    }
    // T1218.011 (Rundll32) is named by the YARA-L fixture and has atomic tests: in neither list.
    assert.ok(guids.has('T1218.011'));
    assert.ok(![...j.atomics.testedNotDetected, ...j.atomics.detectedNotTested].some((e) => e.id === 'T1218.011'));
    const md = run(formats, '--format', 'markdown', '--atomics', csv);
    assert.match(md.stdout, /## Atomic Red Team cross-reference[\s\S]*### Tested but not detected/);
    assert.match(run(formats, '--format', 'csv', '--atomics', csv).stdout, /\r\natomics,technique,name,count\r\ntested-not-detected,T\d{4}/);
    assert.strictEqual(run(formats, '--format', 'navigator', '--atomics', csv).code, 2);
    assert.strictEqual(run(formats, '--atomics', path.join(formats, 'nope.csv')).code, 2);
  });

  it('SigmaHQ corpus: json technique counts equal a regex count of the tag lines (needs ../shared)', () => {
    const r = run(sigmaRules, '--format', 'json');
    assert.strictEqual(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout) as CoverageJson;
    const expected = expectedCoverage(sigmaTechniquesByRegex(filesUnder(sigmaRules, /\.ya?ml$/)), index);
    assert.strictEqual(j.rules, expected.rules);
    const got = Object.fromEntries(Object.entries(j.techniques).filter(([, v]) => v.rules > 0).map(([k, v]) => [k, v.rules]));
    assert.deepStrictEqual(got, Object.fromEntries([...expected.direct.entries()].sort()));
    for (const [id, n] of expected.via) assert.strictEqual(j.techniques[id].viaSubtechniques, n, id);
  });
});
