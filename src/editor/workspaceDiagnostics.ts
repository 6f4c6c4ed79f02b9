import * as vscode from 'vscode';
import { checkRuleFile } from '../checks/referenceChecks';
import { Finding } from '../checks/findings';
import { LensContext } from '../context';
import { noticeText } from '../outsideText';
import { RuleStore } from '../workspace/ruleStore';
import { AttackIndex } from '../attack/index';
import { yieldToEventLoop } from '../coverage/scan';
import { ParsedRuleFile } from '../rules/types';
import { publishCapped } from './findingsCap';

// attackLens.diagnostics.scope = "workspace": the findings of the rule files the store has parsed
// and no editor has open, from the store's parse (nothing is parsed here), kept in step with the
// store. Open documents are the diagnostics feature's own (their unsaved text, per version).
// Without their text the findings' fixes are not worked out here: quick fixes come when the file
// is opened (its findings are then the document's).

/** At most this many files with findings are listed; a message says how many were left out. */
const MAX_WORKSPACE_FILES_WITH_FINDINGS = 5000;
/** How long one turn of publishAll may check files before it lets the event loop run (as the scan does). */
const SLICE_MS = 12;

export interface WorkspaceFindingsSink {
  /** Whether the document is open (its diagnostics are the open-document feature's). */
  isOpen(uri: vscode.Uri): boolean;
  /** Publishes findings for a file (an empty list clears it). */
  publish(uri: vscode.Uri, findings: readonly Finding[]): number;
  clear(uri: vscode.Uri): void;
}

export class WorkspaceDiagnostics implements vscode.Disposable {
  /** URI strings whose diagnostics come from the store. */
  private readonly shown = new Set<string>();
  /** URI strings shown before the publishAll under way. */
  private readonly stale = new Set<string>();
  /** Files with findings left out by the cap (the last full publish). */
  private leftOut = 0;
  private readonly subscription: vscode.Disposable;
  private readonly checked = new WeakMap<ParsedRuleFile, { readonly index: AttackIndex; readonly findings: readonly Finding[] }>();
  /** Counts publishAll calls: a newer one stops an older one between slices. */
  private generation = 0;
  /** Files the watcher reported, waiting to be published a slice at a time (URI string → URI). */
  private readonly queued = new Map<string, vscode.Uri>();
  private draining?: Promise<void>;
  private publishing: Promise<void> = Promise.resolve();

  constructor(
    private readonly lens: LensContext,
    private readonly store: RuleStore,
    private readonly sink: WorkspaceFindingsSink,
    private readonly cap = MAX_WORKSPACE_FILES_WITH_FINDINGS,
  ) {
    this.subscription = store.onDidChange((change) => {
      if (change.kind === 'scan') void this.publishAll();
      else if (change.kind === 'files') this.publishSome(change.uris);
    });
  }

  get enabled(): boolean {
    return this.lens.config.diagnosticsScope === 'workspace';
  }

  /**
   * Every stored file again (a scan, the scope, severities or the ATT&CK data changed), a slice at
   * a time so a large workspace does not stall the host; a newer call supersedes a running one.
   */
  publishAll(): Promise<void> {
    const generation = ++this.generation;
    // What was shown (by this call's predecessors too, if one was stopped) is cleared at the end unless shown again.
    for (const key of this.shown) this.stale.add(key);
    this.shown.clear();
    const run = async () => {
      let leftOut = 0;
      if (this.enabled) {
        const open = new Set(vscode.workspace.textDocuments.map((d) => d.uri.toString()));
        const files = this.store
          .files()
          .map((f) => f.path)
          .filter((path) => !open.has(path))
          .sort();
        // Worked out a slice at a time first (the checks are what costs, cached per parse), then
        // published a slice at a time, looked up again: a file the watcher re-read meanwhile shows its new findings.
        let sliceStart = Date.now();
        const pause = async (): Promise<boolean> => {
          if (Date.now() - sliceStart <= SLICE_MS) return true;
          await yieldToEventLoop();
          sliceStart = Date.now();
          return generation === this.generation;
        };
        for (const path of files) {
          this.findingsOf(path);
          if (!(await pause())) return;
        }
        const result = await publishCapped(
          files.filter((path) => !this.sink.isOpen(this.store.uriOf(path))),
          this.cap,
          (path) => this.findingsOf(path).length > 0,
          (path) => this.sink.publish(this.store.uriOf(path), this.findingsOf(path)) > 0,
          pause,
        );
        if (!result) return;
        for (const path of result.published) this.shown.add(path);
        leftOut = result.leftOut;
      }
      for (const key of this.stale) {
        const uri = vscode.Uri.parse(key, true);
        if (!this.shown.has(key) && !this.sink.isOpen(uri)) this.sink.clear(uri);
      }
      this.stale.clear();
      this.announceCap(leftOut, this.shown.size);
    };
    this.publishing = run().catch((e: unknown) => this.lens.log.error(`ATT&CK workspace diagnostics failed: ${(e as Error)?.stack ?? String(e)}`));
    return this.publishing;
  }

