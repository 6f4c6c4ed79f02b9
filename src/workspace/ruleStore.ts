import * as vscode from 'vscode';
import { clip, noticeText } from '../outsideText';
import { FileTreatment } from '../config';
import { LensContext } from '../context';
import { CoverageModel, CoverageOptions, SkippedFile } from '../coverage/model';
import { parseSafely, scanRuleFiles, yieldToEventLoop } from '../coverage/scan';
import { ParsedRuleFile } from '../rules/types';
import { readInGroups, readRuleFiles, ReadResult } from './readRuleFile';
import { FileParser, RuleParsing } from './ruleParsing';
import { ScanStatus } from './scanStatus';
import { inScope, RuleScope } from './ruleScope';
import { isMalformedGlob } from '../core/glob';
import { currentSelection, discoverRuleFiles, selectionAt, folderExcluded, FoundRuleFile, topmostFolders, relativeToWorkspace, RuleFileSelection, treatmentOf } from './ruleFiles';

export interface RuleStoreChange {
  /** `scan`: a full (re)scan finished; `files`: the listed files changed; `settings`: only the model's scope changed. */
  readonly kind: 'scan' | 'files' | 'settings';
  /** Files re-parsed, created or removed (for `files`). */
  readonly uris: readonly vscode.Uri[];
}

export interface ScanSummary {
  readonly files: number;
  readonly skipped: number;
  readonly durationMs: number;
  /** Of which finding the files (the walk of the workspace folders). */
  readonly discoveredMs: number;
  readonly cancelled: boolean;
  /** The store's first full scan, not one after a scan it superseded: nothing read before it, the code never run (the scan at activation). */
  readonly first: boolean;
}

const DEBOUNCE_MS = 150;
/** Builds of the model one change may start before listeners get it built in one go. */
const MAX_MODEL_BUILDS = 3;
/** Files read while the walk that finds them is still going (their texts wait for the parse). */
const READ_DURING_WALK = 1024;
/** Scans of at least this many files also show a cancellable notification. */
const LARGE_SCAN = 5000;
/** Watcher updates read this many files at once. */
const UPDATE_BATCH = 32;
/** How long one turn of a watcher update may parse before it lets the event loop run (as the scan does). */
const UPDATE_SLICE_MS = 12;

/**
 * The workspace's rule files, parsed, and the coverage they add up to. Owns the only copy:
 * every view, command and export asks the store. A first scan starts on construction, with its
 * progress in the status bar (a click cancels it); a file watcher then re-parses only the files
 * that change (debounced), and settings or ATT&CK data changes trigger a rescan (or just a model
 * rebuild when only the scope changed).
 *
 * Files are parsed by the rule-parsing service (lens.parsing): the commands that sweep the
 * workspace (Fix all revoked, Check rules against ATT&CK, Create rule for a gap) read the
 * results here instead of walking and parsing it again.
 *
 * Paths: each ParsedRuleFile's `path` (and so each RuleRef's) is the file's URI string; turn
 * it back with `uriOf`.
 */
export class RuleStore implements vscode.Disposable {
  private readonly parsed = new Map<string, ParsedRuleFile>();
  /** What each parsed file was read from on disk (ReadResult.stamp). */
  private stamps = new Map<string, string>();
  /** Files `parsedNow` parsed again, not yet announced. */
  private readonly taken: vscode.Uri[] = [];
  private skippedFiles = new Map<string, SkippedFile>();
  private currentModel?: CoverageModel;
  /** The last model `modelFor` built, for the scope and the model epoch it was built for. */
  private scopedModel?: { readonly key: string; readonly epoch: number; readonly model: CoverageModel };
  /** Counts model invalidations, so a model built in slices is dropped if the files changed meanwhile. */
  private modelEpoch = 0;
  /** The model build under way, for the files as they were at `epoch`. */
  private building?: { readonly epoch: number; readonly done: Promise<void> };
  private selection: RuleFileSelection;
  private scanSource?: vscode.CancellationTokenSource;
  private scanRunning: Promise<void> = Promise.resolve();
  private summary?: ScanSummary;
  private scansStarted = 0;
  private update?: { readonly files: number; readonly durationMs: number };
  /** Watcher events waiting for the debounce: the URI and whether its last event was a delete. */
  private readonly pending = new Map<string, { readonly uri: vscode.Uri; readonly deleted: boolean }>();
  /** Watcher updates run one after another: two overlapping reads of one file could land out of order. */
  private applying: Promise<void> = Promise.resolve();
  private readonly warnedGlobs = new Set<string>();
  private markReady!: () => void;
  private debounce?: ReturnType<typeof setTimeout>;
  private watchers: vscode.Disposable[] = [];
  private readonly disposables: vscode.Disposable[] = [];
  private readonly changed = new vscode.EventEmitter<RuleStoreChange>();
  private readonly scanningChanged = new vscode.EventEmitter<boolean>();
  private readonly status = new ScanStatus();

