import type { Uri } from 'vscode';
import { Domain } from './attack/types';
import { httpBaseUrl } from './attack/ids';
import { clip, noticeText } from './outsideText';
import { compileIdPattern } from './rules/idPattern';
import { LATEST, parseAttackVersion } from './attack/versions';
import { Severity, severityFor } from './checks/severity';
import { FileTreatment } from './rules/fileTreatment';
import { RESTRICTED_SETTINGS, RestrictedSetting, SECTION } from './restrictedSettings';
import { readStrengthWeights, StrengthWeights } from './coverage/strength';

// Every setting the extension reads or writes, in one place with its default. Features ask Config,
// never vscode.workspace.getConfiguration (an ESLint rule keeps it so): names and defaults live
// only here and in package.json. Config reads through a ConfigSource, which src/configSource.ts
// builds on VS Code and unit tests fake, so this file needs no `vscode` at run time.

export type { Severity } from './checks/severity';
export type { FileTreatment } from './rules/fileTreatment';

export interface ThreatProfileSetting {
  readonly name?: string;
  readonly actors?: readonly string[];
  readonly techniques?: Readonly<Record<string, number>>;
  readonly source?: string;
}

const DEFAULT_SITE_BASE_URL = 'https://attack.mitre.org';
const DEFAULT_UPDATE_BASE_URL = 'https://raw.githubusercontent.com/mitre-attack/attack-stix-data/master';

/** The attackLens.* settings (package.json `contributes.configuration`), by key without the section. @internal Exported for the test that keeps it equal to package.json's settings. */
export const SETTING_KEYS = [
  'stixBundles',
  'attackVersion',
  'updateBaseUrl',
  'update.sha256',
  'update.maxDownloadMB',
  'update.timeoutSeconds',
  'siteBaseUrl',
  'domains',
  'platforms',
  'hover.fullDescription',
  'files',
  'generic.idPattern',
  'coverage.exclude',
  'coverage.includeDeprecatedRules',
  'coverage.strengthWeights',
  'diagnostics.severity',
  'diagnostics.scope',
  'threatProfile',
  'telemetry',
  'atomicsIndex',
  'telemetry.mappings',
] as const;
export type SettingKey = (typeof SETTING_KEYS)[number];
/** The editor's own settings whose changes Config reports (onDidChangeEditorSetting). */
type EditorSettingKey = 'files.exclude' | 'search.followSymlinks' | 'files.associations';

/** The settings Config writes, with the value each takes (undefined removes it). */
export interface WritableSettings {
  readonly threatProfile: Readonly<Record<string, unknown>>;
  readonly attackVersion: string;
  readonly telemetry: Readonly<Record<string, unknown>>;
  readonly domains: readonly Domain[];
  readonly platforms: readonly string[];
}

/** Where a value is written: the workspace, the user settings, or the workspace when a folder is open and the user settings otherwise. */
export type SettingTarget = 'workspace' | 'user' | 'workspaceIfOpen';

/** The values of one setting at each level, as VS Code's `inspect` reports them. */
export interface SettingLevels<T> {
  readonly defaultValue?: T;
  readonly globalValue?: T;
  readonly workspaceValue?: T;
  readonly workspaceFolderValue?: T;
}

export interface Disposable {
  dispose(): void;
}

/** A setting's path value and the folder a relative one is read against (undefined: no folder open). */
export interface SettingPath {
  readonly path: string;
  readonly base?: Uri;
}

/** Is this `attackLens.*` setting (for this resource, when given) part of the change? */
export type Affects = (key: SettingKey, resource?: Uri) => boolean;

/**
 * What Config reads settings from: VS Code's configuration (src/configSource.ts), or a fake in
 * unit tests. `section` is `attackLens` or another extension's / the editor's (`files`, `search`).
 */
export interface ConfigSource {
  get<T>(section: string, key: string, resource?: Uri): T | undefined;
  inspect<T>(section: string, key: string, resource?: Uri): SettingLevels<T> | undefined;
  update(section: string, key: string, value: unknown, target: 'workspace' | 'user'): PromiseLike<void>;
  readonly isTrusted: boolean;
  readonly hasWorkspaceFolder: boolean;
  /** The workspace folder a resource belongs to, or the first one for a workspace-wide value (no resource). */
  folderOf(resource: Uri | undefined): Uri | undefined;
  /** The user's home folder, for `~` in setting paths. */
  readonly home: string | undefined;
  onDidChange(listener: (affects: (qualifiedKey: string, resource?: Uri) => boolean) => void): Disposable;
  onDidGrantTrust(listener: () => void): Disposable;
  /** Shows a warning, with a button that opens `setting` when one is named. */
  warn(message: string, setting?: string): void;
}

