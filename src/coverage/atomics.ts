import { parentOf } from '../attack/ids';
import { csvRow, parseCsv } from '../core/csv';
import { CoverageModel } from './model';

// Purple-team cross-reference with Atomic Red Team's index CSV (atomics/Indexes/index.csv:
// Tactic, Technique #, Technique Name, Test #, Test Name, Test GUID, Executor Name). The index
// lists a test once per tactic of its technique, so tests are keyed by GUID. Its tactic column
// follows ART's naming (`stealth`, `defense-impairment`, …): kept as written, never checked.
//
// - tested: the technique ID has at least one atomic test; a parent also counts as tested when
//   one of its sub-techniques has a test (a test of T1059.001 exercises T1059). A test of the
//   parent does not test a sub-technique.
// - detected: the coverage model's `covered` (rules on the ID; a parent also via a sub-technique).
// Revoked IDs in the CSV count for their replacement; IDs the index does not know are listed.

export interface AtomicTest {
  readonly technique: string;
  readonly techniqueName: string;
  readonly number: number;
  readonly name: string;
  readonly guid: string;
  readonly executor: string;
  /** ART tactic names the index lists the test under. */
  readonly tactics: readonly string[];
}

export interface AtomicsIndex {
  /** Canonical technique ID (as written in the CSV) → its tests, in CSV order. */
  readonly byTechnique: ReadonlyMap<string, readonly AtomicTest[]>;
  /** Distinct tests. */
  readonly testCount: number;
  /** Lines that could not be read (1-based line numbers and why). */
  readonly problems: readonly { readonly line: number; readonly message: string }[];
}

const REQUIRED = ['Tactic', 'Technique #', 'Test #', 'Test Name', 'Test GUID'] as const;

/** Reads an Atomic Red Team index CSV. Throws only when the header lacks a required column. */
export function parseAtomicsCsv(text: string): AtomicsIndex {
  const rows = parseCsv(text);
  if (!rows.length) return { byTechnique: new Map(), testCount: 0, problems: [] };
  const header = rows[0].fields.map((h) => h.trim());
  const col = (name: string) => header.findIndex((h) => h.toLowerCase() === name.toLowerCase());
  const missing = REQUIRED.filter((r) => col(r) < 0);
  if (missing.length) throw new Error(`not an Atomic Red Team index: the header has no ${missing.map((m) => `"${m}"`).join(', ')} column`);
  const [cTactic, cTech, cTechName, cNum, cName, cGuid, cExec] = ['Tactic', 'Technique #', 'Technique Name', 'Test #', 'Test Name', 'Test GUID', 'Executor Name'].map(col);
  // `seen` beside each list: a test repeated on many rows (one per tactic) is merged in one pass.
  const byGuid = new Map<string, { test: AtomicTest; tactics: string[]; seen: Set<string> }>();
  const order: string[] = [];
  const problems: { line: number; message: string }[] = [];
  for (const row of rows.slice(1)) {
    const f = row.fields;
    const get = (c: number) => (c >= 0 ? (f[c] ?? '').trim() : '');
    const technique = get(cTech).toUpperCase();
    if (!/^T\d{4}(?:\.\d{3})?$/.test(technique)) {
      problems.push({ line: row.line, message: `"${get(cTech)}" is not a technique ID` });
      continue;
    }
    const guid = get(cGuid) || `${technique}#${get(cNum)}`;
    const tactic = get(cTactic);
    const known = byGuid.get(guid);
    if (known) {
      if (tactic && !known.seen.has(tactic)) {
        known.seen.add(tactic);
        known.tactics.push(tactic);
      }
      continue;
    }
    const tactics = tactic ? [tactic] : [];
    byGuid.set(guid, { test: { technique, techniqueName: get(cTechName), number: Number(get(cNum)) || 0, name: get(cName), guid, executor: get(cExec), tactics }, tactics, seen: new Set(tactics) });
    order.push(guid);
  }
  const byTechnique = new Map<string, AtomicTest[]>();
  for (const guid of order) {
    const { test } = byGuid.get(guid)!;
    const list = byTechnique.get(test.technique);
    if (list) list.push(test);
    else byTechnique.set(test.technique, [test]);
  }
  return { byTechnique, testCount: order.length, problems };
}

export interface AtomicsEntry {
  readonly id: string;
  readonly name: string;
  /** Atomic tests of the ID (a parent: its own plus its sub-techniques'). */
  readonly tests: number;
  /** Rules covering it (the model's ruleCount). */
  readonly rules: number;
}

export interface AtomicsCrossReference {
  /** Techniques with atomic tests and no covering rule, most tests first. */
  readonly testedNotDetected: readonly AtomicsEntry[];
  /** Techniques rules name directly that no atomic test exercises, by ID. */
  readonly detectedNotTested: readonly AtomicsEntry[];
  /** CSV technique IDs the ATT&CK data does not know. */
  readonly unknown: readonly string[];
  /** Distinct in-scope techniques with tests. */
  readonly tested: number;
}

