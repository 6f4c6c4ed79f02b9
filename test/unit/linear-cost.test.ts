import * as assert from 'assert';
import { stripCitations } from '../../src/attack/compile';
import { MAX_QUERY_LENGTH, AttackSearch, searchQuery } from '../../src/attack/search';
import { applyEdits, fixAllEdits } from '../../src/checks/fixAll';
import { checkRuleFile } from '../../src/checks/referenceChecks';
import { staleReferences } from '../../src/checks/staleReferences';
import { parseAtomicsCsv } from '../../src/coverage/atomics';
import { isLayerError, parseLayer } from '../../src/coverage/layerImport';
import { CoverageModel } from '../../src/coverage/model';
import { jsonReport, summaryTable } from '../../src/coverage/report';
import { profileFromLayer } from '../../src/coverage/profile';
import { fuzzyEntries } from '../../src/editor/completionFuzzy';
import { codeSpan, descriptionMarkdown, firstSentence, linkTexts } from '../../src/editor/entryMarkdown';
import { detectRuleFormat, parseRuleFile } from '../../src/rules/index';
import { MAX_REFERENCES_PER_FILE, MAX_RULES_PER_FILE, MAX_TOML_ENTRIES_PER_FILE, MAX_YAML_LINES_PER_FILE } from '../../src/rules/limits';
import { LineMap } from '../../src/rules/text';
import { scanToml } from '../../src/rules/tomlScan';
import { AttackReference, ParsedRuleFile, span } from '../../src/rules/types';
import { compileGlob, matchesPathOrAncestor } from '../../src/core/glob';
import { index18 } from './helpers/attackData';

// Each finding of issue #10 §1 and its siblings, at a size where the old code took minutes
// (so a regression fails here by timing out), asserting what the result must be. No timing
// assertions: the bench (test/bench/adversarial.bench.ts) prints the figures.

/** Deterministic pseudo-random numbers (xorshift), so a failing case can be reproduced. */
function random(seed: number): (n: number) => number {
  let x = seed || 1;
  return (n) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
}

