import * as assert from 'assert';
import { adversarialFile, ADVERSARIAL_FORMATS, AdversarialFile, INPUT_CLASSES, SIZES } from './helpers/adversarialCorpus';
import { PipelineResult, runPipeline } from './helpers/adversarialPipeline';
import { index18 } from './helpers/attackData';
import { MAX_REFERENCES_PER_FILE, MAX_RULES_PER_FILE, MAX_YAML_LINES_PER_FILE } from '../../src/rules/limits';

// Every format × hostile input class at 1 MB (the scan's size cap) through what the editor, the
// scan and the CLI do with a file: a result or a diagnostic comes back, nothing throws. Speed
// is the bench's job (test/bench/adversarial.bench.ts); these inputs took minutes before the
// parsers were made linear, so a regression also shows here as a timeout.

const occurrences = (text: string, needle: string) => text.split(needle).length - 1;
const contentLines = (text: string) => text.split('\n').filter((l) => l.trim() !== '').length;

/**
 * The references (or rules) a file gives when its text names `written`: all of them up to the
 * per-file cap, the cap past it, with one problem on the file saying so.
 */
function readUpTo(file: AdversarialFile, r: PipelineResult, actual: number, written: number, cap: number, what: RegExp): void {
  // Elastic threat blocks are three tables for two references: the table cap comes first.
  const tables = r.parsed.problems.filter((p) => p.limit && /TOML tables and keys/.test(p.message));
  if (file.format === 'elastic' && tables.length === 1) {
    assert.ok(actual > 0 && actual < Math.min(cap, written), `${actual} read before the table cap`);
    return;
  }
  const noted = r.parsed.problems.filter((p) => p.limit && what.test(p.message));
  if (written <= cap) {
    assert.strictEqual(actual, written);
    assert.strictEqual(noted.length, 0);
    return;
  }
  assert.strictEqual(actual, cap, `${file.format}/${file.inputClass}: the first ${cap} of ${written}`);
  assert.strictEqual(noted.length, 1, 'one problem says the file was read in part');
  assert.ok(r.findings.some((f) => f.code === 'attack-lens/rule-problem' && f.message === noted[0].message), 'and it is a finding (a diagnostic)');
}
const references = (file: AdversarialFile, r: PipelineResult, refs: number, written: number) => readUpTo(file, r, refs, written, MAX_REFERENCES_PER_FILE, /ATT&CK references/);

