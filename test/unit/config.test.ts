import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { Uri } from 'vscode';
import { Affects, Config, ConfigSource, SETTING_KEYS, SettingLevels } from '../../src/config';

// Config against a fake configuration source that layers values the way VS Code does: default,
// user, workspace, then the resource's workspace folder. Multi-root workspaces (per-folder values),
// Restricted Mode, typed change events, the path resolver's folder and `~`, and the writes.

const manifest = JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', '..', '..', 'package.json'), 'utf8'));
const properties = manifest.contributes.configuration.properties as Record<string, { scope?: string; default?: unknown }>;

/** A stand-in for vscode.Uri: Config only compares and prints resources. */
function uri(p: string): Uri {
  return { path: p, toString: () => `file://${p}` } as unknown as Uri;
}

type Level = 'globalValue' | 'workspaceValue';

class FakeSource implements ConfigSource {
  readonly levels = new Map<string, Record<string, unknown>>();
  readonly folderValues = new Map<string, Map<string, unknown>>();
  readonly warnings: string[] = [];
  readonly writes: string[] = [];
  isTrusted = true;
  hasWorkspaceFolder = true;
  home: string | undefined = '/home/analyst';
  private readonly changeListeners: ((affects: (key: string, resource?: Uri) => boolean) => void)[] = [];
  private readonly trustListeners: (() => void)[] = [];

  constructor(readonly folders: readonly Uri[]) {}

  set(level: Level, key: string, value: unknown): void {
    const l = this.levels.get(key) ?? {};
    l[level] = value;
    this.levels.set(key, l);
  }
  setInFolder(folder: Uri, key: string, value: unknown): void {
    const m = this.folderValues.get(folder.toString()) ?? new Map<string, unknown>();
    m.set(key, value);
    this.folderValues.set(folder.toString(), m);
  }

  folderOf(resource: Uri | undefined): Uri | undefined {
    if (!resource) return this.folders[0];
    return this.folders.find((f) => resource.path === f.path || resource.path.startsWith(f.path + '/'));
  }
  inspect<T>(section: string, key: string, resource?: Uri): SettingLevels<T> | undefined {
    const full = `${section}.${key}`;
    const l = this.levels.get(full) ?? {};
    const prop = properties[full];
    const folder = resource && this.folderOf(resource);
    const inFolder = folder && this.folderValues.get(folder.toString());
    return {
      defaultValue: prop?.default as T,
      globalValue: l.globalValue as T,
      workspaceValue: l.workspaceValue as T,
      workspaceFolderValue: inFolder?.has(full) ? (inFolder.get(full) as T) : undefined,
    };
  }
  get<T>(section: string, key: string, resource?: Uri): T | undefined {
    const i = this.inspect<T>(section, key, resource)!;
    // VS Code drops workspace and folder values of restricted settings in Restricted Mode only when
    // the manifest lists them; this fake never does, so Config must (its own guarantee).
    return i.workspaceFolderValue ?? i.workspaceValue ?? i.globalValue ?? i.defaultValue;
  }
  async update(section: string, key: string, value: unknown, target: 'workspace' | 'user'): Promise<void> {
    this.writes.push(`${target} ${section}.${key}=${JSON.stringify(value)}`);
    this.set(target === 'workspace' ? 'workspaceValue' : 'globalValue', `${section}.${key}`, value);
  }
  onDidChange(listener: (affects: (key: string, resource?: Uri) => boolean) => void) {
    this.changeListeners.push(listener);
    return { dispose: () => this.changeListeners.splice(this.changeListeners.indexOf(listener), 1) };
  }
  onDidGrantTrust(listener: () => void) {
    this.trustListeners.push(listener);
    return { dispose: () => this.trustListeners.splice(this.trustListeners.indexOf(listener), 1) };
  }
  warn(message: string): void {
    this.warnings.push(message);
  }

  /** A settings change of `changed` keys (qualified), optionally only in one folder's settings. */
  fireChange(changed: readonly string[], onlyFolder?: Uri): void {
    const affects = (key: string, resource?: Uri) => {
      const hit = changed.some((c) => c === key || c.startsWith(key + '.'));
      if (!hit) return false;
      if (!resource || !onlyFolder) return true;
      return this.folderOf(resource)?.toString() === onlyFolder.toString();
    };
    for (const l of [...this.changeListeners]) l(affects);
  }
  grantTrust(): void {
    this.isTrusted = true;
    for (const l of [...this.trustListeners]) l();
  }
}

const detections = uri('/work/detections');
const hunting = uri('/work/hunting');

function setup() {
  const source = new FakeSource([detections, hunting]);
  return { source, config: new Config(source) };
}