describe('linear cost: rule parsers on hostile text', function () {
  this.timeout(60_000);

  it('format detection reads past 1 MB of blank lines (`^\\s*` under /m was quadratic)', () => {
    const blank = ' \n\n\t\n'.repeat(200_000);
    assert.strictEqual(detectRuleFormat(`${blank}rule r {\n  meta:\n    a = "b"\n}\n`, 'rules/r'), 'yaral');
    assert.strictEqual(detectRuleFormat(`${blank}[rule]\r\nname = "x"\r\n`, 'rules/r.toml'), 'elastic', 'a CRLF header still counts');
    assert.strictEqual(detectRuleFormat(`${blank}[rule]\nname = "x"\n`, 'rules/r'), 'elastic');
    assert.strictEqual(detectRuleFormat(blank, 'rules/r.toml'), undefined);
    assert.strictEqual(detectRuleFormat(blank, 'rules/r'), undefined);
  });

  it('a TOML table header that never closes is no header; a long closed one keeps its name', () => {
    // Spaces are what the old pattern's lazy name and its `[ \t]*` both took: quadratic.
    assert.deepStrictEqual(scanToml(`[rule.a${' '.repeat(500_000)}\nid = "T1059"\n`).headers, []);
    assert.deepStrictEqual(scanToml(`[rule.${'a . '.repeat(250_000)}\n`).headers, []);
    const closed = scanToml(`[ rule . ${'a . '.repeat(100_000)}b ]\nid = "T1059"\n`);
    assert.strictEqual(closed.headers.length, 1);
    assert.strictEqual(closed.headers[0].table, `rule.${'a.'.repeat(100_000)}b`);
    assert.strictEqual(closed.strings[0].table, closed.headers[0].table);
    assert.deepStrictEqual(scanToml('[[rule.threat]] # x\n[ rule.threat.tactic ]\n[bad name!]\n').headers.map((h) => [h.table, h.arrayTable]), [
      ['rule.threat', true],
      ['rule.threat.tactic', false],
    ]);
  });

  it('YARA-L: 116 000 rule headers without a closing brace: the first ones are each a rule with one problem, then the rule cap', () => {
    const n = 116_000;
    const cap = MAX_RULES_PER_FILE;
    const text = Array.from({ length: n }, (_, i) => `rule r${i} {\n`).join('');
    const parsed = parseRuleFile(text, 'many.yaral');
    assert.strictEqual(parsed.rules.length, cap);
    assert.strictEqual(parsed.problems.length, cap + 1);
    assert.strictEqual(parsed.problems[cap - 1].message, `Rule "r${cap - 1}" has no closing brace`);
    assert.strictEqual(parsed.problems[cap - 1].span.start.line, cap - 1);
    // The last rule read ends where the first one not read starts, which is where the cap's problem points.
    assert.deepStrictEqual([parsed.problems[cap].limit, parsed.problems[cap].span.start.line], [true, cap]);
  });

  it('YARA-L: a rule is closed by a brace of its own, not by one of the rule before', () => {
    const parsed = parseRuleFile('rule a {\n  meta:\n    x = "1"\n}\nrule b {\n  meta:\n    x = "2"\n', 'two.yaral');
    assert.deepStrictEqual(parsed.rules.map((r) => r.title), ['a', 'b']);
    assert.deepStrictEqual(parsed.problems.map((p) => p.message), ['Rule "b" has no closing brace']);
  });

  it('YAML: 95 000 keys then a duplicate: one problem on the duplicate (keys.some was quadratic)', () => {
    // One flow mapping on one line: the keys stay under the per-file line cap.
    const keys = Array.from({ length: 95_000 }, (_, i) => `k${i}: v`).join(', ');
    const text = `title: t\nlogsource:\n  product: windows\ndetection: {${keys}, k17: again, condition: k0}\n`;
    const parsed = parseRuleFile(text, 'dup.yml');
    assert.strictEqual(parsed.format, 'sigma');
    assert.strictEqual(parsed.problems.length, 1);
    assert.strictEqual(parsed.problems[0].message, 'Invalid YAML: duplicated mapping key "k17"');
    assert.deepStrictEqual(parsed.problems[0].span.start, { line: 3, character: text.indexOf('k17: again') - text.indexOf('detection') });
    // Keys of different mappings may repeat.
    assert.strictEqual(parseRuleFile('title: t\nlogsource:\n  product: x\ndetection:\n  a:\n    product: y\n  condition: a\n', 'ok.yml').problems.length, 0);
  });

  it('positions on one 3 MB line: each offset is where it is (the line cursor searched to the line end per offset)', () => {
    // The old search was a fast memchr, so it takes this size to exceed the test timeout.
    // (A parser reads at most MAX_REFERENCES_PER_FILE references; LineMap serves any count.)
    const n = 500_000;
    const lines = new LineMap('T1059 '.repeat(n));
    let last;
    for (let i = 0; i < n; i++) last = lines.span(6 * i, 6 * i + 5);
    assert.deepStrictEqual(last, span(0, 6 * (n - 1), 0, 6 * (n - 1) + 5));
  });

  it('generic: a file naming more IDs than the cap gives exactly the cap, then one problem where the first unread one is', () => {
    const n = MAX_REFERENCES_PER_FILE + 1;
    const text = 'T1059 '.repeat(n);
    const parsed = parseRuleFile(text, 'notes.md', undefined, { format: 'generic' });
    assert.strictEqual(parsed.rules[0].references.length, MAX_REFERENCES_PER_FILE);
    assert.deepStrictEqual(parsed.problems, [
      { message: `This file names over 1 000 ATT&CK references; only the first 1 000 are read`, severity: 'warning', span: span(0, 6 * (n - 1), 0, 6 * (n - 1) + 5), limit: true },
    ]);
    const atCap = parseRuleFile('T1059 '.repeat(MAX_REFERENCES_PER_FILE), 'notes.md', undefined, { format: 'generic' });
    assert.deepStrictEqual([atCap.rules[0].references.length, atCap.problems], [MAX_REFERENCES_PER_FILE, []]);
  });

  it('a file over a cap is a note in the CLI summary and in the JSON report, at the first thing not read (needs ../shared)', () => {
    const text = `# notes\n${'T1059 '.repeat(MAX_REFERENCES_PER_FILE)}\nT1003\n`;
    const model = CoverageModel.build([parseRuleFile(text, 'notes.md', index18(), { format: 'generic' })], index18());
    assert.deepStrictEqual(
      model.partial.map((p) => [p.path, p.line]),
      [['notes.md', 2]],
    );
    const summary = summaryTable(model);
    assert.match(summary, /1 file read in part \(over a per-file limit\)/);
    assert.match(summary, /notes\.md:3: This file names over 1 000 ATT&CK references; only the first 1 000 are read/);
    assert.deepStrictEqual(jsonReport(model).partial, [{ file: 'notes.md', line: 3, message: 'This file names over 1 000 ATT&CK references; only the first 1 000 are read' }]);
    // The cap is not a parse error.
    assert.deepStrictEqual(model.problems, []);
  });

  it('YAML: a file of more documents than the rule cap gives the cap, then one problem at the first document not read', () => {
    const doc = (i: number) => `title: r${i}\nlogsource:\n  product: windows\ndetection:\n  s:\n    a: 1\n  condition: s\n`;
    const text = Array.from({ length: MAX_RULES_PER_FILE + 3 }, (_, i) => doc(i)).join('---\n');
    const parsed = parseRuleFile(text, 'many.yml');
    assert.strictEqual(parsed.rules.length, MAX_RULES_PER_FILE);
    assert.deepStrictEqual(parsed.problems.map((p) => [p.message, p.span.start.line]), [[`This file holds over 500 rules or documents; only the first 500 are read`, 8 * MAX_RULES_PER_FILE]]);
  });

  it('YAML: a file that starts with --- and holds more documents than the cap: the problem is on the first one not read', () => {
    const doc = (i: number) => `---\ntitle: r${i}\nlogsource:\n  product: windows\ndetection:\n  s:\n    a: 1\n  condition: s\n`;
    // The documents past the cap are not parsed at all: invalid YAML there is not reported.
    const text = Array.from({ length: MAX_RULES_PER_FILE + 5 }, (_, i) => doc(i)).join('') + '---\n{ broken\n';
    const parsed = parseRuleFile(text, 'many.yml');
    assert.strictEqual(parsed.rules.length, MAX_RULES_PER_FILE);
    assert.deepStrictEqual(parsed.problems.map((p) => [p.message, p.span.start.line, p.limit]), [[`This file holds over 500 rules or documents; only the first 500 are read`, 8 * MAX_RULES_PER_FILE + 1, true]]);
  });

  it('Elastic: tables and keys past the cap are not read (by the scan or by the TOML parser), with one problem at the first one', () => {
    const tables = Array.from({ length: MAX_TOML_ENTRIES_PER_FILE + 100 }, (_, i) => `[rule.t${i}]\n`).join('');
    const text = `[metadata]\nmaturity = "production"\n\n[rule]\nname = "x"\n${tables}this is = not TOML ===\n`;
    const parsed = parseRuleFile(text, 'many.toml');
    assert.strictEqual(parsed.rules.length, 1);
    // Four entries ([metadata], maturity, [rule], name) come first; [rule.t0] is on line 5.
    const first = MAX_TOML_ENTRIES_PER_FILE - 4;
    assert.deepStrictEqual(parsed.problems.map((p) => [p.message, p.span.start.line]), [['This file has over 5 000 TOML tables and keys; only the first 5 000 are read', 5 + first]]);
  });

  it('Elastic: a 1 MB one-line string of escapes (smol-toml decoded it in more than linear time) is still judged as TOML (needs ../shared)', () => {
    const threat = '[[rule.threat]]\nframework = "MITRE ATT&CK"\n[[rule.threat.technique]]\nid = "T1059"\nname = "Command and Scripting Interpreter"\n[rule.threat.tactic]\nid = "TA0002"\nname = "Execution"\n';
    const rule = (description: string) => `[metadata]\nmaturity = "production"\n\n[rule]\nname = "x"\ndescription = "${description}"\n\n${threat}`;
    const good = rule('a \\" '.repeat(200_000));
    const parsed = parseRuleFile(good, 'long.toml', index18());
    assert.deepStrictEqual(parsed.problems, []);
    assert.deepStrictEqual(parsed.rules[0].references.map((r) => [r.id, r.span.start.line]), [['TA0002', 13], ['T1059', 10]]);
    // What smol-toml refuses in such a string is still refused, where it is.
    for (const [bad, why] of [['\\q', /escape/i], ['\u0001', /control/i]] as const) {
      const text = rule(`${'a \\" '.repeat(200_000)}${bad}`);
      const problems = parseRuleFile(text, 'bad.toml', index18()).problems;
      assert.strictEqual(problems.length, 1, bad);
      assert.match(problems[0].message, /^Invalid TOML: /);
      assert.match(problems[0].message, why);
      assert.strictEqual(problems[0].span.start.line, 5);
    }
  });

  it('Elastic: past the cap, a multi-line array is not cut in the middle (what is read still parses)', () => {
    const keys = Array.from({ length: MAX_TOML_ENTRIES_PER_FILE - 6 }, (_, i) => `k${i} = 1\n`).join('');
    const array = `index = [\n${'  "logs-*",\n'.repeat(20)}]\n`;
    const text = `[metadata]\nmaturity = "production"\n\n[rule]\nname = "x"\n${keys}${array}after = "x"\n`;
    const parsed = parseRuleFile(text, 'array.toml');
    assert.strictEqual(parsed.rules.length, 1);
    assert.deepStrictEqual(parsed.problems.map((p) => [p.limit, p.span.start.line]), [[true, text.split('\n').findIndex((l) => l.startsWith('after'))]]);
  });

  it('YAML: lines past the cap are not read, with one problem at the first one; blank lines do not count (needs ../shared)', () => {
    const head = 'title: t\ntags:\n  - attack.t1059.001\nlogsource:\n  product: windows\ndetection:\n  s:\n';
    const items = Array.from({ length: MAX_YAML_LINES_PER_FILE }, (_, i) => `    - value${i}\n\n`).join('');
    const text = `${head}${items}  condition: s\n`;
    const parsed = parseRuleFile(text, 'long.yml', index18());
    assert.strictEqual(parsed.format, 'sigma');
    assert.deepStrictEqual(parsed.rules.map((r) => r.references.map((ref) => ref.id)), [['T1059.001']]);
    // Seven head lines, then items each followed by a blank line: the first unread one is item MAX - 7.
    const firstUnread = text.split('\n').findIndex((l) => l === `    - value${MAX_YAML_LINES_PER_FILE - 7}`);
    assert.deepStrictEqual(parsed.problems.map((p) => [p.message, p.limit, p.span.start.line]), [['This file has over 20 000 lines of YAML; only the first 20 000 are read', true, firstUnread]]);
  });

  it('YAML: a cut inside a multi-line flow list or quoted string is not reported as invalid YAML (needs ../shared)', () => {
    const list = Array.from({ length: MAX_YAML_LINES_PER_FILE + 10 }, (_, i) => `    v${i},\n`).join('');
    for (const body of [`falsepositives: [\n${list}  ]\n`, `description: "\n${list}  "\n`]) {
      const text = `title: t\ntags:\n  - attack.t1059.001\nlogsource:\n  product: windows\ndetection:\n  s: 1\n  condition: s\n${body}level: high\n`;
      const parsed = parseRuleFile(text, 'cut.yml', index18());
      assert.deepStrictEqual(parsed.rules.map((r) => r.references.map((ref) => ref.id)), [['T1059.001']]);
      assert.deepStrictEqual(parsed.problems.map((p) => p.limit), [true], parsed.problems.map((p) => p.message).join('; '));
    }
  });

  it('YAML: references after the cut are not read, and the file says so (Splunk keeps its tags last) (needs ../shared)', () => {
    const search = Array.from({ length: MAX_YAML_LINES_PER_FILE + 1 }, (_, i) => `  | eval f${i}=1\n`).join('');
    const text = `name: n\nid: 0a7d7f4c-1b1e-4c1b-9d41-2f1d3b2a1c00\nsearch: >-\n${search}tags:\n  mitre_attack_id:\n  - T1003\n`;
    const parsed = parseRuleFile(text, 'late.yml', index18());
    assert.strictEqual(parsed.format, 'splunk');
    assert.deepStrictEqual(parsed.rules.flatMap((r) => r.references), []);
    assert.deepStrictEqual(parsed.problems.map((p) => p.limit), [true]);
  });

  it('YARA-L positions when techniques come before tactics in each of many rules', () => {
    const n = MAX_RULES_PER_FILE;
    const rule = (i: number) => `rule r${i} {\n  meta:\n    mitre_attack_technique = "T1059"\n    mitre_attack_tactic = "TA0002"\n  events:\n    $e\n  condition:\n    $e\n}\n`;
    const text = Array.from({ length: n }, (_, i) => rule(i)).join('');
    const parsed = parseRuleFile(text, 'many.yaral');
    assert.strictEqual(parsed.rules.length, n);
    const last = parsed.rules[n - 1].references;
    assert.deepStrictEqual(
      last.map((r) => [r.kind, r.span.start.line, r.span.start.character]),
      [
        ['technique', 9 * (n - 1) + 2, 30],
        ['tactic', 9 * (n - 1) + 3, 27],
      ],
    );
  });

  it('Elastic inline threat tables: 20 000 repeated values each found at its own place (those read: the cap)', () => {
    const n = 20_000;
    const techniques = Array.from({ length: n }, () => '{ id = "T1059", name = "Command and Scripting Interpreter" }').join(',\n  ');
    const text = `[metadata]\nmaturity = "production"\n\n[rule]\nname = "x"\nrule_id = "x"\nthreat = [{ framework = "MITRE ATT&CK", technique = [\n  ${techniques}\n], tactic = { id = "TA0002", name = "Execution" } }]\n`;
    const parsed = parseRuleFile(text, 'inline.toml');
    const refs = parsed.rules[0].references;
    // The tactic is read first, then the techniques up to the cap.
    const read = MAX_REFERENCES_PER_FILE - 1;
    const lines = refs.filter((r) => r.kind === 'technique').map((r) => r.span.start.line);
    assert.deepStrictEqual(lines, Array.from({ length: read }, (_, i) => 7 + i));
    assert.deepStrictEqual(parsed.problems.map((p) => [p.limit, p.span.start.line]), [[true, 7 + read]]);
  });
});

