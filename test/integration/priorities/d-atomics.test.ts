import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parentOf } from '../../../src/attack/ids';
import type { GapNode } from '../../../src/views/priorityGapsNodes';
import { activateApi, atomicsCsv, description, gapNodes, readCsv, sectionNode, setSetting, waitFor, workspaceUri, write } from './helpers';

// attackLens.atomicsIndex with the real Atomic Red Team index: the "Tested but not detected" and
// "Detected but never tested" sections and the atomic test counts on gaps, checked against the
// CSV read here by hand.

/** Technique ID → distinct test GUIDs, from the CSV (columns: Tactic, Technique #, …, Test GUID, …). */
function testsPerTechnique(): Map<string, Set<string>> {
  const rows = readCsv(atomicsCsv);
  const header = rows[0];
  const tech = header.indexOf('Technique #');
  const guid = header.indexOf('Test GUID');
  const out = new Map<string, Set<string>>();
  for (const row of rows.slice(1)) {
    const id = row[tech]?.trim().toUpperCase();
    if (!id) continue;
    if (!out.has(id)) out.set(id, new Set());
    out.get(id)!.add(row[guid]);
  }
  return out;
}

/** Tests of an ID (a parent: also its sub-techniques'); CSV IDs newer than the loaded ATT&CK data (ART runs ahead, e.g. T1027.018) count for nothing. */
const countFor = (tests: Map<string, Set<string>>, id: string, known: (id: string) => boolean) =>
  [...tests].filter(([k]) => known(k) && (k === id || (!parentOf(id) && parentOf(k) === id))).reduce((n, [, s]) => n + s.size, 0);