function positive(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : fallback;
}

function strings(value: unknown): readonly string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** `~` and `~/…` (or `~\…`) spelled out with the home folder; other paths as written. */
function expandHome(p: string, home: string | undefined): string {
  if (!home || !/^~(?:$|[\\/])/.test(p)) return p;
  return home.replace(/[\\/]+$/, '') + p.slice(1);
}

/** Warnings Config shows once per bad value, shared by the workspace-wide and every per-folder view. */
interface WarnedValues {
  siteBase?: string;
  attackVersion?: string;
  strengthWeights?: string;
  idPattern?: { readonly source: string; readonly re?: RegExp };
}

/**
 * The settings as they apply to one resource (a file or folder: its workspace folder's values
 * override the workspace's), or to the workspace as a whole. Settings with `window` or
 * `application` scope have one value however they are asked for.
 */
export class Settings {
  constructor(
    protected readonly source: ConfigSource,
    protected readonly resource: Uri | undefined,
    protected readonly warned: WarnedValues,
  ) {}

  private get<T>(key: SettingKey): T | undefined {
    return this.source.get<T>(SECTION, key, this.resource);
  }

  /**
   * A restricted setting: in an untrusted workspace only the user's or the default value counts.
   * code-server 4.100 hides such workspace values itself once package.json declares the capability,
   * but not for an extension without it (one under development, or a manifest that loses the list),
   * so this does not depend on it: a workspace or folder value that gets through is still ignored.
   */
  private restricted(key: RestrictedSetting): unknown {
    if (this.source.isTrusted) return this.get<unknown>(key);
    const i = this.source.inspect<unknown>(SECTION, key, this.resource);
    return i?.globalValue ?? i?.defaultValue;
  }

