import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { compileBundle } from '../../src/attack/compile';
import { AttackIndex } from '../../src/attack/index';
import { readStixBundle } from '../../src/attack/stix';
import { AttackDataError } from '../../src/attack/types';
import { indexAtVersion, parseVersionManifest, storedIndex, storedIndexFor, versionedIndexFile, versionManifestJson, withStoredIndex } from '../../src/attack/versionStore';
import { misfitCount, namedIds, suggestVersion } from '../../src/attack/versionFit';
import { atVersion, parseAttackVersion, pinState, unavailableVersion } from '../../src/attack/versions';
import { buildIndex } from '../../src/node/buildIndex';
import { compileEveryVersion, findStixBundleFiles } from '../../src/node/bundles';
import { loadIndexForCli } from '../../src/node/loadIndex';
import { projectRoot } from './helpers/attackData';

// Pinned ATT&CK versions (attackLens.attackVersion, --attack-version): choosing one release among
// several kept side by side, on the hand-written releases in test/fixtures/stix/releases (90.0 in
// STIX 2.0, 91.0 in STIX 2.1 with ATT&CK spec 3.3.0, where T1001 and T1004 are revoked by the new
// T1003), and on the shipped 17.1 and 18.1 data for the CLI.

const releases = path.join(projectRoot, 'test', 'fixtures', 'stix', 'releases');
const release = (v: string) => path.join(releases, `enterprise-attack-${v}.json`);
const compiled = (v: string) => compileBundle(readStixBundle(fs.readFileSync(release(v), 'utf8'), release(v)));

describe('pinned versions: the setting and the choice', () => {
  it('reads attackLens.attackVersion as "latest" or a release number, and nothing else', () => {
    assert.deepStrictEqual(['latest', undefined, '', '18.1', '9', '18.10'].map(parseAttackVersion), ['latest', 'latest', 'latest', '18.1', '9', '18.10']);
    assert.deepStrictEqual(['v18.1', '18.1 ', '../18', '18.1-beta', 18.1, 'Latest'].map(parseAttackVersion), [undefined, undefined, undefined, undefined, undefined, undefined]);
  });

  it('picks each domain at the pinned release, or the newest of each for "latest"', () => {
    const bundles = [
      { domain: 'enterprise-attack', version: '17.1', n: 1 },
      { domain: 'enterprise-attack', version: '18.1', n: 2 },
      { domain: 'mobile-attack', version: '18.1', n: 3 },
      { domain: 'ics-attack', version: '17.1', n: 4 },
    ];
    assert.deepStrictEqual([...atVersion(bundles, 'latest').values()].map((b) => b.n), [2, 3, 4]);
    assert.deepStrictEqual([...atVersion(bundles, '17.1').values()].map((b) => b.n), [1, 4]);
    assert.strictEqual(atVersion(bundles, '16.0').size, 0);
    assert.strictEqual(unavailableVersion('16.0', ['17.1', '18.1', '17.1', 'unknown']), 'ATT&CK 16.0 is not available (available: 18.1, 17.1)');
  });

  it('tells the status bar whether the version in use is the newest, the pinned one, or stands in for a pin that is not available', () => {
    assert.deepStrictEqual(pinState('latest', '18.1'), { kind: 'latest' });
    assert.deepStrictEqual(pinState('17.1', '17.1'), { kind: 'pinned', version: '17.1' });
    assert.deepStrictEqual(pinState('16.0', '18.1'), { kind: 'unavailable', wanted: '16.0' });
  });
});

