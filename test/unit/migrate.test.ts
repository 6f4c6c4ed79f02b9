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

function fixtureFiles(index: AttackIndex) {
  return fs.readdirSync(FIXTURES).sort().map((f) => parseRuleFile(fs.readFileSync(path.join(FIXTURES, f), 'utf8'), path.join(FIXTURES, f), index));
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
      assert.deepStrictEqual(Object.keys(json), ['domain', 'from', 'to', 'rules', 'techniques', 'revoked', 'deprecated', 'removed', 'renamed', 'tactics', 'newSubtechniques']);
      assert.deepStrictEqual(json.renamed.map((x: { id: string }) => x.id), ['T1497.003', 'T1552.003']);
      assert.strictEqual(json.renamed[1].references[0].file, path.join('test', 'fixtures', 'migrate', 'history_and_sandbox.yml'));
      const byFile = run(FIXTURES, '--from', bundlePath('enterprise-attack-17.1.json'), '--to', bundlePath('enterprise-attack-18.1.json'));
      assert.strictEqual(byFile.status, 0, byFile.stderr);
      assert.match(byFile.stdout, /^ATT&CK enterprise-attack 17\.1 → 18\.1: 2 rules naming 6 techniques/);
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