describe('linear cost: checks', function () {
  this.timeout(60_000);

  it('Sigma: revoked tags (as many as a file may name) whose replacement is tagged: every fix deletes its line (rewriteTag scanned every tag per tag) (needs ../shared)', () => {
    const n = MAX_REFERENCES_PER_FILE - 2;
    // The replacement's tag comes last, so a search of the tags for it goes through all of them.
    const text = `title: t\nlogsource:\n  product: windows\ndetection:\n  s:\n    a: 1\n  condition: s\ntags:\n  - attack.execution\n${'  - attack.t1086\n'.repeat(n)}  - attack.t1059.001\n`;
    const parsed = parseRuleFile(text, 'revoked.yml', index18());
    assert.deepStrictEqual(parsed.problems, []);
    const revoked = checkRuleFile(parsed, text, index18()).filter((f) => f.code === 'attack-lens/revoked');
    assert.strictEqual(revoked.length, n);
    for (const f of [revoked[0], revoked[n - 1]]) {
      const line = f.span.start.line;
      assert.deepStrictEqual(f.fixes[0].edits, [{ span: span(line, 0, line + 1, 0), newText: '' }]);
    }
  });

  it('Sigma: 40 000 revoked tags whose replacement is not tagged: those read (the cap) are each rewritten in place, and the cap is a finding (needs ../shared)', () => {
    const n = 40_000;
    const text = `title: t\nlogsource:\n  product: windows\ndetection:\n  s:\n    a: 1\n  condition: s\ntags:\n  - attack.execution\n${'  - attack.t1086\n'.repeat(n)}`;
    const findings = checkRuleFile(parseRuleFile(text, 'r.yml', index18()), text, index18());
    const revoked = findings.filter((f) => f.code === 'attack-lens/revoked');
    // Each is the others' twin, but none names the replacement yet.
    const read = MAX_REFERENCES_PER_FILE - 1;
    assert.strictEqual(revoked.length, read);
    for (const f of [revoked[0], revoked[read - 1]]) assert.deepStrictEqual(f.fixes[0].edits, [{ span: f.span, newText: 'attack.t1059.001' }]);
    const capped = findings.filter((f) => f.code === 'attack-lens/rule-problem');
    assert.deepStrictEqual(capped.map((f) => [f.message, f.span.start.line]), [['This file names over 1 000 ATT&CK references; only the first 1 000 are read', 9 + read]]);
  });

  it('YARA-L: a name read by its URL line, past a 900 KB word full of `url` (`\\w*url\\w*` backtracked on it) (needs ../shared)', () => {
    const text = `rule r {\n  meta:\n    mitre_attack_technique = "Credential Dumpin"\n    ${'url'.repeat(300_000)}\n    mitre_attack_url = "https://attack.mitre.org/techniques/T1003/001/"\n  events:\n    $e\n  condition:\n    $e\n}\n`;
    const stale = staleReferences(parseRuleFile(text, 'r.yaral', index18()), text, index18());
    assert.deepStrictEqual(
      stale.map((s) => [s.category, s.finding.fixes[0]?.edits[0].newText]),
      [['renamed', 'OS Credential Dumping: LSASS Memory']],
    );
  });

  it('fix all on 150 000 revoked IDs in one line: every one replaced once (each fix was checked against every edit taken) (needs ../shared)', () => {
    const n = 150_000;
    const text = 'T1086 '.repeat(n);
    // A parser reads at most MAX_REFERENCES_PER_FILE per file; fix all plans for any number of findings.
    const one = checkRuleFile(parseRuleFile('T1086', 'n.md', index18(), { format: 'generic' }), 'T1086', index18())[0];
    const findings = Array.from({ length: n }, (_, i) => {
      const at = span(0, 6 * i, 0, 6 * i + 5);
      return { ...one, span: at, fixes: one.fixes.map((f) => ({ ...f, edits: f.edits.map((e) => ({ ...e, span: at })) })) };
    });
    const { edits, fixed } = fixAllEdits(findings, (f) => f.code === 'attack-lens/revoked');
    assert.strictEqual(fixed.length, n);
    assert.strictEqual(edits.length, n);
    assert.strictEqual(applyEdits(text, edits), text.replaceAll('T1086', 'T1059.001'));
  });

  it('fix all keeps its rules: overlapping fixes lose to the higher-ranked one, identical insertions are made once', () => {
    const at = (c: number) => span(0, c, 0, c);
    const f = (code: 'attack-lens/revoked' | 'attack-lens/tag-format' | 'attack-lens/missing-tactic', edits: { span: ReturnType<typeof span>; newText: string }[]) => ({
      code,
      message: code,
      span: edits[0].span,
      fixes: [{ title: code, edits, isPreferred: true }],
      defaultSeverity: 'warning' as const,
    });
    const findings = [
      f('attack-lens/tag-format', [{ span: span(0, 2, 0, 6), newText: 'fmt' }]),
      f('attack-lens/revoked', [{ span: span(0, 4, 0, 8), newText: 'rev' }]),
      f('attack-lens/missing-tactic', [{ span: at(0), newText: 'x, ' }]),
      f('attack-lens/missing-tactic', [{ span: at(0), newText: 'x, ' }]),
      f('attack-lens/missing-tactic', [{ span: at(6), newText: 'inside' }]),
      f('attack-lens/missing-tactic', [{ span: at(8), newText: 'after' }]),
    ];
    const { edits, fixed } = fixAllEdits(findings as never);
    assert.deepStrictEqual(
      edits.map((e) => e.newText),
      ['x, ', 'rev', 'after'],
    );
    assert.strictEqual(fixed.length, 4, 'the revoked fix, both identical insertions, the one after it');
  });

  it('Elastic: 50 000 sub-techniques under the wrong parent each point at the nearest parent above (siblings were searched per reference) (needs ../shared)', () => {
    const n = 50_000;
    const refs: AttackReference[] = [];
    for (let i = 0; i < n; i++) {
      refs.push({ text: 'T1059', kind: 'technique', id: 'T1059', span: span(3 * i, 5, 3 * i, 10), field: 'threat.technique.id', ruleIndex: 0 });
      refs.push({ text: 'T1003.001', kind: 'technique', id: 'T1003.001', span: span(3 * i + 1, 5, 3 * i + 1, 14), field: 'threat.technique.subtechnique.id', ruleIndex: 0, context: { parentTechniqueId: 'T1059' } });
    }
    const file: ParsedRuleFile = { path: 'x.toml', format: 'elastic', rules: [{ index: 0, title: 'x', deprecated: false, span: span(0, 0, 0, 0), platforms: [], references: refs }], problems: [] };
    const wrong = checkRuleFile(file, '', index18()).filter((f) => f.code === 'attack-lens/wrong-parent');
    assert.strictEqual(wrong.length, n);
    for (const i of [0, 1, n - 1]) assert.strictEqual(wrong[i].related?.[0].span.start.line, 3 * i);
  });
});

