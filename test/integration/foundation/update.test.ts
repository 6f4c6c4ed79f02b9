import * as assert from 'assert';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import { AddressInfo } from 'net';
import * as path from 'path';
import * as vscode from 'vscode';
import type { OlderRelease, UpdateOptions, UpdateOutcome } from '../../../src/commands/updateAttackData';
import type { UnpinnedFile } from '../../../src/data/downloadAttackData';
import { uiClick, uiScreenshot, waitForUiText } from '../../host/uiProbe';
import { activateApi, projectRoot, stixDir, waitFor, workspaceFolder } from './helpers';

// "Update ATT&CK data" against a local mirror of attack-stix-data on 127.0.0.1: an index.json in
// MITRE's format and the shared bundles. Each scenario is a path prefix of the same server. The
// shared bundles are not MITRE's release files (their digests differ from the published ones the
// build pins), so the suite trusts them the way a user would: attackLens.update.sha256 in user
// settings. Releases 98.0 and 99.0 are pinned by nobody. VS Code refuses to show modal dialogs
// while extension tests run (the prompt throws "refused to show dialog in tests"), so the modal
// itself is seen only as that refusal; its answers go through the command's confirmUnpinned hook.

interface Listed {
  readonly version: string;
  readonly sha256?: string;
}

const sha256 = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');
const bundle = (domain: string, version: string) => path.join(stixDir, `${domain}-${version}.json`);

function indexJson(enterprise: readonly Listed[], others: Listed | null = { version: '18.1' }): string {
  const collection = (name: string, domain: string, versions: readonly Listed[]) => ({
    id: `x-mitre-collection--${domain}`,
    name,
    versions: versions.map((v) => ({
      version: v.version,
      url: `https://raw.githubusercontent.com/mitre-attack/attack-stix-data/master/${domain}/${domain}-${v.version}.json`,
      modified: '2025-01-01T00:00:00.000Z',
      ...(v.sha256 ? { sha256: v.sha256 } : {}),
    })),
  });
  return JSON.stringify({
    id: 'index',
    name: 'MITRE ATT&CK',
    collections: [
      collection('Enterprise ATT&CK', 'enterprise-attack', enterprise),
      ...(others ? [collection('Mobile ATT&CK', 'mobile-attack', [others]), collection('ICS ATT&CK', 'ics-attack', [others])] : []),
    ],
  });
}

const mobile99 = 'mobile-attack-99.0.json';
const ics99 = 'ics-attack-99.0.json';

const scenarios: Record<string, string> = {
  // 16.1 is listed but older: the newest (17.1) must be chosen. Hashes are the real files'.
  older: indexJson([{ version: '16.1' }, { version: '17.1', sha256: sha256(bundle('enterprise-attack', '17.1')) }, { version: '11.0-beta' }]),
  current: indexJson([{ version: '18.1' }]),
  'bad-hash': indexJson([{ version: '18.1', sha256: '0'.repeat(64) }]),
  missing: indexJson([{ version: '19.0' }]),
  // 98.0 is pinned by nobody, so the content check runs (and fails) before any confirmation.
  'wrong-domain': indexJson([{ version: '98.0' }]),
  tampered: indexJson([{ version: '18.1' }]),
  'to-http': indexJson([{ version: '18.1' }]),
  endless: indexJson([{ version: '18.1' }]),
  stalled: indexJson([{ version: '18.1' }]),
  'status-link': indexJson([{ version: '18.1' }]),
  // Mobile and ICS 99.0 (the 18.1 files under that name): pinned by nobody, need the modal.
  unpinned: indexJson([{ version: '18.1' }], { version: '99.0' }),
  // Enterprise only: never "up to date" against three loaded domains.
  slow: indexJson([{ version: '18.1' }], null),
  // The hand-written releases of test/fixtures/stix/releases (90.0 in STIX 2.0, 91.0 in STIX 2.1), for a pinned download.
  fixtures: indexJson([{ version: '90.0' }, { version: '91.0' }], null),
};
const fixtureRelease = (version: string) => path.join(projectRoot, 'test', 'fixtures', 'stix', 'releases', `enterprise-attack-${version}.json`);

