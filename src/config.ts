import * as vscode from 'vscode';
import { Domain } from './attack/types';
import { httpBaseUrl } from './attack/ids';
import { clip, noticeText } from './outsideText';
import { compileIdPattern } from './rules/idPattern';
import { Severity, severityFor } from './checks/severity';
import { FileTreatment } from './rules/fileTreatment';
import { RESTRICTED_SETTINGS, RestrictedSetting, SECTION } from './restrictedSettings';

// Every attackLens.* setting, read in one place with its default. Features ask Config, never
// vscode.workspace.getConfiguration directly, so names and defaults live only here and in package.json.

export { SEVERITIES, type Severity } from './checks/severity';
export type { FileTreatment } from './rules/fileTreatment';

export interface ThreatProfileSetting {
  readonly name?: string;
  readonly actors?: readonly string[];
  readonly techniques?: Readonly<Record<string, number>>;
  readonly source?: string;
}

export { SECTION, RESTRICTED_SETTINGS, type RestrictedSetting } from './restrictedSettings';

export const DEFAULT_SITE_BASE_URL = 'https://attack.mitre.org';

function positive(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : fallback;
}

export class Config {
  private get raw(): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration(SECTION);
  }

  /**
   * A restricted setting: in an untrusted workspace only the user's or the default value counts.
   * code-server 4.100 hides such workspace values itself once package.json declares the capability,
   * but not for an extension without it (one under development, or a manifest that loses the list),
   * so this does not depend on it: a workspace or folder value that gets through is still ignored.
   */
  private restricted<T>(key: RestrictedSetting, fallback: T): T {
    if (vscode.workspace.isTrusted) return this.raw.get<T>(key, fallback);
    const i = this.raw.inspect<T>(key);
    return i?.globalValue ?? i?.defaultValue ?? fallback;
  }

  get stixBundles(): readonly string[] {
    const value = this.restricted<unknown>('stixBundles', []);
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  }
  get updateBaseUrl(): string {
    return this.restricted<string>('updateBaseUrl', 'https://raw.githubusercontent.com/mitre-attack/attack-stix-data/master');
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
  /** attackLens.siteBaseUrl when it is an http(s) URL; otherwise the default, with one warning per bad value. */
  get siteBaseUrl(): string {
    const value = this.restricted<unknown>('siteBaseUrl', DEFAULT_SITE_BASE_URL);
    const base = httpBaseUrl(value);
    if (base) return base;
    const shown = typeof value === 'string' ? value : JSON.stringify(value);
    if (this.rejectedSiteBase !== shown) {
      this.rejectedSiteBase = shown;
      void vscode.window.showWarningMessage(noticeText(`ATT&CK Lens: attackLens.siteBaseUrl must be an http or https URL; “${clip(shown)}” is ignored and ${DEFAULT_SITE_BASE_URL} is used.`));
    }
    return DEFAULT_SITE_BASE_URL;
  }
  private rejectedSiteBase?: string;
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
    const value = this.restricted<unknown>('generic.idPattern', '');
    return typeof value === 'string' ? value : '';
  }
  /**
   * attackLens.generic.idPattern compiled, or undefined for the built-in pattern: when it is empty,
   * not a regular expression, or one that could hang the host (src/rules/idPattern.ts). A refused
   * pattern gets one warning naming the setting.
   */
  get genericIdRegExp(): RegExp | undefined {
    const source = this.genericIdPattern;
    if (!source) return undefined;
    if (this.idPattern?.source !== source) {
      const result = compileIdPattern(source);
      this.idPattern = { source, re: 're' in result ? result.re : undefined };
      if ('error' in result) {
        const message = `ATT&CK Lens: attackLens.generic.idPattern “${clip(source)}” ${result.error}; the built-in ID pattern is used instead.`;
        void vscode.window.showWarningMessage(noticeText(message), 'Open Settings').then((choice) => {
          if (choice) void vscode.commands.executeCommand('workbench.action.openSettings', `${SECTION}.generic.idPattern`);
        });
      }
    }
    return this.idPattern.re;
  }
  private idPattern?: { readonly source: string; readonly re?: RegExp };
  get coverageExclude(): readonly string[] {
    return this.raw.get<string[]>('coverage.exclude', []);
  }
  get includeDeprecatedRules(): boolean {
    return this.raw.get<boolean>('coverage.includeDeprecatedRules', false);
  }
  /** Severity for a diagnostic code, or the fallback when the user has not overridden it or wrote something else ("warn", "Error"). */
  severity(code: string, fallback: Severity): Severity {
    return severityFor(this.raw.get<unknown>('diagnostics.severity', {}), code, fallback);
  }
  get threatProfile(): ThreatProfileSetting {
    return this.raw.get<ThreatProfileSetting>('threatProfile', {});
  }
  get atomicsIndex(): string {
    const value = this.restricted<unknown>('atomicsIndex', '');
    return typeof value === 'string' ? value : '';
  }

  /**
   * Fires when any attackLens.* setting changes; `affects('hover.fullDescription')` narrows it.
   * Granting workspace trust counts as a change of the restricted settings whose value it changes
   * (their workspace values start to apply); VS Code may report the same change itself, so each
   * listener compares against the restricted values it last saw and hears of a change once.
   */
  onDidChange(listener: (affects: (key: string) => boolean) => void): vscode.Disposable {
    let seen = this.restrictedSnapshot();
    const changedRestricted = (): ((key: string) => boolean) => {
      const now = this.restrictedSnapshot();
      const changed = new Set(RESTRICTED_SETTINGS.filter((k) => now.get(k) !== seen.get(k)));
      seen = now;
      return (key) => changed.has(key as RestrictedSetting);
    };
    const onConfig = vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration(SECTION)) return;
      const restrictedChanged = changedRestricted();
      listener((key) => ((RESTRICTED_SETTINGS as readonly string[]).includes(key) ? restrictedChanged(key) : e.affectsConfiguration(`${SECTION}.${key}`)));
    });
    const onTrust = vscode.workspace.onDidGrantWorkspaceTrust(() => {
      const restrictedChanged = changedRestricted();
      if (RESTRICTED_SETTINGS.some(restrictedChanged)) listener(restrictedChanged);
    });
    return vscode.Disposable.from(onConfig, onTrust);
  }

  private restrictedSnapshot(): Map<RestrictedSetting, string> {
    const raw = this.raw;
    const trusted = vscode.workspace.isTrusted;
    return new Map(
      RESTRICTED_SETTINGS.map((k) => {
        const i = raw.inspect(k);
        return [k, JSON.stringify(trusted ? raw.get(k) : (i?.globalValue ?? i?.defaultValue)) ?? ''];
      }),
    );
  }
}
