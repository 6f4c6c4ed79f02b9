import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { AttackIndex } from '../../src/attack/index';
import { CoverageModel, TechniqueCoverage } from '../../src/coverage/model';
import { bucketOf, buildMatrix, MATRIX_LEGEND, matrixDetail, MatrixViewModel } from '../../src/coverage/matrixData';
import { escapeXml, renderMatrixHtml, renderMatrixSvg } from '../../src/coverage/matrixReport';
import { AttackReference, DetectionRule, ParsedRuleFile, span } from '../../src/rules/types';
import { projectRoot, rawObjects, sharedRoot } from './helpers/attackData';
import { miniIndex } from './helpers/miniAttack';

// The matrix view model against independent computations: rule counts straight from the rule
// files' tags, matrix order and cells straight from the raw STIX bundle. Rule files are read
// with a minimal tag reader here (title + `- attack.tNNNN` lines), so the parsers are not under
// test: the aggregation is.

interface RawRule {
  readonly key: string;
  readonly ids: readonly string[];
}

function sigmaFile(file: string, text: string): { parsed: ParsedRuleFile; raw: RawRule } {
  const lines = text.split(/\r?\n/);
  const refs: AttackReference[] = [];
  let title = '';
  lines.forEach((line, i) => {
    const t = /^title:\s*(.*)$/.exec(line);
    if (t) title = t[1].trim();
    const m = /^(\s*-\s*)(attack\.t(\d{4}(?:\.\d{3})?))\s*$/i.exec(line);
    if (m) refs.push({ text: m[2], kind: 'technique', id: 'T' + m[3], span: span(i, m[1].length, i, m[1].length + m[2].length), field: 'tags', ruleIndex: 0 });
  });
  const deprecated = /^status:\s*deprecated\s*$/m.test(text);
  const rule: DetectionRule = { index: 0, title, deprecated, span: span(0, 0, 0, 0), platforms: [], references: refs };
  return { parsed: { path: file, format: 'sigma', rules: [rule], problems: [] }, raw: { key: deprecated ? '' : file, ids: refs.map((r) => r.id!) } };
}

function readRules(dir: string): { files: ParsedRuleFile[]; raw: RawRule[] } {
  const files: ParsedRuleFile[] = [];
  const raw: RawRule[] = [];
  for (const f of fs.readdirSync(dir, { recursive: true }).map(String).filter((f) => f.endsWith('.yml')).sort()) {
    const r = sigmaFile(path.join(dir, f), fs.readFileSync(path.join(dir, f), 'utf8'));
    files.push(r.parsed);
    if (r.raw.key) raw.push(r.raw);
  }
  return { files, raw };
}

/** Distinct rules per technique: direct, and for parents also via sub-techniques. */
function expectedCounts(index: AttackIndex, rules: readonly RawRule[]): { direct: Map<string, Set<string>>; total: Map<string, Set<string>> } {
  const direct = new Map<string, Set<string>>();
  const total = new Map<string, Set<string>>();
  const add = (m: Map<string, Set<string>>, id: string, key: string) => (m.get(id) ?? m.set(id, new Set()).get(id)!).add(key);
  for (const r of rules) {
    for (const id of r.ids) {
      const e = index.get(id);
      if (e?.kind !== 'technique') continue;
      const target = e.revoked ? index.replacementOf(e.id) : e.id;
      if (!target) continue;
      add(direct, target, r.key);
      add(total, target, r.key);
      if (target.includes('.')) add(total, target.split('.')[0], r.key);
    }
  }
  return { direct, total };
}

function allCells(vm: MatrixViewModel) {
  return vm.columns.flatMap((c) => c.cells.flatMap((cell) => [cell, ...cell.subtechniques]));
}

const ENTERPRISE = 'enterprise-attack-18.1.json';
const fixtureDir = path.join(projectRoot, 'test', 'fixtures', 'workspaces', 'matrix', 'rules');
const sigmaDir = path.join(sharedRoot, 'corpora', 'sigma', 'rules');

