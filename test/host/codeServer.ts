import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { codeServerEntry } from './installCodeServer';

// Starting and stopping a throw-away code-server: free port on 127.0.0.1, fresh user-data and
// extensions folders, no auth. Shared by the test runner, `npm start` and the activation bench.

export const projectRoot = path.resolve(__dirname, '..', '..', '..');

export interface CodeServer {
  readonly port: number;
  readonly origin: string;
  readonly userDataDir: string;
  readonly extensionsDir: string;
  /** Everything code-server printed so far. */
  output(): string;
  /** Stops code-server and its children and removes its temp folders. */
  stop(): Promise<void>;
}

export interface StartOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly extensionsDir?: string;
  readonly echo?: boolean;
  readonly extraArgs?: readonly string[];
  /** Leave workspace trust on (no --disable-workspace-trust): the opened folder starts untrusted, in Restricted Mode. */
  readonly workspaceTrust?: boolean;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `attack-lens-${prefix}-`));
}

export function baseArgs(userDataDir: string, extensionsDir: string, workspaceTrust = false): string[] {
  return ['--auth', 'none', '--disable-telemetry', '--disable-update-check', ...(workspaceTrust ? [] : ['--disable-workspace-trust']), '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];
}

async function waitForHealth(origin: string, proc: ChildProcess, output: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`code-server exited with ${proc.exitCode} before it was ready:\n${output()}`);
    try {
      const res = await fetch(`${origin}/healthz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`code-server did not answer on ${origin} within ${timeoutMs / 1000} s:\n${output()}`);
}

export async function startCodeServer(options: StartOptions = {}): Promise<CodeServer> {
  const entry = codeServerEntry();
  if (!fs.existsSync(entry)) {
    throw new Error(`code-server is not installed at ${entry}: run \`node out/test/host/installCodeServer.js\` first`);
  }
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const userDataDir = tempDir('user-data');
  const extensionsDir = options.extensionsDir ?? tempDir('extensions');
  writeUserSettings(userDataDir, options.workspaceTrust);
  const args = [entry, ...baseArgs(userDataDir, extensionsDir, options.workspaceTrust), '--bind-addr', `127.0.0.1:${port}`, ...(options.extraArgs ?? [])];
  const proc = spawn(process.execPath, args, {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: process.platform !== 'win32',
  });
  let out = '';
  const collect = (b: Buffer) => {
    out += b.toString();
    if (options.echo) process.stdout.write(b);
  };
  proc.stdout!.on('data', collect);
  proc.stderr!.on('data', collect);
  const stop = async () => {
    if (proc.exitCode === null && proc.signalCode === null) {
      const exited = new Promise((r) => proc.once('exit', r));
      killTree(proc, 'SIGTERM');
      const timer = setTimeout(() => killTree(proc, 'SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    fs.rmSync(userDataDir, { recursive: true, force: true });
    if (!options.extensionsDir) fs.rmSync(extensionsDir, { recursive: true, force: true });
  };
  try {
    await waitForHealth(origin, proc, () => out, 60_000);
  } catch (e) {
    await stop();
    throw e;
  }
  return { port, origin, userDataDir, extensionsDir, output: () => out, stop };
}

/** Quiet, offline-friendly defaults: no gallery checks, no welcome page, no telemetry. */
/** With `workspaceTrust`, trust stays on and nothing asks at startup, so a folder opens untrusted (Restricted Mode). */
export function writeUserSettings(userDataDir: string, workspaceTrust = false): void {
  const settings = {
    'telemetry.telemetryLevel': 'off',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'workbench.startupEditor': 'none',
    'workbench.enableExperiments': false,
    'update.mode': 'none',
    'security.workspace.trust.enabled': workspaceTrust,
    ...(workspaceTrust ? { 'security.workspace.trust.startupPrompt': 'never', 'security.workspace.trust.banner': 'always' } : {}),
    'git.openRepositoryInParentFolders': 'never',
  };
  const file = path.join(userDataDir, 'User', 'settings.json');
  if (fs.existsSync(file)) return; // a persistent profile (npm start) keeps the user's own settings
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(settings, null, 2));
}

/** code-server forks its extension host and file watchers: signal the whole process group. */
function killTree(proc: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (process.platform !== 'win32' && proc.pid) process.kill(-proc.pid, signal);
    else proc.kill(signal);
  } catch {
    // already gone
  }
}

/** The URL that opens `folder` (or a `.code-workspace` file: a multi-root workspace) with an extension under development and its tests. */
export function workbenchUrl(origin: string, folder: string, payload?: readonly (readonly [string, string])[]): string {
  const query = `${folder.endsWith('.code-workspace') ? 'workspace' : 'folder'}=${encodeURIComponent(folder)}` + (payload ? `&payload=${encodeURIComponent(JSON.stringify(payload))}` : '');
  return `${origin}/?${query}`;
}

export function remoteUri(port: number, absPath: string): string {
  return `vscode-remote://127.0.0.1:${port}${absPath.split(path.sep).join('/')}`;
}

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'];

export function chromiumPath(): string {
  const candidates = [process.env.ATTACK_LENS_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
  const found = candidates.find((c) => c && fs.existsSync(c));
  if (!found) throw new Error('Chromium not found: `apt-get install -y chromium` or set ATTACK_LENS_CHROMIUM');
  return found;
}

/** Copies a folder (or makes an empty one) into a fresh temp folder; returns the copy's path. */
export function copyWorkspace(source: string | undefined, name: string): string {
  const dest = path.join(tempDir('ws'), name);
  if (source && fs.existsSync(source)) fs.cpSync(source, dest, { recursive: true });
  else fs.mkdirSync(dest, { recursive: true });
  for (const { from, to } of SHARED_IN_WORKSPACE[name] ?? []) {
    const shared = path.join(sharedRoot, from);
    if (!fs.existsSync(shared)) throw new Error(`${shared} not found: the ${name} suite needs ../shared (ATTACK_LENS_SHARED)`);
    fs.cpSync(shared, path.join(dest, to), { recursive: true });
  }
  return dest;
}

const sharedRoot = process.env.ATTACK_LENS_SHARED || path.resolve(projectRoot, '..', 'shared');
/**
 * Folders of ../shared copied into a suite's workspace before the host opens it (never committed
 * as fixtures): `firstscan` measures the extension's own scan at activation over SigmaHQ.
 */
const SHARED_IN_WORKSPACE: Readonly<Record<string, readonly { readonly from: string; readonly to: string }[]>> = {
  firstscan: [{ from: path.join('corpora', 'sigma', 'rules'), to: 'sigma' }],
};