/** Serves a file slowly (64 KB every 100 ms) until the client goes away. */
function trickle(file: string, res: http.ServerResponse): void {
  const data = fs.readFileSync(file);
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': data.length });
  let at = 0;
  const timer = setInterval(() => {
    if (res.destroyed || at >= data.length) {
      clearInterval(timer);
      res.end();
      return;
    }
    res.write(data.subarray(at, (at += 64 * 1024)));
  }, 100);
  res.on('close', () => clearInterval(timer));
}

let tamperedEnterprise: Buffer | undefined;
/** Enterprise 18.1 with one letter of one description changed: still valid ATT&CK data. */
function tampered(): Buffer {
  tamperedEnterprise ??= Buffer.from(fs.readFileSync(bundle('enterprise-attack', '18.1'), 'utf8').replace('"description":"Adversaries', '"description":"adversaries'));
  return tamperedEnterprise;
}

const openResponses = new Set<http.ServerResponse>();
let requests: string[] = [];
const server = http.createServer((req, res) => {
  requests.push(req.url ?? '');
  openResponses.add(res);
  res.on('close', () => openResponses.delete(res));
  const [, scenario, ...rest] = (req.url ?? '').split('/');
  const file = rest.join('/');
  if (scenarios[scenario] && file === 'index.json') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(scenarios[scenario]);
    return;
  }
  const m = /^(enterprise-attack|mobile-attack|ics-attack)\/\1-(\d+\.\d+)\.json$/.exec(file);
  let served = m ? (scenario === 'fixtures' ? fixtureRelease(m[2]) : bundle(m[1], m[2])) : '';
  if (scenario === 'wrong-domain' && m?.[1] === 'enterprise-attack') served = bundle('mobile-attack', '18.1');
  if (scenario === 'unpinned' && m?.[2] === '99.0') served = bundle(m[1], '18.1');
  if (m?.[1] === 'enterprise-attack' && hostile(scenario, res)) return;
  if (scenario === 'slow' && served) {
    trickle(served, res);
    return;
  }
  if (!served || !fs.existsSync(served)) {
    res.writeHead(404).end('not found');
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': fs.statSync(served).size });
  fs.createReadStream(served).pipe(res);
});