/** Tests per canonical in-index technique ID, revoked IDs moved to their replacement. */
export function testsByTechnique(model: CoverageModel, atomics: AtomicsIndex): { tests: Map<string, AtomicTest[]>; unknown: string[] } {
  const tests = new Map<string, AtomicTest[]>();
  const unknown: string[] = [];
  for (const [raw, list] of atomics.byTechnique) {
    const t = model.index.technique(raw);
    const id = t ? (t.revoked ? model.index.replacementOf(t.id) : t.id) : undefined;
    if (!id) {
      unknown.push(raw);
      continue;
    }
    tests.set(id, [...(tests.get(id) ?? []), ...list]);
  }
  return { tests, unknown: unknown.sort() };
}

/** How many atomic tests exercise a technique (a parent: its own and its sub-techniques'). */
export function atomicTestCount(tests: ReadonlyMap<string, readonly AtomicTest[]>, id: string): number {
  let n = tests.get(id)?.length ?? 0;
  if (!parentOf(id)) for (const [k, v] of tests) if (parentOf(k) === id) n += v.length;
  return n;
}

export function crossReferenceAtomics(model: CoverageModel, atomics: AtomicsIndex): AtomicsCrossReference {
  const { tests, unknown } = testsByTechnique(model, atomics);
  const testedNotDetected: AtomicsEntry[] = [];
  const testedIds = new Set<string>();
  for (const id of tests.keys()) {
    const c = model.forTechnique(id);
    if (!c || !model.inScope(c.technique)) continue;
    testedIds.add(id);
    const parent = parentOf(id);
    if (parent) testedIds.add(parent);
    if (!c.covered) testedNotDetected.push({ id, name: model.index.fullName(id), tests: atomicTestCount(tests, id), rules: 0 });
  }
  const detectedNotTested: AtomicsEntry[] = [];
  for (const id of model.referencedTechniques()) {
    const c = model.forTechnique(id);
    if (!c || !model.inScope(c.technique) || testedIds.has(id)) continue;
    detectedNotTested.push({ id, name: model.index.fullName(id), tests: 0, rules: c.ruleCount });
  }
  testedNotDetected.sort((a, b) => b.tests - a.tests || (a.id < b.id ? -1 : 1));
  return { testedNotDetected, detectedNotTested, unknown, tested: new Set([...tests.keys()].filter((id) => { const t = model.index.technique(id); return t && model.inScope(t); })).size };
}

/** The `atomics` block the CLI adds to JSON reports. */
export function atomicsJson(x: AtomicsCrossReference): { testedNotDetected: AtomicsEntry[]; detectedNotTested: AtomicsEntry[]; unknown: string[] } {
  return { testedNotDetected: [...x.testedNotDetected], detectedNotTested: [...x.detectedNotTested], unknown: [...x.unknown] };
}

/** A markdown section (also used by the summary/markdown CLI outputs). */
export function atomicsMarkdown(x: AtomicsCrossReference, limit = 50): string {
  const out: string[] = ['## Atomic Red Team cross-reference', ''];
  out.push(`${x.tested} techniques have atomic tests; ${x.testedNotDetected.length} of them have no rule. ${x.detectedNotTested.length} techniques with rules have no atomic test.`, '');
  const table = (title: string, rows: readonly AtomicsEntry[], col: 'tests' | 'rules') => {
    out.push(`### ${title} (${rows.length})`, '');
    if (!rows.length) return void out.push('None.', '');
    out.push(`| Technique | Name | ${col === 'tests' ? 'Atomic tests' : 'Rules'} |`, '| --- | --- | ---: |');
    for (const r of rows.slice(0, limit)) out.push(`| ${r.id} | ${r.name.replace(/\|/g, '\\|')} | ${r[col]} |`);
    if (rows.length > limit) out.push(`| … | ${rows.length - limit} more | |`);
    out.push('');
  };
  table('Tested but not detected', x.testedNotDetected, 'tests');
  table('Detected but never tested', x.detectedNotTested, 'rules');
  return out.join('\n');
}

/** CSV rows (`section,technique,name,count`) appended to the CLI's CSV output. */
export function atomicsCsv(x: AtomicsCrossReference, eol = '\n'): string {
  const lines = ['atomics,technique,name,count'];
  for (const r of x.testedNotDetected) lines.push(csvRow(['tested-not-detected', r.id, r.name, r.tests]));
  for (const r of x.detectedNotTested) lines.push(csvRow(['detected-not-tested', r.id, r.name, r.rules]));
  return lines.join(eol) + eol;
}
