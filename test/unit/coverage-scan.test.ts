import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { scanRuleFiles } from '../../src/coverage/scan';
import { decodeRuleText } from '../../src/rules/decodeRuleText';
import { readRuleFileFromDisk, walkRuleFiles } from '../../src/node/scanFiles';
import { ParsedRuleFile } from '../../src/rules/types';

// The CLI's file walk and the shared batch scan: what is taken, what is skipped and why.

describe('coverage scan', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attack-lens-scan-'));
    const w = (p: string, data: string | Uint8Array) => {
      fs.mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
      fs.writeFileSync(path.join(dir, p), data);
    };
    w('rules/a.yml', 'title: a\n');
    w('rules/b.yaml', 'title: b\n');
    w('rules/c.toml', '[rule]\n');
    w('rules/d.yaral', 'rule d {}\n');
    w('rules/g.yl2', 'rule g {}\n');
    w('rules/readme.md', '# not a rule\n');
    w('rules/node_modules/x.yml', 'title: vendored\n');
    w('rules/binary.yml', new Uint8Array([0x74, 0x00, 0x01]));
    w('rules/large.yml', 'x'.repeat(1024 * 1024 + 1));
    fs.symlinkSync(path.join(dir, 'rules'), path.join(dir, 'rules', 'loop'));
    fs.symlinkSync(path.join(dir, 'missing.yml'), path.join(dir, 'rules', 'dangling.yml'));
    w('outside/e.yml', 'title: e\n');
    fs.symlinkSync(path.join(dir, 'outside'), path.join(dir, 'rules', 'linked'));
    // Sorts before the folder it points to: the folder must still be read as itself, once.
    w('rules/sub/f.yml', 'title: f\n');
    fs.symlinkSync(path.join(dir, 'rules', 'sub'), path.join(dir, 'rules', 'alias'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('walks rule extensions, follows symlinks once, reports loops and dangling links', () => {
    const walked = walkRuleFiles([path.join(dir, 'rules')]);
    const rel = (p: string) => path.relative(dir, p);
    assert.deepStrictEqual(walked.files.map((f) => rel(f.path)).sort(), ['rules/a.yml', 'rules/b.yaml', 'rules/binary.yml', 'rules/c.toml', 'rules/d.yaral', 'rules/g.yl2', 'rules/large.yml', 'rules/linked/e.yml', 'rules/sub/f.yml'].sort());
    assert.strictEqual(walked.files.find((f) => f.path.endsWith('d.yaral'))!.treatment, 'yaral');
    assert.strictEqual(walked.files.find((f) => f.path.endsWith('g.yl2'))!.treatment, 'yaral', 'YARA-L 2.0 files saved as .yl2');
    const skipped = Object.fromEntries(walked.skipped.map((s) => [rel(s.path), s.reason]));
    assert.deepStrictEqual(skipped, { 'rules/loop': 'symlink loop', 'rules/dangling.yml': 'unreadable: broken symlink', 'rules/alias': 'symlink to a folder scanned already' });
    const twice = walkRuleFiles([path.join(dir, 'rules', 'sub'), path.join(dir, 'rules')]);
    assert.strictEqual(twice.files.filter((f) => f.path.endsWith('f.yml')).length, 1, 'a folder given inside another is read once');
    assert.ok(!twice.skipped.some((s) => s.reason === 'symlink loop' && !s.path.endsWith('loop')), 'and is no loop');
    const spelledTwice = walkRuleFiles([path.join(dir, 'rules', 'a.yml'), path.relative(process.cwd(), path.join(dir, 'rules')), path.join(dir, 'rules', 'sub', '..', 'a.yml')]);
    assert.strictEqual(spelledTwice.files.filter((f) => f.path.endsWith('a.yml')).length, 1, 'one file however its path is spelled');
    assert.strictEqual(spelledTwice.files.length, walked.files.length);
    assert.deepStrictEqual(walkRuleFiles([path.join(dir, 'nope')]).missing, [path.join(dir, 'nope')]);
    assert.deepStrictEqual(walkRuleFiles([path.join(dir, 'rules', 'readme.md')]).files.map((f) => rel(f.path)), ['rules/readme.md'], 'a file named explicitly is taken');
  });

  it('refuses binary, oversized and unreadable files', () => {
    assert.deepStrictEqual(readRuleFileFromDisk(path.join(dir, 'rules', 'binary.yml')), { skipped: 'binary' });
    assert.deepStrictEqual(readRuleFileFromDisk(path.join(dir, 'rules', 'large.yml')), { skipped: 'larger than 1 MB' });
    assert.deepStrictEqual(readRuleFileFromDisk(path.join(dir, 'none.yml')), { skipped: 'unreadable: ENOENT' });
    assert.deepStrictEqual(readRuleFileFromDisk(path.join(dir, 'rules', 'a.yml')), { text: 'title: a\n' });
  });

  it('reads UTF-16 files with a byte order mark (Windows PowerShell output) and drops a UTF-8 BOM', () => {
    const text = 'title: Über Rule\r\ntags:\r\n    - attack.t1059.001\r\n';
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const be = Buffer.from(le);
    for (let i = 2; i < be.length; i += 2) [be[i], be[i + 1]] = [le[i + 1], le[i]];
    be[0] = 0xfe;
    be[1] = 0xff;
    assert.deepStrictEqual(decodeRuleText(le), { text });
    assert.deepStrictEqual(decodeRuleText(be), { text });
    assert.deepStrictEqual(decodeRuleText(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)])), { text });
    assert.deepStrictEqual(decodeRuleText(Buffer.from(text, 'utf16le')), { skipped: 'binary' }, 'UTF-16 without a BOM cannot be told from binary');
  });

  it('scans in batches, keeps going past a parser that throws, and can be cancelled', async () => {
    const items = Array.from({ length: 10 }, (_, i) => `f${i}.yml`);
    const parse = (text: string, item: string): ParsedRuleFile => {
      if (item === 'f3.yml') throw new Error('boom');
      return { path: item, format: 'sigma', rules: [], problems: [] };
    };
    const progress: number[] = [];
    const result = await scanRuleFiles({ items, pathOf: (i) => i, read: async (i) => (i === 'f5.yml' ? { skipped: 'binary' } : { text: i }), parse, batchSize: 4, onProgress: (d) => progress.push(d) });
    assert.strictEqual(result.files.length, 9);
    assert.match(result.files.find((f) => f.path === 'f3.yml')!.problems[0].message, /boom/);
    assert.deepStrictEqual(result.skipped, [{ path: 'f5.yml', reason: 'binary' }]);
    assert.deepStrictEqual(progress, [4, 8, 10]);
    let batches = 0;
    const cancelled = await scanRuleFiles({ items, pathOf: (i) => i, read: async (i) => ({ text: i }), parse: (t, i) => ({ path: i, format: 'sigma', rules: [], problems: [] }), batchSize: 4, isCancelled: () => ++batches > 1 });
    assert.strictEqual(cancelled.cancelled, true);
    assert.strictEqual(cancelled.files.length, 4);
  });
});