/** What the file must give, read off its text independently of the parsers. */
function expectations(file: AdversarialFile, r: PipelineResult): void {
  const { parsed } = r;
  const yamlFormat = file.format === 'sigma' || file.format === 'splunk' || file.format === 'sentinel';
  const refs = parsed.rules.reduce((n, rule) => n + rule.references.length, 0);
  const revoked = r.findings.filter((f) => f.code === 'attack-lens/revoked').length;
  switch (file.inputClass) {
    case 'blank-lines':
      assert.strictEqual(parsed.rules.length, 1);
      assert.strictEqual(parsed.problems.length, 0);
      break;
    case 'many-headers':
      if (yamlFormat) readUpTo(file, r, parsed.rules.length, occurrences(file.text, '---\n'), MAX_RULES_PER_FILE, /rules/);
      if (file.format === 'yaral') {
        // Every header read is a rule, and none is closed.
        readUpTo(file, r, parsed.rules.length, occurrences(file.text, 'rule r'), MAX_RULES_PER_FILE, /rules/);
        assert.strictEqual(parsed.problems.filter((p) => /has no closing brace/.test(p.message)).length, parsed.rules.length);
      }
      // The head names two IDs.
      if (file.format === 'generic') references(file, r, refs, occurrences(file.text, '## T') + 2);
      break;
    case 'duplicate-keys':
      // Elastic: the duplicate comes after more keys than a file may hold, so it is not read; the cap is the one problem.
      if (file.format === 'elastic') {
        assert.deepStrictEqual(parsed.problems.map((p) => p.limit), [true]);
        assert.strictEqual(parsed.rules.length, 1);
      }
      // YAML: past the line cap the duplicate is not read either; the cap is the one problem.
      if (yamlFormat && contentLines(file.text) > MAX_YAML_LINES_PER_FILE) {
        assert.deepStrictEqual(parsed.problems.map((p) => [p.limit, /lines of YAML/.test(p.message)]), [[true, true]]);
        assert.strictEqual(parsed.rules.length, 1);
      } else if (yamlFormat) {
        assert.strictEqual(parsed.rules.length, 0);
        assert.strictEqual(parsed.problems.length, 1);
        assert.match(parsed.problems[0].message, /duplicated mapping key "key_0"/);
        assert.strictEqual(parsed.problems[0].span.start.line, file.text.slice(0, file.text.lastIndexOf('key_0')).split('\n').length - 1, 'the problem is on the repeated key');
      }
      break;
    case 'repeated-tags':
      if (file.format === 'sigma') references(file, r, refs, occurrences(file.text, '- attack.'));
      if (file.format === 'splunk' || file.format === 'sentinel') references(file, r, refs, occurrences(file.text, '  - T') + (file.format === 'sentinel' ? 1 : 0));
      if (file.format === 'elastic') references(file, r, refs, occurrences(file.text, '\nid = "'));
      if (file.format === 'generic') references(file, r, refs, occurrences(file.text, 'T1059.001') + 1);
      break;
    case 'revoked-tags': {
      const spelled = file.format === 'sigma' ? 'attack.t1086' : file.format === 'elastic' ? 'id = "T1086"' : 'T1086';
      // Each file names far more references than the cap: the first ones are read and checked.
      assert.ok(occurrences(file.text, spelled) > MAX_REFERENCES_PER_FILE);
      assert.strictEqual(parsed.problems.filter((p) => p.limit).length, 1);
      const readRevoked = parsed.rules.flatMap((rule) => rule.references).filter((ref) => ref.text === spelled.replace(/^id = "|"$/g, '')).length;
      assert.strictEqual(revoked, readRevoked);
      assert.ok(revoked > 100);
      // Sigma: the replacement is tagged already, so every fix deletes its line instead of doubling the tag.
      assert.ok(r.fixedRevoked > 0);
      assert.ok(r.stale.filter((s) => s.category === 'revoked').length === revoked);
      break;
    }
    case 'deep-nesting':
    case 'deep-indent':
    case 'long-line':
    case 'long-quoted':
    case 'unterminated':
      assert.ok(parsed.rules.length + parsed.problems.length > 0);
      break;
    case 'many-keys':
      if (yamlFormat || file.format === 'elastic') assert.strictEqual(parsed.rules.length, 1);
      break;
  }
  if (file.inputClass === 'unterminated' && file.format !== 'generic') {
    assert.ok(parsed.problems.length >= 1, 'an unterminated string or header is reported');
  }
}

describe('adversarial corpus: every format × hostile input at 1 MB (needs ../shared)', function () {
  this.timeout(120_000);

  for (const format of ADVERSARIAL_FORMATS) {
    describe(format, () => {
      for (const inputClass of INPUT_CLASSES) {
        it(`${inputClass}: parsed, checked and counted without throwing`, () => {
          const file = adversarialFile(format, inputClass, SIZES.large);
          assert.ok(file.text.length > SIZES.large * 0.9 && file.text.length <= SIZES.large, `generated ${file.text.length} characters`);
          const r = runPipeline(file, index18());
          assert.strictEqual(r.parsed.format, format);
          if (format !== 'generic') assert.strictEqual(r.detected, format, 'detected as its format');
          // A parser failure would come back as a "could not read this file" problem, not a throw: that is a bug too.
          assert.ok(!r.parsed.problems.some((p) => /could not read this file/.test(p.message)), r.parsed.problems[0]?.message);
          assert.ok(r.parsed.rules.length + r.parsed.problems.length > 0, 'a result or a diagnostic');
          const reported = new Set(r.findings.filter((f) => f.code === 'attack-lens/parse-error').map((f) => f.message));
          for (const p of r.parsed.problems.filter((x) => x.severity === 'error')) assert.ok(reported.has(p.message), p.message);
          assert.strictEqual(r.slots.length, 2);
          expectations(file, r);
        });
      }
    });
  }
});