describe('pinned versions: the list of versions kept side by side', () => {
  const manifest = withStoredIndex(
    withStoredIndex(undefined, storedIndex('attack-index.json', [{ domain: 'enterprise-attack', version: '17.1' }, { domain: 'mobile-attack', version: '18.1' }])),
    storedIndex(versionedIndexFile('18.1'), [{ domain: 'enterprise-attack', version: '18.1' }, { domain: 'mobile-attack', version: '18.1' }]),
  );

  it('round-trips, and replaces the entry of a file saved again', () => {
    const again = parseVersionManifest(versionManifestJson(manifest), 'm');
    assert.deepStrictEqual(again, manifest);
    const replaced = withStoredIndex(again, storedIndex('attack-index.json', [{ domain: 'enterprise-attack', version: '19.0' }]));
    assert.deepStrictEqual(replaced.indexes.map((e) => [e.file, e.domains]), [['attack-index-18.1.json', { 'enterprise-attack': '18.1', 'mobile-attack': '18.1' }], ['attack-index.json', { 'enterprise-attack': '19.0' }]]);
  });

  it('names the file holding the most domains at a version, none for a version it lacks', () => {
    assert.strictEqual(storedIndexFor(manifest, '18.1')?.file, 'attack-index-18.1.json');
    assert.strictEqual(storedIndexFor(manifest, '17.1')?.file, 'attack-index.json');
    assert.strictEqual(storedIndexFor(manifest, '16.0'), undefined);
  });

  it('refuses a list that would send the reader to another file, or names what is not a domain', () => {
    for (const file of ['../attack-index.json', '/etc/passwd', 'attack-index-../../x.json', 'other.json']) {
      const text = JSON.stringify({ format: 1, indexes: [{ file, domains: { 'enterprise-attack': '18.1' } }] });
      assert.throws(() => parseVersionManifest(text, 'm.json'), (e: unknown) => e instanceof AttackDataError && /m\.json: an entry is not/.test(e.message), file);
    }
    assert.throws(() => parseVersionManifest(JSON.stringify({ format: 1, indexes: [{ file: 'attack-index.json', domains: { pre: '1' } }] }), 'm'), /"pre" is not an ATT&CK domain/);
    assert.throws(() => parseVersionManifest('{"format": 2, "indexes": []}', 'm'), /not an ATT&CK Lens version list/);
    assert.throws(() => versionedIndexFile('../18'), /not a release number/);
  });

  it('cuts a loaded index to the domains at the pinned version (a downloaded index may mix them)', () => {
    const mixed = new AttackIndex([compiled('90.0'), { ...compiled('91.0'), domain: 'mobile-attack' }]);
    assert.deepStrictEqual(indexAtVersion(mixed, '91.0').domains.map((d) => `${d.domain} ${d.version}`), ['mobile-attack 91.0']);
    assert.strictEqual(indexAtVersion(mixed, 'latest'), mixed);
  });
});

