import * as vscode from 'vscode';

// The rule scan's progress in the status bar: "$(sync~spin) ATT&CK rules 1200/3140". Unlike a
// window progress indicator it can be clicked, and a click cancels the scan (the command is
// attackLens.cancelCoverageScan). The context key attackLens.coverage.scanning is true meanwhile.

export const CANCEL_SCAN_COMMAND = 'attackLens.cancelCoverageScan';

/**
 * Shortest time between two progress texts. Each change is a message to the workbench and a
 * repaint there, and the workbench also answers the scan's file reads: in code-server, updating
 * once per batch made SigmaHQ's first scan take a median 1.8 s against 1.56 s (six runs each).
 */
const PROGRESS_INTERVAL_MS = 250;

/** Passes on at most one value per PROGRESS_INTERVAL_MS; a value that comes too soon waits for the interval's end, unless a newer one replaces it. */
class Throttled<T> {
  private shownAt = 0;
  private pending?: ReturnType<typeof setTimeout>;

  constructor(private readonly show: (value: T) => void) {}

  push(value: T): void {
    this.cancel();
    const now = () => {
      this.pending = undefined;
      this.shownAt = Date.now();
      this.show(value);
    };
    const wait = this.shownAt + PROGRESS_INTERVAL_MS - Date.now();
    if (wait <= 0) now();
    else this.pending = setTimeout(now, wait);
  }

  cancel(): void {
    if (this.pending) clearTimeout(this.pending);
    this.pending = undefined;
  }
}

export class ScanStatus implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('attackLens.coverageScan', vscode.StatusBarAlignment.Left, 10);
  private active = 0;
  private readonly progress = new Throttled<string>((text) => (this.item.text = text));

  constructor() {
    this.item.name = 'ATT&CK Lens rule scan';
    this.item.command = { command: CANCEL_SCAN_COMMAND, title: 'Cancel the rule scan' };
    this.item.tooltip = 'ATT&CK Lens is reading the workspace\'s rule files for coverage. Click to cancel.';
  }

  /** Shows the item; returns a function that hides it again (scans may overlap while one is cancelled). */
  begin(): () => void {
    this.active++;
    this.progress.cancel();
    this.item.text = '$(sync~spin) ATT&CK rules';
    this.item.show();
    void vscode.commands.executeCommand('setContext', 'attackLens.coverage.scanning', true);
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      if (--this.active > 0) return;
      this.progress.cancel();
      this.item.hide();
      void vscode.commands.executeCommand('setContext', 'attackLens.coverage.scanning', false);
    };
  }

  /** Shows how far the scan is, at most once per PROGRESS_INTERVAL_MS (the last report is shown when the interval ends). */
  report(done: number, total: number): void {
    this.progress.push(`$(sync~spin) ATT&CK rules ${done}/${total}`);
  }

  /** A notification with a progress bar and a Cancel button, for scans long enough to deserve one. */
  notify(total: number, onCancel: () => void): { report(done: number): void; close(): void } {
    let close = () => {};
    let report = (_done: number) => {};
    const finished = new Promise<void>((resolve) => (close = resolve));
    void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `ATT&CK Lens: reading ${total} rule files`, cancellable: true }, (progress, token) => {
      token.onCancellationRequested(onCancel);
      let last = 0;
      // Throttled as the status bar text is: each report is a message to the workbench too.
      const bar = new Throttled<number>((done) => {
        progress.report({ increment: ((done - last) / total) * 100 });
        last = done;
      });
      report = (done) => bar.push(done);
      void finished.then(() => bar.cancel());
      return finished;
    });
    return { report: (done) => report(done), close: () => close() };
  }

  /** What the status bar shows now (tests). */
  get text(): string | undefined {
    return this.active > 0 ? this.item.text : undefined;
  }

  dispose(): void {
    this.progress.cancel();
    this.item.dispose();
  }
}
