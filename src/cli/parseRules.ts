import * as fs from 'fs';
import { AttackIndex } from '../attack/index';
import { SkippedFile } from '../coverage/model';
import { ScanResult, scanRuleFiles, yieldToEventLoop } from '../coverage/scan';
import { ParseCache } from '../node/parseCache';
import { FileToParse, parseFoundFile, parseInParallel, workerCount } from '../node/parallelParse';
import { FoundFile, readRuleFileFromDisk } from '../node/scanFiles';
import { ParsedRuleFile } from '../rules/types';
import { CliContext } from './context';

/** The files parsed, on worker threads when there are many, with progress on stderr when it is a terminal. */
async function parseFiles(files: readonly FileToParse[], index: AttackIndex, ctx: CliContext, shippedVersion: string | undefined): Promise<ScanResult> {
  const progress = ctx.isTty;
  const onProgress = progress ? (done: number, total: number) => void process.stderr.write(`\rattack-lens: parsed ${done}/${total} files`) : undefined;
  // Worker threads re-run this bundle, so only when it is the program (dist/cli.js), and they
  // load the shipped index (at the same --attack-version), so not with --stix.
  const workers = shippedVersion !== undefined && require.main?.filename === __filename ? workerCount(files.length) : 0;
  const scanned = workers && shippedVersion !== undefined
    ? await parseInParallel(files, index, workers, __filename, shippedVersion, onProgress)
    : await scanRuleFiles({
        items: files,
        pathOf: (f) => f.path,
        read: async (f) => (f.text !== undefined ? { text: f.text } : readRuleFileFromDisk(f.path)),
        parse: (text, f) => parseFoundFile(text, f, index),
        batchSize: 256,
        onProgress,
      });
  if (progress) process.stderr.write('\r\x1b[K');
  return scanned;
}

function statOf(p: string): fs.Stats | undefined {
  try {
    return fs.statSync(p);
  } catch {
    return undefined;
  }
}

/**
 * The walked rule files parsed for a coverage report (`coverage`, `diff`). With a cache, a file
 * its stat shows unchanged is taken from it unread; every other file is read and looked up by
 * content, and only the misses are parsed (and stored).
 */
export async function parseWalkedFiles(files: readonly FoundFile[], index: AttackIndex, ctx: CliContext, shippedVersion: string | undefined, cache?: ParseCache): Promise<ScanResult> {
  if (!cache) return parseFiles(files, index, ctx, shippedVersion);
  const results: ({ file: ParsedRuleFile } | { skipped: SkippedFile } | { miss: number })[] = [];
  const misses: (FileToParse & { readonly text: string; readonly key: string })[] = [];
  for (let i = 0; i < files.length; i++) {
    const f = files[i];
    // Stat first: a file that changes between this stat and the read gets a new stat next run.
    const st = statOf(f.path);
    const known = st && cache.byStat(f, st);
    if (known) {
      results.push({ file: known.parsed });
      continue;
    }
    const read = readRuleFileFromDisk(f.path);
    if ('skipped' in read) {
      results.push({ skipped: { path: f.path, reason: read.skipped } });
      continue;
    }
    const key = cache.key(f, read.text);
    if (st) cache.rememberStat(f, st, key);
    const hit = cache.get(key);
    if (hit) {
      cache.counts.byContent++;
      results.push({ file: hit.parsed });
    }
    else {
      results.push({ miss: misses.length });
      misses.push({ ...f, text: read.text, key });
    }
    if (i % 512 === 511) await yieldToEventLoop();
  }
  const parsed = misses.length ? await parseFiles(misses, index, ctx, shippedVersion) : { files: [], skipped: [], cancelled: false };
  // Misses carry their text, so none is skipped: their parses come back one for one, in order.
  parsed.files.forEach((p, i) => cache.set(misses[i].key, { parsed: p }));
  cache.counts.parsed += parsed.files.length;
  const out: ScanResult = { files: [], skipped: [], cancelled: false };
  for (const r of results) {
    if ('skipped' in r) out.skipped.push(r.skipped);
    else out.files.push('file' in r ? r.file : parsed.files[r.miss]);
  }
  return out;
}
