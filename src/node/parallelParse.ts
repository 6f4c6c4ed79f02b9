import * as os from 'os';
import { isMainThread, parentPort, Worker, workerData } from 'worker_threads';
import { AttackIndex } from '../attack/index';
import { SkippedFile } from '../coverage/model';
import { ScanResult, yieldToEventLoop } from '../coverage/scan';
import { parseTreated } from '../rules/treatment';
import { ParsedRuleFile } from '../rules/types';
import { loadIndexForCli } from './loadIndex';
import { FoundFile, readRuleFileFromDisk } from './scanFiles';

// The CLI's parse of many files on every core: the main thread and up to three worker threads
// pull batches from one queue, so the work balances itself whatever each file costs. Workers run
// this same bundle (the CLI) and load the compiled index themselves. Output order is the input
// order, so results do not depend on timing.

const JOB = 'attack-lens-parse';
const BATCH = 48;

interface WorkerInit {
  readonly kind: typeof JOB;
  /** The shipped release the main thread loaded (--attack-version). */
  readonly attackVersion: string;
}
type ToWorker = { readonly files: readonly FileToParse[]; readonly first: number } | { readonly done: true };
type FromWorker = { readonly ready: true } | { readonly first: number; readonly results: readonly Parsed[] } | { readonly error: string };
type Parsed = { readonly file: ParsedRuleFile } | { readonly skipped: SkippedFile };

/** A file to parse, with its text when the caller has read it already (`--cache` hashes it first). */
export type FileToParse = FoundFile & { readonly text?: string };

function parseFile(f: FileToParse, index: AttackIndex): Parsed {
  if (f.text !== undefined) return { file: parseFoundFile(f.text, f, index) };
  const read = readRuleFileFromDisk(f.path);
  if ('skipped' in read) return { skipped: { path: f.path, reason: read.skipped } };
  return { file: parseFoundFile(read.text, f, index) };
}

/** A found file's text parsed under its treatment: the one parse of the CLI's `coverage`, `check` and `diff`. */
export function parseFoundFile(text: string, f: FoundFile, index: AttackIndex): ParsedRuleFile {
  return parseTreated(text, f.path, index, f);
}

/** How many worker threads are worth starting for this many files (ATTACK_LENS_WORKERS overrides). */
export function workerCount(files: number): number {
  const forced = process.env.ATTACK_LENS_WORKERS;
  if (forced !== undefined && /^\d+$/.test(forced)) return Math.min(8, Number(forced));
  if (files < 400) return 0;
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return Math.max(0, Math.min(3, cores - 1, Math.floor(files / 400)));
}

/**
 * Parses the files with the main thread plus `workers` threads running `script` (the CLI bundle;
 * it must import this module). `index` is the main thread's; workers load the shipped index.
 */
export async function parseInParallel(files: readonly FileToParse[], index: AttackIndex, workers: number, script: string, attackVersion: string, onProgress?: (done: number, total: number) => void): Promise<ScanResult> {
  const results: Parsed[] = new Array(files.length);
  let next = 0;
  let done = 0;
  const take = (): { files: FileToParse[]; first: number } | undefined => {
    if (next >= files.length) return undefined;
    const first = next;
    next = Math.min(files.length, next + BATCH);
    return { files: files.slice(first, next), first };
  };
  const store = (first: number, batch: readonly Parsed[]) => {
    batch.forEach((r, i) => (results[first + i] = r));
    done += batch.length;
    onProgress?.(done, files.length);
  };
  const threads = Array.from({ length: workers }, () => runWorker(script, attackVersion, take, store));
  for (let job = take(); job; job = take()) {
    store(job.first, job.files.map((f) => parseFile(f, index)));
    await yieldToEventLoop();
  }
  await Promise.all(threads);
  const out: ScanResult = { files: [], skipped: [], cancelled: false };
  for (const r of results) {
    if ('file' in r) out.files.push(r.file);
    else out.skipped.push(r.skipped);
  }
  return out;
}

function runWorker(script: string, attackVersion: string, take: () => { files: FileToParse[]; first: number } | undefined, store: (first: number, batch: readonly Parsed[]) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const init: WorkerInit = { kind: JOB, attackVersion };
    const worker = new Worker(`require(${JSON.stringify(script)})`, { eval: true, workerData: init });
    const send = () => {
      const job = take();
      worker.postMessage((job ?? { done: true }) satisfies ToWorker);
      if (!job) void worker.terminate().then(() => resolve());
    };
    worker.on('message', (m: FromWorker) => {
      if ('error' in m) {
        void worker.terminate();
        reject(new Error(m.error));
        return;
      }
      if ('results' in m) store(m.first, m.results);
      send();
    });
    worker.on('error', reject);
  });
}

function serveAsWorker(): void {
  const port = parentPort!;
  let index: AttackIndex;
  try {
    index = loadIndexForCli(undefined, undefined, undefined, (workerData as WorkerInit).attackVersion);
  } catch (e) {
    port.postMessage({ error: String((e as Error).message) } satisfies FromWorker);
    return;
  }
  port.on('message', (m: ToWorker) => {
    if ('done' in m) return;
    port.postMessage({ first: m.first, results: m.files.map((f) => parseFile(f, index)) } satisfies FromWorker);
  });
  port.postMessage({ ready: true } satisfies FromWorker);
}

if (!isMainThread && (workerData as WorkerInit | undefined)?.kind === JOB) serveAsWorker();
