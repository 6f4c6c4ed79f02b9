import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { atomicsCsv, atomicsJson, atomicsMarkdown, atomicTestCount, crossReferenceAtomics, parseAtomicsCsv, testsByTechnique } from '../../src/coverage/atomics';
import { parseCsv } from '../../src/core/csv';
import { CoverageModel } from '../../src/coverage/model';
import { AttackReference, ParsedRuleFile, span } from '../../src/rules/types';
import { sharedRoot } from './helpers/attackData';
import { enterprise18 } from './helpers/rawStix';

// The Atomic Red Team cross-reference on the real index CSV. Expected counts come from a plain
// line scan: the GUID and executor are the last two (never quoted) columns, the technique the second.

const CSV = path.join(sharedRoot, 'atomic-red-team', 'index.csv');
let csvText: string | undefined;
/** The real index CSV, read when a test first needs it (so the file loads without ../shared). */
function realCsv(): string {
  return (csvText ??= fs.readFileSync(CSV, 'utf8'));
}

/** Technique → distinct test GUIDs, by regex over each line. */
function guidsByLine(): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const line of realCsv().split('\n').slice(1)) {
    const tech = /^[^,]*,(T\d{4}(?:\.\d{3})?),/.exec(line)?.[1];
    const guid = /,([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}),[^,]*$/.exec(line.trimEnd())?.[1];
    if (!tech || !guid) continue;
    if (!out.has(tech)) out.set(tech, new Set());
    out.get(tech)!.add(guid);
  }
  return out;
}

function rules(...ids: string[]): ParsedRuleFile[] {
  return ids.map((id, i) => {
    const references: AttackReference[] = [{ text: `attack.${id.toLowerCase()}`, kind: 'technique', id, span: span(0, 0, 0, 10), field: 'tags', ruleIndex: 0 }];
    return { path: `/rules/r${i}.yml`, format: 'sigma', rules: [{ index: 0, title: `Rule ${id}`, deprecated: false, span: span(0, 0, 0, 0), platforms: [], references }], problems: [] };
  });
}

describe('Atomic Red Team cross-reference', () => {
  it('parses quoted fields with commas and doubled quotes', () => {
    const rows = parseCsv('a,b,c\r\n1,"x, ""y""",3\n"multi\nline",,\n');
    assert.deepStrictEqual(rows.map((r) => r.fields), [['a', 'b', 'c'], ['1', 'x, "y"', '3'], ['multi\nline', '', '']]);
    assert.deepStrictEqual(rows.map((r) => r.line), [1, 2, 3]);
  });

  it('reads the real index: tests per technique by GUID match an independent line scan (needs ../shared)', () => {
    const atomics = parseAtomicsCsv(realCsv());
    const expected = guidsByLine();
    assert.deepStrictEqual([...atomics.byTechnique.keys()].sort(), [...expected.keys()].sort());
    for (const [id, guids] of expected) assert.deepStrictEqual(atomics.byTechnique.get(id)!.map((t) => t.guid).sort(), [...guids].sort(), id);
    assert.strictEqual(atomics.testCount, [...expected.values()].reduce((n, s) => n + s.size, 0));
    assert.deepStrictEqual(atomics.problems, []);
    // A quoted name with a comma survives whole.
    const hide = atomics.byTechnique.get('T1574.001')!.find((t) => t.number === 6)!;
    assert.strictEqual(hide.name, 'DLL Search Order Hijacking,DLL Sideloading Of KeyScramblerIE.DLL Via KeyScrambler.EXE');
    // Tests listed under two tactics are one test with both (newer ART tactic names kept as written).
    const twice = [...atomics.byTechnique.values()].flat().find((t) => t.tactics.length > 1);
    assert.ok(twice, 'some test is listed under several tactics');
    assert.ok([...atomics.byTechnique.values()].flat().some((t) => t.tactics.includes('stealth')));
  });

  it('rejects a CSV without the ART columns, naming them', () => {
    assert.throws(() => parseAtomicsCsv('id,name\n1,2\n'), /"Tactic", "Technique #", "Test #", "Test Name", "Test GUID"/);
  });

  it('lists tested-but-not-detected and detected-but-never-tested techniques (needs ../shared)', () => {
    const expected = guidsByLine();
    const model = CoverageModel.build(rules('T1218.011', 'T1059.001', 'T1599', 'T1059'), enterprise18(), { domains: ['enterprise-attack'] });
    const x = crossReferenceAtomics(model, parseAtomicsCsv(realCsv()));
    const tnd = new Map(x.testedNotDetected.map((e) => [e.id, e.tests]));
    assert.strictEqual(tnd.get('T1055.011'), expected.get('T1055.011')!.size);
    assert.ok(!tnd.has('T1218.011') && !tnd.has('T1059.001') && !tnd.has('T1059'), 'detected techniques are not listed');
    assert.ok(!tnd.has('T1218'), 'a parent covered via a sub-technique is detected');
    // T1599 has no test in the CSV (independent check), T1059 has tests through its sub-techniques.
    assert.ok(![...expected.keys()].some((k) => k === 'T1599' || k.startsWith('T1599.')));
    assert.deepStrictEqual(x.detectedNotTested.map((e) => e.id), ['T1599']);
    for (let i = 1; i < x.testedNotDetected.length; i++) assert.ok(x.testedNotDetected[i - 1].tests >= x.testedNotDetected[i].tests);
    const { tests } = testsByTechnique(model, parseAtomicsCsv(realCsv()));
    const subTotal = [...expected].filter(([k]) => k.startsWith('T1059.') || k === 'T1059').reduce((n, [, s]) => n + s.size, 0);
    assert.strictEqual(atomicTestCount(tests, 'T1059'), subTotal);
    const json = atomicsJson(x);
    assert.deepStrictEqual(Object.keys(json), ['testedNotDetected', 'detectedNotTested', 'unknown']);
    assert.match(atomicsMarkdown(x), /### Detected but never tested \(1\)\n\n\| Technique \| Name \| Rules \|\n\| --- \| --- \| ---: \|\n\| T1599 \| Network Boundary Bridging \| 1 \|/);
    assert.match(atomicsCsv(x), /^atomics,technique,name,count\ntested-not-detected,/);
  });
});
