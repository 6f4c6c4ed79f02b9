import * as vscode from 'vscode';
import { LensContext } from '../context';
import { allCollected, readTelemetryProfile, TelemetryProfile, TelemetryReading, telemetryReadingMessage } from '../coverage/telemetryProfile';
import { noticeText } from '../outsideText';

// The one owner of the telemetry profile: `attackLens.telemetry` (workspace settings, shared by
// the team) read against the loaded ATT&CK data, re-read when the setting or the data changes.
// Names the data does not know are logged and shown once per distinct message, naming them.

export class TelemetryProfileState implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when the setting or the ATT&CK data changed. */
  readonly onDidChange = this.changed.event;
  private cached?: TelemetryReading;
  private warned?: string;
  private readonly disposables: vscode.Disposable[];

  constructor(private readonly lens: LensContext) {
    this.disposables = [
      this.changed,
      lens.config.onDidChange((affects) => {
        if (affects('telemetry')) this.invalidate();
      }),
      lens.onDidChangeIndex(() => this.invalidate()),
    ];
  }

  /** The setting as read, with the names the loaded data does not know. */
  get reading(): TelemetryReading {
    if (this.cached) return this.cached;
    const reading = readTelemetryProfile(this.lens.config.telemetry, this.lens.index);
    this.cached = reading;
    const message = telemetryReadingMessage(reading, this.lens.index.versionLabel);
    if (message && message !== this.warned) {
      this.warned = message;
      this.lens.log.warn(`attackLens.telemetry: ${message}`);
      void vscode.window.showWarningMessage(noticeText(`ATT&CK Lens: attackLens.telemetry: ${message}; left out.`), 'Open Settings').then((choice) => {
        if (choice) void vscode.commands.executeCommand('workbench.action.openSettings', 'attackLens.telemetry');
      });
    }
    return reading;
  }

  /** Undefined when no telemetry is set: then no states are shown. */
  get profile(): TelemetryProfile | undefined {
    return this.reading.profile;
  }

  /** Every data component ID the profile collects (on any platform), sorted. */
  get collected(): readonly string[] {
    const p = this.profile;
    return p ? allCollected(p) : [];
  }

  private invalidate(): void {
    this.cached = undefined;
    this.changed.fire();
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
