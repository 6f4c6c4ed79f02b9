import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { CliContext } from '../../src/cli/context';
import { parseWalkedFiles } from '../../src/cli/parseRules';
import { ParseCache } from '../../src/node/parseCache';
import * as scanFiles from '../../src/node/scanFiles';
import { index18 } from './helpers/attackData';
import { tempDir } from './helpers/badData';

// The cache's stat shortcut: a warm coverage run takes a file its stat shows unchanged from the
// cache without reading it; any change to the file (content, size, times) reads it again. The
// cache's counts say how each parse was found.

const sigma = (technique: string) => `title: R\nlogsource:\n    category: process_creation\n    product: windows\ndetection:\n    sel:\n        CommandLine|contains: x\n    condition: sel\ntags:\n    - attack.${technique}\n`;

const ctx: CliContext = { out: () => undefined, err: () => undefined, isTty: false, index: () => index18() };

describe('--cache: files known by their stat', function () {
  this.timeout(120_000);
  let dir: string;
  beforeEach(() => {
    dir = tempDir('cache-stat');
    fs.writeFileSync(path.join(dir, 'a.yml'), sigma('t1059.001'));
    fs.writeFileSync(path.join(dir, 'b.yml'), sigma('t1027'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const walk = () => scanFiles.walkRuleFiles([dir]).files;
  const techniques = (r: Awaited<ReturnType<typeof parseWalkedFiles>>) =>
    Object.fromEntries(r.files.map((f) => [path.basename(f.path), f.rules.flatMap((x) => x.references.map((ref) => ref.id))]));
  /** A cache whose clock is a minute ahead, so files written by the test count as settled. */
  const later = () => ParseCache.open(path.join(dir, 'cache'), 'stamp', () => undefined, () => Date.now() + 60_000);

  it('does not read a settled, unchanged file again, and reads one whose content changed at the same size', async () => {
    const cold = later();
    const first = await parseWalkedFiles(walk(), index18(), ctx, undefined, cold);
    cold.save();
    assert.deepStrictEqual(cold.counts, { byStat: 0, byContent: 0, parsed: 2 });
    assert.deepStrictEqual(techniques(first), { 'a.yml': ['T1059.001'], 'b.yml': ['T1027'] });

    const warmCache = later();
    const warm = await parseWalkedFiles(walk(), index18(), ctx, undefined, warmCache);
    assert.deepStrictEqual(warmCache.counts, { byStat: 2, byContent: 0, parsed: 0 }, 'both files known by their stat');
    assert.deepStrictEqual(techniques(warm), techniques(first));

    // Same length, same modification time: only the change time (and the content) differ.
    const a = path.join(dir, 'a.yml');
    const before = fs.statSync(a);
    fs.writeFileSync(a, sigma('t1059.003'));
    fs.utimesSync(a, before.atime, before.mtime);
    assert.strictEqual(fs.statSync(a).size, before.size);
    const editedCache = later();
    const edited = await parseWalkedFiles(walk(), index18(), ctx, undefined, editedCache);
    assert.deepStrictEqual(editedCache.counts, { byStat: 1, byContent: 0, parsed: 1 });
    assert.deepStrictEqual(techniques(edited), { 'a.yml': ['T1059.003'], 'b.yml': ['T1027'] });
  });

  it('does not trust the stat of a file that changed within the last two seconds', async () => {
    const now = ParseCache.open(path.join(dir, 'cache'), 'stamp', () => undefined);
    await parseWalkedFiles(walk(), index18(), ctx, undefined, now);
    now.save();
    const next = later();
    await parseWalkedFiles(walk(), index18(), ctx, undefined, next);
    assert.deepStrictEqual(next.counts, { byStat: 0, byContent: 2, parsed: 0 }, 'read again (their stats were not remembered), found by content');
  });

  it('takes nothing by stat for another treatment of the same file, or a folder', () => {
    const cache = later();
    const file = { path: path.join(dir, 'a.yml'), treatment: 'sigma' as const };
    const st = fs.statSync(file.path);
    const parsed = { path: file.path, format: 'sigma' as const, rules: [], problems: [] };
    const key = cache.key(file, fs.readFileSync(file.path, 'utf8'));
    cache.set(key, { parsed });
    cache.rememberStat(file, st, key);
    assert.strictEqual(cache.byStat(file, st)?.parsed, parsed);
    assert.strictEqual(cache.byStat({ ...file, treatment: 'generic' }, st), undefined);
    assert.strictEqual(cache.byStat(file, fs.statSync(dir)), undefined);
  });
});
