import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AttackDataError } from '../../src/attack/types';
import { parseReleaseDigests, parseUserDigests, releaseDigestsJson } from '../../src/data/releaseDigests';
import { buildReleaseDigests, readBuiltDigests } from '../../src/node/buildDigests';

// MITRE's published release digests (embedded by the build) and the user's own, as the update path
// reads them. The real table is ../shared/attack/release-digests.json.

const stixDir = process.env.ATTACK_LENS_STIX || path.resolve(__dirname, '..', '..', '..', '..', 'shared', 'attack');
const sharedDigests = path.join(stixDir, 'release-digests.json');
const hex = (c: string) => c.repeat(64);

describe('release digests: MITRE\'s table', () => {
  it('reads every STIX 2.1 digest of the shared table under its attack-stix-data file name (needs ../shared)', () => {
    const raw = JSON.parse(fs.readFileSync(sharedDigests, 'utf8')) as { STIX21: Record<string, Record<string, string>> };
    const table = parseReleaseDigests(fs.readFileSync(sharedDigests, 'utf8'), sharedDigests);
    const expected = Object.entries(raw.STIX21).flatMap(([d, versions]) => Object.entries(versions).map(([v, h]) => [`${d}-attack-${v}.json`, h.toLowerCase()]));
    assert.ok(expected.length > 50);
    assert.deepStrictEqual([...table.entries()].sort(), expected.sort());
    assert.strictEqual(table.get('enterprise-attack-18.1.json'), raw.STIX21.enterprise['18.1']);
  });

  it('refuses a table with a bad digest, an unknown domain, a bad version or no STIX21 part, naming the entry', () => {
    const refuse = (value: unknown, why: RegExp) =>
      assert.throws(() => parseReleaseDigests(JSON.stringify(value), 'd.json'), (e: unknown) => e instanceof AttackDataError && /^d\.json: /.test(e.message) && why.test(e.message));
    refuse({ STIX21: { enterprise: { '18.1': 'abc' } } }, /STIX21\.enterprise\.18\.1: not a SHA-256/);
    refuse({ STIX21: { enterprise: { '18.1': hex('g') } } }, /not a SHA-256/);
    refuse({ STIX21: { pre: { '7.0': hex('a') } } }, /STIX21\.pre: not an ATT&CK domain/);
    refuse({ STIX21: { ics: { 'latest': hex('a') } } }, /"latest" is not a version number/);
    refuse({ STIX20: {} }, /no "STIX21" table/);
    assert.throws(() => parseReleaseDigests('{', 'd.json'), /d\.json: not valid JSON/);
  });

  it('round-trips through the file the build writes', () => {
    const table = parseReleaseDigests(JSON.stringify({ STIX21: { mobile: { '18.1': hex('A'), '11.0-beta': hex('b') } } }), 'x');
    assert.deepStrictEqual(parseReleaseDigests(releaseDigestsJson(table, 'copy'), 'y'), table);
    assert.strictEqual(table.get('mobile-attack-18.1.json'), hex('a'));
  });
});

describe('release digests: attackLens.update.sha256', () => {
  it('keys digests by bundle file name, lower-cased', () => {
    const table = parseUserDigests({ 'enterprise-attack-19.1.json': hex('C') });
    assert.deepStrictEqual([...table], [['enterprise-attack-19.1.json', hex('c')]]);
    assert.strictEqual(parseUserDigests(undefined).size, 0);
  });

  it('refuses a malformed entry by name instead of dropping it', () => {
    assert.throws(() => parseUserDigests({ 'enterprise-attack-19.1.json': 'deadbeef' }), /attackLens\.update\.sha256: "enterprise-attack-19\.1\.json": not a SHA-256/);
    assert.throws(() => parseUserDigests({ '19.1': hex('a') }), /"19\.1" is not a bundle file name/);
    // The update looks names up as attack-stix-data spells them: another case would never match.
    assert.throws(() => parseUserDigests({ 'Enterprise-Attack-19.1.json': hex('a') }), /"Enterprise-Attack-19\.1\.json" is not a bundle file name .*lower case/);
    assert.throws(() => parseUserDigests({ 'enterprise-attack-19.1.JSON': hex('a') }), /is not a bundle file name/);
    assert.throws(() => parseUserDigests({ ' enterprise-attack-19.1.json': hex('a') }), /is not a bundle file name/);
    assert.throws(() => parseUserDigests({ 'enterprise-attack-19.1.json': ` ${hex('a')}` }), /not a SHA-256/);
    assert.throws(() => parseUserDigests({ 'enterprise-attack-19.1.json': `${hex('a')}\n` }), /not a SHA-256/);
    assert.throws(() => parseUserDigests(JSON.parse(`{"__proto__": "${hex('a')}"}`)), /"__proto__" is not a bundle file name/);
    assert.throws(() => parseUserDigests([hex('a')]), /must be an object/);
  });
});

