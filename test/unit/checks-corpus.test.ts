import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { AttackIndex } from '../../src/attack/index';
import { CompiledDomain, Technique } from '../../src/attack/types';
import { checkRuleFile, Finding } from '../../src/checks/referenceChecks';
import { parseRuleFile } from '../../src/rules/index';
import { index18, sharedRoot } from './helpers/attackData';

// The checks over the whole SigmaHQ corpus, against counts taken straight from the files'
// text and direct index lookups (no parser, no checks code).

const SIGMA = path.join(sharedRoot, 'corpora', 'sigma', 'rules');

interface CorpusFile {
  readonly path: string;
  readonly text: string;
  /** Per YAML document, the `attack.*` tags as written. */
  readonly tags: readonly (readonly string[])[];
}

function readCorpus(): CorpusFile[] {
  return fs
    .readdirSync(SIGMA, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.yml'))
    .sort()
    .map((f) => {
      const text = fs.readFileSync(path.join(SIGMA, f), 'utf8');
      const tags = text.split(/^---\s*$/m).map((doc) => {
        const out: string[] = [];
        let inTags = false;
        for (const line of doc.split(/\r?\n/)) {
          if (/^tags:\s*$/.test(line)) inTags = true;
          else if (/^\S/.test(line)) inTags = false;
          const flow = /^tags:\s*\[(.*)\]/.exec(line);
          const items = flow ? flow[1].split(',') : inTags && /^\s+-\s/.test(line) ? [line.replace(/^\s+-\s/, '')] : [];
          for (const item of items) {
            const tag = item.trim().replace(/^['"]|['"]$/g, '');
            if (/^attack\./i.test(tag)) out.push(tag);
          }
        }
        return out;
      });
      return { path: f, text, tags };
    });
}

function count(findings: readonly Finding[], code: string): number {
  return findings.filter((f) => f.code === code).length;
}

/** unknown / revoked tag counts by looking each ID-shaped tag up in the index. */
function independentCounts(corpus: readonly CorpusFile[], index: AttackIndex): { unknown: number; revoked: number; ids: number } {
  let unknown = 0;
  let revoked = 0;
  let ids = 0;
  for (const f of corpus) {
    for (const doc of f.tags) {
      for (const tag of doc) {
        const m = /^attack\.([tgsc]\d{4}(?:\.\d{3})?)$/i.exec(tag);
        if (!m) continue;
        ids++;
        const e = index.get(m[1]);
        if (!e) unknown++;
        else if (e.revoked) revoked++;
      }
    }
  }
  return { unknown, revoked, ids };
}

function checkAll(corpus: readonly CorpusFile[], index: AttackIndex): Finding[] {
  return corpus.flatMap((f) => checkRuleFile(parseRuleFile(f.text, f.path, index), f.text, index));
}

/** ATT&CK 18.1 with every technique whose number is a multiple of 7 removed and T1059.001 revoked by T1059.003. */
function thinnedIndex(): AttackIndex {
  const drop = (t: Technique) => Number(t.id.slice(1, 5)) % 7 === 0;
  const domains: CompiledDomain[] = index18().domains.map((d) => ({
    ...d,
    techniques: d.techniques.filter((t) => !drop(t)).map((t) => (t.id === 'T1059.001' ? { ...t, revoked: true, revokedBy: 'T1059.003' } : t)),
  }));
  return new AttackIndex(domains);
}

describe('ATT&CK checks over the SigmaHQ corpus (needs ../shared)', () => {
  let corpus: CorpusFile[];
  before(() => {
    corpus = readCorpus();
    assert.ok(corpus.length > 3000, `corpus at ${SIGMA}`);
  });

  it('finds exactly the unknown and revoked tags a direct index lookup finds (ATT&CK 18.1)', () => {
    const index = index18();
    const findings = checkAll(corpus, index);
    const expected = independentCounts(corpus, index);
    assert.ok(expected.ids > 3000, `${expected.ids} ID tags`);
    assert.strictEqual(count(findings, 'attack-lens/unknown-id'), expected.unknown);
    assert.strictEqual(count(findings, 'attack-lens/revoked'), expected.revoked);
    assert.strictEqual(count(findings, 'attack-lens/parse-error'), 0);
  });

  it('finds exactly the unknown and revoked tags a direct lookup finds in thinned ATT&CK data', () => {
    const index = thinnedIndex();
    const findings = checkAll(corpus, index);
    const expected = independentCounts(corpus, index);
    assert.ok(expected.unknown > 100 && expected.revoked > 100, JSON.stringify(expected));
    if (process.env.ATTACK_LENS_VERBOSE) console.log('thinned', expected, count(findings, 'attack-lens/unknown-id'), count(findings, 'attack-lens/revoked'));
    assert.strictEqual(count(findings, 'attack-lens/unknown-id'), expected.unknown);
    assert.strictEqual(count(findings, 'attack-lens/revoked'), expected.revoked);
    // The fix writes the replacement, or removes the line when the rule already has that tag.
    const texts = new Map(corpus.map((c) => [c.path, c.text]));
    const byFile = corpus.flatMap((c) => checkRuleFile(parseRuleFile(c.text, c.path, index), c.text, index).map((f) => ({ file: c.path, f })));
    for (const { file, f } of byFile.filter((x) => x.f.code === 'attack-lens/revoked')) {
      const newText = f.fixes[0].edits[0].newText;
      assert.ok(newText === 'attack.t1059.003' || (newText === '' && texts.get(file)!.includes('attack.t1059.003')), `${file}: ${newText}`);
    }
  });

  it('flags exactly the non-canonical tags and the techniques without a tagged tactic', () => {
    const index = index18();
    const findings = checkAll(corpus, index);
    let nonCanonical = 0;
    let missingTactic = 0;
    for (const f of corpus) {
      for (const doc of f.tags) {
        if (doc.some((t) => !/^attack\.(?:[tgsc]\d{4}(?:\.\d{3})?|[a-z]+(?:-[a-z]+)*|ds\d{4})$/.test(t))) nonCanonical += doc.filter((t) => !/^attack\.(?:[tgsc]\d{4}(?:\.\d{3})?|[a-z]+(?:-[a-z]+)*|ds\d{4})$/.test(t)).length;
        const tactics = new Set(doc.map((t) => index.tactic(t.slice(7))?.shortname).filter(Boolean));
        for (const t of doc) {
          const tech = /^attack\.(t\d{4}(?:\.\d{3})?)$/.exec(t) ? index.technique(t.slice(7)) : undefined;
          if (tech && !tech.revoked && !tech.deprecated && tech.tactics.length && !tech.tactics.some((s) => tactics.has(s))) missingTactic++;
        }
      }
    }
    if (process.env.ATTACK_LENS_VERBOSE) console.log('v18.1', { nonCanonical, missingTactic }, [...new Set(findings.map((f) => f.code))].map((c) => `${c}: ${count(findings, c)}`));
    assert.strictEqual(count(findings, 'attack-lens/tag-format'), nonCanonical);
    assert.strictEqual(count(findings, 'attack-lens/missing-tactic'), missingTactic);
  });
});

describe('ATT&CK checks over the Splunk ESCU corpus', () => {
  const SPLUNK = path.join(sharedRoot, 'corpora', 'splunk', 'detections');

  it('finds exactly the revoked and unknown mitre_attack_id entries a direct index lookup finds (needs ../shared)', () => {
    const index = index18();
    let unknown = 0;
    let revoked = 0;
    let ids = 0;
    const findings: Finding[] = [];
    for (const f of fs.readdirSync(SPLUNK, { recursive: true }).map(String).filter((x) => x.endsWith('.yml'))) {
      const text = fs.readFileSync(path.join(SPLUNK, f), 'utf8');
      findings.push(...checkRuleFile(parseRuleFile(text, f, index), text, index));
      let inList = false;
      for (const line of text.split(/\r?\n/)) {
        if (/^\s*mitre_attack_id:\s*$/.test(line)) inList = true;
        else if (!/^\s*-\s/.test(line)) inList = false;
        const m = inList ? /^\s*-\s+['"]?(T\d{4}(?:\.\d{3})?)['"]?\s*$/.exec(line) : null;
        if (!m) continue;
        ids++;
        const e = index.get(m[1]);
        if (!e) unknown++;
        else if (e.revoked) revoked++;
      }
    }
    if (process.env.ATTACK_LENS_VERBOSE) console.log('splunk', { ids, unknown, revoked });
    assert.ok(ids > 1500, `${ids} IDs`);
    assert.ok(revoked > 0, 'ESCU still tags T1574.002, revoked in ATT&CK 18');
    assert.strictEqual(findings.filter((x) => x.code === 'attack-lens/unknown-id').length, unknown);
    assert.strictEqual(findings.filter((x) => x.code === 'attack-lens/revoked').length, revoked);
    for (const x of findings.filter((y) => y.code === 'attack-lens/revoked')) {
      assert.strictEqual(x.fixes[0].edits[0].newText, index.replacementOf(x.ref!.text));
    }
  });
});
