import { ParsedRuleFile } from '../rules/types';
import { SkippedFile } from './model';

// The parts of a coverage scan that are the same in the extension and the CLI: parsing in
// batches that yield to the event loop (how bytes become rule text is src/rules/decodeRuleText.ts).

/** Longest stretch of parsing without giving the event loop a turn. */
const SLICE_MS = 6;
/** Batches being read while one is parsed. */
const READ_AHEAD = 6;
/**
 * Files per batch. Reads through workspace.fs wait on round trips to the workbench, so more in
 * flight keeps the host busy: in code-server, SigmaHQ's first scan took a median 1.6 s with 128
 * against 1.9 s with 64 (six runs each, alternated); 256 was no better.
 */
const BATCH_SIZE = 128;

export interface ScanInput<T> {
  /** Files to read, in order. */
  readonly items: readonly T[];
  readonly pathOf: (item: T) => string;
  readonly read: (item: T) => Promise<{ readonly text: string } | { readonly skipped: string }>;
  /** A parse may answer later (the extension parses large files on a worker thread); the batch waits for it. */
  readonly parse: (text: string, item: T) => ParsedRuleFile | Promise<ParsedRuleFile>;
  /** Files read concurrently per batch; the event loop gets a turn between batches. */
  readonly batchSize?: number;
  readonly isCancelled?: () => boolean;
  readonly onProgress?: (done: number, total: number) => void;
}

export interface ScanResult {
  readonly files: ParsedRuleFile[];
  readonly skipped: SkippedFile[];
  readonly cancelled: boolean;
}

/**
 * Reads and parses every item in batches, reading the next batches while this one is parsed (the
 * reads are I/O, the parse is CPU: overlapped, a scan costs about the larger of the two, not
 * their sum). A parser that throws is a bug, but one file must not stop the scan: the file is
 * reported as a problem at its first line instead.
 */
export async function scanRuleFiles<T>(input: ScanInput<T>): Promise<ScanResult> {
  const files: ParsedRuleFile[] = [];
  const skipped: SkippedFile[] = [];
  const size = input.batchSize ?? BATCH_SIZE;
  const readBatch = (start: number) => {
    const reads = Promise.all(input.items.slice(start, start + size).map((item) => input.read(item)));
    // A read that fails while the batch before is parsed is rethrown when awaited, not reported unhandled before.
    reads.catch(() => undefined);
    return reads;
  };
  // Batches read ahead of the parse: a read takes several turns of the event loop (stat, open,
  // read, close each answer on it), and a parse slice holds them all back, so one batch ahead
  // leaves the loop waiting on reads; several keep files arriving while the parse runs.
  const reading: Promise<Awaited<ReturnType<ScanInput<T>['read']>>[]>[] = [];
  let next = 0;
  const readAhead = () => {
    while (reading.length < READ_AHEAD && next < input.items.length) {
      reading.push(readBatch(next));
      next += size;
    }
  };
  readAhead();
  for (let start = 0; start < input.items.length; start += size) {
    const texts = await reading.shift()!;
    if (input.isCancelled?.()) return { files, skipped, cancelled: true };
    readAhead();
    let sliceStart = Date.now();
    const parsed: (ParsedRuleFile | Promise<ParsedRuleFile>)[] = [];
    for (let i = 0; i < texts.length; i++) {
      const r = texts[i];
      const item = input.items[start + i];
      if ('skipped' in r) skipped.push({ path: input.pathOf(item), reason: r.skipped });
      else parsed.push(parseSafely(input.parse, r.text, item, input.pathOf(item)));
      if (Date.now() - sliceStart > SLICE_MS) {
        await yieldToEventLoop();
        sliceStart = Date.now();
      }
    }
    for (const p of parsed) files.push(p instanceof Promise ? await p : p);
    input.onProgress?.(Math.min(start + size, input.items.length), input.items.length);
    await yieldToEventLoop();
  }
  return { files, skipped, cancelled: false };
}

export function parseSafely<T>(parse: (text: string, item: T) => ParsedRuleFile, text: string, item: T, path: string): ParsedRuleFile;
export function parseSafely<T>(parse: (text: string, item: T) => ParsedRuleFile | Promise<ParsedRuleFile>, text: string, item: T, path: string): ParsedRuleFile | Promise<ParsedRuleFile>;
export function parseSafely<T>(parse: (text: string, item: T) => ParsedRuleFile | Promise<ParsedRuleFile>, text: string, item: T, path: string): ParsedRuleFile | Promise<ParsedRuleFile> {
  try {
    const parsed = parse(text, item);
    return parsed instanceof Promise ? parsed.catch((e: unknown) => unparsable(path, e)) : parsed;
  } catch (e) {
    return unparsable(path, e);
  }
}

function unparsable(path: string, e: unknown): ParsedRuleFile {
  return {
    path,
    format: 'generic',
    rules: [],
    problems: [{ message: `could not be read as a rule file: ${(e as Error)?.message ?? String(e)}`, severity: 'error', span: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } }],
  };
}

export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => (typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0)));
}
