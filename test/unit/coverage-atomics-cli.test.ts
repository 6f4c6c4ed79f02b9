import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AttackIndex } from '../../src/attack/index';
import { expectedCoverage, filesUnder, loadIndex, projectRoot, sharedRoot, sigmaRules, sigmaTechniquesByRegex } from './coverage-helpers';

// `attack-lens coverage <SigmaHQ> --atomics index.csv` as a user runs it, checked against the
// CSV read by hand here (Technique # and Test GUID columns, tests counted once per GUID) and the
// corpus's `attack.tNNNN` tags read by regex.

const cli = path.join(projectRoot, 'dist', 'cli.js');
const csv = path.join(sharedRoot, 'atomic-red-team', 'index.csv');

function run(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, 'coverage', ...args], { cwd: projectRoot, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

interface AtomicsJson {
  testCount: number;
  tested: number;
  tests: Record<string, number>;
  testedNotDetected: { id: string; tests: number; rules: number }[];
  detectedNotTested: { id: string; tests: number; rules: number }[];
  unknown: string[];
}

/** Technique ID as written in the CSV → distinct test GUIDs. */
function guidsByHand(file: string): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const line of fs.readFileSync(file, 'utf8').split(/\r?\n/).slice(1)) {
    const m = /^[^,]*,(T\d{4}(?:\.\d{3})?),.*,([0-9a-f-]{36}),[^,]*$/i.exec(line);
    if (m) out.set(m[1], (out.get(m[1]) ?? new Set()).add(m[2]));
  }
  return out;
}

/** Canonical in-scope (active Enterprise) technique → its own tests, revoked IDs moved to their replacement. */
function ownTests(index: AttackIndex, guids: Map<string, Set<string>>): { own: Map<string, Set<string>>; unknown: string[] } {
  const own = new Map<string, Set<string>>();
  const unknown: string[] = [];
  for (const [raw, set] of guids) {
    const t = index.technique(raw);
    if (!t) {
      unknown.push(raw);
      continue;
    }
    const id = t.revoked ? index.replacementOf(t.id) : t.id;
    const target = id ? index.technique(id) : undefined;
    if (!target || target.deprecated || target.revoked || target.domain !== 'enterprise-attack') continue;
    own.set(target.id, new Set([...(own.get(target.id) ?? []), ...set]));
  }
  return { own, unknown: unknown.sort() };
}