  /** Fires after the files or the model changed; read `model` then. */
  readonly onDidChange = this.changed.event;
  /** Fires when a full scan starts and when one ends (`scanning` says which). */
  readonly onDidChangeScanning = this.scanningChanged.event;
  /** Resolves when a first scan has finished or the user cancelled it; a scan superseded by a rescan does not count. */
  readonly ready = new Promise<void>((resolve) => (this.markReady = resolve));

  constructor(
    private readonly lens: LensContext,
    private readonly parsing: RuleParsing = lens.parsing,
  ) {
    this.selection = currentSelection(lens.config);
    this.disposables.push(
      this.changed,
      this.scanningChanged,
      this.status,
      lens.onDidChangeIndex(() => void this.rescan()),
      vscode.workspace.onDidChangeWorkspaceFolders(() => void this.rescan()),
      // Through Config, so granting workspace trust (restricted settings start to apply) rescans too.
      lens.config.onDidChange((affects) => {
        if ((['files', 'coverage.exclude', 'generic.idPattern'] as const).some((k) => affects(k))) void this.rescan();
        else if ((['domains', 'platforms', 'coverage.includeDeprecatedRules'] as const).some((k) => affects(k))) {
          this.invalidateModel();
          this.changed.fire({ kind: 'settings', uris: [] });
        }
      }),
      lens.config.onDidChangeEditorSetting(['files.exclude', 'search.followSymlinks'], () => void this.rescan()),
    );
    void this.rescan();
  }

  /** The coverage of the current files under the current settings; rebuilt lazily after a change. */
  get model(): CoverageModel {
    return (this.currentModel ??= CoverageModel.build([...this.parsed.values()], this.lens.index, this.modelOptions()));
  }

  /** The coverage of the rule files in part of the workspace (a folder's, from a context menu); rebuilt after a change. */
  modelFor(scope: RuleScope): CoverageModel {
    const key = scope.map(String).join('\n');
    const last = this.scopedModel;
    if (last && last.key === key && last.epoch === this.modelEpoch) return last.model;
    const files = this.files(scope);
    const skipped = [...this.skippedFiles.values()].filter((f) => inScope(f.path, scope));
    const model = CoverageModel.build(files, this.lens.index, { ...this.modelOptions(), skipped });
    this.scopedModel = { key, epoch: this.modelEpoch, model };
    return model;
  }

  private modelOptions(): CoverageOptions {
    return {
      domains: this.lens.config.domains,
      platforms: this.lens.config.platforms,
      includeDeprecated: this.lens.config.includeDeprecatedRules,
      skipped: [...this.skippedFiles.values()],
    };
  }

  private invalidateModel(): void {
    this.currentModel = undefined;
    this.modelEpoch++;
  }

