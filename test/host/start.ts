import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { codeServerEntry, ensureCodeServer } from './installCodeServer';
import { baseArgs, projectRoot, writeUserSettings } from './codeServer';
import { startWorkspace } from './startWorkspace';

// `npm start`: code-server with ATT&CK Lens loaded from this repository (a symlink in a
// project-local extensions folder, so it works from any URL, port forwards included) and a
// scratch copy of the example rule repository open: code-server saves as you type, and trying
// the extension must not rewrite the tracked files in examples/. The copy lives in a temp
// folder, removed on Ctrl-C; a folder named on the command line is opened as it is. esbuild
// watches the sources; reload the window to pick up a change. ATTACK_LENS_PORT /
// ATTACK_LENS_HOST choose where it listens.

const cache = path.join(projectRoot, '.attack-lens-cache');
const host = process.env.ATTACK_LENS_HOST || '127.0.0.1';
const port = Number(process.env.ATTACK_LENS_PORT) || 8080;
const opened = startWorkspace(process.argv.find((a, i) => i > 1 && !a.startsWith('--')), path.join(projectRoot, 'examples'));
const workspace = opened.path;

function linkExtension(extensionsDir: string): void {
  const manifest = JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { publisher: string; name: string; version: string };
  fs.mkdirSync(extensionsDir, { recursive: true });
  for (const entry of fs.readdirSync(extensionsDir)) {
    if (entry.startsWith(`${manifest.publisher}.${manifest.name}-`)) fs.rmSync(path.join(extensionsDir, entry), { recursive: true, force: true });
  }
  fs.symlinkSync(projectRoot, path.join(extensionsDir, `${manifest.publisher}.${manifest.name}-${manifest.version}`), 'dir');
  // VS Code lists installed extensions in extensions.json: a stale list would hide the link.
  fs.rmSync(path.join(extensionsDir, 'extensions.json'), { force: true });
}

function main(): void {
  ensureCodeServer();
  const extensionsDir = path.join(cache, 'extensions');
  const userDataDir = path.join(cache, 'user-data');
  linkExtension(extensionsDir);
  writeUserSettings(userDataDir);
  const children: ChildProcess[] = [];
  if (!process.argv.includes('--no-watch')) {
    children.push(spawn(process.execPath, [path.join(projectRoot, 'esbuild.js'), '--watch'], { cwd: projectRoot, stdio: ['ignore', 'inherit', 'inherit'] }));
  }
  const server = spawn(process.execPath, [codeServerEntry(), ...baseArgs(userDataDir, extensionsDir), '--bind-addr', `${host}:${port}`, workspace], {
    cwd: projectRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(server);
  let announced = false;
  const onOutput = (b: Buffer) => {
    const text = b.toString();
    if (process.env.ATTACK_LENS_VERBOSE) process.stdout.write(text);
    if (!announced && /HTTP server listening on/.test(text)) {
      announced = true;
      const url = `http://${host}:${port}/?folder=${encodeURIComponent(workspace)}`;
      const where = opened.copyOf ? `${workspace} (a scratch copy of ${opened.copyOf}: edits stay there, and it is removed on Ctrl-C)` : workspace;
      console.log(`\nATT&CK Lens is running in code-server ${require(path.join(path.dirname(codeServerEntry()), '..', '..', 'package.json')).version}:\n\n  ${url}\n\nWorkspace: ${where}\nThe extension is linked from ${projectRoot}; esbuild rebuilds on change (reload the window to pick it up).\nPress Ctrl-C to stop.`);
    }
    if (/EADDRINUSE/.test(text)) console.error(`port ${port} is in use: set ATTACK_LENS_PORT`);
  };
  server.stdout!.on('data', onOutput);
  server.stderr!.on('data', onOutput);
  const stop = (code: number) => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
    opened.remove();
    process.exit(code);
  };
  server.on('exit', (code) => {
    if (!announced) console.error('code-server exited before it was ready (ATTACK_LENS_VERBOSE=1 shows its output)');
    stop(code ?? 1);
  });
  process.on('SIGINT', () => stop(0));
  process.on('SIGTERM', () => stop(0));
}

main();