  get stixBundles(): readonly string[] {
    return strings(this.restricted('stixBundles'));
  }
  /** attackLens.stixBundles, each with the folder it is relative to (src/workspace/settingPath.ts turns them into URIs). */
  get stixBundlePaths(): readonly SettingPath[] {
    return this.stixBundles.map((p) => this.settingPath('stixBundles', p));
  }
  /** attackLens.attackVersion: "latest" or a release number; anything else means "latest", with one warning per bad value. */
  get attackVersion(): string {
    const value = this.get<unknown>('attackVersion');
    const version = parseAttackVersion(value);
    if (version !== undefined) return version;
    const shown = typeof value === 'string' ? value : JSON.stringify(value);
    if (this.warned.attackVersion !== shown) {
      this.warned.attackVersion = shown;
      this.source.warn(noticeText(`ATT&CK Lens: attackLens.attackVersion must be "latest" or a release number such as "18.1"; “${clip(shown)}” is ignored and the newest data is used.`), `${SECTION}.attackVersion`);
    }
    return LATEST;
  }
  get updateBaseUrl(): string {
    const value = this.restricted('updateBaseUrl');
    return typeof value === 'string' ? value : DEFAULT_UPDATE_BASE_URL;
  }
  /** attackLens.update.sha256 as written (file name → digest); parseUserDigests validates it. */
  get updateSha256(): unknown {
    return this.get<unknown>('update.sha256') ?? {};
  }
  /** attackLens.update.maxDownloadMB in bytes; anything but a positive number means the default (200 MB). */
  get updateMaxDownloadBytes(): number {
    return positive(this.get<unknown>('update.maxDownloadMB'), 200) * 1_000_000;
  }
  /** attackLens.update.timeoutSeconds in milliseconds; anything but a positive number means the default (120 s). */
  get updateTimeoutMs(): number {
    return positive(this.get<unknown>('update.timeoutSeconds'), 120) * 1000;
  }
  /** attackLens.siteBaseUrl when it is an http(s) URL; otherwise the default, with one warning per bad value. */
  get siteBaseUrl(): string {
    const value = this.restricted('siteBaseUrl') ?? DEFAULT_SITE_BASE_URL;
    const base = httpBaseUrl(value);
    if (base) return base;
    const shown = typeof value === 'string' ? value : JSON.stringify(value);
    if (this.warned.siteBase !== shown) {
      this.warned.siteBase = shown;
      this.source.warn(noticeText(`ATT&CK Lens: attackLens.siteBaseUrl must be an http or https URL; “${clip(shown)}” is ignored and ${DEFAULT_SITE_BASE_URL} is used.`));
    }
    return DEFAULT_SITE_BASE_URL;
  }
  get domains(): readonly Domain[] {
    return this.get<Domain[]>('domains') ?? ['enterprise-attack'];
  }
  get platforms(): readonly string[] {
    return this.get<string[]>('platforms') ?? [];
  }
  get hoverFullDescription(): boolean {
    return this.get<boolean>('hover.fullDescription') ?? false;
  }
  get files(): Readonly<Record<string, FileTreatment>> {
    return this.get<Record<string, FileTreatment>>('files') ?? {};
  }
  get genericIdPattern(): string {
    const value = this.restricted('generic.idPattern');
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
    if (this.warned.idPattern?.source !== source) {
      const result = compileIdPattern(source);
      this.warned.idPattern = { source, re: 're' in result ? result.re : undefined };
      if ('error' in result) {
        this.source.warn(noticeText(`ATT&CK Lens: attackLens.generic.idPattern “${clip(source)}” ${result.error}; the built-in ID pattern is used instead.`), `${SECTION}.generic.idPattern`);
      }
    }
    return this.warned.idPattern.re;
  }
  get coverageExclude(): readonly string[] {
    return this.get<string[]>('coverage.exclude') ?? [];
  }
  get includeDeprecatedRules(): boolean {
    return this.get<boolean>('coverage.includeDeprecatedRules') ?? false;
  }
  /** attackLens.coverage.strengthWeights over the defaults (src/coverage/strength.ts); bad fields keep theirs, with one warning per value. */
  get strengthWeights(): StrengthWeights {
    const value = this.get<unknown>('coverage.strengthWeights');
    const { weights, problems } = readStrengthWeights(value);
    const shown = JSON.stringify(value) ?? '';
    if (problems.length && this.warned.strengthWeights !== shown) {
      this.warned.strengthWeights = shown;
      this.source.warn(noticeText(`ATT&CK Lens: attackLens.coverage.strengthWeights: ${clip(problems.join('; '))}; the default is used for those.`), `${SECTION}.coverage.strengthWeights`);
    }
    return weights;
  }
  /**
   * attackLens.telemetry.mappings: entries (`"<format>:<value>": ["DC0032"]`) to read with
   * readMappings (src/coverage/telemetry.ts), or a mappings file with the folder it is relative to.
   * A file path is restricted: in an untrusted workspace only the user's value counts.
   */
  get telemetryMappings(): { readonly inline?: Readonly<Record<string, unknown>>; readonly file?: SettingPath } {
    const value = this.restricted('telemetry.mappings');
    if (typeof value === 'string') return value.trim() ? { file: this.settingPath('telemetry.mappings', value.trim()) } : {};
    if (value && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length) return { inline: value as Record<string, unknown> };
    return {};
  }
  /** Severity for a diagnostic code, or the fallback when the user has not overridden it or wrote something else ("warn", "Error"). */
  severity(code: string, fallback: Severity): Severity {
    return severityFor(this.get<unknown>('diagnostics.severity'), code, fallback);
  }
  /** attackLens.diagnostics.scope: every rule file the store read (the default), or only open documents. */
  get diagnosticsScope(): 'workspace' | 'openFiles' {
    return this.get<unknown>('diagnostics.scope') === 'openFiles' ? 'openFiles' : 'workspace';
  }
  get threatProfile(): ThreatProfileSetting {
    return this.get<ThreatProfileSetting>('threatProfile') ?? {};
  }
  /** attackLens.telemetry as written (src/coverage/telemetryProfile.ts reads it); `{}` when unset. */
  get telemetry(): Readonly<Record<string, unknown>> {
    const value = this.get<unknown>('telemetry');
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  }
  get atomicsIndex(): string {
    const value = this.restricted('atomicsIndex');
    return typeof value === 'string' ? value : '';
  }
  /** attackLens.atomicsIndex with the folder it is relative to; undefined when unset. */
  get atomicsIndexPath(): SettingPath | undefined {
    const value = this.atomicsIndex.trim();
    return value ? this.settingPath('atomicsIndex', value) : undefined;
  }
  /** The editor's `files.exclude` (glob → enabled) for this resource. */
  get filesExclude(): Readonly<Record<string, unknown>> {
    return this.source.get<Record<string, unknown>>('files', 'exclude', this.resource) ?? {};
  }
  /** The editor's `search.followSymlinks`. */
  get followSymlinks(): boolean {
    return this.source.get<boolean>('search', 'followSymlinks', this.resource) ?? true;
  }

