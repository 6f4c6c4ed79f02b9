import * as assert from 'assert';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import { AddressInfo } from 'net';
import * as path from 'path';
import { AttackDataError } from '../../src/attack/types';
import { bundleUrl, download, isOlderRelease, latestReleases, verifyAndCompile, verifyDigest } from '../../src/data/downloadAttackData';

// The download side of "Update ATT&CK data" and `npm run fetch-attack`, on MITRE's index.json
// format and the real shared bundles, served from 127.0.0.1.

const stixDir = process.env.ATTACK_LENS_STIX || path.resolve(__dirname, '..', '..', '..', '..', 'shared', 'attack');
const mobileFile = path.join(stixDir, 'mobile-attack-18.1.json');

const upstream = 'https://raw.githubusercontent.com/mitre-attack/attack-stix-data/master';
const mitreIndex = JSON.stringify({
  id: 'x',
  name: 'MITRE ATT&CK',
  collections: [
    {
      id: 'x-mitre-collection--1',
      name: 'Enterprise ATT&CK',
      versions: [
        { version: '9.0', url: `${upstream}/enterprise-attack/enterprise-attack-9.0.json` },
        { version: '18.1', url: `${upstream}/enterprise-attack/enterprise-attack-18.1.json` },
        { version: '10.1', url: `${upstream}/enterprise-attack/enterprise-attack-10.1.json` },
      ],
    },
    {
      id: 'x-mitre-collection--2',
      name: 'Mobile ATT&CK',
      versions: [
        { version: '11.0-beta', url: `${upstream}/mobile-attack/mobile-attack-11.0-beta.json` },
        { version: '8.2', url: `${upstream}/mobile-attack/mobile-attack-8.2.json`, sha256: 'ABCDEF' },
      ],
    },
    // An unnamed collection is recognised by its URLs.
    { id: 'x-mitre-collection--3', versions: [{ version: '17.1', url: `${upstream}/ics-attack/ics-attack-17.1.json` }] },
  ],
});