describe('linear cost: coverage imports and the model', function () {
  this.timeout(60_000);

  it('a profile from an 80 000-entry layer leaves out exactly the display-only parents ([...listed].some per entry was quadratic)', () => {
    const techniques: unknown[] = [];
    const expected = new Map<string, number>();
    for (let p = 1000; p < 9000; p++) {
      const parent = `T${p}`;
      techniques.push({ techniqueID: parent, tactic: 'execution', showSubtechniques: true }, { techniqueID: parent, tactic: 'persistence', showSubtechniques: true });
      if (p % 2 === 0) {
        for (let s = 1; s <= 16; s++) techniques.push({ techniqueID: `${parent}.${String(s).padStart(3, '0')}`, score: s });
        for (let s = 1; s <= 16; s++) expected.set(`${parent}.${String(s).padStart(3, '0')}`, s);
      } else {
        techniques.push({ techniqueID: `T${p}.001`, enabled: false });
        expected.set(parent, 1);
      }
    }
    assert.ok(techniques.length >= 80_000, `${techniques.length} entries`);
    const layer = parseLayer({ name: 'big', versions: { layer: '4.5' }, domain: 'enterprise-attack', techniques });
    assert.ok(!isLayerError(layer));
    const profile = profileFromLayer(layer);
    assert.deepStrictEqual(Object.entries(profile.techniques), [...expected].sort(([a], [b]) => (a < b ? -1 : 1)));
  });

  it('a rule naming 200 000 distinct unknown IDs: each is listed once (per-rule arrays were searched per reference) (needs ../shared)', () => {
    const refs: AttackReference[] = [];
    for (let i = 0; i < 200_000; i++) {
      const id = `T9${String(Math.floor(i / 1000)).padStart(3, '0')}.${String(i % 1000).padStart(3, '0')}`;
      refs.push({ text: id, kind: 'technique', id, span: span(i, 0, i, 9), field: 'text', ruleIndex: 0 });
    }
    refs.push({ ...refs[5], span: span(200_000, 0, 200_000, 9) });
    const file: ParsedRuleFile = { path: 'x.md', format: 'generic', rules: [{ index: 0, title: 'x', deprecated: false, span: span(0, 0, 0, 0), platforms: [], references: refs }], problems: [] };
    const model = CoverageModel.build([file], index18());
    assert.strictEqual(model.unknown.size, 200_000);
    assert.strictEqual(model.unknown.get(refs[5].id!)!.length, 1, 'a rule counts once per ID');
  });

  it('an atomics CSV repeating one test on 200 000 rows keeps each tactic once', () => {
    const rows = Array.from({ length: 200_000 }, (_, i) => `tactic-${i % 150_000},T1059.001,Command,1,Test,guid-1,powershell`);
    const csv = `Tactic,Technique #,Technique Name,Test #,Test Name,Test GUID,Executor Name\n${rows.join('\n')}\n`;
    const atomics = parseAtomicsCsv(csv);
    assert.strictEqual(atomics.testCount, 1);
    const tactics = atomics.byTechnique.get('T1059.001')![0].tactics;
    assert.strictEqual(tactics.length, 150_000);
    assert.strictEqual(tactics[149_999], 'tactic-149999');
  });
});