describe('pinned versions: STIX 2.0 and 2.1 releases side by side', () => {
  it('reads the STIX 2.0 bundle (bundle spec_version, no collection: the version from the file name) and the 2.1 one (spec_version per object, ATT&CK spec 3.3.0)', () => {
    const v20 = compiled('90.0');
    const v21 = compiled('91.0');
    assert.deepStrictEqual([v20.domain, v20.version, v21.domain, v21.version], ['enterprise-attack', '90.0', 'enterprise-attack', '91.0']);
    assert.deepStrictEqual(v20.tactics.map((t) => t.shortname), ['execution', 'defense-evasion']);
    assert.deepStrictEqual(v21.tactics.map((t) => t.shortname), ['execution', 'defense-evasion']);
    const t1001 = (d: typeof v20) => d.techniques.find((t) => t.id === 'T1001')!;
    assert.deepStrictEqual([t1001(v20).revoked, t1001(v21).revoked, t1001(v21).revokedBy], [false, true, 'T1003']);
    assert.deepStrictEqual(v20.techniques.find((t) => t.id === 'T1002')?.tactics, ['execution']);
  });

  it('compiles the newest release and each older one once, for the build', () => {
    const { latest, older } = compileEveryVersion(findStixBundleFiles(releases));
    assert.deepStrictEqual(latest.domains.map((d) => d.version), ['91.0']);
    assert.deepStrictEqual([...older.keys()], ['90.0']);
    assert.deepStrictEqual(older.get('90.0')!.domains.map((d) => d.techniques.map((t) => t.id)), [['T1001', 'T1002', 'T1004']]);
  });

  describe('the build writes them side by side', () => {
    let out: string;
    let saved: string | undefined;
    beforeEach(() => {
      out = fs.mkdtempSync(path.join(os.tmpdir(), 'attack-lens-build-'));
      saved = process.env.ATTACK_LENS_STIX;
      process.env.ATTACK_LENS_STIX = releases;
    });
    afterEach(() => {
      if (saved === undefined) delete process.env.ATTACK_LENS_STIX;
      else process.env.ATTACK_LENS_STIX = saved;
      fs.rmSync(out, { recursive: true, force: true });
    });

    it('the newest as attack-index.json, each older release in its own file, the list of both, and no stale release of a previous build', () => {
      fs.writeFileSync(path.join(out, 'attack-index-12.0.json'), '{}');
      assert.strictEqual(buildIndex(projectRoot, path.join(out, 'attack-index.json'), () => undefined), true);
      assert.deepStrictEqual(fs.readdirSync(out).sort(), ['attack-index-90.0.json', 'attack-index.json', 'attack-index.json.stamp', 'attack-versions.json']);
      const manifest = parseVersionManifest(fs.readFileSync(path.join(out, 'attack-versions.json'), 'utf8'), 'm');
      assert.deepStrictEqual(manifest.indexes, [
        { file: 'attack-index.json', domains: { 'enterprise-attack': '91.0' } },
        { file: 'attack-index-90.0.json', domains: { 'enterprise-attack': '90.0' } },
      ]);
      assert.strictEqual(AttackIndex.fromJson(fs.readFileSync(path.join(out, 'attack-index-90.0.json'), 'utf8')).technique('T1001')?.revoked, false);
    });
  });
});

