import * as assert from 'assert';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import { AddressInfo } from 'net';
import * as path from 'path';
import * as vscode from 'vscode';
import type { UpdateOutcome } from '../../../src/commands/updateAttackData';
import { uiClick, uiScreenshot, waitForUiText } from '../../host/uiProbe';
import { activateApi, stixDir } from './helpers';

// "Update ATT&CK data" against a local mirror of attack-stix-data on 127.0.0.1: an index.json in
// MITRE's format and the shared bundles. Each scenario is a path prefix of the same server.

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

const scenarios: Record<string, string> = {
  // 16.1 is listed but older: the newest (17.1) must be chosen. Hashes are the real files'.
  older: indexJson([{ version: '16.1' }, { version: '17.1', sha256: sha256(bundle('enterprise-attack', '17.1')) }, { version: '11.0-beta' }]),
  current: indexJson([{ version: '18.1' }]),
  'bad-hash': indexJson([{ version: '18.1', sha256: '0'.repeat(64) }]),
  missing: indexJson([{ version: '19.0' }]),
  'wrong-domain': indexJson([{ version: '18.1' }]),
  // Enterprise only: never "up to date" against three loaded domains.
  slow: indexJson([{ version: '18.1' }], null),
};

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

let requests: string[] = [];
const server = http.createServer((req, res) => {
  requests.push(req.url ?? '');
  const [, scenario, ...rest] = (req.url ?? '').split('/');
  const file = rest.join('/');
  if (scenarios[scenario] && file === 'index.json') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(scenarios[scenario]);
    return;
  }
  const m = /^(enterprise-attack|mobile-attack|ics-attack)\/\1-(\d+\.\d+)\.json$/.exec(file);
  let served = m ? bundle(m[1], m[2]) : '';
  if (scenario === 'wrong-domain' && m?.[1] === 'enterprise-attack') served = bundle('mobile-attack', '18.1');
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

async function update(scenario: string | undefined, base?: string): Promise<UpdateOutcome> {
  const port = (server.address() as AddressInfo).port;
  const url = base ?? `http://127.0.0.1:${port}/${scenario}`;
  await vscode.workspace.getConfiguration('attackLens').update('updateBaseUrl', url, vscode.ConfigurationTarget.Workspace);
  requests = [];
  return (await vscode.commands.executeCommand<UpdateOutcome>('attackLens.updateAttackData'))!;
}

describe('foundation: Update ATT&CK data (local mirror on 127.0.0.1)', () => {
  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  after(async () => {
    await vscode.workspace.getConfiguration('attackLens').update('updateBaseUrl', undefined, vscode.ConfigurationTarget.Workspace);
    await new Promise((r) => server.close(r));
  });

  it('says the data is current when the mirror has nothing newer', async () => {
    const api = await activateApi();
    const outcome = await update('current');
    assert.strictEqual(outcome.status, 'up-to-date', outcome.message);
    assert.deepStrictEqual(requests, ['/current/index.json']);
    assert.strictEqual(api.lens.indexSource, 'built-in data');
  });

  it('downloads the newest release per domain, verifies its SHA-256, saves it and swaps it in', async () => {
    const api = await activateApi();
    const outcome = await update('older');
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

  for (const [scenario, why] of [
    ['bad-hash', /SHA-256 mismatch/],
    ['missing', /HTTP 404/],
    ['wrong-domain', /expected enterprise-attack data but the file holds mobile-attack/],
  ] as const) {
    it(`fails clearly and keeps the data it had: ${scenario}`, async () => {
      const api = await activateApi();
      const before = api.lens.index;
      const outcome = await update(scenario);
      assert.strictEqual(outcome.status, 'failed');
      assert.match(outcome.message, why);
      assert.match(outcome.message, /kept ATT&CK v17\.1/);
      assert.strictEqual(api.lens.index, before);
    });
  }

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

  it('updates back to 18.1 from the mirror', async () => {
    const api = await activateApi();
    const outcome = await update('current');
    assert.strictEqual(outcome.status, 'updated', outcome.message);
    assert.strictEqual(api.lens.index.versionLabel, 'ATT&CK v18.1');
  });
});