describe('attack-lens coverage --atomics on the SigmaHQ corpus (needs ../shared)', function () {
  this.timeout(120_000);
  let index: AttackIndex;
  let json: { techniques: Record<string, { rules: number; atomicTests: number }>; atomics: AtomicsJson };
  before(() => {
    index = loadIndex();
    const r = run(sigmaRules, '--format', 'json', '--atomics', csv);
    assert.strictEqual(r.code, 0, r.stderr);
    json = JSON.parse(r.stdout);
  });

  it('counts atomic tests per technique (a parent: its own and its sub-techniques’)', () => {
    const { own } = ownTests(index, guidsByHand(csv));
    const expected: Record<string, number> = {};
    for (const [id, set] of own) {
      expected[id] = (expected[id] ?? 0) + set.size;
      const parent = id.includes('.') ? id.split('.')[0] : undefined;
      if (parent && index.technique(parent)) expected[parent] = (expected[parent] ?? 0) + set.size;
    }
    // A parent's own entry adds to what its sub-techniques gave it (done above in either order).
    assert.deepStrictEqual(Object.keys(json.atomics.tests).sort(), Object.keys(expected).sort());
    for (const [id, n] of Object.entries(expected)) assert.strictEqual(json.atomics.tests[id], n, id);
    assert.strictEqual(json.atomics.testCount, [...guidsByHand(csv).values()].reduce((s, g) => s + g.size, 0));
    assert.strictEqual(json.atomics.tested, own.size);
    // Covered techniques carry their count too.
    for (const [id, t] of Object.entries(json.techniques)) assert.strictEqual(t.atomicTests, expected[id] ?? 0, id);
    assert.ok(json.techniques['T1059.001'].atomicTests > 10, 'PowerShell has many atomic tests');
  });

  it('lists tested-but-not-detected and detected-but-never-tested against the corpus tags read by regex', () => {
    const tags = expectedCoverage(sigmaTechniquesByRegex(filesUnder(sigmaRules, /\.ya?ml$/)), index);
    const detected = (id: string) => tags.direct.has(id) || tags.via.has(id);
    const { own, unknown } = ownTests(index, guidsByHand(csv));
    const testedNotDetected = [...own.keys()].filter((id) => !detected(id)).sort();
    assert.deepStrictEqual(json.atomics.testedNotDetected.map((e) => e.id).sort(), testedNotDetected);
    assert.ok(testedNotDetected.length > 50);
    const exercised = new Set([...own.keys()].flatMap((id) => [id, id.split('.')[0]]));
    const detectedNotTested = [...tags.direct.keys()].filter((id) => {
      const t = index.technique(id);
      return t && !t.deprecated && !t.revoked && t.domain === 'enterprise-attack' && !exercised.has(id);
    });
    assert.deepStrictEqual(json.atomics.detectedNotTested.map((e) => e.id).sort(), detectedNotTested.sort());
    for (const e of json.atomics.detectedNotTested) assert.ok(e.rules >= (tags.direct.get(e.id) ?? 0) && e.tests === 0, e.id);
    assert.deepStrictEqual(json.atomics.unknown, unknown);
  });

  it('markdown and csv carry the same per-technique counts', () => {
    const md = run(sigmaRules, '--format', 'markdown', '--atomics', csv);
    assert.strictEqual(md.code, 0, md.stderr);
    const rows = [...md.stdout.matchAll(/^\| (T\d{4}(?:\.\d{3})?) \| [^\n]*? \| (\d+) \| (\d+) \|$/gm)].filter((m) => md.stdout.lastIndexOf('### Atomic tests per technique', m.index) > md.stdout.lastIndexOf('### Detected but never tested', m.index));
    assert.strictEqual(rows.length, Object.keys(json.atomics.tests).length);
    for (const m of rows) assert.strictEqual(Number(m[2]), json.atomics.tests[m[1]], m[1]);
    const out = run(sigmaRules, '--format', 'csv', '--atomics', csv);
    assert.strictEqual(out.code, 0, out.stderr);
    const testRows = out.stdout.split('\r\n').filter((l) => l.startsWith('tests,'));
    assert.strictEqual(testRows.length, Object.keys(json.atomics.tests).length);
    for (const l of testRows) {
      const id = l.split(',')[1];
      assert.strictEqual(Number(l.slice(l.lastIndexOf(',') + 1)), json.atomics.tests[id], l);
    }
  });

  it('tolerates tactic names ATT&CK does not have and lists technique IDs it does not know', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atomics-'));
    const file = path.join(dir, 'index.csv');
    fs.writeFileSync(
      file,
      'Tactic,Technique #,Technique Name,Test #,Test Name,Test GUID,Executor Name\n' +
        'quantum-evasion,T1059.001,PowerShell,1,Test A,11111111-1111-1111-1111-111111111111,powershell\n' +
        'execution,T1059.001,PowerShell,1,Test A,11111111-1111-1111-1111-111111111111,powershell\n' +
        'stealth,T1999,Future Technique,1,Test B,22222222-2222-2222-2222-222222222222,sh\n',
    );
    const r = run(sigmaRules, '--format', 'json', '--atomics', file);
    assert.strictEqual(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout) as { atomics: AtomicsJson };
    assert.deepStrictEqual(j.atomics.tests, { T1059: 1, 'T1059.001': 1 }, 'one test, listed under two tactics, counted once');
    assert.deepStrictEqual(j.atomics.unknown, ['T1999']);
    assert.strictEqual(j.atomics.testCount, 2);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
