import * as assert from 'assert';
import { checkRuleFile } from '../../src/checks/referenceChecks';
import { dominantFormat, ruleSkeleton, SKELETON_FORMATS } from '../../src/rules/skeletons';
import { parseRuleFile } from '../../src/rules/index';
import { ParsedRuleFile } from '../../src/rules/types';
import * as fs from 'fs';
import { AttackIndex } from '../../src/attack/index';
import { MINI_BUNDLE, miniIndex } from './helpers/miniAttack';
import { enterprise18, rawStix } from './helpers/rawStix';

// Rule skeletons for gaps parse back, with the real parsers, to the technique and its tactics
// (tactics from the raw STIX kill-chain phases), in every format, and pass the ATT&CK checks:
// on the synthetic bundle in test/fixtures/stix/, and on the real Enterprise 18.1 (needs ../shared).

type Phases = { kill_chain_phases?: { phase_name: string }[] };
const phaseNames = (o: Phases | undefined) => (o?.kill_chain_phases ?? []).map((p) => p.phase_name).sort();

function realTactics(id: string): string[] {
  return phaseNames(rawStix('enterprise-attack-18.1.json').byAttackId.get(id) as Phases);
}

function miniTactics(id: string): string[] {
  const objects = JSON.parse(fs.readFileSync(MINI_BUNDLE, 'utf8')).objects as (Phases & { external_references?: { external_id?: string }[] })[];
  return phaseNames(objects.find((o) => o.external_references?.[0]?.external_id === id));
}

const DATA: readonly { name: string; index: () => AttackIndex; rawTactics: (id: string) => string[]; ids: readonly string[] }[] = [
  { name: 'the synthetic bundle', index: miniIndex, rawTactics: miniTactics, ids: ['T1059.001', 'T1547.001', 'T1003'] },
  { name: 'Enterprise 18.1 (needs ../shared)', index: enterprise18, rawTactics: realTactics, ids: ['T1059.001', 'T1053.005', 'T1078'] },
];

describe('rule skeletons', () => {
  for (const format of SKELETON_FORMATS) {
    for (const { name, index: load, rawTactics, ids } of DATA) for (const id of ids) {
      it(`${format} skeleton for ${id} parses back to the technique and its tactics, on ${name}`, () => {
        const index = load();
        const s = ruleSkeleton(index, id, format, { id: '0b7c6a52-3d4e-4f5a-9b8c-7d6e5f4a3b2c', date: '2026-01-02' })!;
        const parsed = parseRuleFile(s.text, s.fileName, index);
        assert.strictEqual(parsed.format, format, s.text);
        assert.deepStrictEqual(parsed.problems, []);
        assert.strictEqual(parsed.rules.length, 1);
        const refs = parsed.rules[0].references;
        const techniques = new Set(refs.filter((r) => r.kind === 'technique').map((r) => r.id));
        assert.ok(techniques.has(id), `${[...techniques]}`);
        if (format !== 'splunk') {
          const tactics = [...new Set(refs.filter((r) => r.kind === 'tactic').map((r) => index.get(r.id!)!))].map((t) => (t as { shortname: string }).shortname).sort();
          assert.deepStrictEqual(tactics, rawTactics(id));
        }
        const findings = checkRuleFile(parsed, s.text, index).filter((f) => f.defaultSeverity !== 'hint');
        assert.deepStrictEqual(findings.map((f) => `${f.code}: ${f.message}`), []);
      });
    }
  }

  it('picks the format most rule files use, Sigma when there are none (needs ../shared)', () => {
    const f = (format: ParsedRuleFile['format'], rules = 1): ParsedRuleFile => ({ path: 'x', format, rules: Array.from({ length: rules }, () => ({ index: 0, title: 't', deprecated: false, span: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, platforms: [], references: [] })), problems: [] });
    assert.strictEqual(dominantFormat([]), 'sigma');
    assert.strictEqual(dominantFormat([f('elastic'), f('elastic'), f('sigma'), f('generic'), f('generic'), f('generic')]), 'elastic');
    assert.strictEqual(dominantFormat([f('sentinel'), f('sentinel', 0), f('sentinel', 0), f('yaral')]), 'sentinel');
    assert.strictEqual(ruleSkeleton(enterprise18(), 'T9999', 'sigma'), undefined);
  });
});
