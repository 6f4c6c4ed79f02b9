import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { atomicsCsv } from '../../src/coverage/atomics';
import { csvCell, csvRow, defuseFormula, parseCsv } from '../../src/core/csv';
import { CoverageModel } from '../../src/coverage/model';
import { renderReport } from '../../src/coverage/report';
import { parseRuleFile } from '../../src/rules/index';
import { bundlePath, index18, projectRoot } from './helpers/attackData';

// Every CSV cell ATT&CK Lens writes goes through one formula defuser (OWASP CSV injection):
// checked on the helper and on what each writer really produces, read back with a CSV parser.

const FORMULA_START = /^[=+\-@\t\r\n]/;
const HOSTILE = ['=HYPERLINK("http://evil.example","x")', '@SUM(1+1)', '+cmd|/c calc', '-2+3', '\tpad', '\rcr'];

/** Cells that a spreadsheet would run: text starting like a formula (plain numbers are numbers). */
function formulaCells(csv: string): string[] {
  return parseCsv(csv)
    .flatMap((r) => r.fields)
    .filter((c) => FORMULA_START.test(c) && !/^-?\d+(\.\d+)?$/.test(c));
}

describe('CSV formula defusing', function () {
  this.timeout(120_000);

  it('defuseFormula prefixes a quote to text starting with = + - @ tab CR LF, and only to it', () => {
    for (const s of HOSTILE.concat(['\nlf'])) assert.strictEqual(defuseFormula(s), `'${s}`);
    for (const s of ['T1059', 'a=b', ' =x', "'=x", '']) assert.strictEqual(defuseFormula(s), s);
  });

  it('csvCell defuses, then quotes; numbers stay numbers', () => {
    assert.strictEqual(csvCell('=1,2'), `"'=1,2"`);
    assert.strictEqual(csvCell('say "hi"'), '"say ""hi"""');
    assert.strictEqual(csvCell(-1), '-1');
    assert.strictEqual(csvCell(true), 'true');
    assert.strictEqual(csvRow(['@x', 3, 'a\nb']), `'@x,3,"a\nb"`);
    assert.deepStrictEqual(parseCsv(csvRow(HOSTILE))[0].fields, HOSTILE.map((s) => `'${s}`));
  });

  it('the Atomic Red Team cross-reference rows are defused', () => {
    const entries = HOSTILE.map((name, i) => ({ id: `T10${10 + i}`, name, tests: i + 1, rules: 0 }));
    const csv = atomicsCsv({ testedNotDetected: entries, detectedNotTested: entries.map((e) => ({ ...e, tests: 0, rules: 2 })), unknown: [], tested: entries.length });
    assert.deepStrictEqual(formulaCells(csv), []);
    const names = parseCsv(csv).slice(1).map((r) => r.fields[2]);
    assert.deepStrictEqual(names, [...HOSTILE, ...HOSTILE].map((s) => `'${s}`));
  });

  it('the coverage report defuses file names (needs ../shared)', () => {
    const text = 'title: t\nlogsource:\n  product: windows\ndetection:\n  sel:\n    a: b\n  condition: sel\ntags:\n  - attack.t1059.001\n';
    const model = CoverageModel.build([parseRuleFile(text, '/r/=cmd|calc.yml', index18())], index18());
    const csv = renderReport(model, 'csv', { displayPath: (p) => path.basename(p) });
    assert.deepStrictEqual(formulaCells(csv), []);
    assert.ok(parseCsv(csv).some((r) => r.fields[8] === "'=cmd|calc.yml"));
  });

  describe('attack-lens coverage --format csv --atomics, with hostile technique names in the bundle (needs ../shared)', () => {
    let dir: string;
    before(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attack-lens-csv-'));
      const bundle = JSON.parse(fs.readFileSync(bundlePath('enterprise-attack-18.1.json'), 'utf8')) as { objects: Record<string, unknown>[] };
      const renamed = new Map([['T1003', HOSTILE[0]], ['T1047', HOSTILE[1]], ['T1021', HOSTILE[2]], ['T1053', HOSTILE[3]]]);
      for (const o of bundle.objects) {
        const ext = (o.external_references as { source_name: string; external_id?: string }[] | undefined)?.find((r) => r.source_name === 'mitre-attack')?.external_id;
        if (o.type === 'attack-pattern' && ext && renamed.has(ext)) o.name = renamed.get(ext);
      }
      fs.writeFileSync(path.join(dir, 'enterprise-attack-18.1.json'), JSON.stringify(bundle));
      fs.mkdirSync(path.join(dir, 'rules'));
      const rule = (tags: string[]) => `title: t\nlogsource:\n  product: windows\ndetection:\n  sel:\n    a: b\n  condition: sel\ntags:\n${tags.map((t) => `  - ${t}\n`).join('')}`;
      fs.writeFileSync(path.join(dir, 'rules', 'a.yml'), rule(['attack.t1003', 'attack.t1053']));
      const atomics = ['Tactic,Technique #,Technique Name,Test #,Test Name,Test GUID,Executor Name'];
      ['T1047', 'T1021', 'T1053'].forEach((id, i) => atomics.push(`execution,${id},x,1,test ${i},guid-${i},sh`));
      fs.writeFileSync(path.join(dir, 'index.csv'), atomics.join('\n') + '\n');
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('writes every hostile name defused, in every section', () => {
      const r = spawnSync(process.execPath, [path.join(projectRoot, 'dist', 'cli.js'), 'coverage', path.join(dir, 'rules'), '--format', 'csv', '--atomics', path.join(dir, 'index.csv'), '--stix', path.join(dir, 'enterprise-attack-18.1.json')], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
      assert.strictEqual(r.status, 0, r.stderr);
      assert.deepStrictEqual(formulaCells(r.stdout), []);
      const rows = parseCsv(r.stdout).map((x) => x.fields);
      const row = (section: string, id: string) => rows.find((f) => f[0] === section && f[1] === id);
      assert.strictEqual(row('tested-not-detected', 'T1047')?.[2], `'${HOSTILE[1]}`);
      assert.strictEqual(row('tested-not-detected', 'T1021')?.[2], `'${HOSTILE[2]}`);
      assert.strictEqual(row('detected-not-tested', 'T1003')?.[2], `'${HOSTILE[0]}`);
      assert.strictEqual(row('tests', 'T1053')?.[2], `'${HOSTILE[3]}`);
      assert.ok(rows.some((f) => f[2] === 'T1003' && f[3] === `'${HOSTILE[0]}`), 'the per-technique rows too');
    });
  });
});
