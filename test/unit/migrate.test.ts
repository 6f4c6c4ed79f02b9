import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { compileBundle } from '../../src/attack/compile';
import { AttackIndex } from '../../src/attack/index';
import { readStixBundle } from '../../src/attack/stix';
import { migrationReport, renderMigrationText } from '../../src/checks/migrate';
import { parseRuleFile } from '../../src/rules/index';
import { bundlePath, loadBundle, projectRoot, rawObjects, stixDir } from './helpers/attackData';
import { STIX_V19_DIR, STIX_V19_RULES, v19Index } from './helpers/stixV19';

// ATT&CK 17.1 → 18.1 for the fixture rules, against a diff of the raw bundles computed here
// (attack-pattern objects compared by ATT&CK ID, no compiler).

const FIXTURES = path.join(projectRoot, 'test', 'fixtures', 'migrate');
type Raw = Record<string, unknown>;

function rawTechniques(file: string): Map<string, Raw> {
  const out = new Map<string, Raw>();
  for (const o of rawObjects(file)) {
    if (o.type !== 'attack-pattern') continue;
    const ext = (o.external_references as { source_name: string; external_id?: string }[]).find((r) => r.source_name === 'mitre-attack')?.external_id;
    if (ext) out.set(ext, o);
  }
  return out;
}
const active = (o: Raw | undefined) => !!o && o.revoked !== true && o.x_mitre_deprecated !== true;

let indexes: { v17: AttackIndex; v18: AttackIndex } | undefined;
function versions(): { v17: AttackIndex; v18: AttackIndex } {
  return (indexes ??= {
    v17: new AttackIndex([compileBundle(loadBundle('enterprise-attack-17.1.json'))]),
    v18: new AttackIndex([compileBundle(loadBundle('enterprise-attack-18.1.json'))]),
  });
}

function fixtureFiles(index: AttackIndex, dir = FIXTURES) {
  return fs.readdirSync(dir).sort().map((f) => parseRuleFile(fs.readFileSync(path.join(dir, f), 'utf8'), path.join(dir, f), index));
}

/** x-mitre-tactic objects of a raw bundle: STIX id → shortname. */
function rawTactics(objects: readonly Raw[]): Map<string, string> {
  return new Map(objects.filter((o) => o.type === 'x-mitre-tactic').map((o) => [o.id as string, o.x_mitre_shortname as string]));
}