  /**
   * Builds the model a slice at a time before listeners ask for it: built by the getter, in one
   * go, it blocks the host for as long as the references take (a second for a few generated
   * 1 MB files naming 100 000 IDs each). Resolves once the model of the files as they are now is
   * in place: a build the files outran is done again, and a scan and a watcher update that
   * overlap share one build.
   */
  private async prebuildModel(): Promise<void> {
    // Files that keep changing (a command re-reading them one by one) could outrun every build:
    // after a few, the getter builds what listeners ask for in one go, as before.
    for (let tries = 0; tries < MAX_MODEL_BUILDS && !this.currentModel; tries++) {
      const epoch = this.modelEpoch;
      if (this.building?.epoch !== epoch) {
        const done = CoverageModel.buildInSlices([...this.parsed.values()], this.lens.index, this.modelOptions(), yieldToEventLoop).then(
          (model) => {
            if (epoch === this.modelEpoch && !this.currentModel) this.currentModel = model;
          },
          (e: unknown) => {
            if (this.building?.done === done) this.building = undefined;
            throw e;
          },
        );
        this.building = { epoch, done };
      }
      await this.building.done;
    }
  }

  /** Every parsed rule file (including files that failed to parse: they carry problems); with a scope, those in it. */
  files(scope?: RuleScope): readonly ParsedRuleFile[] {
    const all = [...this.parsed.values()];
    return scope ? all.filter((f) => inScope(f.path, scope)) : all;
  }

  file(uri: vscode.Uri): ParsedRuleFile | undefined {
    return this.parsed.get(uri.toString());
  }

  /** How the file is treated under the selection the store reads (attackLens.files and the excludes), or undefined when it is no rule file. */
  treatmentOf(uri: vscode.Uri): Exclude<FileTreatment, 'off'> | undefined {
    const rel = relativeToWorkspace(uri);
    return rel === undefined ? undefined : treatmentOf(this.selection, rel);
  }

  /**
   * Every rule file on disk now, for a command that checks them all: waits for a running scan
   * and the queued watcher events, then lists the workspace (no parsing; `parsedNow` then
   * parses only what the watcher has not reported yet). With a scope, only the files in it.
   */
  async ruleFilesNow(token?: vscode.CancellationToken, scope?: RuleScope): Promise<FoundRuleFile[]> {
    await this.flush();
    const files = (await discoverRuleFiles(this.selection, token)).files;
    return scope ? files.filter((f) => inScope(f.uri.toString(), scope)) : files;
  }

  /**
   * The parse of a file just read: the store's own when the file is unchanged since (same stamp),
   * else parsed now and kept (a file the watcher has not reported yet); `announce` then tells
   * the listeners.
   */
  parsedNow(file: FoundRuleFile, read: { readonly text: string; readonly stamp?: string }, parse: FileParser = this.parsing.fileParser()): ParsedRuleFile {
    const key = file.uri.toString();
    const known = this.parsed.get(key);
    if (known && read.stamp !== undefined && this.stamps.get(key) === read.stamp) return known;
    this.take(parse, file.uri, file.treatment, read);
    this.taken.push(file.uri);
    return this.parsed.get(key)!;
  }

  /** Tells the listeners about the files `parsedNow` parsed again. */
  announce(): void {
    if (!this.taken.length) return;
    const uris = this.taken.splice(0);
    this.changed.fire({ kind: 'files', uris });
  }

  get skipped(): readonly SkippedFile[] {
    return [...this.skippedFiles.values()];
  }

  /** True while a full scan runs. */
  get scanning(): boolean {
    return this.scanSource !== undefined;
  }

  /** The last watcher update: how many files were re-read, and how long reading, parsing and notifying took. */
  get lastUpdate(): { readonly files: number; readonly durationMs: number } | undefined {
    return this.update;
  }

  /** The last full scan: how many files, how long. */
  get lastScan(): ScanSummary | undefined {
    return this.summary;
  }

  /** A ParsedRuleFile/RuleRef path back to its URI. */
  uriOf(path: string): vscode.Uri {
    return vscode.Uri.parse(path, true);
  }