describe('coverage matrix data on the synthetic bundle', () => {
  // Worked out by hand from test/fixtures/stix/ (see its README): four tactics, active techniques
  // only (T1086 is revoked, T1064 deprecated), names in alphabetical order per column.
  const rule = (name: string, ...tags: string[]) => sigmaFile(`/rules/${name}.yml`, `title: ${name}\ntags:\n${tags.map((t) => `    - attack.${t}\n`).join('')}`).parsed;

  it('has the bundle’s tactics as columns, its active techniques as cells and their sub-techniques as rows', () => {
    const vm = buildMatrix(CoverageModel.build([], miniIndex()));
    assert.deepStrictEqual(vm.columns.map((c) => c.id), ['TA0002', 'TA0003', 'TA0005', 'TA0006']);
    assert.deepStrictEqual([vm.columns[0].name, vm.attackVersion, vm.domain], ['Execution', 'ATT&CK v1.0', 'enterprise-attack']);
    assert.deepStrictEqual(vm.columns.map((c) => c.cells.map((cell) => cell.id)), [['T1059', 'T1204'], ['T1547'], ['T1027'], ['T1003']]);
    const subs = Object.fromEntries(vm.columns.flatMap((c) => c.cells).map((cell) => [cell.id, cell.subtechniques.map((x) => x.id).sort()]));
    assert.deepStrictEqual(subs, { T1059: ['T1059.001', 'T1059.003', 'T1059.004'], T1204: [], T1547: ['T1547.001'], T1027: [], T1003: ['T1003.001', 'T1003.002', 'T1003.008'] });
  });

  it('counts a revoked tag for its replacement and a sub-technique for its parent', () => {
    const vm = buildMatrix(CoverageModel.build([rule('a', 't1059.001'), rule('b', 't1086'), rule('c', 't1003')], miniIndex()));
    const cells = new Map(allCells(vm).map((c) => [c.id, [c.count, c.direct]]));
    assert.deepStrictEqual(cells.get('T1059.001'), [2, 2]);
    assert.deepStrictEqual(cells.get('T1059'), [2, 0]);
    assert.deepStrictEqual(cells.get('T1003'), [1, 1]);
    assert.deepStrictEqual(cells.get('T1003.001'), [0, 0]);
    assert.deepStrictEqual(vm.columns.map((c) => [c.covered, c.total]), [[1, 2], [0, 1], [0, 1], [1, 1]]);
  });

  it('says what it counts in one wording, in the header and the SVG: distinct techniques, sub-techniques apart', () => {
    const vm = buildMatrix(CoverageModel.build([rule('a', 't1059.001'), rule('c', 't1003')], miniIndex()));
    // Counted here from the cells: a technique under two tactics is one technique.
    const parents = new Map(allCells(vm).filter((c) => !c.id.includes('.')).map((c) => [c.id, c.count > 0]));
    const subs = new Map(allCells(vm).filter((c) => c.id.includes('.')).map((c) => [c.id, c.count > 0]));
    const covered = (m: Map<string, boolean>) => [...m.values()].filter(Boolean).length;
    const percent = Math.round((covered(parents) / parents.size) * 1000) / 10;
    assert.strictEqual(vm.coverage, `${covered(parents)}/${parents.size} techniques covered (${percent}%) · ${covered(subs)}/${subs.size} sub-techniques`);
    assert.ok(renderMatrixSvg(vm).includes(escapeXml(vm.coverage)), 'the SVG subtitle');
  });
});