describe('ATT&CK version migration', () => {
  it('17.1 → 18.1: renames, new sub-techniques and (no) revocations agree with the raw bundles (needs ../shared)', () => {
    const a = rawTechniques('enterprise-attack-17.1.json');
    const b = rawTechniques('enterprise-attack-18.1.json');
    const used = ['T1552.003', 'T1497.003', 'T1059.001', 'T1036.003', 'T1003'];
    const rawRenamed = used.filter((id) => active(a.get(id)) && active(b.get(id)) && a.get(id)!.name !== b.get(id)!.name).sort();
    assert.deepStrictEqual(rawRenamed, ['T1497.003', 'T1552.003'], 'the raw bundles rename these two');
    const rawRevoked = [...a.keys()].filter((id) => active(a.get(id)) && b.get(id)?.revoked === true);
    const parents = [...new Set(used.map((id) => id.split('.')[0]))];
    const rawNewSubs = [...b.keys()].filter((id) => !a.has(id) && active(b.get(id)) && parents.includes(id.split('.')[0]) && id.includes('.')).sort();
    assert.ok(rawNewSubs.includes('T1059.013'), 'ATT&CK 18 added T1059.013');

    const { v17, v18 } = versions();
    const r = migrationReport(v17, v18, fixtureFiles(v17));
    assert.strictEqual(r.from, '17.1');
    assert.strictEqual(r.to, '18.1');
    assert.deepStrictEqual(r.renamed.map((x) => x.id), rawRenamed);
    const shell = r.renamed.find((x) => x.id === 'T1552.003')!;
    assert.deepStrictEqual([shell.from, shell.to], [a.get('T1552.003')!.name, b.get('T1552.003')!.name]);
    assert.deepStrictEqual(shell.references.map((x) => [path.basename(x.file), x.line]), [['history_and_sandbox.yml', 14]]);
    assert.deepStrictEqual(r.revoked.map((x) => x.id), rawRevoked.filter((id) => used.includes(id)));
    assert.deepStrictEqual(r.deprecated, []);
    assert.deepStrictEqual(r.newSubtechniques.map((x) => x.id), rawNewSubs);
    assert.strictEqual(r.newSubtechniques.find((x) => x.id === 'T1059.013')!.parent, 'T1059');
    assert.strictEqual(r.techniques, 6, 'T1086 counts as named, though already revoked in 17.1 (not a change)');
    assert.match(renderMigrationText(r), /Renamed \(2\):\n {2}T1497\.003 "Time Based Evasion" → "Time Based Checks"/);
  });

  it('17.1 → 18.1 renames and removes no tactic, so no tactic tag changes (needs ../shared)', () => {
    const a = rawTactics(rawObjects('enterprise-attack-17.1.json'));
    const b = rawTactics(rawObjects('enterprise-attack-18.1.json'));
    const changed = [...a].filter(([stixId, shortname]) => b.get(stixId) !== shortname);
    assert.deepStrictEqual(changed, [], 'every 17.1 tactic keeps its STIX id and shortname in 18.1');
    const { v17, v18 } = versions();
    const files = fixtureFiles(v17);
    assert.ok(files.flatMap((f) => f.rules.flatMap((x) => x.references)).filter((x) => x.kind === 'tactic').length >= 4, 'the fixture rules do carry tactic tags');
    assert.deepStrictEqual(migrationReport(v17, v18, files).tacticTags, []);
  });

  it('18.1 with TA0005 renamed: every Defense Evasion tag of the fixtures becomes stealth (needs ../shared)', () => {
    const objects = rawObjects('enterprise-attack-18.1.json').map((o) => (o.type === 'x-mitre-tactic' && o.x_mitre_shortname === 'defense-evasion' ? { ...o, x_mitre_shortname: 'stealth', name: 'Stealth' } : o));
    const renamed = new AttackIndex([compileBundle(readStixBundle(JSON.stringify({ type: 'bundle', id: 'bundle--00000000-0000-4000-8000-000000000002', objects }), 'renamed'))]);
    const { v17 } = versions();
    const r = migrationReport(v17, renamed, fixtureFiles(v17));
    // Without a new tactic beside it, the renamed tactic is the only descendant.
    const tagged = fs.readdirSync(FIXTURES).flatMap((f) => fs.readFileSync(path.join(FIXTURES, f), 'utf8').split('\n').flatMap((line, i) => (/^\s*- attack\.defense-evasion\s*$/.test(line) ? [[f, i + 1]] : [])));
    assert.ok(tagged.length > 0);
    assert.deepStrictEqual(r.tacticTags.map((t) => [path.basename(t.file), t.line]), tagged);
    assert.ok(r.tacticTags.every((t) => t.tactic === 'defense-evasion' && t.text === 'attack.defense-evasion' && t.replacements.join() === 'stealth'));
  });

  it('the hand-written 18.1 → 19.0 pair: Defense Evasion tags by the rules\' techniques, in every format', () => {
    const r = migrationReport(v19Index('18.1'), v19Index('19.0'), fixtureFiles(v19Index('18.1'), STIX_V19_RULES));
    const got = r.tacticTags.map((t) => [path.basename(t.file), t.rule, t.text, t.tactic, t.replacements.join(' ')]);
    assert.deepStrictEqual(got, [
      ['elastic_split.toml', 'Obfuscated script disabling tools', 'TA0005', 'defense-evasion', 'stealth defense-impairment'],
      ['sentinel_split.yaml', 'Defender disabled', 'DefenseEvasion', 'defense-evasion', 'defense-impairment'],
      ['sigma_split.yml', 'Security tool stopped', 'attack.defense-evasion', 'defense-evasion', 'defense-impairment'],
      ['sigma_split.yml', 'Obfuscated script', 'attack.defense-evasion', 'defense-evasion', 'stealth'],
      ['sigma_split.yml', 'Obfuscated script that disables logging', 'attack.defense-evasion', 'defense-evasion', 'stealth defense-impairment'],
      ['sigma_split.yml', 'Sandbox check', 'attack.defense-evasion', 'defense-evasion', 'stealth'],
    ]);
    const text = renderMigrationText(r);
    assert.match(text, /Tactics renamed or removed \(6 references\):\n {2}Obfuscated script disabling tools {2}\(.*elastic_split\.toml\)\n {6}line 35: TA0005 \(defense-evasion\) → stealth, defense-impairment\n/);
    assert.match(text, /Security tool stopped {2}\(.*sigma_split\.yml\)\n {6}line 12: attack\.defense-evasion \(defense-evasion\) → defense-impairment\n/);
  });

  it('reports revoked (with replacement), deprecated and tactic changes (needs ../shared)', () => {
    // 18.1 with T1552.003 revoked by T1552.001, T1497.003 deprecated and T1003 moved to discovery.
    const objects = JSON.parse(fs.readFileSync(bundlePath('enterprise-attack-18.1.json'), 'utf8'));
    const byExt = (id: string) => objects.objects.find((o: Raw) => o.type === 'attack-pattern' && (o.external_references as { external_id?: string }[])[0].external_id === id);
    const revoked = byExt('T1552.003');
    revoked.revoked = true;
    objects.objects.push({ type: 'relationship', id: 'relationship--00000000-0000-4000-8000-000000000001', relationship_type: 'revoked-by', source_ref: revoked.id, target_ref: byExt('T1552.001').id, spec_version: '2.1', created: revoked.created, modified: revoked.modified });
    byExt('T1497.003').x_mitre_deprecated = true;
    byExt('T1003').kill_chain_phases = [{ kill_chain_name: 'mitre-attack', phase_name: 'discovery' }];
    const changed = new AttackIndex([compileBundle(readStixBundle(JSON.stringify(objects), 'changed'))]);
    const { v17 } = versions();
    const r = migrationReport(v17, changed, fixtureFiles(v17));
    assert.deepStrictEqual(r.revoked.map((x) => [x.id, x.replacement?.id, x.replacement?.name]), [['T1552.003', 'T1552.001', 'Unsecured Credentials: Credentials In Files']]);
    assert.deepStrictEqual(r.deprecated.map((x) => x.id), ['T1497.003']);
    assert.deepStrictEqual(r.tactics.map((x) => [x.id, x.added, x.removed]), [['T1003', ['discovery'], ['credential-access']]]);
    assert.doesNotMatch(renderMigrationText(r), /Nothing the rules name changed\./, 'the report has changes');
    assert.match(renderMigrationText(r), /Revoked \(1\):\n {2}T1552\.003 Bash History → T1552\.001 Unsecured Credentials: Credentials In Files/);
  });

  describe('attack-lens migrate', () => {
    const cli = path.join(projectRoot, 'dist', 'cli.js');
    const run = (...args: string[]) => spawnSync(process.execPath, [cli, 'migrate', ...args], { cwd: projectRoot, encoding: 'utf8', env: { ...process.env, ATTACK_LENS_STIX: stixDir } });

    it('prints JSON with the documented shape and exits 0 (needs ../shared)', () => {
      const r = run(path.relative(projectRoot, FIXTURES), '--from', '17.1', '--to', '18.1', '--json');
      assert.strictEqual(r.status, 0, r.stderr);
      const json = JSON.parse(r.stdout);
      assert.deepStrictEqual(Object.keys(json), ['domain', 'from', 'to', 'rules', 'techniques', 'revoked', 'deprecated', 'removed', 'renamed', 'tactics', 'newSubtechniques', 'tacticTags']);
      assert.deepStrictEqual(json.tacticTags, [], 'no tactic changed from 17.1 to 18.1');
      assert.deepStrictEqual(json.renamed.map((x: { id: string }) => x.id), ['T1497.003', 'T1552.003']);
      assert.strictEqual(json.renamed[1].references[0].file, path.join('test', 'fixtures', 'migrate', 'history_and_sandbox.yml'));
      const byFile = run(FIXTURES, '--from', bundlePath('enterprise-attack-17.1.json'), '--to', bundlePath('enterprise-attack-18.1.json'));
      assert.strictEqual(byFile.status, 0, byFile.stderr);
      assert.match(byFile.stdout, /^ATT&CK enterprise-attack 17\.1 → 18\.1: 2 rules naming 6 techniques/);
    });

    it('lists tacticTags in the documented shape for the hand-written pair', () => {
      const r = run(path.relative(projectRoot, STIX_V19_RULES), '--from', '18.1', '--to', '19.0', '--stix', STIX_V19_DIR, '--json');
      assert.strictEqual(r.status, 0, r.stderr);
      const tags = JSON.parse(r.stdout).tacticTags;
      assert.deepStrictEqual(tags[0], { file: path.join('test', 'fixtures', 'stix-v19', 'rules', 'elastic_split.toml'), line: 35, text: 'TA0005', tactic: 'defense-evasion', replacements: ['stealth', 'defense-impairment'] });
      assert.deepStrictEqual(tags.map((t: { replacements: string[] }) => t.replacements.length), [2, 1, 1, 1, 2, 1]);
      const text = run(STIX_V19_RULES, '--from', '18.1', '--to', '19.0', '--stix', STIX_V19_DIR);
      assert.match(text.stdout, /\n {2}Defender disabled {2}\(.*sentinel_split\.yaml\)\n {6}line 11: DefenseEvasion \(defense-evasion\) → defense-impairment\n/);
    });

    it('exits 2 on bad usage and missing bundles', () => {
      assert.strictEqual(run(FIXTURES, '--from', '17.1').status, 2);
      const missing = run(FIXTURES, '--from', '12.5', '--to', '18.1', '--stix', stixDir);
      assert.strictEqual(missing.status, 2);
      assert.match(missing.stderr, /--from 12\.5: no enterprise-attack-12\.5\.json in/);
      assert.strictEqual(run(FIXTURES, '--from', 'latest', '--to', '18.1').status, 2);
      assert.strictEqual(run('no/such/dir', '--from', '17.1', '--to', '18.1').status, 2);
    });
  });
});