/** The hostile answers for the Enterprise bundle; true when it answered. */
function hostile(scenario: string, res: http.ServerResponse): boolean {
  if (scenario === 'tampered') {
    res.writeHead(200, { 'content-length': tampered().length }).end(tampered());
  } else if (scenario === 'to-http') {
    res.writeHead(302, { location: 'http://mirror.example/enterprise-attack/enterprise-attack-18.1.json' }).end();
  } else if (scenario === 'endless') {
    // No Content-Length, never ends: only the cap on bytes received stops it.
    const chunk = Buffer.alloc(64 * 1024, ' ');
    res.writeHead(200, { 'content-type': 'application/json' });
    const pump = () => {
      while (!res.destroyed && res.write(chunk));
    };
    res.on('drain', pump);
    pump();
  } else if (scenario === 'status-link') {
    // The reason phrase is the server's text, and the failure becomes a notification, which renders links.
    res.writeHead(404, '[Open settings](command:workbench.action.openSettings)').end();
  } else if (scenario === 'stalled') {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': 1_000_000 }).write('{"type": "bundle", ');
  } else {
    return false;
  }
  return true;
}

/** Settings a scenario needs besides the base URL (user settings: the update settings are application-scoped), cleared after it. */
type ScenarioSettings = Partial<Record<'update.maxDownloadMB' | 'update.timeoutSeconds', number>>;

async function update(scenario: string | undefined, base?: string, settings: ScenarioSettings = {}, options?: UpdateOptions): Promise<UpdateOutcome> {
  const port = (server.address() as AddressInfo).port;
  const url = base ?? `http://127.0.0.1:${port}/${scenario}`;
  const config = () => vscode.workspace.getConfiguration('attackLens');
  await config().update('updateBaseUrl', url, vscode.ConfigurationTarget.Global);
  for (const [key, value] of Object.entries(settings)) await config().update(key, value, vscode.ConfigurationTarget.Global);
  requests = [];
  try {
    return (await vscode.commands.executeCommand<UpdateOutcome>('attackLens.updateAttackData', options))!;
  } finally {
    for (const key of Object.keys(settings)) await config().update(key, undefined, vscode.ConfigurationTarget.Global);
  }
}

/** The digests the suite trusts, as a user would pin them (user settings: the setting is application-scoped). */
const userDigests = Object.fromEntries(
  [['enterprise-attack', '17.1'], ['enterprise-attack', '18.1'], ['mobile-attack', '18.1'], ['ics-attack', '18.1']].map(([d, v]) => [`${d}-${v}.json`, sha256(bundle(d, v))]),
);

async function cacheBytes(api: Awaited<ReturnType<typeof activateApi>>): Promise<string> {
  const cache = vscode.Uri.joinPath(api.lens.extension.globalStorageUri, 'attack-index.json');
  return createHash('sha256').update(await vscode.workspace.fs.readFile(cache)).digest('hex');
}

describe('foundation: Update ATT&CK data (local mirror on 127.0.0.1)', () => {
  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    await vscode.workspace.getConfiguration('attackLens').update('update.sha256', userDigests, vscode.ConfigurationTarget.Global);
  });
  after(async () => {
    await vscode.workspace.getConfiguration('attackLens').update('updateBaseUrl', undefined, vscode.ConfigurationTarget.Global);
    await vscode.workspace.getConfiguration('attackLens').update('update.sha256', undefined, vscode.ConfigurationTarget.Global);
    for (const res of openResponses) res.destroy();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('says the data is current when the mirror has nothing newer', async () => {
    const api = await activateApi();
    const outcome = await update('current');
    assert.strictEqual(outcome.status, 'up-to-date', outcome.message);
    assert.deepStrictEqual(requests, ['/current/index.json']);
    assert.strictEqual(api.lens.indexSource, 'built-in data');
  });

  it('asks before replacing the data in use with an older release; without "Use older release" it keeps the data', async () => {
    const api = await activateApi();
    const before = api.lens.index;
    const outcome = await update('older');
    assert.strictEqual(outcome.status, 'failed', outcome.message);
    // The test host refuses the modal itself, quoting its message: proof the command asked.
    assert.match(outcome.message, /refused to show dialog in tests\. Contents: Replace ATT&CK data with an older release\?/);
    assert.deepStrictEqual(requests, ['/older/index.json']);
    const asked: (readonly OlderRelease[])[] = [];
    const refused = await update('older', undefined, {}, { confirmOlder: async (older) => (asked.push(older), false) });
    assert.strictEqual(refused.status, 'failed', refused.message);
    assert.match(refused.message, /kept ATT&CK v18\.1\. .*offers older releases than those in use \(Enterprise 17\.1 \(in use: 18\.1\)\); refused/);
    assert.deepStrictEqual(asked, [[{ domain: 'enterprise-attack', offered: '17.1', inUse: '18.1' }]]);
    assert.deepStrictEqual(requests, ['/older/index.json'], 'nothing downloaded');
    assert.strictEqual(api.lens.index, before);
  });

  it('downloads the newest release per domain, verifies its SHA-256 against the user\'s pins, saves it and swaps it in', async () => {
    const api = await activateApi();
    // 17.1 is older than the built-in 18.1: the user says yes when asked.
    const outcome = await update('older', undefined, {}, { confirmOlder: async () => true });
    assert.strictEqual(outcome.status, 'updated', outcome.message);
    assert.deepStrictEqual(outcome.versions, { 'enterprise-attack': '17.1', 'mobile-attack': '18.1', 'ics-attack': '18.1' });
    assert.deepStrictEqual(requests, [
      '/older/index.json',
      '/older/enterprise-attack/enterprise-attack-17.1.json',
      '/older/mobile-attack/mobile-attack-18.1.json',
      '/older/ics-attack/ics-attack-18.1.json',
    ]);
    assert.strictEqual(api.lens.index.versionLabel, 'ATT&CK v17.1');
    assert.match(api.lens.indexSource, /downloaded/);
    const cache = vscode.Uri.joinPath(api.lens.extension.globalStorageUri, 'attack-index.json');
    const saved = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(cache))) as { domains: { domain: string; version: string }[] };
    assert.deepStrictEqual(saved.domains.map((d) => `${d.domain} ${d.version}`), ['enterprise-attack 17.1', 'mobile-attack 18.1', 'ics-attack 18.1']);
  });

  for (const [scenario, why, settings] of [
    ['bad-hash', /SHA-256 mismatch: .* the server's index lists 0{64}; refused/, {}],
    ['missing', /HTTP 404/, {}],
    ['wrong-domain', /expected enterprise-attack data but the file holds mobile-attack/, {}],
    // Both pins are named: MITRE's (embedded by the build) and the user's.
    ['tampered', new RegExp(`SHA-256 mismatch: the file's digest is [0-9a-f]{64}, expected [0-9a-f]{64} \\(MITRE's published digest\\) or ${userDigests['enterprise-attack-18.1.json']} \\(attackLens\\.update\\.sha256\\); refused`), {}],
    ['to-http', /insecure redirect to http:\/\/mirror\.example\/enterprise-attack\/enterprise-attack-18\.1\.json: http is refused: only https is allowed/, {}],
    ['endless', /more than 1 MB received, over the download cap; refused/, { 'update.maxDownloadMB': 1 }],
    ['stalled', /download timed out after 1 s; refused/, { 'update.timeoutSeconds': 1 }],
    ['status-link', /HTTP 404 \[Open settings\] \(command:workbench\.action\.openSettings\)$/, {}],
  ] as const) {
    it(`fails clearly and keeps the data and the saved cache it had: ${scenario}`, async () => {
      const api = await activateApi();
      const before = api.lens.index;
      const cached = await cacheBytes(api);
      const outcome = await update(scenario, undefined, settings);
      assert.strictEqual(outcome.status, 'failed');
      assert.match(outcome.message, why);
      assert.match(outcome.message, /kept ATT&CK v17\.1/);
      assert.strictEqual(api.lens.index, before);
      assert.strictEqual(await cacheBytes(api), cached);
    });
  }

  it('ignores the update settings in a workspace\'s settings.json: the downloaded data serves every workspace', async () => {
    const api = await activateApi();
    const file = path.join(workspaceFolder().uri.fsPath, '.vscode', 'settings.json');
    const original = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
    const config = () => vscode.workspace.getConfiguration('attackLens');
    const userBase = config().get<string>('updateBaseUrl');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify({
      ...(original ? JSON.parse(original) : {}),
      'attackLens.updateBaseUrl': 'https://mirror.example/attack-stix-data',
      'attackLens.update.maxDownloadMB': 100_000,
      'attackLens.update.timeoutSeconds': 100_000,
      'attackLens.update.sha256': { 'enterprise-attack-18.1.json': '0'.repeat(64) },
      // A window-scoped setting beside them: once it shows, VS Code has read the file.
      'attackLens.hover.fullDescription': true,
    }));
    try {
      await waitFor('the workspace settings to be read', () => config().get('hover.fullDescription') === true);
      assert.strictEqual(config().get('updateBaseUrl'), userBase);
      assert.strictEqual(api.lens.config.updateMaxDownloadBytes, 200 * 1_000_000);
      assert.strictEqual(api.lens.config.updateTimeoutMs, 120_000);
      assert.deepStrictEqual(api.lens.config.updateSha256, userDigests);
    } finally {
      if (original === undefined) fs.rmSync(file);
      else fs.writeFileSync(file, original);
      await waitFor('the workspace settings to be restored', () => config().get('hover.fullDescription') !== true);
    }
  });

  it('fails clearly when the mirror cannot be reached', async () => {
    const api = await activateApi();
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const outcome = await update(undefined, `http://127.0.0.1:${port}`);
    assert.strictEqual(outcome.status, 'failed');
    assert.match(outcome.message, /cannot download \(ECONNREFUSED\)/);
    assert.strictEqual(api.lens.index.versionLabel, 'ATT&CK v17.1');
  });

  it('can be cancelled from its progress notification, keeping the data', async () => {
    const api = await activateApi();
    const before = api.lens.index;
    // Clearing hides the toasts container after an animation; a toast added meanwhile stays
    // hidden (it only reaches the notification center), so wait until the container is hidden.
    await vscode.commands.executeCommand('notifications.clearAll');
    await waitForUiText('.notifications-toasts.visible', /^$/);
    const pending = update('slow');
    try {
      await waitForUiText('.notifications-toasts.visible', /updating ATT&CK data: Enterprise 18\.1 \([\d.]+ of 33\.4 MB\)/);
    } finally {
      await uiScreenshot('update-progress');
    }
    await uiClick('.notifications-toasts .monaco-button:has-text("Cancel")');
    const outcome = await pending;
    assert.strictEqual(outcome.status, 'cancelled', outcome.message);
    assert.strictEqual(outcome.message, `Update cancelled; ATT&CK Lens kept ${before.versionLabel}.`);
    assert.strictEqual(api.lens.index, before);
  });

  const unpinnedRefusal = new RegExp(
    `not pinned: no published or configured SHA-256 for ${mobile99.replace(/\./g, '\\.')} \\(SHA-256 [0-9a-f]{64}\\), ${ics99.replace(/\./g, '\\.')} .*attackLens\\.update\\.sha256`,
  );

  it('puts releases nobody pinned to the user in a modal; when it is not answered with Accept they are refused', async () => {
    const api = await activateApi();
    const before = api.lens.index;
    const cached = await cacheBytes(api);
    const outcome = await update('unpinned');
    assert.strictEqual(outcome.status, 'failed', outcome.message);
    // The test host refuses the modal itself, quoting its message: proof the command asked.
    assert.match(outcome.message, /refused to show dialog in tests\. Contents: Accept 2 unpinned ATT&CK bundles\?/);
    assert.strictEqual(api.lens.index, before);
    assert.strictEqual(await cacheBytes(api), cached);
  });

  it('asks about every unpinned file with its name, size and SHA-256; "no" refuses them and keeps the data', async () => {
    const api = await activateApi();
    const before = api.lens.index;
    const cached = await cacheBytes(api);
    const asked: (readonly UnpinnedFile[])[] = [];
    const outcome = await update('unpinned', undefined, {}, { confirmUnpinned: async (files) => (asked.push(files), false) });
    assert.strictEqual(outcome.status, 'failed', outcome.message);
    assert.match(outcome.message, unpinnedRefusal);
    const port = (server.address() as AddressInfo).port;
    const expected = (domain: string, name: string) => {
      const served = bundle(domain, '18.1');
      return { file: name, url: `http://127.0.0.1:${port}/unpinned/${domain}/${name}`, size: fs.statSync(served).size, sha256: sha256(served) };
    };
    assert.deepStrictEqual(asked, [[expected('mobile-attack', mobile99), expected('ics-attack', ics99)]]);
    assert.strictEqual(api.lens.index, before);
    assert.strictEqual(await cacheBytes(api), cached);
  });

  it('accepts releases nobody pinned once the user says yes', async () => {
    const api = await activateApi();
    const outcome = await update('unpinned', undefined, {}, { confirmUnpinned: async () => true });
    assert.strictEqual(outcome.status, 'updated', outcome.message);
    assert.deepStrictEqual(outcome.versions, { 'enterprise-attack': '18.1', 'mobile-attack': '99.0', 'ics-attack': '99.0' });
    assert.deepStrictEqual(api.lens.index.domains.map((d) => `${d.domain} ${d.version}`), ['enterprise-attack 18.1', 'mobile-attack 99.0', 'ics-attack 99.0']);
  });

  it('updates back to 18.1 from the mirror', async () => {
    const api = await activateApi();
    // Mobile and ICS go back from the "99.0" just accepted: older, so the user is asked and says yes.
    const asked: (readonly OlderRelease[])[] = [];
    const outcome = await update('current', undefined, {}, { confirmOlder: async (older) => (asked.push(older), true) });
    assert.deepStrictEqual(asked.flat().map((o) => `${o.domain} ${o.offered} < ${o.inUse}`), ['mobile-attack 18.1 < 99.0', 'ics-attack 18.1 < 99.0']);
    assert.strictEqual(outcome.status, 'updated', outcome.message);
    assert.strictEqual(api.lens.index.versionLabel, 'ATT&CK v18.1');
  });

  it('downloads the release attackLens.attackVersion pins beside the newest, without the rollback question, and goes back to the newest with "latest"', async () => {
    const api = await activateApi();
    const config = () => vscode.workspace.getConfiguration('attackLens');
    const cached = await cacheBytes(api);
    const settingsEvents = () => api.lens.dataEvents.all.filter((e) => e.origin === 'settings').length;
    const pin = async (version: string | undefined) => {
      const seen = settingsEvents();
      await config().update('attackVersion', version, vscode.ConfigurationTarget.Workspace);
      await waitFor('the settings reload', () => settingsEvents() > seen);
    };
    const asked: (readonly OlderRelease[])[] = [];
    const confirmOlder = async (older: readonly OlderRelease[]) => (asked.push(older), true);
    // 16.1 is older than the data in use and nowhere at hand: Update goes for it without asking (the mirror lacks the file).
    await pin('16.1');
    assert.strictEqual(api.lens.index.versionLabel, 'ATT&CK v18.1');
    const missing = await update('older', undefined, {}, { confirmOlder });
    assert.strictEqual(missing.status, 'failed', missing.message);
    assert.match(missing.message, /kept ATT&CK v18\.1\. .*HTTP 404/);
    assert.deepStrictEqual(requests, ['/older/index.json', '/older/enterprise-attack/enterprise-attack-16.1.json']);
    assert.deepStrictEqual(asked, [], 'a pinned release needs no rollback consent');
    // A release the mirror does not list is named with those it does.
    await pin('15.0');
    const unlisted = await update('fixtures');
    assert.match(unlisted.message, /index\.json: lists no ATT&CK 15\.0 \(it lists 91\.0, 90\.0\)/);
    await pin('90.0');
    await config().update('update.sha256', { ...userDigests, 'enterprise-attack-90.0.json': sha256(fixtureRelease('90.0')) }, vscode.ConfigurationTarget.Global);
    try {
      const pinned = await update('fixtures');
      assert.strictEqual(pinned.status, 'updated', pinned.message);
      assert.deepStrictEqual(pinned.versions, { 'enterprise-attack': '90.0' });
      assert.deepStrictEqual(requests, ['/fixtures/index.json', '/fixtures/enterprise-attack/enterprise-attack-90.0.json']);
      assert.strictEqual(api.lens.index.versionLabel, 'ATT&CK v90.0');
      assert.match(await waitForUiText('.statusbar', /ATT&CK v90\.0 \(pinned\)/), /ATT&CK v90\.0 \(pinned\)/);
      const storage = api.lens.extension.globalStorageUri;
      const versions = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(storage, 'attack-versions.json')))) as { indexes: { file: string; domains: object }[] };
      assert.deepStrictEqual(versions.indexes.find((e) => e.file === 'attack-index-90.0.json')?.domains, { 'enterprise-attack': '90.0' });
      assert.strictEqual(await cacheBytes(api), cached, 'the newest download stays as it was');
      assert.strictEqual((await update('fixtures')).status, 'up-to-date');
    } finally {
      await config().update('update.sha256', userDigests, vscode.ConfigurationTarget.Global);
      await pin(undefined);
    }
    assert.deepStrictEqual(api.lens.index.domains.map((d) => `${d.domain} ${d.version}`), ['enterprise-attack 18.1', 'mobile-attack 18.1', 'ics-attack 18.1']);
  });
});
