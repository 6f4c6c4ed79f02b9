import * as assert from 'assert';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import { AttackDataError } from '../../src/attack/types';
import { DigestSource, download, downloadAndVerify, Release, sha256Hex, Trust, UnpinnedFile, unpinnedPrompt } from '../../src/data/downloadAttackData';
import { transportProblem } from '../../src/data/httpDownload';
import { parseReleaseDigests, parseUserDigests } from '../../src/data/releaseDigests';
import { fetchRelease } from '../../src/node/fetchRelease';
import { bundlePath } from './helpers/attackData';

// The update path against a hostile mirror on 127.0.0.1: tampered, endless, stalled and truncated
// bodies, redirects to plain http, and releases nobody pinned. Every refusal is an AttackDataError
// and leaves what was on disk alone.

const FILE = 'mobile-attack-18.1.json';
// The served bundle is the real Mobile 18.1 file from ../shared, read by the first suite's `before`
// (so this file loads without ../shared); the digests below are derived from it there.
let mobile = Buffer.alloc(0);
let mobileSha = '';
/** The real bundle with one letter of one description changed: still valid ATT&CK data. */
let tampered = Buffer.alloc(0);
/** What a project build would embed for this file (its digest is the served file's: the shared bundles are not MITRE's). */
let pinned: DigestSource;

function readServedBundle(): void {
  mobile = fs.readFileSync(bundlePath(FILE));
  mobileSha = sha256Hex(mobile);
  tampered = Buffer.from(mobile.toString('utf8').replace('"description":"Adversaries', '"description":"adversaries'));
  assert.notStrictEqual(sha256Hex(tampered), sha256Hex(mobile));
  pinned = { label: "MITRE's published digest", digests: parseReleaseDigests(JSON.stringify({ STIX21: { mobile: { '18.1': mobileSha } } }), 'test') };
}

/** 20 MB of zeros as about 20 KB of gzip: the cap must count the bytes after decoding. */
const gzipBomb = zlib.gzipSync(Buffer.alloc(20 * 1_000_000));

const open: http.ServerResponse[] = [];
const server = http.createServer((req, res) => {
  open.push(res);
  const route = (req.url ?? '').split('/')[1];
  const port = (server.address() as AddressInfo).port;
  switch (route) {
    case 'good':
      res.writeHead(200, { 'content-length': mobile.length }).end(mobile);
      return;
    case 'tampered':
      res.writeHead(200, { 'content-length': tampered.length }).end(tampered);
      return;
    case 'truncated':
      res.writeHead(200).end(mobile.subarray(0, mobile.length >> 1));
      return;
    case 'endless': {
      // No Content-Length; writes as fast as the client reads until it hangs up.
      const chunk = Buffer.alloc(64 * 1024, 'x');
      res.writeHead(200);
      const pump = () => {
        while (!res.destroyed && res.write(chunk));
      };
      res.on('drain', pump);
      pump();
      return;
    }
    case 'announces-huge':
      res.writeHead(200, { 'content-length': String(10 * 1_000_000) }).write('{');
      return;
    case 'stalled':
      res.writeHead(200, { 'content-length': mobile.length }).write(mobile.subarray(0, 1000));
      return;
    case 'dripping': {
      // Never idle for long, never done: only a deadline over the whole transfer stops it.
      res.writeHead(200);
      const timer = setInterval(() => res.write(' '), 20);
      res.on('close', () => clearInterval(timer));
      return;
    }
    case 'gzip-bomb':
      res.writeHead(200, { 'content-encoding': 'gzip', 'content-length': gzipBomb.length }).end(gzipBomb);
      return;
    case 'escapes':
      res.writeHead(200).end('\x1b]0;pwned\x07\x1b[2J');
      return;
    case 'silent':
      // Accepts the request and never answers: not even a status line.
      return;
    case 'slow-hop': {
      // Each redirect takes 150 ms: a deadline per hop would never fire, one over the chain does.
      const timer = setTimeout(() => res.writeHead(302, { location: `/slow-hop/${Date.now()}` }).end(), 150);
      res.on('close', () => clearTimeout(timer));
      return;
    }
    case 'to-http-schemeless':
      res.writeHead(302, { location: '//mirror.example/mobile-attack/mobile-attack-18.1.json' }).end();
      return;
    case 'to-http':
      res.writeHead(302, { location: 'http://mirror.example/mobile-attack/mobile-attack-18.1.json' }).end();
      return;
    case 'to-loopback':
      res.writeHead(301, { location: `http://127.0.0.1:${port}/good/mobile-attack/mobile-attack-18.1.json` }).end();
      return;
    case 'loop':
      res.writeHead(307, { location: `/loop/${Number((req.url ?? '').split('/')[2] ?? 0) + 1}` }).end();
      return;
    default:
      res.writeHead(404, 'Not Found').end();
  }
});
let base = '';
const requests: string[] = [];
server.on('request', (req) => requests.push(req.url ?? ''));

