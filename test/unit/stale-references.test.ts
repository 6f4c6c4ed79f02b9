import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { applyEdits, fixAllEdits } from '../../src/checks/fixAll';
import { StaleCategory, staleReferences } from '../../src/checks/staleReferences';
import { parseRuleFile } from '../../src/rules/index';
import { AttackIndex } from '../../src/attack/index';
import { projectRoot } from './helpers/attackData';
import { miniIndex } from './helpers/miniAttack';
import { filesUnder, sigmaRules, splunkDetections } from './coverage-helpers';
import { enterprise18, rawStix } from './helpers/rawStix';

// "Check rules against ATT&CK data" per file: the fixture workspace of the profile host suite
// holds one revoked, deprecated and unknown reference per format (and old names in Elastic and
// YARA-L). Expected IDs, replacements and names come from the raw Enterprise 18.1 STIX.

const RULES = path.join(projectRoot, 'test', 'fixtures', 'workspaces', 'profile', 'rules');
const ENTERPRISE = 'enterprise-attack-18.1.json';

function stale(rel: string, text = fs.readFileSync(path.join(RULES, rel), 'utf8'), index: AttackIndex = enterprise18()) {
  return staleReferences(parseRuleFile(text, rel, index), text, index);
}

const summary = (rel: string, text?: string, index?: AttackIndex) => stale(rel, text, index).map((s) => [s.category, s.finding.ref?.text] as [StaleCategory, string | undefined]);

function rawName(id: string): string {
  return rawStix(ENTERPRISE).byAttackId.get(id)!.name as string;
}

/** The file after "Fix all" (the preferred fix of every stale reference). */
function fixed(rel: string, index?: AttackIndex): string {
  const text = fs.readFileSync(path.join(RULES, rel), 'utf8');
  return applyEdits(text, fixAllEdits(stale(rel, text, index).map((s) => s.finding)).edits);
}

describe('stale references on the synthetic bundle', () => {
  // test/fixtures/stix/ (see its README): T1086 revoked by T1059.001, T1064 deprecated, no T1059.999
  // nor T1997, T1003.001 current. The Splunk, Elastic and YARA-L files name T1089/T1562, which it lacks.
  it('finds the revoked, deprecated and unknown Sigma and Sentinel references, and nothing in a current file', () => {
    assert.deepStrictEqual(summary('sigma/stale_tags.yml', undefined, miniIndex()), [['revoked', 'attack.t1086'], ['deprecated', 'attack.t1064'], ['unknown', 'attack.t1059.999']]);
    assert.deepStrictEqual(summary('sentinel/stale_techniques.yaml', undefined, miniIndex()), [['revoked', 'T1086'], ['deprecated', 'T1064'], ['unknown', 'T1997']]);
    assert.deepStrictEqual(summary('sigma/current_tags.yml', undefined, miniIndex()), []);
  });

  it('fix all replaces the revoked tag and leaves the deprecated and unknown ones', () => {
    const sigma = fixed('sigma/stale_tags.yml', miniIndex());
    assert.match(sigma, /\n {4}- attack\.t1059\.001\n/);
    assert.doesNotMatch(sigma, /attack\.t1086/);
    assert.deepStrictEqual(summary('sigma/stale_tags.yml', sigma, miniIndex()).map((s) => s[0]), ['deprecated', 'unknown']);
  });
});

