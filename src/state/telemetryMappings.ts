import * as vscode from 'vscode';
import { LensContext } from '../context';
import { mergeMappings, readMappings, shippedMappings, TelemetryMappings } from '../coverage/telemetry';
import { parseJsoncText } from '../core/jsonc';
import { noticeText } from '../outsideText';
import { DataFileRefusal, MAX_SMALL_DATA_FILE_BYTES, readDataText } from '../workspace/readDataFile';
import { settingUri } from '../workspace/settingPath';

// The one owner of the telemetry mappings the editor uses: the shipped file plus
// attackLens.telemetry.mappings (inline entries, or a mappings file read through workspace.fs).
// Until the setting's file is read, and whenever it cannot be, the shipped mappings stay in use;
// a problem is logged and shown once per distinct message.

export class TelemetryMappingsState implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when the setting's mappings were (re)read. */
  readonly onDidChange = this.changed.event;
  private mappings: TelemetryMappings = shippedMappings();
  private warned?: string;
  private generation = 0;
  private readonly disposables: vscode.Disposable[];
  /** Settles once the setting's mappings are read (the first time). */
  readonly ready: Promise<void>;

  constructor(private readonly lens: LensContext) {
    this.disposables = [
      this.changed,
      lens.config.onDidChange((affects) => {
        if (affects('telemetry.mappings')) void this.reload();
      }),
    ];
    this.ready = this.reload();
  }

  /** The shipped mappings with the user's on top. */
  get current(): TelemetryMappings {
    return this.mappings;
  }

  private async reload(): Promise<void> {
    const generation = ++this.generation;
    const setting = this.lens.config.telemetryMappings;
    let value: unknown = setting.inline;
    let source = 'attackLens.telemetry.mappings';
    const problems: string[] = [];
    if (setting.file) {
      const uri = settingUri(setting.file);
      source = `attackLens.telemetry.mappings (${uri.scheme === 'file' ? uri.fsPath : uri.toString(true)})`;
      try {
        const text = await readDataText(uri, MAX_SMALL_DATA_FILE_BYTES);
        const parsed = parseJsoncText(text);
        if ('error' in parsed) problems.push(`${source}: ${parsed.error}`);
        else value = parsed.value;
      } catch (e) {
        problems.push(`${source}: ${e instanceof DataFileRefusal ? e.message : 'cannot be read'}${e instanceof DataFileRefusal ? '' : ` (${(e as Error).message})`}`);
      }
    }
    if (generation !== this.generation) return;
    let next = shippedMappings();
    if (value !== undefined && !problems.length) {
      const read = readMappings(value, source);
      problems.push(...read.problems);
      next = mergeMappings(next, read.mappings);
    }
    this.warn(problems);
    const had = this.mappings;
    this.mappings = next;
    if (had !== next) this.changed.fire();
  }

  private warn(problems: readonly string[]): void {
    if (!problems.length) return;
    const message = problems.slice(0, 3).join('; ') + (problems.length > 3 ? `; and ${problems.length - 3} more` : '');
    for (const p of problems) this.lens.log.warn(p);
    if (message === this.warned) return;
    this.warned = message;
    void vscode.window.showWarningMessage(noticeText(`ATT&CK Lens: ${message}; the shipped mappings are used for it.`), 'Open Settings').then((choice) => {
      if (choice) void vscode.commands.executeCommand('workbench.action.openSettings', 'attackLens.telemetry.mappings');
    });
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