describe('release digests: the build step', () => {
  const saved = { digests: process.env.ATTACK_LENS_DIGESTS, stix: process.env.ATTACK_LENS_STIX };
  let tmp = '';
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'attack-digests-'));
    fs.mkdirSync(path.join(tmp, 'project'));
    process.env.ATTACK_LENS_STIX = path.join(tmp, 'no-bundles-here');
    delete process.env.ATTACK_LENS_DIGESTS;
  });
  afterEach(() => {
    for (const [key, value] of [['ATTACK_LENS_DIGESTS', saved.digests], ['ATTACK_LENS_STIX', saved.stix]] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    fs.rmSync(tmp, { recursive: true, force: true });
  });
  const out = () => path.join(tmp, 'project', 'dist', 'release-digests.json');

  it('writes the validated table from ATTACK_LENS_DIGESTS, which readBuiltDigests reads back (needs ../shared)', () => {
    process.env.ATTACK_LENS_DIGESTS = sharedDigests;
    const logs: string[] = [];
    const table = buildReleaseDigests(path.join(tmp, 'project'), out(), (s) => logs.push(s));
    assert.deepStrictEqual(readBuiltDigests(out()), table);
    assert.deepStrictEqual(table, parseReleaseDigests(fs.readFileSync(sharedDigests, 'utf8'), sharedDigests));
    assert.match(logs.join('\n'), new RegExp(`pinned ${table.size} ATT&CK release digests`));
  });

  it('finds release-digests.json beside the bundles of ./data (needs ../shared)', () => {
    fs.mkdirSync(path.join(tmp, 'project', 'data'));
    fs.copyFileSync(sharedDigests, path.join(tmp, 'project', 'data', 'release-digests.json'));
    assert.ok(buildReleaseDigests(path.join(tmp, 'project'), out(), () => undefined).size > 50);
  });

  it('without a table: warns, removes a stale copy and pins nothing', () => {
    fs.mkdirSync(path.dirname(out()), { recursive: true });
    fs.writeFileSync(out(), releaseDigestsJson(new Map([['ics-attack-1.0.json', hex('a')]]), 'stale'));
    const logs: string[] = [];
    assert.strictEqual(buildReleaseDigests(path.join(tmp, 'project'), out(), (s) => logs.push(s)).size, 0);
    assert.ok(!fs.existsSync(out()));
    assert.strictEqual(readBuiltDigests(out()).size, 0);
    assert.match(logs.join('\n'), /warning: no release-digests\.json found .* no ATT&CK release is pinned/);
  });

  it('without a table, a production build fails instead of shipping an extension that pins nothing', () => {
    fs.mkdirSync(path.dirname(out()), { recursive: true });
    fs.writeFileSync(out(), releaseDigestsJson(new Map([['ics-attack-1.0.json', hex('a')]]), 'stale'));
    assert.throws(() => buildReleaseDigests(path.join(tmp, 'project'), out(), () => undefined, true), /no release-digests\.json found .*a production build must pin/);
    assert.ok(!fs.existsSync(out()));
  });

  it('fails on a malformed table rather than shipping it', () => {
    process.env.ATTACK_LENS_DIGESTS = path.join(tmp, 'bad.json');
    fs.writeFileSync(process.env.ATTACK_LENS_DIGESTS, JSON.stringify({ STIX21: { enterprise: { '18.1': 'short' } } }));
    assert.throws(() => buildReleaseDigests(path.join(tmp, 'project'), out(), () => undefined), /bad\.json: STIX21\.enterprise\.18\.1: not a SHA-256/);
    assert.ok(!fs.existsSync(out()));
  });
});