/** The RegExp translation the glob automaton replaced: the oracle for what a glob means. */
function oracleGlob(glob: string): RegExp | undefined {
  let out = '';
  let inBraces = 0;
  const g = glob.replace(/^\.\//, '');
  for (let i = 0; i < g.length; i++) {
    const c = g[i];
    if (c === '*') {
      if (g[i + 1] === '*') {
        const atStart = i === 0 || g[i - 1] === '/';
        const atEnd = i + 2 === g.length || g[i + 2] === '/';
        i++;
        if (atStart && atEnd) {
          if (g[i + 1] === '/') {
            i++;
            out += '(?:[^/]*/)*';
          } else out += '.*';
          continue;
        }
      }
      out += '[^/]*';
    } else if (c === '?') out += '[^/]';
    else if (c === '{') {
      inBraces++;
      out += '(?:';
    } else if (c === '}' && inBraces > 0) {
      inBraces--;
      out += ')';
    } else if (c === ',' && inBraces > 0) out += '|';
    else if (c === '[') {
      const close = g.indexOf(']', i + 1);
      if (close < 0) out += '\\[';
      else {
        out += `[${g.slice(i + 1, close).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
        i = close;
      }
    } else out += c.replace(/[.+^$()|\\\]]/g, '\\$&');
  }
  try {
    return new RegExp(`^${out}$`);
  } catch {
    return undefined;
  }
}

describe('linear cost: globs', function () {
  this.timeout(60_000);

  const deep = Array.from({ length: 40 }, (_, i) => `d${i}`).join('/');

  it('`**/` × 12 against a 40-level path (58 s with the backtracking RegExp)', () => {
    const glob = `${'**/'.repeat(12)}*.yml`;
    assert.strictEqual(compileGlob(glob).test(`${deep}/rule.yml`), true);
    assert.strictEqual(compileGlob(glob).test(`${deep}/rule.yaml`), false);
    assert.strictEqual(compileGlob(`${'**/a*'.repeat(12)}/x`).test(`${'a/'.repeat(40)}y`), false);
    assert.strictEqual(matchesPathOrAncestor(`${'**/'.repeat(12)}node_modules`, `${deep}/node_modules/pkg/rule.yml`), true);
    assert.strictEqual(matchesPathOrAncestor(`${'**/'.repeat(12)}node_modules`, `${deep}/modules/pkg/rule.yml`), false);
  });

  it('means what the RegExp translation meant, on 20 000 random globs and paths', () => {
    const next = random(7);
    const pieces = ['a', 'b', '/', '*', '**', '**/', '?', '{a,b}', '{a,**/b,}', '[ab]', '[!a]', '.', '{', '}', ',', '[', ']', '(', '+', '\\'];
    const chars = ['a', 'b', '/', '.', '(', '+', '\\', ']', '[', ',', '{', '}'];
    let compared = 0;
    for (let k = 0; k < 20_000; k++) {
      const glob = Array.from({ length: 1 + next(6) }, () => pieces[next(pieces.length)]).join('');
      const oracle = oracleGlob(glob);
      const matcher = compileGlob(glob);
      assert.strictEqual(matcher.malformed, oracle === undefined, `malformed: ${glob}`);
      for (let p = 0; p < 5; p++) {
        const path = Array.from({ length: next(9) }, () => chars[next(chars.length)]).join('');
        assert.strictEqual(matcher.test(path), oracle ? oracle.test(path) : false, `${glob} on ${path}`);
        // matchesPathOrAncestor reads `\` as a folder separator.
        const slashed = path.replace(/\\/g, '/');
        let ancestorOracle = oracle ? oracle.test(slashed) : false;
        for (let i = 1; oracle && i < slashed.length; i++) if (slashed[i] === '/' && oracle.test(slashed.slice(0, i))) ancestorOracle = true;
        assert.strictEqual(matchesPathOrAncestor(glob, path), ancestorOracle, `${glob} on ${path} or a folder of it`);
        compared++;
      }
    }
    assert.strictEqual(compared, 100_000);
  });
});

describe('linear cost: search and text from ATT&CK data', function () {
  this.timeout(60_000);

  it('a 10 KB query is cut to its first characters: its head still finds the entry it names (17 s uncut) (needs ../shared)', () => {
    const query = `PowerShell${' '.repeat(MAX_QUERY_LENGTH - 10)}${'x'.repeat(10_000)}`;
    assert.strictEqual(searchQuery(query), 'PowerShell');
    const hits = new AttackSearch(index18()).search(query);
    assert.strictEqual(hits[0]?.entry.id, 'T1059.001');
    const fuzzy = fuzzyEntries(index18(), query, () => true, 10);
    assert.ok(fuzzy.some((h) => h.entry.id === 'T1059.001'), 'completion cuts the query the same way');
    const junk = Array.from({ length: 10_000 }, (_, i) => 'abcdefghij'[i % 10]).join('');
    assert.ok(new AttackSearch(index18()).search(junk).length <= 20);
    assert.strictEqual(searchQuery(`${'x'.repeat(MAX_QUERY_LENGTH - 1)}\u{1F600}`).length, MAX_QUERY_LENGTH - 1, 'never half a surrogate pair');
    // The longest names are still found exactly, past the shorter fuzzy cut.
    const longest = [...index18().entries()].filter((e) => e.kind === 'detection-strategy').sort((a, b) => b.name.length - a.name.length)[0];
    assert.ok(longest.name.length > 100);
    assert.strictEqual(new AttackSearch(index18()).search(longest.name, { kinds: ['detection-strategy'], includeInactive: true })[0]?.entry.id, longest.id);
  });

  it('stripCitations on 500 KB of blanks (50 KB took 2.4 s)', () => {
    const blanks = ' '.repeat(500_000);
    assert.strictEqual(stripCitations(`${blanks}x`), 'x');
    assert.strictEqual(stripCitations(`a${blanks}(Citation: A) b`), 'a b');
    assert.strictEqual(stripCitations(`a${' \t'.repeat(250_000)}\nb`), 'a\nb');
    assert.strictEqual(stripCitations(`a (Citation: never closed${blanks}`), `a (Citation: never closed`);
  });

  it('stripCitations does what its two patterns did, on 20 000 random texts', () => {
    const next = random(11);
    const pieces = [' ', '\t', '\n', '\r\n', '(Citation: A)', '(Citation:', ')', 'a', '(', ' (Citation: B B)'];
    const oracle = (t: string) => t.replace(/\s*\(Citation:[^)]*\)/g, '').replace(/[ \t]+\n/g, '\n').trim();
    for (let k = 0; k < 20_000; k++) {
      const text = Array.from({ length: next(12) }, () => pieces[next(pieces.length)]).join('');
      assert.strictEqual(stripCitations(text), oracle(text), JSON.stringify(text));
    }
  });

  it('descriptions full of unclosed `[`, `](` and `<code>`, and 300 000 backtick runs, render (and give their first sentence)', () => {
    assert.strictEqual(descriptionMarkdown('['.repeat(300_000), true), '\\['.repeat(300_000));
    assert.strictEqual(descriptionMarkdown(`${'[a]('.repeat(100_000)}`, true), '\\[a\\]\\('.repeat(100_000));
    assert.strictEqual(descriptionMarkdown('<code>x '.repeat(100_000), true), '\\<code\\>x '.repeat(100_000).trimEnd());
    assert.strictEqual(firstSentence('<code>x '.repeat(100_000)), '<code>x '.repeat(100_000).trimEnd(), 'the hover sentence: no `</code>` is searched for twice');
    assert.strictEqual(descriptionMarkdown('see [T1059](https://attack.mitre.org/techniques/T1059) and <code>a*b</code>.', true), 'see T1059 and ` a*b `\\.');
    const ticks = 'a`'.repeat(300_000);
    assert.strictEqual(codeSpan(ticks), `\`\` ${ticks} \`\``);
  });

  it('link texts are read as the link pattern read them, on 20 000 random descriptions', () => {
    const next = random(13);
    const pieces = ['[', ']', '(', ')', 'a', '](', ' ', '[x](u)', '\\'];
    const oracle = (t: string) => t.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1');
    for (let k = 0; k < 20_000; k++) {
      const text = Array.from({ length: next(12) }, () => pieces[next(pieces.length)]).join('');
      assert.strictEqual(linkTexts(text), oracle(text), JSON.stringify(text));
    }
  });
});