describe('pinned versions: the CLI', () => {
  it('--stix with a version takes the bundles of that release; one that is not there names those that are', () => {
    assert.strictEqual(loadIndexForCli(releases, undefined, undefined, '90.0').primary?.version, '90.0');
    assert.strictEqual(loadIndexForCli(releases).primary?.version, '91.0');
    assert.throws(() => loadIndexForCli(releases, undefined, undefined, '16.0'), (e: unknown) => e instanceof AttackDataError && e.message === 'ATT&CK 16.0 is not available (available: 91.0, 90.0)');
  });

  it('ATTACK_LENS_INDEX with a version keeps the domains at it, or names the versions the file has', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attack-lens-index-'));
    const file = path.join(dir, 'index.json');
    const saved = process.env.ATTACK_LENS_INDEX;
    try {
      fs.writeFileSync(file, JSON.stringify({ format: 1, domains: [compiled('90.0'), { ...compiled('91.0'), domain: 'mobile-attack' }] }));
      process.env.ATTACK_LENS_INDEX = file;
      assert.deepStrictEqual(loadIndexForCli(undefined, undefined, undefined, '90.0').domains.map((d) => `${d.domain} ${d.version}`), ['enterprise-attack 90.0']);
      assert.throws(() => loadIndexForCli(undefined, undefined, undefined, '16.0'), /index\.json: ATT&CK 16\.0 is not available \(available: 91\.0, 90\.0\)/);
    } finally {
      if (saved === undefined) delete process.env.ATTACK_LENS_INDEX;
      else process.env.ATTACK_LENS_INDEX = saved;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  const cli = path.join(projectRoot, 'dist', 'cli.js');
  const run = (...args: string[]) => {
    const env = { ...process.env };
    delete env.ATTACK_LENS_INDEX;
    const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env, cwd: projectRoot });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };

  it('--attack-version 17.1 loads the shipped 17.1 only, and exports stamp it: the layer, the report header (needs ../shared)', () => {
    const stats = run('stats', '--json', '--attack-version', '17.1');
    assert.strictEqual(stats.code, 0, stats.err);
    assert.deepStrictEqual((JSON.parse(stats.out) as { domains: { domain: string; version: string }[] }).domains.map((d) => `${d.domain} ${d.version}`), ['enterprise-attack 17.1']);
    const layer = run('coverage', 'test/fixtures/rules/sigma', '--format', 'navigator', '--attack-version', '17.1');
    assert.strictEqual(layer.code, 0, layer.err);
    assert.strictEqual((JSON.parse(layer.out) as { versions: { attack: string } }).versions.attack, '17');
    const latest = run('coverage', 'test/fixtures/rules/sigma', '--format', 'navigator');
    assert.strictEqual((JSON.parse(latest.out) as { versions: { attack: string } }).versions.attack, '18');
    const report = run('coverage', 'test/fixtures/rules/sigma', '--format', 'markdown', '--attack-version', '17.1');
    assert.strictEqual(report.code, 0, report.err);
    assert.match(report.out, /^# ATT&CK coverage\n\n\d+ rules against enterprise-attack 17\.1\./);
  });

  it('a version that is not shipped, or not a version, is exit 2 naming what is available (needs ../shared)', () => {
    const missing = run('stats', '--attack-version', '16.0');
    assert.strictEqual(missing.code, 2);
    assert.match(missing.err, /ATT&CK 16\.0 is not available \(available: 18\.1, 17\.1\); use --stix with bundles of that release/);
    const bad = run('show', 'T1059', '--attack-version', 'v18');
    assert.strictEqual(bad.code, 2);
    assert.match(bad.err, /--attack-version takes "latest" or a release number such as 18\.1, not "v18"/);
  });
});

describe('pinned versions: which release the rules follow', () => {
  const v90 = () => new AttackIndex([compiled('90.0')]);
  const v91 = () => new AttackIndex([compiled('91.0')]);

  it('counts the named IDs a release lacks or has revoked', () => {
    const named = new Set(['T1001', 'T1002', 'T1004', 'T9999']);
    assert.strictEqual(misfitCount(v91(), named), 3, 'T1001 and T1004 revoked, T9999 unknown');
    assert.strictEqual(misfitCount(v90(), named), 1, 'only T9999');
    assert.strictEqual(misfitCount(v90(), new Set(['T1003'])), 1, '90.0 has no T1003 yet');
  });

  it('reads the IDs the rules name from the coverage model: revoked ones as written, not their replacements', () => {
    const model = {
      revoked: [{ id: 'T1001', replacement: 'T1003' }, { id: 'T1004', replacement: 'T1003' }],
      unknown: new Map([['T9999', []]]),
      referencedTechniques: () => ['T1002', 'T1003'],
    };
    assert.deepStrictEqual([...namedIds(model)].sort(), ['T1001', 'T1002', 'T1004', 'T9999']);
  });

  it('suggests another release only when the loaded one clearly fits worse', () => {
    const others = [{ version: '90.0', misfits: 4 }, { version: '89.0', misfits: 9 }];
    assert.deepStrictEqual(suggestVersion({ version: '91.0', misfits: 40 }, others, 200), { version: '90.0', misfits: 4 });
    // Few misfits, or few for the number of IDs named: nothing to say.
    assert.strictEqual(suggestVersion({ version: '91.0', misfits: 9 }, [{ version: '90.0', misfits: 0 }], 50), undefined);
    assert.strictEqual(suggestVersion({ version: '91.0', misfits: 40 }, [{ version: '90.0', misfits: 0 }], 1000), undefined);
    // The best other must miss at most half as many.
    assert.strictEqual(suggestVersion({ version: '91.0', misfits: 40 }, [{ version: '90.0', misfits: 21 }], 200), undefined);
    assert.strictEqual(suggestVersion({ version: '91.0', misfits: 40 }, [{ version: '91.0', misfits: 0 }], 200), undefined);
  });
});