describe('coverage matrix data (needs ../shared)', () => {
  let index: AttackIndex;
  let raw: Record<string, any>[];
  before(() => {
    index = AttackIndex.fromJson(fs.readFileSync(path.join(projectRoot, 'dist', 'attack-index.json'), 'utf8'));
    raw = rawObjects(ENTERPRISE);
  });
  const extId = (o: Record<string, any>) => o.external_references?.find((r: any) => r.source_name === 'mitre-attack')?.external_id as string;
  const active = (o: Record<string, any>) => !o.revoked && !o.x_mitre_deprecated;

  for (const [name, dir] of [['fixture workspace', fixtureDir], ['SigmaHQ corpus', sigmaDir]] as const) {
    it(`cell counts equal an independent count of the ${name} tags`, () => {
      const { files, raw: rules } = readRules(dir);
      assert.ok(rules.length >= (name === 'SigmaHQ corpus' ? 2500 : 5), `${rules.length} rules read`);
      const vm = buildMatrix(CoverageModel.build(files, index));
      const { direct, total } = expectedCounts(index, rules);
      let nonZero = 0;
      for (const cell of allCells(vm)) {
        assert.strictEqual(cell.count, total.get(cell.id)?.size ?? 0, `${cell.id} count`);
        assert.strictEqual(cell.direct, direct.get(cell.id)?.size ?? 0, `${cell.id} direct`);
        if (cell.count) nonZero++;
      }
      assert.ok(nonZero > (name === 'SigmaHQ corpus' ? 150 : 5), `${nonZero} covered cells`);
      for (const col of vm.columns) {
        assert.strictEqual(col.covered, col.cells.filter((c) => (total.get(c.id)?.size ?? 0) > 0).length, `${col.shortname} covered`);
        assert.strictEqual(col.total, col.cells.length);
      }
      assert.strictEqual(vm.maxCount, Math.max(...[...total.values()].map((s) => s.size)));
      assert.strictEqual(vm.rules, rules.length);
    });
  }

  it('lists tactics as columns in the bundle’s matrix order', () => {
    const vm = buildMatrix(CoverageModel.build([], index));
    const byRef = new Map(raw.filter((o) => o.type === 'x-mitre-tactic').map((o) => [o.id, o]));
    const matrix = raw.find((o) => o.type === 'x-mitre-matrix')!;
    const expected = (matrix.tactic_refs as string[]).map((r) => extId(byRef.get(r)!));
    assert.deepStrictEqual(vm.columns.map((c) => c.id), expected);
    assert.strictEqual(vm.columns[0].name, 'Reconnaissance');
    assert.strictEqual(vm.attackVersion, 'ATT&CK v18.1');
    assert.strictEqual(vm.domain, 'enterprise-attack');
  });

  it('puts each active technique under each of its tactics, alphabetically', () => {
    const vm = buildMatrix(CoverageModel.build([], index));
    for (const col of vm.columns) {
      const expected = raw
        .filter((o) => o.type === 'attack-pattern' && active(o) && !o.x_mitre_is_subtechnique && (o.kill_chain_phases ?? []).some((k: any) => k.kill_chain_name === 'mitre-attack' && k.phase_name === col.shortname))
        .map((o) => ({ id: extId(o), name: o.name as string }))
        .sort((a, b) => a.name.localeCompare(b.name) || (a.id < b.id ? -1 : 1));
      assert.deepStrictEqual(col.cells.map((c) => c.id), expected.map((e) => e.id), col.shortname);
    }
  });

  it('nests each parent’s active sub-techniques as its rows', () => {
    const vm = buildMatrix(CoverageModel.build([], index));
    const byRef = new Map(raw.filter((o) => o.type === 'attack-pattern').map((o) => [o.id, o]));
    const subsOf = new Map<string, string[]>();
    for (const r of raw.filter((o) => o.type === 'relationship' && o.relationship_type === 'subtechnique-of' && !o.revoked)) {
      const sub = byRef.get(r.source_ref);
      const parent = byRef.get(r.target_ref);
      if (sub && parent && active(sub)) (subsOf.get(extId(parent)) ?? subsOf.set(extId(parent), []).get(extId(parent))!).push(extId(sub));
    }
    let checked = 0;
    for (const cell of vm.columns.flatMap((c) => c.cells)) {
      assert.deepStrictEqual(cell.subtechniques.map((s) => s.id).sort(), (subsOf.get(cell.id) ?? []).sort(), cell.id);
      for (const s of cell.subtechniques) assert.deepStrictEqual(s.subtechniques, []);
      checked += cell.subtechniques.length;
    }
    assert.ok(checked > 300, `${checked} sub-technique rows`);
    const t1059 = vm.columns.find((c) => c.shortname === 'execution')!.cells.find((c) => c.id === 'T1059')!;
    assert.ok(t1059.subtechniques.some((s) => s.id === 'T1059.001' && s.name === 'PowerShell'));
  });

  it('flags profile techniques (a parent through its sub-techniques too) with their weights', () => {
    const { files } = readRules(fixtureDir);
    const weights = new Map([['T1059.001', 3], ['T1003', 1], ['T1105', 2]]);
    const vm = buildMatrix(CoverageModel.build(files, index), { profile: { name: 'FIN7 & friends', weights } });
    const cells = new Map(allCells(vm).map((c) => [c.id, c]));
    assert.deepStrictEqual(vm.profile, { name: 'FIN7 & friends', techniques: 3 });
    assert.deepStrictEqual([cells.get('T1059.001')!.inProfile, cells.get('T1059.001')!.weight], [true, 3]);
    assert.deepStrictEqual([cells.get('T1059')!.inProfile, cells.get('T1059')!.weight], [true, 3], 'parent via its sub-technique');
    assert.deepStrictEqual([cells.get('T1003')!.inProfile, cells.get('T1003')!.weight], [true, 1]);
    assert.strictEqual(cells.get('T1003.001')!.inProfile, false, 'a parent in the profile does not flag its sub-techniques');
    assert.strictEqual(cells.get('T1105')!.weight, 2);
    const flagged = allCells(vm).filter((c) => c.inProfile).map((c) => c.id);
    assert.deepStrictEqual([...new Set(flagged)].sort(), ['T1003', 'T1059', 'T1059.001', 'T1105']);
    assert.strictEqual(buildMatrix(CoverageModel.build(files, index)).profile, undefined);
    assert.ok(allCells(buildMatrix(CoverageModel.build(files, index))).every((c) => !c.inProfile && c.weight === 0));
  });

  it('ranks gaps by the priority ranking when given, else by ATT&CK groups using them', () => {
    const { files } = readRules(fixtureDir);
    const model = CoverageModel.build(files, index);
    const byGroups = buildMatrix(model).topGaps;
    assert.strictEqual(byGroups.length, 10);
    const groups = byGroups.map((g) => index.groupsUsing(g.id).length);
    assert.deepStrictEqual(groups, [...groups].sort((a, b) => b - a));
    // A gap: no rule of its own, and (for a parent) not every sub-technique covered (src/coverage/gaps.ts).
    const isGap = (c: TechniqueCoverage) => c.rules.length === 0 && (!c.covered || c.subtechniques.some((s) => !s.covered));
    assert.ok(byGroups.every((g) => isGap(model.forTechnique(g.id)!)));
    const best = Math.max(...model.tactics().flatMap((t) => t.items.flatMap((i) => [i, ...i.subtechniques])).filter(isGap).map((i) => index.groupsUsing(i.technique.id).length));
    assert.strictEqual(groups[0], best);
    const gaps = [{ id: 'T1003.001', score: 9 }, { id: 'T1059', score: 8, reason: 'partial' }, { id: 'T1566', score: 7, reason: 'phishing' }, { id: 'T1486', score: 6 }];
    const ranked = buildMatrix(model, { gaps, topGaps: 3 }).topGaps;
    assert.deepStrictEqual(ranked.map((g) => [g.id, g.score, g.reason]), [['T1059', 8, 'partial'], ['T1566', 7, 'phishing'], ['T1486', 6, 'score 6']], 'T1003.001 has rules of its own: skipped; T1059 only via sub-techniques: kept; the limit holds');
    assert.deepStrictEqual(ranked[1].tactics, ['Initial Access']);
  });

  it('offers every platform the cells list and buckets counts for the legend', () => {
    const vm = buildMatrix(CoverageModel.build([], index));
    const expected = new Set(raw.filter((o) => o.type === 'attack-pattern' && active(o)).flatMap((o) => o.x_mitre_platforms ?? []));
    assert.deepStrictEqual([...vm.platforms].sort(), [...expected].sort());
    assert.deepStrictEqual([0, 1, 2, 4, 5, 9, 10, 24, 25, 49, 50, 400].map(bucketOf), [0, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6]);
    assert.deepStrictEqual(MATRIX_LEGEND.map((b) => b.label), ['no rules', '1', '2–4', '5–9', '10–24', '25–49', '50+']);
  });

  it('details a covered cell with its rules at their tags, and a gap with detection strategies', () => {
    const { files } = readRules(fixtureDir);
    const model = CoverageModel.build(files, index);
    const ps = matrixDetail(model, 'T1059.001', { displayPath: (p) => path.basename(p) })!;
    const tagLine = (f: string) => fs.readFileSync(path.join(fixtureDir, f), 'utf8').split('\n').findIndex((l) => l.includes('attack.t1059.001'));
    const psFiles = ['powershell_download_cradle.yml', 'powershell_encoded_command.yml'];
    assert.deepStrictEqual(ps.rules.map((r) => [r.display, r.line, r.text]).sort(), psFiles.map((f) => [f, tagLine(f), 'attack.t1059.001']));
    for (const r of ps.rules) {
      const line = fs.readFileSync(path.join(fixtureDir, r.display), 'utf8').split('\n')[r.line];
      assert.strictEqual(line.slice(r.character, r.endCharacter), 'attack.t1059.001');
    }
    const parent = matrixDetail(model, 'T1059')!;
    assert.deepStrictEqual([parent.rules.length, parent.viaSubtechniques.length, parent.count], [0, 2, 2]);
    const gap = matrixDetail(model, 'T1001')!;
    assert.strictEqual(gap.count, 0);
    assert.deepStrictEqual(gap.strategies.map((s) => s.id), index.detectionStrategiesFor('T1001').map((s) => s.id));
    assert.ok(gap.strategies.length > 0 && gap.strategies[0].analytics.length > 0, 'v18 lists detection strategies with analytics');
    assert.deepStrictEqual(gap.dataComponents.map((d) => d.id), index.dataComponentsFor('T1001').map((d) => d.id));
    assert.strictEqual(matrixDetail(model, 'T9999'), undefined);
  });
});