describe('priority gaps: Atomic Red Team cross-reference', () => {
  after(async () => setSetting(await activateApi(), 'atomicsIndex', undefined));

  it('the shared index exists', () => {
    assert.ok(fs.existsSync(atomicsCsv), `${atomicsCsv} (set ATTACK_LENS_SHARED)`);
  });

  it('shows tested-but-not-detected and detected-but-never-tested, and test counts on gaps', async () => {
    const api = await activateApi();
    const tree = api.priorityGaps;
    assert.strictEqual(sectionNode(tree, 'testedNotDetected'), undefined, 'no sections without the setting');
    await setSetting(api, 'atomicsIndex', atomicsCsv);
    await waitFor('the atomics index', () => api.threatProfile.atomicsState && 'index' in api.threatProfile.atomicsState);
    const roots = tree.getChildren();
    assert.deepStrictEqual(roots.slice(0, 2).map((n) => (n.kind === 'section' ? n.section : n.kind)), ['testedNotDetected', 'detectedNotTested']);

    const tests = testsPerTechnique();
    const known = (id: string) => api.lens.index.technique(id) !== undefined;
    const model = api.rules.model;
    const detected = sectionNode(tree, 'detectedNotTested')!;
    const detectedIds = (tree.getChildren(detected) as Extract<GapNode, { kind: 'entry' }>[]).map((e) => e.id);
    assert.ok(detectedIds.includes('T1190'), 'T1190 has a rule (YARA-L) and no atomic test');
    for (const id of detectedIds) {
      assert.strictEqual(countFor(tests, id, known), 0, `${id} has no test in the CSV`);
      assert.ok(model.forTechnique(id)!.rules.length > 0, `${id} has a rule`);
    }
    for (const id of ['T1105', 'T1003.001', 'T1059.001']) assert.ok(!detectedIds.includes(id), `${id} has atomic tests`);

    const tested = sectionNode(tree, 'testedNotDetected')!;
    const entries = tree.getChildren(tested) as Extract<GapNode, { kind: 'entry' }>[];
    assert.ok(entries.length > 100, `many tested techniques have no rule (${entries.length})`);
    for (const e of entries.slice(0, 30)) {
      assert.strictEqual(model.forTechnique(e.id)!.covered, false, `${e.id} has no rule`);
      const n = countFor(tests, e.id, known);
      assert.strictEqual(description(tree, e), `${n} atomic test${n === 1 ? '' : 's'}`, e.id);
    }
    assert.strictEqual(description(tree, tested), `${entries.length} techniques`);

    const gap = gapNodes(tree)[0];
    const n = countFor(tests, gap.gap.technique.id, known);
    assert.match(description(tree, gap), new RegExp(` · ${n} atomic tests?$`));
    if (n > 0) {
      const atomics = tree.getChildren(gap).find((c) => c.kind === 'detail' && c.detail === 'atomics');
      assert.ok(atomics, 'the gap lists its atomic tests');
      assert.strictEqual(tree.getChildren(atomics).length, n);
    }
  });

  it('a path relative to the workspace, re-read when the file changes', async () => {
    const api = await activateApi();
    const tree = api.priorityGaps;
    const uri = workspaceUri('atomics', 'index.csv');
    const header = 'Tactic,Technique #,Technique Name,Test #,Test Name,Test GUID,Executor Name\n';
    const lsass = 'credential-access,T1003.001,OS Credential Dumping: LSASS Memory,1,"Dump LSASS, with ""procdump""",0b1f2c3d-0000-4000-8000-000000000001,command_prompt\n';
    await write(uri, header + lsass);
    await setSetting(api, 'atomicsIndex', 'atomics/index.csv');
    await waitFor('the workspace index', () => {
      const s = api.threatProfile.atomicsState;
      return s && 'index' in s && s.index.testCount === 1;
    });
    const entries = (section: string) => (tree.getChildren(sectionNode(tree, section)) as Extract<GapNode, { kind: 'entry' }>[]).map((e) => e.id);
    assert.ok(entries('detectedNotTested').includes('T1190'));
    assert.ok(!entries('detectedNotTested').includes('T1003.001'), 'T1003.001 has the one test');
    assert.deepStrictEqual(entries('testedNotDetected'), []);

    await write(uri, header + lsass + 'initial-access,T1190,Exploit Public-Facing Application,1,Exploit a web app,0b1f2c3d-0000-4000-8000-000000000002,sh\nexecution,T1047,Windows Management Instrumentation,1,WMI process,0b1f2c3d-0000-4000-8000-000000000003,powershell\n');
    await waitFor('the changed file to be re-read', () => !entries('detectedNotTested').includes('T1190'));
    assert.deepStrictEqual(entries('testedNotDetected'), ['T1047']);
    assert.strictEqual(description(tree, tree.getChildren(sectionNode(tree, 'testedNotDetected'))[0]), '1 atomic test');
  });

  it('an unreadable index is reported in the view and the sections go away', async () => {
    const api = await activateApi();
    await setSetting(api, 'atomicsIndex', '/nonexistent/atomics/index.csv');
    await waitFor('the read error', () => api.threatProfile.atomicsState && 'error' in api.threatProfile.atomicsState);
    assert.match(api.priorityGaps.viewState.message ?? '', /attackLens\.atomicsIndex: cannot read \/nonexistent\/atomics\/index\.csv/);
    assert.strictEqual(sectionNode(api.priorityGaps, 'testedNotDetected'), undefined);
  });

  it('a FIFO or /dev/zero as the index is refused unread, with its reason', async () => {
    const api = await activateApi();
    // Made at test time (git cannot store one). Reading it would never end; /dev/zero would fill memory.
    const fifo = path.join(os.tmpdir(), `attack-lens-atomics-${process.pid}.csv`);
    execFileSync('mkfifo', [fifo]);
    try {
      for (const file of [fifo, '/dev/zero']) {
        await setSetting(api, 'atomicsIndex', file);
        await waitFor(`the refusal of ${file}`, () => {
          const state = api.threatProfile.atomicsState;
          return state && 'error' in state && state.file.endsWith(path.basename(file)) ? state : undefined;
        });
        assert.match(api.priorityGaps.viewState.message ?? '', /attackLens\.atomicsIndex: cannot read .*: not a regular file \(a FIFO, socket or device\)/);
      }
    } finally {
      fs.rmSync(fifo, { force: true });
    }
  });
});
