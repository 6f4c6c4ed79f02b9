import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { compileBundle } from '../../src/attack/compile';
import { readStixBundleFile } from '../../src/node/bundles';
import { CHROMIUM_ARGS, chromiumPath, copyWorkspace, startCodeServer, tempDir, workbenchUrl } from '../host/codeServer';
import { BenchReport, median, projectRoot, sharedRoot, time } from './bench';

// Start-up costs, each measured where it really happens:
// - activation → ready: in a real code-server (fresh profile each run, examples/ open in headless
//   Chromium), from the extension's log: "Activated … in N ms" is activate() until the index is
//   loaded and every provider, view and command is registered (the extension answers from then
//   on). Also shown: the time from the host's activation event (its own log, so loading the
//   bundle and VS Code's set-up of the extension's storage included), and when the background
//   coverage scan of examples/ is done (it shares the extension host with git's start-up);
// - `attack-lens show T1059.001` as a whole process (node start-up included);
// - loading dist/attack-index.json in a fresh process (--expose-gc, heap before/after);
// - compiling Enterprise 18.1 from STIX.

const HOST_RUNS = Number(process.env.ATTACK_LENS_BENCH_HOST_RUNS) || 5;
const loadProbe = path.join(projectRoot, 'out', 'test', 'host', 'loadIndexProbe.js');
const indexFile = path.join(projectRoot, 'dist', 'attack-index.json');

function findLines(dir: string, pattern: RegExp): string[] {
  const out: string[] = [];
  if (!fs.existsSync(dir)) return out;
  for (const f of fs.readdirSync(dir, { recursive: true }).map(String)) {
    const full = path.join(dir, f);
    if (!f.endsWith('.log') || !fs.statSync(full).isFile()) continue;
    for (const line of fs.readFileSync(full, 'utf8').split('\n')) if (pattern.test(line)) out.push(line);
  }
  return out;
}

interface HostActivation {
  /** activate() → features registered (the extension's log). */
  readonly activated: number;
  /** The host's activation event → the same point (both logs' timestamps). */
  readonly fromEvent: number;
  /** activate() → first coverage scan done. */
  readonly scanned: number;
}

/** Milliseconds since the epoch of a VS Code log line ("2026-11-23 05:55:15.087 [info] …"). */
function logTime(line: string): number {
  const m = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d\.\d{3})/.exec(line);
  return m ? Date.parse(`${m[1]}T${m[2]}`) : NaN;
}

async function activationInHost(): Promise<HostActivation> {
  const { chromium } = require('playwright-core') as typeof import('playwright-core');
  const workspace = copyWorkspace(path.join(projectRoot, 'examples'), 'examples');
  const extensionsDir = tempDir('bench-ext');
  fs.symlinkSync(projectRoot, path.join(extensionsDir, 'attack-lens.attack-lens-0.0.0-bench'), 'dir');
  const server = await startCodeServer({ extensionsDir });
  const browserData = tempDir('bench-chromium');
  const context = await chromium.launchPersistentContext(browserData, { executablePath: chromiumPath(), headless: true, args: CHROMIUM_ARGS });
  try {
    await (context.pages()[0] ?? (await context.newPage())).goto(workbenchUrl(server.origin, workspace));
    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline) {
      const scanned = findLines(server.userDataDir, /First coverage scan done \d+ ms/);
      if (scanned.length) {
        const activated = findLines(server.userDataDir, /Activated with .* in \d+ ms/)[0] ?? '';
        const event = findLines(server.userDataDir, /_doActivateExtension attack-lens\.attack-lens/)[0] ?? '';
        return {
          activated: Number(/in (\d+) ms/.exec(activated)?.[1] ?? NaN),
          fromEvent: logTime(activated) - logTime(event),
          scanned: Number(/done (\d+) ms/.exec(scanned[0])![1]),
        };
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error('the extension did not log "First coverage scan done N ms after activation" within 90 s');
  } finally {
    await context.close();
    await server.stop();
    fs.rmSync(browserData, { recursive: true, force: true });
    fs.rmSync(extensionsDir, { recursive: true, force: true });
    fs.rmSync(path.dirname(workspace), { recursive: true, force: true });
  }
}

export async function run(report: BenchReport): Promise<void> {
  // Compile Enterprise 18.1 from STIX (read + parse + compile).
  const stix = path.join(process.env.ATTACK_LENS_STIX || path.join(sharedRoot, 'attack'), 'enterprise-attack-18.1.json');
  if (fs.existsSync(stix)) {
    report.series('compile Enterprise 18.1 from STIX (read+parse+compile)', time(3, () => compileBundle(readStixBundleFile(stix)), 1), { max: 3000, stat: 'median' });
  }

  // Load the compiled index in a fresh process.
  const loads = Array.from({ length: 7 }, () => {
    const out = execFileSync(process.execPath, ['--expose-gc', loadProbe, indexFile], { encoding: 'utf8' });
    return JSON.parse(out) as { ms: number; heapMb: number };
  });
  report.series('load dist/attack-index.json (fresh process)', loads.map((l) => l.ms), { max: 60, stat: 'median' });
  report.series('heap retained by the loaded index', loads.map((l) => l.heapMb), { max: 40, stat: 'median' }, 'MB');

  // The CLI as a user runs it.
  const cli = path.join(projectRoot, 'dist', 'cli.js');
  const cliRuns = time(15, () => {
    const r = spawnSync(process.execPath, [cli, 'show', 'T1059.001'], { encoding: 'utf8' });
    if (r.status !== 0 || !/PowerShell/.test(r.stdout)) throw new Error(`attack-lens show failed: ${r.stderr}`);
  }, 2);
  report.series('`attack-lens show T1059.001` (whole process)', cliRuns, { max: 250, stat: 'median' });

  // Activation in the real host.
  if (process.env.ATTACK_LENS_BENCH_SKIP_HOST) return;
  const host: HostActivation[] = [];
  try {
    for (let i = 0; i < HOST_RUNS; i++) host.push(await activationInHost());
  } catch (e) {
    console.log(`  (activation in code-server not measured: ${(e as Error).message})`);
  }
  if (host.length) {
    report.series('activation → ready in code-server (activate(): index + features)', host.map((h) => h.activated), { max: 150, stat: 'median' });
    report.series('  same, from the host\'s activation event (bundle load incl.)', host.map((h) => h.fromEvent).filter(Number.isFinite));
    report.series('  first coverage scan of examples/ done (background)', host.map((h) => h.scanned));
    console.log(`  activate() samples: ${host.map((h) => h.activated).join(', ')} ms (median ${median(host.map((h) => h.activated))})`);
  }
}