describe('ATT&CK download: index.json', () => {
  it('picks the newest stable release per domain, numerically, and points it at the mirror', () => {
    const releases = latestReleases(mitreIndex, 'https://mirror.example/attack/');
    assert.deepStrictEqual(releases, [
      { domain: 'enterprise-attack', version: '18.1', url: 'https://mirror.example/attack/enterprise-attack/enterprise-attack-18.1.json', sha256: undefined },
      { domain: 'mobile-attack', version: '8.2', url: 'https://mirror.example/attack/mobile-attack/mobile-attack-8.2.json', sha256: 'abcdef' },
      { domain: 'ics-attack', version: '17.1', url: 'https://mirror.example/attack/ics-attack/ics-attack-17.1.json', sha256: undefined },
    ]);
  });

  it('takes no version shaped to reach outside the file name: paths, queries, links, padding, numbers', () => {
    const hostile = ['../../../x', '99.0/../../evil', '99.0.json?x=', '99.0#', ' 99.0', '99.0\n', '99.0 [x](command:y)', '99.0-beta', '', 99, null];
    const index = JSON.stringify({ collections: [{ name: 'Enterprise ATT&CK', versions: [...hostile.map((version) => ({ version })), { version: '18.1' }] }] });
    assert.deepStrictEqual(latestReleases(index, upstream).map((r) => [r.version, r.url]), [['18.1', `${upstream}/enterprise-attack/enterprise-attack-18.1.json`]]);
  });

  it('rejects what is not a collection index, as AttackDataError', () => {
    assert.throws(() => latestReleases('<html>rate limited</html>', upstream), (e: unknown) => e instanceof AttackDataError && /not valid JSON/.test(e.message));
    assert.throws(() => latestReleases('{"objects": []}', upstream), /no "collections" list/);
    // The parser's excerpt of the server's text carries no control characters into the message.
    assert.throws(() => latestReleases('\x1b[2J', upstream), (e: Error) => /not valid JSON .*<U\+001B>\[2J/.test(e.message) && !/[\u0000-\u001f]/.test(e.message));
    assert.throws(() => latestReleases('{"collections": [{"name": "Other", "versions": []}]}', upstream), /lists no Enterprise, Mobile or ICS/);
  });

  it('tells an older release from the one in use, numerically (a rollback is asked about before it replaces the data)', () => {
    const pairs: [string, string, boolean][] = [
      ['17.1', '18.1', true],
      ['18.9', '18.10', true],
      ['18.10', '18.9', false],
      ['18.1', '18.1', false],
      ['18', '18.1', true],
      ['19.0', '18.1', false],
      // Not stable release numbers: never called older (the index reader skips them anyway).
      ['11.0-beta', '18.1', false],
      ['17.1', 'custom', false],
    ];
    assert.deepStrictEqual(pairs.map(([a, b]) => isOlderRelease(a, b)), pairs.map(([, , older]) => older));
  });

  it('builds bundle URLs in MITRE\'s layout', () => {
    assert.strictEqual(bundleUrl(`${upstream}/`, 'ics-attack', '18.1'), `${upstream}/ics-attack/ics-attack-18.1.json`);
  });
});

describe('ATT&CK download: verification of a real bundle (Mobile 18.1) (needs ../shared)', () => {
  let bytes: Uint8Array;
  before(() => {
    bytes = fs.readFileSync(mobileFile);
  });
  const release = { domain: 'mobile-attack' as const, version: '18.1', url: 'http://mirror/mobile-attack/mobile-attack-18.1.json' };

  it('compiles a bundle whose SHA-256, domain and version match', () => {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    assert.strictEqual(verifyDigest({ ...release, sha256 }, sha256, [{ label: 'pin', digests: new Map([['mobile-attack-18.1.json', sha256]]) }]), 'pin');
    const compiled = verifyAndCompile({ ...release, sha256 }, bytes);
    assert.strictEqual(compiled.domain, 'mobile-attack');
    assert.strictEqual(compiled.version, '18.1');
    const raw = JSON.parse(Buffer.from(bytes).toString('utf8')) as { objects: { type: string }[] };
    assert.strictEqual(compiled.techniques.length, raw.objects.filter((o) => o.type === 'attack-pattern').length);
  });

  it('refuses a SHA-256 mismatch with the index, another domain, or another version', () => {
    assert.throws(() => verifyDigest({ ...release, sha256: '0'.repeat(64) }, createHash('sha256').update(bytes).digest('hex'), []), /SHA-256 mismatch: .* the server's index lists 0{64}; refused/);
    assert.throws(() => verifyAndCompile({ ...release, domain: 'ics-attack' }, bytes), /expected ics-attack data but the file holds mobile-attack/);
    const relabelled = new TextEncoder().encode(
      JSON.stringify({ type: 'bundle', id: 'bundle--x', objects: [...(JSON.parse(Buffer.from(bytes).toString('utf8')).objects as unknown[]), { type: 'x-mitre-collection', id: 'x-mitre-collection--x', x_mitre_version: '17.0' }] }),
    );
    assert.throws(() => verifyAndCompile(release, relabelled), /expected ATT&CK 18\.1 but the file says 17\.0/);
    // The version is the file's own text: no terminal escapes from it reach fetch-attack's output.
    const escaping = new TextEncoder().encode(new TextDecoder().decode(relabelled).replace('"x_mitre_version":"17.0"', '"x_mitre_version":"\\u001b]0;pwned\\u0007"'));
    assert.throws(() => verifyAndCompile(release, escaping), (e: Error) => !/[\u0000-\u001f]/.test(e.message) && e.message.endsWith('the file says <U+001B>]0;pwned<U+0007>'));
  });
});

describe('ATT&CK download: HTTP', () => {
  const body = Buffer.alloc(300_000, 'a');
  const server = http.createServer((req, res) => {
    if (req.url === '/file') res.writeHead(200, { 'content-length': body.length }).end(body);
    else res.writeHead(404, 'Not Found').end();
  });
  let base = '';
  before(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  it('downloads the bytes and reports progress up to the content length', async () => {
    const seen: [number, number | undefined][] = [];
    const got = await download(`${base}/file`, { onChunk: (received, total) => seen.push([received, total]) });
    assert.strictEqual(Buffer.compare(Buffer.from(got), body), 0);
    assert.ok(seen.length >= 1);
    assert.deepStrictEqual(seen[seen.length - 1], [body.length, body.length]);
  });

  it('turns HTTP errors, refused connections and cancellation into AttackDataError', async () => {
    await assert.rejects(download(`${base}/nope`), (e: unknown) => e instanceof AttackDataError && /HTTP 404 Not Found/.test(e.message));
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    await assert.rejects(download(`http://127.0.0.1:${port}/x`), /cannot download \(ECONNREFUSED\)/);
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(download(`${base}/file`, { signal: controller.signal }), /download cancelled/);
  });
});
