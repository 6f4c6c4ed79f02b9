import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as path from 'path';
import { bundlePath, projectRoot, rawObjects } from './helpers/attackData';

// The CLI as scripts use it: a real child process on the built dist/cli.js and the compiled index.

const cli = path.join(projectRoot, 'dist', 'cli.js');

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('attack-lens show / search / stats', () => {
  it('stats --json counts active entries per domain (needs ../shared)', () => {
    const r = run('stats', '--json');
    assert.strictEqual(r.code, 0, r.err);
    const stats = JSON.parse(r.out);
    const ent = stats.domains.find((d: { domain: string }) => d.domain === 'enterprise-attack');
    assert.strictEqual(ent.version, '18.1');
    assert.strictEqual(ent.tactics, 14);
    assert.strictEqual(ent.techniques, 216);
    assert.strictEqual(ent.subtechniques, 475);
    const raw = rawObjects('enterprise-attack-18.1.json');
    const activeGroups = raw.filter((o) => o.type === 'intrusion-set' && !o.revoked && !o.x_mitre_deprecated).length;
    assert.strictEqual(ent.groups, activeGroups);
    for (const key of ['software', 'campaigns', 'mitigations', 'revoked', 'deprecated']) assert.strictEqual(typeof ent[key], 'number', key);
    assert.deepStrictEqual(
      stats.domains.map((d: { domain: string }) => d.domain),
      ['enterprise-attack', 'mobile-attack', 'ics-attack'],
    );
  });

  it('show --json prints the stable entry shape', () => {
    const r = run('show', 'attack.t1059.001', '--json');
    assert.strictEqual(r.code, 0, r.err);
    const e = JSON.parse(r.out);
    assert.strictEqual(e.id, 'T1059.001');
    assert.strictEqual(e.type, 'technique');
    assert.strictEqual(e.name, 'PowerShell');
    assert.strictEqual(e.domain, 'enterprise-attack');
    assert.deepStrictEqual(e.tactics, ['execution']);
    assert.ok(e.platforms.includes('Windows'));
    assert.strictEqual(e.parent, 'T1059');
    assert.deepStrictEqual(e.subtechniques, []);
    assert.strictEqual(e.deprecated, false);
    assert.strictEqual(e.revoked, false);
    assert.strictEqual(e.replacedBy, null);
    assert.match(e.url, /^https:\/\/attack\.mitre\.org\/techniques\/T1059\/001/);
    assert.ok(e.groups.includes('G0016'));
  });

  it('show names the replacement of a revoked technique', () => {
    const r = run('show', 'T1086', '--json');
    assert.strictEqual(r.code, 0, r.err);
    assert.strictEqual(JSON.parse(r.out).replacedBy, 'T1059.001');
    const text = run('show', 'T1086');
    assert.match(text.out, /REVOKED — replaced by T1059\.001 PowerShell/);
  });

  it('show lists sub-techniques of a parent and the groups using it', () => {
    const r = run('show', 'T1059');
    assert.strictEqual(r.code, 0, r.err);
    assert.match(r.out, /Sub-techniques:\n(.*\n)*\s+T1059\.001\s+PowerShell/);
    assert.match(r.out, /Used by:\s+\d+ group\(s\)/);
  });

  it('exits 2 with a message on stderr for an unknown ID and bad usage', () => {
    const unknown = run('show', 'T9999');
    assert.strictEqual(unknown.code, 2);
    assert.strictEqual(unknown.out, '');
    assert.match(unknown.err, /unknown ATT&CK ID or name "T9999" \(not in ATT&CK v18\.1\)/);
    assert.strictEqual(run('show').code, 2);
    assert.strictEqual(run('show', 'T1059', '--bogus').code, 2);
    assert.strictEqual(run('search', 'x', '--limit', 'zero').code, 2);
    assert.strictEqual(run('frobnicate').code, 2);
    for (const name of ['constructor', 'toString', '__proto__']) {
      const r = run(name);
      assert.strictEqual(r.code, 2, `${name}: ${r.err}`);
      assert.match(r.err, new RegExp(`unknown command "${name}"`));
    }
    assert.strictEqual(run().code, 2);
  });

  it('--help prints the usage on stdout and exits 0, for the tool and for each command', () => {
    const all = run('--help');
    assert.strictEqual(all.code, 0, all.err);
    for (const name of ['show', 'search', 'stats', 'coverage', 'migrate']) assert.match(all.out, new RegExp(`attack-lens ${name} `));
    const coverage = run('coverage', '--help');
    assert.strictEqual(coverage.code, 0, coverage.err);
    assert.match(coverage.out, /attack-lens coverage <paths\.\.\.> .*--fail-under PERCENT/);
    assert.match(coverage.out, /--atomics INDEX\.csv/);
    assert.doesNotMatch(coverage.out, /attack-lens show/);
    assert.strictEqual(run('migrate', 'rules', '-h').code, 0);
  });

  it('search --json returns best matches first', () => {
    const r = run('search', 'powersh', '--json', '--limit', '3');
    assert.strictEqual(r.code, 0, r.err);
    const hits = JSON.parse(r.out);
    assert.strictEqual(hits.length, 3);
    assert.strictEqual(hits[0].id, 'T1059.001');
    const apt = JSON.parse(run('search', 'Cozy', 'Bear', '--json').out);
    assert.strictEqual(apt[0].id, 'G0016');
    assert.ok(apt[0].aliases.includes('Cozy Bear'));
  });

  it('compiles bundles given with --stix instead of the shipped index (needs ../shared)', () => {
    const r = run('stats', '--json', '--stix', bundlePath('enterprise-attack-17.1.json'));
    assert.strictEqual(r.code, 0, r.err);
    const domains = JSON.parse(r.out).domains;
    assert.strictEqual(domains.length, 1);
    assert.strictEqual(domains[0].version, '17.1');
  });

  it('reports a broken --stix bundle clearly with exit 2', () => {
    const r = run('stats', '--stix', path.join(projectRoot, 'package.json'));
    assert.strictEqual(r.code, 2);
    assert.match(r.err, /package\.json: not a STIX bundle/);
  });
});