// sax ships without types; the strict parser throws on anything that is not well-formed XML.
interface SaxParser {
  onerror: (e: Error) => void;
  onopentag: (tag: { name: string; attributes: Record<string, string> }) => void;
  ontext: (t: string) => void;
  write(s: string): SaxParser;
  close(): void;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports -- untyped (comes with @vscode/vsce)
const sax = require('sax') as { parser(strict: boolean, opts?: object): SaxParser };

function parseXml(text: string, strict: boolean): { tags: { name: string; attributes: Record<string, string> }[]; text: string } {
  const p = sax.parser(strict, { lowercase: true });
  const tags: { name: string; attributes: Record<string, string> }[] = [];
  let body = '';
  p.onerror = (e) => {
    throw e;
  };
  p.onopentag = (t) => tags.push(t);
  p.ontext = (t) => (body += t);
  p.write(text).close();
  return { tags, text: body };
}

describe('coverage matrix exports', () => {
  const evil = '<img src=x onerror=alert(1)>';
  let vm: MatrixViewModel;
  before(() => {
    const index = AttackIndex.fromJson(fs.readFileSync(path.join(projectRoot, 'dist', 'attack-index.json'), 'utf8'));
    const { files } = readRules(fixtureDir);
    const base = buildMatrix(CoverageModel.build(files, index), { profile: { name: evil, weights: new Map([['T1059.001', 2]]) }, now: new Date('2026-03-04T05:06:07Z') });
    // A custom STIX bundle can name techniques anything: make one cell and one gap hostile too.
    const columns = base.columns.map((c, i) => (i === 0 ? { ...c, name: `${c.name} ${evil}`, cells: c.cells.map((x, j) => (j === 0 ? { ...x, name: evil } : x)) } : c));
    vm = { ...base, columns, topGaps: base.topGaps.map((g, i) => (i === 0 ? { ...g, reason: evil } : g)) };
  });

  it('writes a well-formed SVG with every cell, the legend, version, profile and date', () => {
    const svg = renderMatrixSvg(vm);
    const { tags, text } = parseXml(svg, true);
    assert.strictEqual(tags[0].name, 'svg');
    const cellRects = tags.filter((t) => t.name === 'rect' && t.attributes.rx === '2');
    assert.strictEqual(cellRects.length, vm.columns.reduce((n, c) => n + c.cells.length, 0));
    assert.ok(!tags.some((t) => t.name === 'img' || t.name === 'script'), 'the hostile names stay text');
    assert.ok(text.includes(evil), 'and read back as the original text');
    for (const s of ['ATT&CK v18.1', 'Enterprise', '2026-03-04', 'Top ranked gaps', 'Rules per technique', '50+']) assert.ok(text.includes(s), s);
    const covered = cellRects.filter((t) => t.attributes.fill !== '#ffffff').length;
    assert.strictEqual(covered, vm.columns.reduce((n, c) => n + c.cells.filter((x) => x.count > 0).length, 0));
    assert.strictEqual(tags.filter((t) => t.name === 'rect' && t.attributes.stroke === '#d9480f' && t.attributes.rx === '2').length, vm.columns.flatMap((c) => c.cells).filter((c) => c.inProfile).length);
  });

  it('filters the SVG by platform and profile', () => {
    const countCells = (svg: string) => parseXml(svg, true).tags.filter((t) => t.name === 'rect' && t.attributes.rx === '2').length;
    const mac = vm.columns.flatMap((c) => c.cells).filter((c) => c.platforms.includes('macOS')).length;
    assert.strictEqual(countCells(renderMatrixSvg(vm, { platform: 'macos' })), mac);
    assert.ok(mac > 0 && mac < vm.columns.reduce((n, c) => n + c.cells.length, 0));
    assert.strictEqual(countCells(renderMatrixSvg(vm, { profileOnly: true })), vm.columns.flatMap((c) => c.cells).filter((c) => c.inProfile).length);
  });

  it('writes a self-contained HTML report: no remote URLs, no scripts, hostile text escaped', () => {
    const html = renderMatrixHtml(vm);
    const { tags, text } = parseXml(html.replace(/^<!DOCTYPE html>/, ''), false);
    for (const t of tags) {
      for (const attr of ['src', 'href', 'xlink:href', 'action']) {
        const v = t.attributes[attr];
        if (v !== undefined) assert.ok(!/^\s*(https?:)?\/\//i.test(v), `<${t.name} ${attr}="${v}">`);
      }
    }
    assert.ok(!/\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?\/\//i.test(html), 'no remote src/href anywhere');
    assert.deepStrictEqual(tags.filter((t) => ['script', 'img', 'link', 'iframe', 'object'].includes(t.name)).map((t) => t.name), []);
    assert.ok(!html.includes(evil) && html.includes(escapeXml(evil)));
    assert.ok(text.includes(evil), 'the hostile strings show as text');
    for (const s of ['Coverage per tactic', 'Top ranked gaps', 'ATT&CK v18.1', '2026-03-04 05:06', 'threat profile']) assert.ok(text.includes(s), s);
    for (const c of vm.columns) assert.ok(text.includes(`${c.covered}/${c.total}`), c.shortname);
    for (const g of vm.topGaps) assert.ok(text.includes(g.id) && text.includes(g.name), g.id);
    assert.ok(tags.some((t) => t.name === 'svg'), 'the matrix is inline');
    assert.match(html, /Content-Security-Policy" content="default-src 'none'/);
  });
});