describe('stale references (Check rules against ATT&CK data) (needs ../shared)', () => {
  it('the fixture IDs are what the tests say they are in the raw STIX', () => {
    const raw = rawStix(ENTERPRISE);
    assert.strictEqual(raw.revokedBy.get('T1086'), 'T1059.001');
    assert.strictEqual(raw.revokedBy.get('T1089'), 'T1562.001');
    assert.strictEqual(raw.byAttackId.get('T1064')?.x_mitre_deprecated, true);
    for (const id of ['T1059.999', 'T1999', 'T1998', 'T1997', 'T1996']) assert.ok(!raw.byAttackId.has(id), `${id} is not in ATT&CK`);
    assert.strictEqual(rawName('T1003'), 'OS Credential Dumping');
  });

  it('finds one revoked, deprecated and unknown reference per format, and old names in Elastic and YARA-L', () => {
    assert.deepStrictEqual(summary('sigma/stale_tags.yml'), [['revoked', 'attack.t1086'], ['deprecated', 'attack.t1064'], ['unknown', 'attack.t1059.999']]);
    assert.deepStrictEqual(summary('splunk/stale_ids.yml'), [['revoked', 'T1089'], ['deprecated', 'T1064'], ['unknown', 'T1999']]);
    assert.deepStrictEqual(summary('sentinel/stale_techniques.yaml'), [['revoked', 'T1086'], ['deprecated', 'T1064'], ['unknown', 'T1997']]);
    assert.deepStrictEqual(summary('elastic/stale_threat.toml'), [['renamed', 'T1003'], ['revoked', 'T1089'], ['deprecated', 'T1064'], ['unknown', 'T1998']]);
    assert.deepStrictEqual(summary('yaral/stale_meta.yaral'), [
      ['revoked', 'Disabling Security Tools'],
      ['deprecated', 'T1064'],
      ['unknown', 'T1996'],
      ['renamed', 'Credential Dumping'],
      ['renamed', 'T1003.001 - LSASS Dump'],
    ]);
    assert.deepStrictEqual(summary('sigma/current_tags.yml'), []);
  });

  it('fix all writes replacements in each format’s spelling and leaves what has no obvious fix', () => {
    const sigma = fixed('sigma/stale_tags.yml');
    assert.match(sigma, /\n {4}- attack\.t1059\.001\n/);
    assert.match(sigma, /- attack\.t1064\n/, 'deprecated: ATT&CK’s suggestion is offered, not applied');
    assert.deepStrictEqual(summary('sigma/stale_tags.yml', sigma).map((s) => s[0]), ['deprecated', 'unknown']);

    const splunk = fixed('splunk/stale_ids.yml');
    assert.match(splunk, /mitre_attack_id:\n {2}- T1562\.001\n {2}- T1064\n {2}- T1999\n/);

    const elastic = fixed('elastic/stale_threat.toml');
    assert.match(elastic, new RegExp(`id = "T1003"\\nname = "${rawName('T1003')}"\\n`));
    const parent = rawName('T1562');
    assert.ok(elastic.includes(`id = "T1562"\nname = "${parent}"\nreference = "https://attack.mitre.org/techniques/T1562/"\n\n[[rule.threat.technique.subtechnique]]\nid = "T1562.001"\nname = "${rawName('T1562.001')}"`));
    assert.deepStrictEqual(summary('elastic/stale_threat.toml', elastic).map((s) => s[0]), ['deprecated', 'unknown']);

    const yaral = fixed('yaral/stale_meta.yaral');
    assert.match(yaral, new RegExp(`mitre_attack_technique = "${parent}: ${rawName('T1562.001')}"`), 'a revoked name becomes the replacement’s name, not an ID');
    assert.match(yaral, new RegExp(`mitre_attack_technique = "${rawName('T1003')}"\\n`), 'an old name becomes the name of the technique its URL links');
    assert.match(yaral, new RegExp(`mitre_attack_subtechnique = "T1003\\.001 - ${rawName('T1003')}: ${rawName('T1003.001')}"`));
    assert.deepStrictEqual(summary('yaral/stale_meta.yaral', yaral).map((s) => s[0]), ['deprecated', 'unknown']);
  });

  it('a YARA-L name the data does not know, without a URL to read it by, is unknown', () => {
    const text = 'rule r {\n  meta:\n    mitre_attack_technique = "Credential Dumping"\n  condition:\n    $e\n}\n';
    assert.deepStrictEqual(summary('x.yaral', text), [['unknown', 'Credential Dumping']]);
    const sub = 'rule r {\n  meta:\n    mitre_attack_technique = "T1003.001 LSASS Memory, T1059.001 - Command and Scripting Interpreter: PowerShell"\n  condition:\n    $e\n}\n';
    assert.deepStrictEqual(summary('x.yaral', sub), [], 'the short and the full sub-technique name are both current');
  });

  it('a YARA-L name several sub-techniques share is not called unknown: the parser warns with the candidates', () => {
    const text = 'rule r {\n  meta:\n    mitre_attack_technique = "Spearphishing Link"\n  condition:\n    $e\n}\n';
    assert.deepStrictEqual(summary('x.yaral', text), []);
    const parsed = parseRuleFile(text, 'x.yaral', enterprise18());
    assert.deepStrictEqual(parsed.problems.map((p) => p.severity), ['warning']);
    assert.match(parsed.problems[0].message, /T1566\.002.*T1598\.003/);
  });
});

describe('stale references on the SigmaHQ and Splunk ESCU corpora (needs ../shared)', function () {
  this.timeout(120_000);
  // Sigma `- attack.tNNNN` tags and Splunk `mitre_attack_id` items (`  - TNNNN`), classified with the raw STIX.
  const cases = [
    { name: 'SigmaHQ', dir: sigmaRules, tag: /^\s*-\s*attack\.t(\d{4}(?:\.\d{3})?)\s*$/gim },
    { name: 'Splunk ESCU', dir: splunkDetections, tag: /^\s*-\s*T(\d{4}(?:\.\d{3})?)\s*$/gm },
  ];
  for (const c of cases) {
    it(`${c.name}: exactly the revoked, deprecated and unknown technique references a regex finds`, () => {
      const index = enterprise18();
      const raw = rawStix(ENTERPRISE);
      const files = filesUnder(c.dir, /\.ya?ml$/);
      const expected = { revoked: 0, deprecated: 0, unknown: 0, renamed: 0 };
      const found = { revoked: 0, deprecated: 0, unknown: 0, renamed: 0 };
      for (const file of files) {
        const text = fs.readFileSync(file, 'utf8');
        for (const m of text.matchAll(c.tag)) {
          const o = raw.byAttackId.get(`T${m[1]}`);
          if (!o) expected.unknown++;
          else if (o.revoked === true) expected.revoked++;
          else if (o.x_mitre_deprecated === true) expected.deprecated++;
        }
        for (const s of staleReferences(parseRuleFile(text, file, index), text, index)) if (s.finding.ref?.kind === 'technique') found[s.category]++;
      }
      assert.ok(files.length > 1000);
      assert.deepStrictEqual(found, expected);
      if (c.name === 'Splunk ESCU') assert.ok(expected.revoked >= 10, 'ESCU still names revoked sub-techniques (T1574.002)');
    });
  }
});
