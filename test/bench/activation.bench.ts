import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { compileBundle } from '../../src/attack/compile';
import { readStixBundleFile } from '../../src/node/bundles';
import { CHROMIUM_ARGS, chromiumPath, copyWorkspace, startCodeServer, tempDir, workbenchUrl } from '../host/codeServer';
import { BenchReport, median, projectRoot, sharedRoot, time } from './bench';

// Start-up costs, each measured where it really happens:
// - activation → ready: in a real code-server (fresh profile each run, examples/ open in headless
//   Chromium), read from the extension's own log lines "Activated … in N ms" / "Ready in N ms";
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

async function activationInHost(): Promise<{ activated: number; ready: number }> {
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
      const ready = findLines(server.userDataDir, /Ready in \d+ ms/);
      if (ready.length) {
        const activated = findLines(server.userDataDir, /Activated with .* in \d+ ms/);
        return { activated: Number(/in (\d+) ms/.exec(activated[0] ?? '')?.[1] ?? NaN), ready: Number(/Ready in (\d+) ms/.exec(ready[0])![1]) };
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error('the extension did not log "Ready in N ms" within 90 s');
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
  const host: { activated: number; ready: number }[] = [];
  try {
    for (let i = 0; i < HOST_RUNS; i++) host.push(await activationInHost());
  } catch (e) {
    console.log(`  (activation in code-server not measured: ${(e as Error).message})`);
  }
  if (host.length) {
    report.series(`activate() in code-server (extension's own log, n=${host.length})`, host.map((h) => h.activated));
    report.series('activation → ready in code-server (examples/ workspace)', host.map((h) => h.ready), { max: 150, stat: 'median' });
    console.log(`  ready samples: ${host.map((h) => h.ready).join(', ')} ms (median ${median(host.map((h) => h.ready))})`);
  }
}
