import * as assert from 'assert';
import { CoverageModel } from '../../src/coverage/model';
import { parseRuleFile } from '../../src/rules/index';
import { adversarialFile, SIZES } from './helpers/adversarialCorpus';
import { loadIndex, parseCorpusForTest } from './coverage-helpers';

// The model built a slice at a time (what the extension's store does after a scan, so a few
// generated files naming 100 000 IDs each cannot block the host for a second) is the model
// built in one go, and it pauses inside a single file, not only between files.

function summary(m: CoverageModel): unknown {
  return {
    rules: m.ruleCount,
    files: m.fileCount,
    deprecated: m.deprecatedRuleCount,
    total: m.total,
    revoked: m.revoked.map((r) => [r.ref.path, r.ref.span.start.line, r.id, r.replacement]),
    unknown: [...m.unknown].map(([k, refs]) => [k, refs.length]),
    unreadable: m.unreadable.length,
    problems: m.problems.map((p) => [p.path, p.line, p.message]),
    techniques: m.referencedTechniques().map((id) => [id, m.forTechnique(id)!.rules.length, m.forTechnique(id)!.viaSubtechniques.length]),
  };
}

describe('coverage model built in slices', function () {
  this.timeout(60_000);

  it('equals the model built in one go (SigmaHQ corpus plus 1 MB hostile files) (needs ../shared)', async () => {
    const index = loadIndex();
    const files = [...(await parseCorpusForTest(index))];
    for (const inputClass of ['revoked-tags', 'many-headers'] as const) {
      const f = adversarialFile('sigma', inputClass, SIZES.small);
      files.push(parseRuleFile(f.text, f.path, index));
    }
    const sliced = await CoverageModel.buildInSlices(files, index, { includeDeprecated: true }, async () => undefined, -1);
    assert.deepStrictEqual(summary(sliced), summary(CoverageModel.build(files, index, { includeDeprecated: true })));
    assert.ok(sliced.ruleCount > 2900);
  });

  it('pauses inside one file that names many thousands of IDs', async () => {
    const index = loadIndex();
    const f = adversarialFile('splunk', 'revoked-tags', SIZES.large);
    // The parser reads at most MAX_REFERENCES_PER_FILE; the model takes any ParsedRuleFile, so
    // give it one rule naming the parsed references sixty times over.
    const read = parseRuleFile(f.text, f.path, index);
    const many = Array.from({ length: 60 }, () => read.rules[0].references).flat();
    const parsed = { ...read, rules: [{ ...read.rules[0], references: many }] };
    const references = parsed.rules[0].references.length;
    assert.ok(references > 50_000, `${references} references`);
    let pauses = 0;
    // A negative slice: pause at every chance, so the count is how often the build offers one.
    const model = await CoverageModel.buildInSlices([parsed], index, {}, async () => void pauses++, -1);
    assert.ok(pauses >= Math.floor(references / 4096), `${pauses} pauses for ${references} references in one rule`);
    assert.strictEqual(model.revoked.length, CoverageModel.build([parsed], index).revoked.length);
  });
});
