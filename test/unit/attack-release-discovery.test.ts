import * as assert from 'assert';
import * as fs from 'fs';
import * as http from 'http';
import { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import { AttackDataError } from '../../src/attack/types';
import { DigestSource, downloadReleases, listedReleases, releasesToOffer, sha256Hex, Trust } from '../../src/data/downloadAttackData';
import { parseReleaseDigests } from '../../src/data/releaseDigests';
import { discoverReleases, fetchRelease } from '../../src/node/fetchRelease';
import { projectRoot } from './helpers/attackData';

// Release discovery for `npm run fetch-attack` and "Update ATT&CK data": a mirror on 127.0.0.1 laid
// out like attack-stix-data (index.json listing collections and their versions, each with a url,
// and <domain>/<domain>-<version>.json), serving the hand-written releases of
// test/fixtures/stix/releases: 90.0 in STIX 2.0, 91.0 in STIX 2.1. Their digests are pinned the way
// the build pins MITRE's (a release-digests.json table), never taken from the server.

const releases = path.join(projectRoot, 'test', 'fixtures', 'stix', 'releases');
const bundle = (v: string) => fs.readFileSync(path.join(releases, `enterprise-attack-${v}.json`));
const upstream = 'https://raw.githubusercontent.com/mitre-attack/attack-stix-data/master';

/** MITRE's index.json layout: collections with versions, each with a url (here pointing upstream: the reader uses the mirror's own base). */
const indexJson = JSON.stringify({
  id: '5efbaa66-3660-4c8a-b76c-a3e4d925f9b6',
  name: 'MITRE ATT&CK',
  created: '2018-01-17T12:56:55.080000+00:00',
  modified: '2026-04-28T00:00:00.000000+00:00',
  collections: [
    {
      id: 'x-mitre-collection--1f5f1533-f617-4ca8-9ab4-6a02367fa019',
      created: '2018-01-17T12:56:55.080Z',
      name: 'Enterprise ATT&CK',
      versions: ['91.0', '90.0', '90.1-beta'].map((version) => ({ version, url: `${upstream}/enterprise-attack/enterprise-attack-${version}.json`, modified: '2026-01-01T00:00:00.000Z' })),
    },
  ],
});

const digestsFor = (versions: Record<string, string>) => parseReleaseDigests(JSON.stringify({ STIX21: { enterprise: versions } }), 'test release-digests.json');
const pinnedBoth: DigestSource = { label: "MITRE's published digest", digests: digestsFor({ '90.0': sha256Hex(bundle('90.0')), '91.0': sha256Hex(bundle('91.0')) }) };
const trust = (sources: DigestSource[]): Trust => ({ sources, pinHint: 'pin it.' });

const requests: string[] = [];
const server = http.createServer((req, res) => {
  requests.push(req.url ?? '');
  const [, scenario, ...rest] = (req.url ?? '').split('/');
  const file = rest.join('/');
  if (file === 'index.json') return void res.writeHead(200, { 'content-type': 'application/json' }).end(indexJson);
  const m = /^enterprise-attack\/enterprise-attack-(\d+\.\d+)\.json$/.exec(file);
  if (!m || !fs.existsSync(path.join(releases, `enterprise-attack-${m[1]}.json`))) return void res.writeHead(404).end();
  const body = bundle(m[1]);
  // "tampered": the same release with one description changed, still valid ATT&CK data.
  res.writeHead(200, { 'content-type': 'application/json' }).end(scenario === 'tampered' ? Buffer.from(body.toString('utf8').replace('(test release', '(Test release')) : body);
});
let base = '';

describe('ATT&CK release discovery: index.json on a local mirror', () => {
  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });
  beforeEach(() => (requests.length = 0));

  it('lists every stable release of each domain, newest first, at the mirror', () => {
    const listed = listedReleases(indexJson, `${base}/good`);
    assert.deepStrictEqual([...listed.keys()], ['enterprise-attack']);
    assert.deepStrictEqual(listed.get('enterprise-attack')!.map((r) => [r.version, r.url]), [
      ['91.0', `${base}/good/enterprise-attack/enterprise-attack-91.0.json`],
      ['90.0', `${base}/good/enterprise-attack/enterprise-attack-90.0.json`],
    ]);
  });

  it('offers the newest, or the pinned release; a pinned release the index lacks names those it lists', async () => {
    const newest = await discoverReleases(`${base}/good`, 'latest');
    assert.deepStrictEqual(newest.offered.map((r) => r.version), ['91.0']);
    const pinned = await discoverReleases(`${base}/good`, '90.0');
    assert.deepStrictEqual([pinned.offered.map((r) => r.version), pinned.newest.map((r) => r.version)], [['90.0'], ['91.0']]);
    assert.deepStrictEqual(requests, ['/good/index.json', '/good/index.json']);
    assert.throws(() => releasesToOffer(indexJson, base, '16.0', 'index.json'), (e: unknown) => e instanceof AttackDataError && e.message === 'index.json: lists no ATT&CK 16.0 (it lists 91.0, 90.0)');
  });

  it('downloads and compiles the STIX 2.1 and the STIX 2.0 release when their digests are pinned', async () => {
    const index = await downloadReleases(releasesToOffer(indexJson, `${base}/good`, 'latest'), { trust: trust([pinnedBoth]) });
    assert.deepStrictEqual(index.domains.map((d) => [d.version, d.techniques.find((t) => t.id === 'T1001')?.revokedBy]), [['91.0', 'T1003']]);
    const older = await downloadReleases(releasesToOffer(indexJson, `${base}/good`, '90.0'), { trust: trust([pinnedBoth]) });
    assert.deepStrictEqual(older.domains.map((d) => [d.version, d.techniques.map((t) => t.id)]), [['90.0', ['T1001', 'T1002', 'T1004']]]);
  });

  describe('fetch-attack keeps the data it had unless the bundle is pinned and matches', () => {
    let out = '';
    beforeEach(() => {
      out = fs.mkdtempSync(path.join(os.tmpdir(), 'fetch-attack-releases-'));
      fs.writeFileSync(path.join(out, 'enterprise-attack-91.0.json'), 'the data in use');
    });
    afterEach(() => fs.rmSync(out, { recursive: true, force: true }));

    for (const [scenario, sources, why] of [
      // Pinned is 90.0 only: 91.0 has no digest but its own.
      ['good', [{ label: "MITRE's published digest", digests: digestsFor({ '90.0': sha256Hex(bundle('90.0')) }) }], /not pinned: no published or configured SHA-256 for enterprise-attack-91\.0\.json/],
      ['tampered', [pinnedBoth], /SHA-256 mismatch: the file's digest is [0-9a-f]{64}, expected [0-9a-f]{64} \(MITRE's published digest\); refused/],
    ] as const) {
      it(`refuses the release found in index.json: ${scenario}`, async () => {
        const { offered } = await discoverReleases(`${base}/${scenario}`, 'latest');
        await assert.rejects(
          fetchRelease({ base: `${base}/${scenario}`, domain: offered[0].domain, version: offered[0].version, outDir: out, trust: trust([...sources]), force: true }),
          (e: unknown) => e instanceof AttackDataError && why.test(e.message),
        );
        assert.deepStrictEqual(fs.readdirSync(out), ['enterprise-attack-91.0.json']);
        assert.strictEqual(fs.readFileSync(path.join(out, 'enterprise-attack-91.0.json'), 'utf8'), 'the data in use');
      });
    }

    it('writes the pinned release found in index.json in its STIX 2.0 or 2.1 form, byte for byte', async () => {
      for (const version of ['90.0', '91.0']) {
        const { offered } = await discoverReleases(`${base}/good`, version);
        const result = await fetchRelease({ base: `${base}/good`, domain: 'enterprise-attack', version: offered[0].version, outDir: out, trust: trust([pinnedBoth]), force: true });
        assert.deepStrictEqual([result.status, result.trustedBy], ['downloaded', "MITRE's published digest"]);
        assert.ok(fs.readFileSync(path.join(out, `enterprise-attack-${version}.json`)).equals(bundle(version)), version);
      }
    });
  });
});
