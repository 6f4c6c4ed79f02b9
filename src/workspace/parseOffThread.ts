import * as vscode from 'vscode';
import { Worker } from 'worker_threads';
import { AttackIndex } from '../attack/index';
import { FromParseWorker, ToParseWorker } from '../node/parseWorker';
import { Finding } from '../checks/findings';
import { ParsedRuleFile } from '../rules/types';
import { documentMarker } from '../rules/yamlTree';

// Large rule files are parsed on one worker thread (dist/parseWorker.js), so that however a file
// is made, its parse never holds the extension host's event loop: a hostile 1 MB file costs the
// parsers up to ~100 ms, and the host's garbage collector more on top; so does a file of
// hundreds of small rules. Small files stay on the main thread, where a parse costs less than the
// round trip. If the worker cannot start or dies, the caller parses on the main thread instead
// (said once in the log).

/**
 * Files of at least this many characters are parsed off the main thread (SigmaHQ's largest rule is 295 KB).
 * @internal exported for the adversarial host test, which scans files just below it too.
 */
export const OFF_THREAD_MIN_CHARS = 128 * 1024;
/**
 * Smaller files go there too when they have this many `---` lines (YAML documents, in any
 * format): a parse costs per rule as well as per character, and a 120 KB Sigma file of 464 rules
 * held the host 100–160 ms. Below MANY_DOCUMENTS_MIN_CHARS the documents are too small for that
 * to add up.
 */
const OFF_THREAD_MIN_DOCUMENTS = 100;
const MANY_DOCUMENTS_MIN_CHARS = 16 * 1024;

type Job = Extract<ToParseWorker, { id: number }>;
/** A parse from the worker, with its findings when the job asked for the checks. */
export interface OffThreadParse {
  readonly parsed: ParsedRuleFile;
  readonly findings?: readonly Finding[];
}

export class ParseWorker implements vscode.Disposable {
  private worker?: Worker;
  private failed = false;
  private disposed = false;
  private sentIndex?: AttackIndex;
  private nextId = 1;
  /** Files the worker has parsed (tests: the host's scan of large files went through it). */
  parsedCount = 0;
  private readonly pending = new Map<number, { resolve: (p: OffThreadParse) => void; reject: (e: Error) => void }>();

  constructor(
    private readonly script: string,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /**
   * Whether a file (on disk or open) of this length goes to the worker (false once the worker has
   * failed); `text` is asked for only when the length alone does not decide.
   */
  wants(length: number, text: () => string): boolean {
    if (this.failed || length < MANY_DOCUMENTS_MIN_CHARS) return false;
    return length >= OFF_THREAD_MIN_CHARS || documentMarker(text(), OFF_THREAD_MIN_DOCUMENTS) !== undefined;
  }

  /** The parse of one file against `index`; rejects when the worker fails (then parse on the main thread). */
  parse(index: AttackIndex, job: Omit<Job, 'id'>): Promise<OffThreadParse> {
    const worker = this.start();
    if (!worker) return Promise.reject(new Error('the parse worker is not running'));
    if (this.sentIndex !== index) {
      worker.postMessage({ domains: index.domains } satisfies ToParseWorker);
      this.sentIndex = index;
    }
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ ...job, id } satisfies ToParseWorker);
    });
  }

  private start(): Worker | undefined {
    if (this.worker || this.failed) return this.worker;
    try {
      const worker = new Worker(this.script);
      worker.on('message', (m: FromParseWorker) => {
        const waiting = this.pending.get(m.id);
        this.pending.delete(m.id);
        if ('parsed' in m) {
          this.parsedCount++;
          waiting?.resolve({ parsed: m.parsed, findings: m.findings });
        }
        else waiting?.reject(new Error(m.error));
      });
      worker.on('error', (e) => this.fail(e));
      worker.on('exit', (code) => this.fail(new Error(`the parse worker exited (code ${code})`)));
      // An idle worker must not keep the host alive when it shuts down.
      worker.unref();
      this.worker = worker;
    } catch (e) {
      this.fail(e as Error);
    }
    return this.worker;
  }

  private fail(e: Error): void {
    if (!this.failed && !this.disposed) this.log.warn(`ATT&CK Lens parses large rule files on the main thread: ${e.message}`);
    this.failed = true;
    this.worker = undefined;
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }

  dispose(): void {
    const worker = this.worker;
    this.disposed = true;
    this.fail(new Error('ATT&CK Lens is shutting down'));
    void worker?.terminate();
  }
}