  /** Finds and parses every rule file again, cancelling a scan in progress. */
  rescan(): Promise<void> {
    this.scanSource?.cancel();
    // The scan reads every file as it is now: watcher events queued so far are covered by it.
    this.pending.clear();
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = undefined;
    const source = new vscode.CancellationTokenSource();
    this.scanSource = source;
    this.selection = currentSelection(this.lens.config);
    this.warnAboutMalformedGlobs();
    this.rewatch();
    const end = this.status.begin();
    this.scanningChanged.fire(true);
    const run = this.scan(source).catch((e) => this.lens.log.error(`Coverage scan failed: ${(e as Error)?.stack ?? String(e)}`));
    this.scanRunning = run.finally(() => {
      end();
      // Finished, failed or cancelled by the user, not replaced by a newer scan.
      if (this.scanSource === source || this.scanSource === undefined) this.markReady();
      if (this.scanSource === source) this.scanSource = undefined;
      source.dispose();
      this.scanningChanged.fire(this.scanning);
    });
    return this.scanRunning;
  }

  /** The status bar text while a scan runs (tests); undefined otherwise. */
  get statusText(): string | undefined {
    return this.status.text;
  }

  /** Stops a running scan (the status bar item and the notification do this); what it read so far is kept. */
  cancelScan(): void {
    this.scanSource?.cancel();
  }

  private async scan(source: vscode.CancellationTokenSource): Promise<void> {
    const token = source.token;
    const started = Date.now();
    const first = this.scansStarted++ === 0;
    // Cancelled by a newer rescan: that one reports. Cancelled by the user: keep what was read.
    const superseded = () => this.scanSource !== source;
    // Reading starts while the walk goes on (its folder listings leave the file system idle
    // between answers); the scan takes these reads when it reaches their files.
    const read = readInGroups();
    const early = new Map<string, Promise<ReadResult>>();
    const readEarly = (f: FoundRuleFile) => {
      if (early.size < READ_DURING_WALK && !early.has(f.uri.toString())) early.set(f.uri.toString(), read(f.uri));
    };
    const discovered = await discoverRuleFiles(this.selection, token, undefined, readEarly);
    const discoveredMs = Date.now() - started;
    if (superseded()) return;
    const found = token.isCancellationRequested ? [] : discovered.files;
    this.status.report(0, found.length);
    // Large workspaces also get a notification with a Cancel button and a progress bar.
    const notification = found.length >= LARGE_SCAN ? this.status.notify(found.length, () => source.cancel()) : undefined;
    const parse = this.parsing.scanParser();
    const stamps = new Map<string, string>();
    const result = await scanRuleFiles<FoundRuleFile>({
      items: found,
      pathOf: (f) => f.uri.toString(),
      read: async (f) => {
        const key = f.uri.toString();
        const readDuringWalk = early.get(key);
        early.delete(key);
        const done = await (readDuringWalk ?? read(f.uri));
        if ('stamp' in done && done.stamp !== undefined) stamps.set(key, done.stamp);
        return done;
      },
      parse: (text, f) => parse(text, f.uri, f.treatment),
      isCancelled: () => token.isCancellationRequested,
      onProgress: (done, total) => {
        this.status.report(done, total);
        notification?.report(done);
      },
    }).finally(() => notification?.close());
    if (superseded()) return;
    const skipped = [...discovered.skipped, ...result.skipped];
    const cancelled = result.cancelled || token.isCancellationRequested;
    if (cancelled) {
      // Files not reached keep what an earlier scan read (nothing, for the first scan).
      // Only the files parsed carry their stamps over: a file read ahead but never parsed keeps its old parse, and so its old stamp.
      for (const f of result.files) {
        this.parsed.set(f.path, f);
        const stamp = stamps.get(f.path);
        if (stamp !== undefined) this.stamps.set(f.path, stamp);
      }
      for (const s of skipped) this.skippedFiles.set(s.path, s);
    } else {
      this.parsed.clear();
      this.stamps = stamps;
      for (const f of result.files) this.parsed.set(f.path, f);
      this.skippedFiles = new Map(skipped.map((s) => [s.path, s]));
    }
    this.invalidateModel();
    await this.prebuildModel();
    if (superseded()) return;
    this.summary = { files: result.files.length, skipped: skipped.length, durationMs: Date.now() - started, discoveredMs, cancelled, first };
    // Listeners asking `scanning` now must hear false: the scan is over.
    this.scanSource = undefined;
    if (cancelled) this.lens.log.info(`Coverage scan cancelled after ${result.files.length} of ${found.length} files`);
    else this.lens.log.info(`Coverage scan: ${result.files.length} rule files, ${skipped.length} skipped, in ${this.summary.durationMs} ms (finding the files: ${discoveredMs} ms)`);
    for (const s of skipped) this.lens.log.info(`Skipped ${s.path}: ${s.reason}`);
    this.changed.fire({ kind: 'scan', uris: [] });
  }