  /** Files the watcher re-read, created or removed: a slice at a time, as publishAll (a burst of large files would stall the host). */
  private publishSome(uris: readonly vscode.Uri[]): void {
    if (!this.enabled) return;
    for (const uri of uris) this.queued.set(uri.toString(), uri);
    this.kick();
  }

  /** Drains the queue unless a drain is under way; files queued while one ends are drained next. */
  private kick(): void {
    if (this.draining || !this.queued.size) return;
    this.draining = this.drain().finally(() => {
      this.draining = undefined;
      this.kick();
    });
  }

  /** Settles once the files reported so far and the last publishAll are published (tests measure a quiet host). */
  async idle(): Promise<void> {
    for (;;) {
      const draining = this.draining;
      const publishing = this.publishing;
      await Promise.all([draining, publishing]);
      if (draining === this.draining && publishing === this.publishing) return;
    }
  }

  private async drain(): Promise<void> {
    try {
      // Not in the turn that reported the files: the views rebuild in it.
      await yieldToEventLoop();
      let sliceStart = Date.now();
      for (const [key, uri] of this.queued) {
        this.queued.delete(key);
        this.publishFile(uri);
        if (Date.now() - sliceStart > SLICE_MS) {
          await yieldToEventLoop();
          sliceStart = Date.now();
        }
      }
    } catch (e) {
      this.lens.log.error(`ATT&CK workspace diagnostics failed: ${(e as Error)?.stack ?? String(e)}`);
    }
  }

  /** One file from the store (a document just closed, or re-read from disk). */
  publishFile(uri: vscode.Uri): void {
    const key = uri.toString();
    if (!this.enabled || this.sink.isOpen(uri)) {
      this.shown.delete(key);
      return;
    }
    const findings = this.store.file(uri) ? this.findingsOf(key) : [];
    const capped = !this.shown.has(key) && this.shown.size >= this.cap;
    if (!findings.length || capped) {
      if (this.shown.delete(key)) this.sink.clear(uri);
      return;
    }
    if (this.sink.publish(uri, findings) > 0) this.shown.add(key);
    else this.shown.delete(key);
  }

  /** The document is open now: its own diagnostics replace the store's. */
  forget(uri: vscode.Uri): void {
    this.shown.delete(uri.toString());
  }

  private findingsOf(path: string): readonly Finding[] {
    const file = this.store.file(this.store.uriOf(path));
    if (!file) return [];
    // The store replaces a file's parse when it re-reads it, and rescans when the data changes: a parse's findings stay good.
    const cached = this.checked.get(file);
    if (cached && cached.index === this.lens.index) return cached.findings;
    try {
      // No text: the messages and ranges come from the parse; the fixes (which need the lines) are the open document's.
      // A large file was checked on the worker thread with its parse.
      const findings = this.lens.parsing.findingsFromScan(file, this.lens.index) ?? checkRuleFile(file, '', this.lens.index);
      this.checked.set(file, { index: this.lens.index, findings });
      return findings;
    } catch (e) {
      this.lens.log.error(`ATT&CK checks failed for ${path}: ${(e as Error)?.stack ?? String(e)}`);
      return [];
    }
  }

  private announceCap(leftOut: number, shown: number): void {
    const was = this.leftOut;
    this.leftOut = leftOut;
    if (!leftOut || was) return;
    const message = `ATT&CK Lens lists the findings of ${shown.toLocaleString('en-US')} rule files in the Problems panel and left out ${leftOut.toLocaleString('en-US')} more (at most ${this.cap.toLocaleString('en-US')} files; attackLens.diagnostics.scope). Open a file to see its findings, or run Check rules against ATT&CK.`;
    this.lens.log.info(message);
    void vscode.window.showInformationMessage(noticeText(message), 'Open Setting').then((choice) => {
      if (choice) void vscode.commands.executeCommand('workbench.action.openSettings', 'attackLens.diagnostics.scope');
    });
  }

  dispose(): void {
    this.queued.clear();
    this.subscription.dispose();
  }
}