describe('Config', () => {
  it('knows every setting package.json declares, and each declares its scope', () => {
    const declared = Object.keys(properties).map((k) => k.replace(/^attackLens\./, ''));
    assert.deepStrictEqual([...SETTING_KEYS].sort(), declared.sort());
    const scopes = new Set(['application', 'machine', 'machine-overridable', 'window', 'resource', 'language-overridable']);
    for (const [key, p] of Object.entries(properties)) assert.ok(p.scope && scopes.has(p.scope), `${key} declares no valid scope (${p.scope})`);
    // Settings a workspace must not change for the user: where downloads come from and their limits.
    for (const key of ['updateBaseUrl', 'update.sha256', 'update.maxDownloadMB', 'update.timeoutSeconds']) assert.strictEqual(properties[`attackLens.${key}`].scope, 'application', key);
  });

  it('reads the defaults of package.json when nothing is set', () => {
    const { config } = setup();
    assert.deepStrictEqual(config.domains, ['enterprise-attack']);
    assert.deepStrictEqual(config.coverageExclude, ['**/node_modules/**', '**/.git/**']);
    assert.strictEqual(config.siteBaseUrl, 'https://attack.mitre.org');
    assert.strictEqual(config.updateMaxDownloadBytes, 200_000_000);
    assert.strictEqual(config.followSymlinks, true);
  });

  it('applies a workspace folder’s own values to its files and the workspace’s to the others (multi-root)', () => {
    const { source, config } = setup();
    source.set('workspaceValue', 'attackLens.files', { '**/*.yml': 'sigma' });
    source.setInFolder(hunting, 'attackLens.files', { '**/*.md': 'generic' });
    source.set('globalValue', 'attackLens.diagnostics.severity', { 'attack-lens/deprecated': 'error' });
    source.setInFolder(hunting, 'attackLens.diagnostics.severity', { 'attack-lens/deprecated': 'off' });
    source.setInFolder(hunting, 'attackLens.coverage.exclude', ['drafts/**']);

    const inDetections = config.for(uri('/work/detections/rules/a.yml'));
    const inHunting = config.for(uri('/work/hunting/notes/b.md'));
    assert.deepStrictEqual(inDetections.files, { '**/*.yml': 'sigma' });
    assert.deepStrictEqual(inHunting.files, { '**/*.md': 'generic' });
    assert.deepStrictEqual(config.files, { '**/*.yml': 'sigma' }, 'the workspace-wide value ignores folder settings');
    assert.strictEqual(inDetections.severity('attack-lens/deprecated', 'warning'), 'error');
    assert.strictEqual(inHunting.severity('attack-lens/deprecated', 'warning'), 'off');
    assert.strictEqual(inHunting.severity('attack-lens/missing-tactic', 'information'), 'information');
    assert.deepStrictEqual(inHunting.coverageExclude, ['drafts/**']);
    assert.deepStrictEqual(inDetections.coverageExclude, ['**/node_modules/**', '**/.git/**']);
    assert.strictEqual(config.for(undefined), config);
  });

  it('ignores workspace and folder values of restricted settings in an untrusted workspace, per folder too', () => {
    const { source, config } = setup();
    source.isTrusted = false;
    source.set('globalValue', 'attackLens.siteBaseUrl', 'https://attack.example.org');
    source.set('workspaceValue', 'attackLens.siteBaseUrl', 'https://evil.example.com');
    source.setInFolder(hunting, 'attackLens.siteBaseUrl', 'https://evil.example.net');
    source.set('workspaceValue', 'attackLens.stixBundles', ['evil.json']);
    source.setInFolder(hunting, 'attackLens.atomicsIndex', '/etc/passwd');
    source.set('workspaceValue', 'attackLens.domains', ['mobile-attack']);
    const inHunting = config.for(uri('/work/hunting/x.yml'));
    assert.strictEqual(config.siteBaseUrl, 'https://attack.example.org');
    assert.strictEqual(inHunting.siteBaseUrl, 'https://attack.example.org');
    assert.deepStrictEqual(config.stixBundles, []);
    assert.strictEqual(inHunting.atomicsIndex, '');
    assert.strictEqual(inHunting.atomicsIndexPath, undefined);
    assert.deepStrictEqual(config.domains, ['mobile-attack'], 'settings that are not restricted keep their workspace value');
    source.isTrusted = true;
    assert.strictEqual(inHunting.siteBaseUrl, 'https://evil.example.net');
  });

  it('resolves path settings: `~` is the home folder, a folder’s value is relative to that folder, others to the first folder', () => {
    const { source, config } = setup();
    source.set('workspaceValue', 'attackLens.stixBundles', ['~/attack/enterprise.json', 'data/ics.json', '/abs/mobile.json']);
    assert.deepStrictEqual(
      config.stixBundlePaths.map((p) => [p.path, p.base?.path]),
      [
        ['/home/analyst/attack/enterprise.json', '/work/detections'],
        ['data/ics.json', '/work/detections'],
        ['/abs/mobile.json', '/work/detections'],
      ],
    );
    source.set('globalValue', 'attackLens.atomicsIndex', 'atomics/Indexes/index.csv');
    assert.deepStrictEqual(config.for(uri('/work/hunting/x.yml')).atomicsIndexPath?.base?.path, '/work/detections', 'a user value is read against the first folder');
    source.setInFolder(hunting, 'attackLens.atomicsIndex', ' atomics/index.csv ');
    const fromFolder = config.for(uri('/work/hunting/x.yml')).atomicsIndexPath;
    assert.deepStrictEqual([fromFolder?.path, fromFolder?.base?.path], ['atomics/index.csv', '/work/hunting']);
    assert.deepStrictEqual(config.pathInWorkspace('~'), { path: '/home/analyst', base: detections });
  });

  it('expands only a leading `~` followed by a separator or nothing', () => {
    const expanded = (p: string, home: string | undefined) => {
      const source = new FakeSource([detections]);
      Object.assign(source, { home });
      return new Config(source).pathInWorkspace(p).path;
    };
    assert.strictEqual(expanded('~/a.json', '/home/u/'), '/home/u/a.json');
    assert.strictEqual(expanded('~\\a.json', 'C:\\Users\\u'), 'C:\\Users\\u\\a.json');
    assert.strictEqual(expanded('~other/a.json', '/home/u'), '~other/a.json');
    assert.strictEqual(expanded('a/~/b', '/home/u'), 'a/~/b');
    assert.strictEqual(expanded('~/a.json', undefined), '~/a.json');
  });

  it('change events name typed keys, and a folder’s change affects only that folder’s resources', () => {
    const { source, config } = setup();
    const heard: Affects[] = [];
    const listener = config.onDidChange((affects) => heard.push(affects));
    source.fireChange(['attackLens.files'], hunting);
    source.fireChange(['editor.fontSize']);
    assert.strictEqual(heard.length, 1, 'a change outside attackLens.* is not an attackLens change');
    const affects = heard[0];
    assert.strictEqual(affects('files'), true);
    assert.strictEqual(affects('files', uri('/work/hunting/r.yml')), true);
    assert.strictEqual(affects('files', uri('/work/detections/r.yml')), false);
    assert.strictEqual(affects('domains'), false);
    listener.dispose();
    source.fireChange(['attackLens.domains']);
    assert.strictEqual(heard.length, 1, 'a disposed listener hears nothing');
  });

  it('granting trust is a change of the restricted settings it changes, heard once', () => {
    const { source, config } = setup();
    source.isTrusted = false;
    source.set('workspaceValue', 'attackLens.siteBaseUrl', 'https://mirror.example.org');
    const heard: Affects[] = [];
    config.onDidChange((affects) => heard.push(affects));
    source.grantTrust();
    assert.strictEqual(heard.length, 1);
    assert.strictEqual(heard[0]('siteBaseUrl'), true);
    assert.strictEqual(heard[0]('stixBundles'), false);
    // VS Code may report the same values as a settings change afterwards: not a second change.
    source.fireChange(['attackLens.siteBaseUrl']);
    assert.strictEqual(heard.length, 2);
    assert.strictEqual(heard[1]('siteBaseUrl'), false);
  });

  it('the editor settings it reads have their own change event', () => {
    const { source, config } = setup();
    let heard = 0;
    config.onDidChangeEditorSetting(['files.exclude', 'search.followSymlinks'], () => heard++);
    source.fireChange(['files.exclude']);
    source.fireChange(['files.associations']);
    source.fireChange(['attackLens.files']);
    assert.strictEqual(heard, 1);
    source.set('workspaceValue', 'search.followSymlinks', false);
    assert.strictEqual(config.followSymlinks, false);
  });

  it('reports files.associations changes (diagnostics follow a document\'s language) to whoever asks for them', () => {
    const { source, config } = setup();
    let heard = 0;
    config.onDidChangeEditorSetting(['files.associations'], () => heard++);
    source.fireChange(['files.exclude']);
    source.fireChange(['attackLens.files']);
    assert.strictEqual(heard, 0);
    source.fireChange(['files.associations']);
    assert.strictEqual(heard, 1);
  });

  it('writes to the workspace when a folder is open and to the user settings otherwise', async () => {
    const { source, config } = setup();
    assert.strictEqual(await config.update('domains', ['ics-attack'], 'workspaceIfOpen'), 'workspace');
    assert.deepStrictEqual(config.domains, ['ics-attack']);
    source.hasWorkspaceFolder = false;
    assert.strictEqual(await config.update('threatProfile', { name: 'x', actors: ['G0016'] }, 'workspaceIfOpen'), 'user');
    assert.strictEqual(await config.update('platforms', undefined, 'workspace'), 'workspace');
    assert.deepStrictEqual(source.writes, ['workspace attackLens.domains=["ics-attack"]', 'user attackLens.threatProfile={"name":"x","actors":["G0016"]}', 'workspace attackLens.platforms=undefined']);
    assert.deepStrictEqual(config.inspect('threatProfile')?.globalValue, { name: 'x', actors: ['G0016'] });
  });

  it('warns once per refused value, whichever folder asked', () => {
    const { source, config } = setup();
    source.set('workspaceValue', 'attackLens.generic.idPattern', '(a+)+');
    assert.strictEqual(config.genericIdRegExp, undefined);
    assert.strictEqual(config.for(uri('/work/hunting/x.md')).genericIdRegExp, undefined);
    source.set('workspaceValue', 'attackLens.siteBaseUrl', 'javascript:alert(1)');
    assert.strictEqual(config.siteBaseUrl, 'https://attack.mitre.org');
    assert.strictEqual(config.for(uri('/work/detections/x.yml')).siteBaseUrl, 'https://attack.mitre.org');
    assert.strictEqual(source.warnings.length, 2, source.warnings.join('\n'));
    assert.match(source.warnings[0], /attackLens\.generic\.idPattern/);
    assert.match(source.warnings[1], /attackLens\.siteBaseUrl/);
    source.set('workspaceValue', 'attackLens.generic.idPattern', 'T\\d{4}');
    assert.match('see T1059', config.for(uri('/work/detections/y.md')).genericIdRegExp ?? /never/);
    assert.strictEqual(source.warnings.length, 2);
  });

  it('reads attackLens.attackVersion as "latest" by default, a pinned release as written, and anything else as "latest" with one warning', () => {
    const { source, config } = setup();
    assert.strictEqual(config.attackVersion, 'latest');
    source.set('workspaceValue', 'attackLens.attackVersion', '17.1');
    assert.strictEqual(config.attackVersion, '17.1');
    source.set('workspaceValue', 'attackLens.attackVersion', 'v17');
    assert.strictEqual(config.attackVersion, 'latest');
    assert.strictEqual(config.attackVersion, 'latest');
    assert.deepStrictEqual(source.warnings.map((w) => /attackLens\.attackVersion must be "latest" or a release number such as "18\.1"; “v17” is ignored/.test(w)), [true]);
  });

  it('attackLens.coverage.strengthWeights: the defaults under what is set; a bad field keeps its default, with one warning per value', () => {
    const { source, config } = setup();
    assert.deepStrictEqual(config.strengthWeights, { rules: 2, maturity: 1.5, telemetry: 1.5, saturation: 5 });
    source.set('workspaceValue', 'attackLens.coverage.strengthWeights', { telemetry: 3, rules: 'many' });
    assert.deepStrictEqual(config.strengthWeights, { rules: 2, maturity: 1.5, telemetry: 3, saturation: 5 });
    assert.deepStrictEqual(config.strengthWeights.telemetry, 3);
    assert.strictEqual(source.warnings.length, 1, 'one warning for the same value');
    assert.match(source.warnings[0], /strengthWeights: "rules" must be a number/);
  });

  it('attackLens.telemetry.mappings: inline entries, or a file read against its folder; a workspace path is ignored in Restricted Mode', () => {
    const { source, config } = setup();
    assert.deepStrictEqual(config.telemetryMappings, {});
    source.set('workspaceValue', 'attackLens.telemetry.mappings', { 'sigma:category:x': ['DC0032'] });
    assert.deepStrictEqual(config.telemetryMappings, { inline: { 'sigma:category:x': ['DC0032'] } });
    source.setInFolder(hunting, 'attackLens.telemetry.mappings', 'telemetry/extra.json');
    const file = config.for(uri('/work/hunting/r.yml')).telemetryMappings.file;
    assert.deepStrictEqual([file?.path, file?.base?.path], ['telemetry/extra.json', '/work/hunting']);
    source.isTrusted = false;
    assert.deepStrictEqual(config.for(uri('/work/hunting/r.yml')).telemetryMappings, {}, 'neither the folder nor the workspace value counts untrusted');
  });
});