  private rewatch(): void {
    for (const w of this.watchers) w.dispose();
    this.watchers = [];
    const changed = (uri: vscode.Uri) => this.queue(uri, false);
    const deleted = (uri: vscode.Uri) => this.queue(uri, true);
    for (const [glob, treatment] of Object.entries(this.selection.files)) {
      if (treatment === 'off' || isMalformedGlob(glob)) continue;
      const w = vscode.workspace.createFileSystemWatcher(glob);
      this.watchers.push(w, w.onDidCreate(changed), w.onDidChange(changed), w.onDidDelete(deleted));
    }
    // A deleted or renamed folder reports only the folder: forget the files that were in it.
    // A created folder may be reported without its files: look inside it.
    const folders = vscode.workspace.createFileSystemWatcher('**/*', false, true, false);
    this.watchers.push(folders, folders.onDidCreate(changed), folders.onDidDelete(deleted));
  }

  private queue(uri: vscode.Uri, deleted: boolean): void {
    this.pending.set(uri.toString(), { uri, deleted });
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = setTimeout(() => {
      this.debounce = undefined;
      this.applying = this.applying.then(() => this.applyPending()).catch((e) => this.lens.log.error(`Coverage update failed: ${(e as Error)?.stack ?? String(e)}`));
    }, DEBOUNCE_MS);
  }

  /** A malformed glob in the settings matches nothing; say so once per glob, naming the setting. */
  private warnAboutMalformedGlobs(): void {
    const settings: [string, readonly string[]][] = [
      ['attackLens.files', Object.keys(this.selection.files)],
      ['files.exclude / attackLens.coverage.exclude', this.selection.exclude],
    ];
    for (const [setting, globs] of settings) {
      for (const glob of globs) {
        if (!isMalformedGlob(glob) || this.warnedGlobs.has(glob)) continue;
        this.warnedGlobs.add(glob);
        const message = `ATT&CK Lens: the glob "${clip(glob)}" in ${setting} is malformed (an unclosed { or a bad [range]) and matches nothing.`;
        this.lens.log.warn(message);
        void vscode.window.showWarningMessage(noticeText(message));
      }
    }
  }

  private async applyPending(): Promise<void> {
    await this.scanRunning;
    const events = [...this.pending.values()];
    this.pending.clear();
    const started = performance.now();
    const touched: vscode.Uri[] = [];
    const files = new Map<string, FoundRuleFile>();
    const folders: vscode.Uri[] = [];
    for (const { uri, deleted } of events) {
      const rel = relativeToWorkspace(uri);
      const treatment = rel === undefined ? undefined : treatmentOf(selectionAt(this.selection, uri), rel);
      // A rule file is read again whatever the event said: the file system has the last word.
      if (treatment) files.set(uri.toString(), { uri, treatment });
      // Not a rule file: a folder that went away (forget what was in it) or that appeared with
      // its files (a copy or an unpacked archive may be reported as the folder alone).
      else if (deleted) touched.push(...this.forgetUnder(uri.toString()));
      else if (rel !== undefined && !folderExcluded(this.selection, rel)) folders.push(uri);
    }
    const created = await topmostFolders(folders);
    // A symlinked folder may lead back up or to rules read already: only a full scan can tell.
    if (created.some((f) => f.link)) return void this.rescan();
    for (const { uri: folder } of created) {
      const discovered = await discoverRuleFiles(this.selection, undefined, folder);
      for (const found of discovered.files) files.set(found.uri.toString(), found);
      for (const s of discovered.skipped) {
        this.skippedFiles.set(s.path, s);
        touched.push(this.uriOf(s.path));
      }
    }
    const list = [...files.values()];
    const parse = this.parsing.scanParser();
    for (let i = 0; i < list.length; i += UPDATE_BATCH) {
      const batch = list.slice(i, i + UPDATE_BATCH);
      // Read together, parse one at a time: reads that complete in one turn must not run their
      // parses back to back in it (35 large files took the host over a second without a break).
      const reads = await readRuleFiles(batch.map((f) => f.uri));
      let slice = performance.now();
      for (let k = 0; k < batch.length; k++) {
        if (performance.now() - slice > UPDATE_SLICE_MS) {
          await yieldToEventLoop();
          slice = performance.now();
        }
        const { uri, treatment } = batch[k];
        const read = reads[k];
        // Parsed first (a large file on the worker thread), then taken.
        const parsed = 'text' in read ? await parseSafely((text: string) => parse(text, uri, treatment), read.text, uri, uri.toString()) : undefined;
        if (this.applyRead(() => parsed!, uri, treatment, read)) touched.push(uri);
      }
    }
    if (touched.length) {
      this.invalidateModel();
      await this.prebuildModel();
      // Listeners (the tree, the matrix) rebuild the model here: part of the update's cost.
      this.changed.fire({ kind: 'files', uris: touched });
      this.update = { files: list.length, durationMs: performance.now() - started };
    }
  }

