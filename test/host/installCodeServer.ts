import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

// Ensures code-server (the VS Code the integration tests and `npm start` run in) is installed in
// a cache folder. Its postinstall downloads ripgrep from GitHub, which is unreachable here: we
// pre-seed @vscode/ripgrep's download cache with the system's rg (Debian's ripgrep package).

export const CODE_SERVER_VERSION = '4.100.3';
const RIPGREP_CACHE = 'vscode-ripgrep-cache-1.15.11';
const RIPGREP_ASSET = 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz';

export function codeServerDir(): string {
  return process.env.ATTACK_LENS_CODE_SERVER_DIR || path.join(os.homedir(), '.cache', 'attack-lens', 'code-server');
}

export function codeServerEntry(dir = codeServerDir()): string {
  return path.join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
}

export function installedCodeServerVersion(dir = codeServerDir()): string | undefined {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'node_modules', 'code-server', 'package.json'), 'utf8')) as { version?: string };
    return fs.existsSync(codeServerEntry(dir)) ? pkg.version : undefined;
  } catch {
    return undefined;
  }
}

function seedRipgrepCache(log: (s: string) => void): void {
  const tmp = process.env.TMPDIR || '/tmp';
  const cacheDir = path.join(tmp, RIPGREP_CACHE);
  const asset = path.join(cacheDir, RIPGREP_ASSET);
  if (fs.existsSync(asset)) return;
  const rg = ['/usr/bin/rg', '/usr/local/bin/rg'].find((p) => fs.existsSync(p));
  if (!rg) throw new Error('ripgrep is not installed: run `apt-get install -y ripgrep` (code-server needs it and cannot download it here)');
  fs.mkdirSync(cacheDir, { recursive: true });
  const staging = fs.mkdtempSync(path.join(os.tmpdir(), 'attack-lens-rg-'));
  fs.copyFileSync(rg, path.join(staging, 'rg'));
  fs.chmodSync(path.join(staging, 'rg'), 0o755);
  execFileSync('tar', ['-czf', asset, '-C', staging, 'rg']);
  fs.rmSync(staging, { recursive: true, force: true });
  log(`seeded ${asset} with ${rg}`);
}

/** Installs code-server@CODE_SERVER_VERSION into `dir` unless it is already there; returns its entry script. */
export function ensureCodeServer(dir = codeServerDir(), log: (s: string) => void = (s) => console.log(`install-code-server: ${s}`)): string {
  const have = installedCodeServerVersion(dir);
  if (have === CODE_SERVER_VERSION) return codeServerEntry(dir);
  log(have ? `found code-server ${have}, installing ${CODE_SERVER_VERSION}` : `installing code-server ${CODE_SERVER_VERSION} into ${dir}`);
  seedRipgrepCache(log);
  fs.mkdirSync(dir, { recursive: true });
  if (!fs.existsSync(path.join(dir, 'package.json'))) {
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'attack-lens-code-server', private: true }, null, 2) + '\n');
  }
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  execFileSync(npm, ['install', '--no-audit', '--no-fund', `code-server@${CODE_SERVER_VERSION}`], {
    cwd: dir,
    stdio: 'inherit',
    env: { ...process.env, npm_config_yes: 'true', npm_config_unsafe_perm: 'true' },
  });
  if (installedCodeServerVersion(dir) !== CODE_SERVER_VERSION) throw new Error(`code-server ${CODE_SERVER_VERSION} did not install into ${dir}`);
  log('done');
  return codeServerEntry(dir);
}

// esbuild bundles this file into other runners too: only run as the CLI when it is the entry.
if (require.main === module && /installCodeServer\.js$/.test(process.argv[1] ?? '')) {
  try {
    const entry = ensureCodeServer();
    console.log(`code-server ${CODE_SERVER_VERSION}: ${entry}`);
  } catch (e) {
    console.error(`install-code-server: ${(e as Error).message}`);
    process.exit(1);
  }
}