  /**
   * A path setting's value, `~` expanded, with the folder it is relative to: the workspace folder
   * whose settings set it, else (a workspace or user value) the first workspace folder.
   */
  private settingPath(key: 'stixBundles' | 'atomicsIndex' | 'telemetry.mappings', value: string): SettingPath {
    const levels = this.source.isTrusted ? this.source.inspect<unknown>(SECTION, key, this.resource) : undefined;
    const fromFolder = this.resource !== undefined && levels?.workspaceFolderValue !== undefined;
    const base = (fromFolder ? this.source.folderOf(this.resource) : undefined) ?? this.source.folderOf(undefined);
    return { path: expandHome(value, this.source.home), base };
  }
}

/**
 * The workspace's settings (the getters of Settings, for the workspace as a whole), the
 * per-folder view (`for(uri)`), change events and the writes.
 */
export class Config extends Settings {
  constructor(source: ConfigSource) {
    super(source, undefined, {});
  }

  /** The settings as they apply to a file or folder: its workspace folder's values win (multi-root workspaces). */
  for(resource: Uri | undefined): Settings {
    return resource ? new Settings(this.source, resource, this.warned) : this;
  }
  /** A path given to a command (a layer file): `~` expanded, relative to the first workspace folder. */
  pathInWorkspace(path: string): SettingPath {
    return { path: expandHome(path, this.source.home), base: this.source.folderOf(undefined) };
  }

  /** The values of a setting at each level (default, user, workspace, and the resource's folder). */
  inspect<T>(key: SettingKey, resource?: Uri): SettingLevels<T> | undefined {
    return this.source.inspect<T>(SECTION, key, resource);
  }

  /** Writes a setting; `undefined` removes it from that level. */
  async update<K extends keyof WritableSettings>(key: K, value: WritableSettings[K] | undefined, target: SettingTarget): Promise<'workspace' | 'user'> {
    const where = target === 'workspaceIfOpen' ? (this.source.hasWorkspaceFolder ? 'workspace' : 'user') : target;
    await this.source.update(SECTION, key, value, where);
    return where;
  }

  /**
   * Fires when any attackLens.* setting changes; `affects('hover.fullDescription', uri?)` narrows it.
   * Granting workspace trust counts as a change of the restricted settings whose value it changes
   * (their workspace values start to apply); VS Code may report the same change itself, so each
   * listener compares against the restricted values it last saw and hears of a change once.
   */
  onDidChange(listener: (affects: Affects) => void): Disposable {
    let seen = this.restrictedSnapshot();
    const changedRestricted = (): ((key: string) => boolean) => {
      const now = this.restrictedSnapshot();
      const changed = new Set(RESTRICTED_SETTINGS.filter((k) => now.get(k) !== seen.get(k)));
      seen = now;
      return (key) => changed.has(key as RestrictedSetting);
    };
    const onConfig = this.source.onDidChange((affects) => {
      if (!affects(SECTION)) return;
      const restrictedChanged = changedRestricted();
      listener((key, resource) => ((RESTRICTED_SETTINGS as readonly string[]).includes(key) ? restrictedChanged(key) : affects(`${SECTION}.${key}`, resource)));
    });
    const onTrust = this.source.onDidGrantTrust(() => {
      const restrictedChanged = changedRestricted();
      if (RESTRICTED_SETTINGS.some(restrictedChanged)) listener(restrictedChanged);
    });
    return {
      dispose: () => {
        onConfig.dispose();
        onTrust.dispose();
      },
    };
  }

  /** Fires when one of the editor's own settings the extension follows changes: the two it reads, or `files.associations` (a document's language). */
  onDidChangeEditorSetting(keys: readonly EditorSettingKey[], listener: () => void): Disposable {
    return this.source.onDidChange((affects) => {
      if (keys.some((k) => affects(k))) listener();
    });
  }

  private restrictedSnapshot(): Map<RestrictedSetting, string> {
    const trusted = this.source.isTrusted;
    return new Map(
      RESTRICTED_SETTINGS.map((k) => {
        const i = this.source.inspect<unknown>(SECTION, k);
        return [k, JSON.stringify(trusted ? this.source.get(SECTION, k) : (i?.globalValue ?? i?.defaultValue)) ?? ''];
      }),
    );
  }
}