  /** Takes what re-reading one rule file gave: its parse, or forgets it when it is gone; true when something changed. */
  private applyRead(parse: FileParser, uri: vscode.Uri, treatment: Exclude<FileTreatment, 'off'>, read: ReadResult): boolean {
    const key = uri.toString();
    this.invalidateModel();
    if ('text' in read) {
      this.take(parse, uri, treatment, read);
      return true;
    }
    // Gone (a folder named like a rule file takes what was below it along), or a folder after all.
    if (read.skipped === 'unreadable: not found' || read.skipped === 'a directory') return this.forgetUnder(key).length > 0;
    this.parsed.delete(key);
    this.stamps.delete(key);
    this.skippedFiles.set(key, { path: key, reason: read.skipped });
    return true;
  }

  private take(parse: FileParser, uri: vscode.Uri, treatment: Exclude<FileTreatment, 'off'>, read: { readonly text: string; readonly stamp?: string }): void {
    const key = uri.toString();
    this.invalidateModel();
    this.parsed.set(key, parseSafely((text) => parse(text, uri, treatment), read.text, uri, key));
    if (read.stamp !== undefined) this.stamps.set(key, read.stamp);
    else this.stamps.delete(key);
    this.skippedFiles.delete(key);
  }

  /** Forgets `key` and everything below it; returns what was forgotten. */
  private forgetUnder(key: string): vscode.Uri[] {
    const gone: vscode.Uri[] = [];
    const prefix = key + '/';
    for (const k of [...this.stamps.keys()]) if (k === key || k.startsWith(prefix)) this.stamps.delete(k);
    for (const map of [this.parsed, this.skippedFiles] as Map<string, unknown>[]) {
      for (const k of [...map.keys()]) {
        if (k === key || k.startsWith(prefix)) {
          map.delete(k);
          this.invalidateModel();
          gone.push(vscode.Uri.parse(k, true));
        }
      }
    }
    return gone;
  }

  /** Re-reads these files now, as if the watcher had reported them (tests, the bench); resolves after listeners ran. */
  async reread(uris: readonly vscode.Uri[]): Promise<void> {
    for (const uri of uris) this.pending.set(uri.toString(), { uri, deleted: false });
    await this.flush();
  }

  /**
   * Applies queued watcher events now instead of after the debounce (tests, refresh), after the
   * update under way: until that one has told its listeners, its files are not all there yet.
   */
  async flush(): Promise<void> {
    if (this.debounce) {
      clearTimeout(this.debounce);
      this.debounce = undefined;
    }
    const run = this.applying.then(() => this.applyPending());
    // The caller hears of a failure; the next update runs anyway.
    this.applying = run.catch(() => undefined);
    await run;
  }

  dispose(): void {
    this.scanSource?.cancel();
    if (this.debounce) clearTimeout(this.debounce);
    for (const d of [...this.watchers, ...this.disposables]) d.dispose();
  }
}
