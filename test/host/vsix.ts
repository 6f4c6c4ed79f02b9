import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { baseArgs, projectRoot } from './codeServer';

// The packaged-extension check: build dist/attack-lens.vsix when it is missing or stale, install
// it into a fresh extensions folder with code-server's CLI, and stand up a harness extension
// (VS Code runs extension tests only for an extension under development).

export const defaultVsix = path.join(projectRoot, 'dist', 'attack-lens.vsix');

function mtime(file: string): number {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

/** The .vsix to test: ATTACK_LENS_VSIX, else dist/attack-lens.vsix, packaged first when stale. */
export function ensureVsix(): string {
  if (process.env.ATTACK_LENS_VSIX) return path.resolve(process.env.ATTACK_LENS_VSIX);
  const inputs = ['package.json', 'dist/extension.js', 'dist/parseWorker.js', 'dist/attack-index.json', '.vscodeignore'].map((f) => mtime(path.join(projectRoot, f)));
  if (mtime(defaultVsix) <= Math.max(...inputs)) {
    console.log('  packaging dist/attack-lens.vsix (npm run package)');
    try {
      execFileSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', '--silent', 'package'], { cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
    } catch (e) {
      const err = e as { stdout?: string; stderr?: string; message: string };
      throw new Error(`npm run package failed:\n${err.stdout ?? ''}${err.stderr ?? err.message}`, { cause: e });
    }
  }
  if (!fs.existsSync(defaultVsix)) throw new Error(`${defaultVsix} was not produced by npm run package`);
  return defaultVsix;
}

export function installVsix(codeServerEntry: string, vsix: string, extensionsDir: string, userDataDir: string): void {
  const out = execFileSync(process.execPath, [codeServerEntry, ...baseArgs(userDataDir, extensionsDir), '--install-extension', vsix], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const installed = fs.readdirSync(extensionsDir).filter((d) => d.startsWith('attack-lens.attack-lens-'));
  if (installed.length === 0) throw new Error(`code-server --install-extension ${vsix} installed nothing:\n${out}`);
  console.log(`  installed ${path.basename(vsix)} (${(fs.statSync(vsix).size / 1e6).toFixed(2)} MB) → ${installed[0]}`);
}

export function writeHarnessExtension(dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  const manifest = {
    name: 'attack-lens-test-harness',
    publisher: 'attack-lens-tests',
    version: '0.0.0',
    engines: { vscode: '^1.100.0' },
    description: 'Stand-in development extension so VS Code runs the packaged-extension tests.',
  };
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
  return dir;
}
