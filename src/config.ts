import * as vscode from 'vscode';
import { Domain } from './attack/types';

// Every attackLens.* setting, read in one place with its default. Features ask Config, never
// vscode.workspace.getConfiguration directly, so names and defaults live only here and in package.json.

export const SEVERITIES = ['error', 'warning', 'information', 'hint', 'off'] as const;
export type Severity = (typeof SEVERITIES)[number];
export type FileTreatment = 'auto' | 'sigma' | 'splunk' | 'elastic' | 'sentinel' | 'yaral' | 'generic' | 'off';

export interface ThreatProfileSetting {
  readonly name?: string;
  readonly actors?: readonly string[];
  readonly techniques?: Readonly<Record<string, number>>;
  readonly source?: string;
}

export const SECTION = 'attackLens';

function positive(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : fallback;
}

export class Config {
  private get raw(): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration(SECTION);
  }

  get stixBundles(): readonly string[] {
    return this.raw.get<string[]>('stixBundles', []);
  }
  get updateBaseUrl(): string {
    return this.raw.get<string>('updateBaseUrl', 'https://raw.githubusercontent.com/mitre-attack/attack-stix-data/master');
  }
  /** attackLens.update.sha256 as written (file name → digest); parseUserDigests validates it. */
  get updateSha256(): unknown {
    return this.raw.get<unknown>('update.sha256', {});
  }
  /** attackLens.update.maxDownloadMB in bytes; anything but a positive number means the default (200 MB). */
  get updateMaxDownloadBytes(): number {
    return positive(this.raw.get<unknown>('update.maxDownloadMB'), 200) * 1_000_000;
  }
  /** attackLens.update.timeoutSeconds in milliseconds; anything but a positive number means the default (120 s). */
  get updateTimeoutMs(): number {
    return positive(this.raw.get<unknown>('update.timeoutSeconds'), 120) * 1000;
  }
  get siteBaseUrl(): string {
    return this.raw.get<string>('siteBaseUrl', 'https://attack.mitre.org');
  }
  get domains(): readonly Domain[] {
    return this.raw.get<Domain[]>('domains', ['enterprise-attack']);
  }
  get platforms(): readonly string[] {
    return this.raw.get<string[]>('platforms', []);
  }
  get hoverFullDescription(): boolean {
    return this.raw.get<boolean>('hover.fullDescription', false);
  }
  get files(): Readonly<Record<string, FileTreatment>> {
    return this.raw.get<Record<string, FileTreatment>>('files', {});
  }
  get genericIdPattern(): string {
    return this.raw.get<string>('generic.idPattern', '');
  }
  get coverageExclude(): readonly string[] {
    return this.raw.get<string[]>('coverage.exclude', []);
  }
  get includeDeprecatedRules(): boolean {
    return this.raw.get<boolean>('coverage.includeDeprecatedRules', false);
  }
  /** Severity for a diagnostic code, or the fallback when the user has not overridden it or wrote something else ("warn", "Error"). */
  severity(code: string, fallback: Severity): Severity {
    const overrides = this.raw.get<Record<string, unknown>>('diagnostics.severity', {});
    const value = overrides && Object.hasOwn(overrides, code) ? overrides[code] : undefined;
    return typeof value === 'string' && (SEVERITIES as readonly string[]).includes(value) ? (value as Severity) : fallback;
  }
  get threatProfile(): ThreatProfileSetting {
    return this.raw.get<ThreatProfileSetting>('threatProfile', {});
  }
  get atomicsIndex(): string {
    return this.raw.get<string>('atomicsIndex', '');
  }

  /** Fires when any attackLens.* setting changes; `affects('hover.fullDescription')` narrows it. */
  onDidChange(listener: (affects: (key: string) => boolean) => void): vscode.Disposable {
    return vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(SECTION)) listener((key) => e.affectsConfiguration(`${SECTION}.${key}`));
    });
  }
}