const release = (route: string, extra: Partial<Release> = {}): Release => ({
  domain: 'mobile-attack',
  version: '18.1',
  url: `${base}/${route}/mobile-attack/${FILE}`,
  ...extra,
});

function trust(sources: readonly DigestSource[], confirm?: (files: readonly UnpinnedFile[]) => Promise<boolean>): Trust {
  return { sources, confirm, pinHint: 'pin it.' };
}

const refusal = (why: RegExp) => (e: unknown) => {
  assert.ok(e instanceof AttackDataError, `not an AttackDataError: ${(e as Error).stack}`);
  assert.match(e.message, why);
  return true;
};

describe('ATT&CK download against a hostile mirror (127.0.0.1) (needs ../shared)', () => {
  before(async () => {
    readServedBundle();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    for (const res of open) res.destroy();
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });

  describe('trust', () => {
    it('accepts a file matching the pinned digest (MITRE\'s, as embedded by the build)', async () => {
      const [v] = await downloadAndVerify([release('good')], { trust: trust([pinned]) });
      assert.strictEqual(v.trustedBy, "MITRE's published digest");
      assert.strictEqual(v.compiled.domain, 'mobile-attack');
    });

    it('accepts a file matching the user\'s attackLens.update.sha256 digest', async () => {
      const user = { label: 'attackLens.update.sha256', digests: parseUserDigests({ [FILE]: mobileSha.toUpperCase() }) };
      const [v] = await downloadAndVerify([release('good')], { trust: trust([{ ...pinned, digests: new Map() }, user]) });
      assert.strictEqual(v.trustedBy, 'attackLens.update.sha256');
    });

    it('refuses a tampered body, naming both digests', async () => {
      await assert.rejects(
        downloadAndVerify([release('tampered')], { trust: trust([pinned], async () => true) }),
        refusal(new RegExp(`SHA-256 mismatch: the file's digest is ${sha256Hex(tampered)}, expected ${mobileSha} \\(MITRE's published digest\\); refused`)),
      );
    });

    it('does not trust a digest the same server lists in index.json: an unpinned file still needs confirmation', async () => {
      const listed = release('tampered', { sha256: sha256Hex(tampered) });
      await assert.rejects(downloadAndVerify([listed], { trust: trust([]) }), refusal(/not pinned: no published or configured SHA-256 for mobile-attack-18\.1\.json .* refused\. To accept it, pin it\./));
    });

    it('asks once about every unpinned file with its name, size and digest; accepts only on yes', async () => {
      const asked: (readonly UnpinnedFile[])[] = [];
      const [v] = await downloadAndVerify([release('good')], { trust: trust([], async (files) => (asked.push(files), true)) });
      assert.strictEqual(v.trustedBy, 'confirmed');
      assert.deepStrictEqual(asked, [[{ file: FILE, url: release('good').url, size: mobile.length, sha256: mobileSha }]]);
      await assert.rejects(downloadAndVerify([release('good')], { trust: trust([], async () => false) }), refusal(/not pinned: .*SHA-256 .*and it was not confirmed/));
    });

    it('refuses a body that is terminal escapes as not valid JSON, quoting it without them', async () => {
      await assert.rejects(downloadAndVerify([release('escapes')], { trust: trust([], async () => true) }), (e: unknown) => {
        refusal(/not valid JSON .*<U\+001B>\]0;pwned<U\+0007>/)(e);
        assert.ok(!/[\u0000-\u001f]/.test((e as Error).message), JSON.stringify((e as Error).message));
        return true;
      });
    });

    it('refuses truncated JSON as not valid, without asking anyone to confirm it', async () => {
      let asked = 0;
      await assert.rejects(downloadAndVerify([release('truncated')], { trust: trust([], async () => (asked++, true)) }), refusal(/not valid JSON/));
      assert.strictEqual(asked, 0);
    });
  });

  describe('transfer limits', () => {
    it('stops an endless body at the cap on bytes received', async () => {
      await assert.rejects(download(`${base}/endless`, { limits: { maxBytes: 1_000_000 } }), refusal(/more than 1 MB received, over the download cap; refused/));
    });

    it('refuses a body whose Content-Length is over the cap before reading it', async () => {
      await assert.rejects(download(`${base}/announces-huge`, { limits: { maxBytes: 1_000_000 } }), refusal(/announces 10 MB, over the 1 MB download cap/));
    });

    it('caps the decoded bytes of a gzip body, not the bytes on the wire', async () => {
      await assert.rejects(download(`${base}/gzip-bomb`, { limits: { maxBytes: 1_000_000 } }), refusal(/more than 1 MB received, over the download cap; refused/));
    });

    it('times out a server that never sends its headers', async () => {
      await assert.rejects(download(`${base}/silent`, { limits: { timeoutMs: 300 } }), refusal(/download timed out after 300 ms; refused/));
    });

    it('times out a redirect chain whose hops are each quick enough: the deadline covers the chain', async () => {
      await assert.rejects(download(`${base}/slow-hop/0`, { limits: { timeoutMs: 400 } }), refusal(/download timed out after 400 ms; refused/));
    });

    it('times out a stalled body', async () => {
      await assert.rejects(download(`${base}/stalled`, { limits: { timeoutMs: 300 } }), refusal(/download timed out after 300 ms; refused/));
    });

    it('times out a body that keeps dripping: the deadline covers the whole transfer', async () => {
      await assert.rejects(download(`${base}/dripping`, { limits: { timeoutMs: 500 } }), refusal(/download timed out/));
    });

    it('takes a timeout longer than Node\'s timers allow as no practical limit, not as 1 ms or a crash', async () => {
      // 3e9 ms overflows a timer (fires after 1 ms); 1e10 ms makes AbortSignal.timeout throw a RangeError.
      for (const timeoutMs of [3e9, 1e10]) {
        assert.strictEqual(sha256Hex(await download(release('good').url, { limits: { timeoutMs } })), mobileSha, String(timeoutMs));
      }
    });

    it('reports a 404 with its status', async () => {
      await assert.rejects(download(`${base}/nothing/here.json`), refusal(/HTTP 404 Not Found/));
    });

    it('quotes a reason phrase with terminal escapes as \\u escapes, cut short', async () => {
      // Node's http server refuses to send such a reason phrase, so this one answers by hand.
      const raw = net.createServer((socket) => socket.once('data', () => socket.end(`HTTP/1.1 404 \x1b]0;pwned\x07\x9b31m${'x'.repeat(500)}\r\ncontent-length: 0\r\n\r\n`, 'latin1')));
      await new Promise<void>((r) => raw.listen(0, '127.0.0.1', r));
      try {
        const url = `http://127.0.0.1:${(raw.address() as AddressInfo).port}/x`;
        await assert.rejects(download(url), (e: unknown) => {
          const message = (e as Error).message;
          assert.ok(!/[\u0000-\u001f\u007f-\u009f]/.test(message), JSON.stringify(message));
          assert.ok(message.includes('HTTP 404 <U+001B>]0;pwned<U+0007>'), message);
          assert.ok(message.length < 400, `${message.length} characters`);
          return true;
        });
      } finally {
        await new Promise((r) => raw.close(r));
      }
    });
  });

  describe('transport', () => {
    it('refuses a redirect to http off the loopback address without following it', async () => {
      requests.length = 0;
      await assert.rejects(download(release('to-http').url), refusal(/insecure redirect to http:\/\/mirror\.example\/.*: http is refused: only https is allowed/));
      assert.deepStrictEqual(requests, [`/to-http/mobile-attack/${FILE}`]);
    });

    it('refuses a scheme-relative redirect (//host/…) from loopback http, which would be plain http off it', async () => {
      await assert.rejects(download(`${base}/to-http-schemeless`), refusal(/insecure redirect to http:\/\/mirror\.example\/.*: http is refused/));
    });

    it('follows a redirect that stays on loopback http', async () => {
      const bytes = await download(release('to-loopback').url);
      assert.strictEqual(sha256Hex(bytes), mobileSha);
    });

    it('stops after five redirects', async () => {
      await assert.rejects(download(`${base}/loop/0`), refusal(/more than 5 redirects; refused/));
    });

    it('allows https anywhere and http only to 127.0.0.1, localhost and [::1]', () => {
      assert.strictEqual(transportProblem('https://mirror.example/x'), undefined);
      for (const ok of ['http://127.0.0.1:9/x', 'http://localhost/x', 'http://[::1]:8080/x']) assert.strictEqual(transportProblem(ok), undefined, ok);
      // The URL parser's hostname decides: look-alikes, userinfo tricks and IPv4-mapped IPv6 stay off loopback.
      for (const ok of ['http://user@127.0.0.1/x', 'http://LOCALHOST/x', 'http://127.1/x', 'http://[0:0:0:0:0:0:0:1]/x']) assert.strictEqual(transportProblem(ok), undefined, ok);
      const lookalikes = ['http://127.0.0.1.evil.example/x', 'http://localhost.evil/x', 'http://127.0.0.1@evil.example/x', 'http://localhost:80@evil.example/x', 'http://[::ffff:127.0.0.1]/x', 'http://localhost./x'];
      for (const bad of ['http://mirror.example/x', 'http://127.0.0.1.nip.io/x', 'http://10.0.0.1/x', 'ftp://mirror.example/x', 'file:///etc/passwd', ...lookalikes]) {
        assert.match(transportProblem(bad) ?? '', /is refused: only https is allowed/, bad);
      }
      assert.strictEqual(transportProblem('not a url'), 'not a valid URL');
    });

    it('refuses a plain-http base URL before any request', async () => {
      await assert.rejects(download('http://mirror.example/index.json'), refusal(/^http:\/\/mirror\.example\/index\.json: http is refused/));
    });
  });

  describe('fetch-attack writes ./data only after verification', () => {
    let out = '';
    beforeEach(() => {
      out = fs.mkdtempSync(path.join(os.tmpdir(), 'fetch-attack-'));
    });
    afterEach(() => fs.rmSync(out, { recursive: true, force: true }));

    it('keeps the file it had when the download is tampered, endless or not pinned, and leaves no partial file', async () => {
      const dest = path.join(out, FILE);
      fs.writeFileSync(dest, 'the previous bundle');
      const tries: [string, Trust, RegExp][] = [
        [`${base}/tampered`, trust([pinned]), /SHA-256 mismatch/],
        [`${base}/endless`, trust([pinned]), /over the download cap/],
        [`${base}/good`, trust([]), /not pinned/],
      ];
      for (const [mirror, t, why] of tries) {
        await assert.rejects(fetchRelease({ base: mirror, domain: 'mobile-attack', version: '18.1', outDir: out, trust: t, limits: { maxBytes: 2 * mobile.length } }), refusal(why));
        assert.strictEqual(fs.readFileSync(dest, 'utf8'), 'the previous bundle');
        assert.deepStrictEqual(fs.readdirSync(out), [FILE]);
      }
    });

    it('writes the verified file through no symlink planted as its partial file', async () => {
      const elsewhere = path.join(out, 'elsewhere.txt');
      fs.writeFileSync(elsewhere, 'not yours to overwrite');
      fs.symlinkSync(elsewhere, path.join(out, `${FILE}.partial`));
      await fetchRelease({ base: `${base}/good`, domain: 'mobile-attack', version: '18.1', outDir: out, trust: trust([pinned]) });
      assert.strictEqual(fs.readFileSync(elsewhere, 'utf8'), 'not yours to overwrite');
      assert.strictEqual(sha256Hex(fs.readFileSync(path.join(out, FILE))), mobileSha);
      assert.ok(!fs.lstatSync(path.join(out, FILE)).isSymbolicLink());
    });

    it('reads only a regular file as the copy already there, and replaces anything else', async () => {
      // A directory makes the unguarded read fail at once; /dev/zero or a FIFO would make it never end.
      fs.mkdirSync(path.join(out, 'a-folder'));
      fs.symlinkSync(path.join(out, 'a-folder'), path.join(out, FILE));
      const result = await fetchRelease({ base: `${base}/good`, domain: 'mobile-attack', version: '18.1', outDir: out, trust: trust([pinned]) });
      assert.strictEqual(result.status, 'downloaded');
      assert.strictEqual(sha256Hex(fs.readFileSync(path.join(out, FILE))), mobileSha);
      assert.deepStrictEqual(fs.readdirSync(path.join(out, 'a-folder')), []);
    });

    it('refuses a version that is not a release number before any request or file', async () => {
      for (const version of ['../../escaped', '18.1.json?x', '18.1/../../x', '']) {
        requests.length = 0;
        await assert.rejects(fetchRelease({ base: `${base}/good`, domain: 'mobile-attack', version, outDir: path.join(out, 'data'), trust: trust([pinned], async () => true) }), refusal(/is not an ATT&CK release number such as 18\.1/));
        assert.deepStrictEqual(requests, [], version);
      }
      assert.deepStrictEqual(fs.readdirSync(out), []);
    });

    it('replaces it with a verified download, and then finds it already there', async () => {
      fs.writeFileSync(path.join(out, FILE), 'the previous bundle');
      const first = await fetchRelease({ base: `${base}/good`, domain: 'mobile-attack', version: '18.1', outDir: out, trust: trust([pinned]) });
      assert.strictEqual(first.status, 'downloaded');
      assert.strictEqual(sha256Hex(fs.readFileSync(path.join(out, FILE))), mobileSha);
      const again = await fetchRelease({ base: `${base}/tampered`, domain: 'mobile-attack', version: '18.1', outDir: out, trust: trust([pinned]) });
      assert.deepStrictEqual([again.status, again.trustedBy], ['present', "MITRE's published digest"]);
    });
  });
});

describe('ATT&CK download: the question about unpinned files', () => {
  it('names each file, its size and its SHA-256, and where they came from', () => {
    const files = [
      { file: 'mobile-attack-99.0.json', url: 'https://mirror.example/mobile-attack/mobile-attack-99.0.json', size: 3_140_402, sha256: 'a'.repeat(64) },
      { file: 'ics-attack-99.0.json', url: 'https://mirror.example/ics-attack/ics-attack-99.0.json', size: 2_201_107, sha256: 'b'.repeat(64) },
    ];
    const { message, detail } = unpinnedPrompt(files);
    assert.strictEqual(message, 'Accept 2 unpinned ATT&CK bundles?');
    assert.ok(detail.includes(`mobile-attack-99.0.json (3.1 MB)\nSHA-256 ${'a'.repeat(64)}`), detail);
    assert.ok(detail.includes(`ics-attack-99.0.json (2.2 MB)\nSHA-256 ${'b'.repeat(64)}`), detail);
    assert.ok(detail.includes(files[0].url) && detail.includes(files[1].url), detail);
    assert.strictEqual(unpinnedPrompt(files.slice(0, 1)).message, 'Accept an unpinned ATT&CK bundle?');
  });
});
