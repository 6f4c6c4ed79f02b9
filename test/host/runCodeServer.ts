import * as fs from 'fs';
import * as path from 'path';
import type { BrowserContext, Page } from 'playwright-core';
import { CHROMIUM_ARGS, chromiumPath, CodeServer, copyWorkspace, projectRoot, remoteUri, startCodeServer, tempDir, workbenchUrl } from './codeServer';
import { codeServerEntry } from './installCodeServer';
import type { SuiteResults } from './suiteIndex';
import type { UiRequest, UiResponse } from './uiProbe';
import { ensureVsix, installVsix, writeHarnessExtension } from './vsix';
import { cleanUp, Cleanup, runMain } from './workbench';

// `node out/test/host/runCodeServer.js [suite...] [--vsix | --no-vsix]`
// Runs each integration suite (out/test/integration/<suite>/) in a fresh code-server opened by
// headless Chromium, then (by default, or alone with --vsix) the packaged-extension check.
// Prints mocha's lines per suite and, last, "N passed, N failed"; exits non-zero on any failure
// or when no test ran.

const integrationOut = path.join(projectRoot, 'out', 'test', 'integration');
const suiteIndex = path.join(projectRoot, 'out', 'test', 'host', 'suiteIndex.js');
const resultsDir = path.join(projectRoot, 'test-results');
const timeoutMs = Number(process.env.ATTACK_LENS_SUITE_TIMEOUT_MS) || 5 * 60_000;
const verbose = !!process.env.ATTACK_LENS_VERBOSE;
/** Suites that run with workspace trust on and their folder untrusted; every other suite runs trusted. */
const UNTRUSTED_SUITES = new Set(['restricted']);

interface SuiteRun {
  readonly name: string;
  /** Folder of compiled *.test.js files. */
  readonly testsDir: string;
  /** Fixture workspace to copy (missing: an empty folder). */
  readonly fixture: string;
  /** Installs the extension from the .vsix instead of loading it from the repository. */
  readonly vsix?: boolean;
  /** Runs with workspace trust on and the folder untrusted (Restricted Mode). */
  readonly untrusted?: boolean;
}

interface Totals {
  passed: number;
  failed: number;
  pending: number;
}

const cleanups: Cleanup[] = [];
const cleanupAll = () => cleanUp(cleanups);

function listSuites(): string[] {
  if (!fs.existsSync(integrationOut)) return [];
  return fs
    .readdirSync(integrationOut, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

function readResults(file: string): SuiteResults | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as SuiteResults;
  } catch {
    return undefined;
  }
}

async function runSuite(run: SuiteRun): Promise<Totals> {
  const started = Date.now();
  console.log(`\n## ${run.name}`);
  const workspace = copyWorkspace(run.fixture, run.name);
  cleanups.push(() => fs.rmSync(path.dirname(workspace), { recursive: true, force: true }));
  const scratch = tempDir('run');
  cleanups.push(() => fs.rmSync(scratch, { recursive: true, force: true }));
  const resultsFile = path.join(scratch, 'results.json');
  const uiDir = path.join(scratch, 'ui');
  fs.mkdirSync(uiDir);

  let developmentPath = projectRoot;
  let extensionsDir: string | undefined;
  let vsix = '';
  if (run.vsix) {
    vsix = ensureVsix();
    extensionsDir = tempDir('extensions');
    cleanups.push(() => fs.rmSync(extensionsDir!, { recursive: true, force: true }));
    installVsix(codeServerEntry(), vsix, extensionsDir, path.join(scratch, 'install-user-data'));
    // VS Code runs extension tests only with a development extension: a tiny harness stands
    // in, so the extension under test is the installed one.
    developmentPath = writeHarnessExtension(path.join(scratch, 'harness'));
  }

  const server: CodeServer = await startCodeServer({
    extensionsDir,
    workspaceTrust: run.untrusted,
    env: {
      ATTACK_LENS_SUITE: run.name,
      ATTACK_LENS_TESTS_DIR: run.testsDir,
      ATTACK_LENS_RESULTS: resultsFile,
      ATTACK_LENS_UI_DIR: uiDir,
      ATTACK_LENS_EXPECT_INSTALLED: run.vsix ? extensionsDir : '',
      ATTACK_LENS_VSIX_FILE: vsix,
      ATTACK_LENS_UNTRUSTED: run.untrusted ? '1' : '',
    },
  });
  cleanups.push(() => server.stop());

  const { chromium } = require('playwright-core') as typeof import('playwright-core');
  const browserData = tempDir('chromium');
  cleanups.push(() => fs.rmSync(browserData, { recursive: true, force: true }));
  const context: BrowserContext = await chromium.launchPersistentContext(browserData, {
    executablePath: chromiumPath(),
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1400, height: 900 },
  });
  cleanups.push(() => context.close());
  const page = context.pages()[0] ?? (await context.newPage());

  let exitCode: number | undefined;
  let onExit: (code: number) => void = () => undefined;
  const exited = new Promise<number>((resolve) => (onExit = resolve));
  await page.exposeFunction('codeAutomationExit', (code: number) => {
    exitCode = code;
    onExit(code);
  });
  await page.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => {
    // Gallery lookups fail offline, and suiteIndex's own rejection repeats what the results show.
    const offlineNoise = (args ?? []).some((a) => typeof a === 'string' && /ENOTFOUND|open-vsx\.org|marketplace|^Error: \d+ test\(s\) failed/.test(a));
    if ((type === 'error' && !offlineNoise) || verbose) console.log(`  [host ${type}] ${(args ?? []).map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ')}`);
  });
  page.on('pageerror', (e) => verbose && console.log(`  [page error] ${e.message}`));

  const payload: [string, string][] = [
    ['extensionDevelopmentPath', remoteUri(server.port, developmentPath)],
    ['extensionTestsPath', remoteUri(server.port, suiteIndex)],
  ];
  const stopProbes = answerUiProbes(page, uiDir, run.name);
  cleanups.push(stopProbes);
  // A fixture with a .code-workspace file opens as that (multi-root) workspace.
  const workspaceFile = fs.readdirSync(workspace).find((f) => f.endsWith('.code-workspace'));
  await page.goto(workbenchUrl(server.origin, workspaceFile ? path.join(workspace, workspaceFile) : workspace, payload));

  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
  const outcome = await Promise.race([exited, timedOut]);
  clearTimeout(timer);

  const results = readResults(resultsFile);
  for (const line of results?.lines ?? []) console.log(`  ${line}`);
  const totals: Totals = { passed: results?.passed ?? 0, failed: results?.failed ?? 0, pending: results?.pending ?? 0 };
  const problems: string[] = [];
  if (outcome === 'timeout') {
    problems.push(`suite "${run.name}" timed out after ${timeoutMs / 1000} s${results ? ` (last results: ${results.passed} passed, ${results.failed} failed${results.done ? '' : ', still running'})` : ' before any test reported'}`);
  } else if (!results) {
    problems.push(`suite "${run.name}" exited with code ${exitCode} without running mocha (the extension host could not load ${suiteIndex})`);
  } else if (exitCode !== 0 && results.failed === 0) {
    problems.push(`suite "${run.name}": the extension host exited with code ${exitCode}`);
  }
  if (problems.length) totals.failed++;
  if (results?.failures.length) {
    console.log('');
    for (const f of results.failures) console.log(f.replace(/^/gm, '  '));
  }
  for (const p of problems) console.log(`  ✖ ${p}`);
  if (totals.failed > 0) {
    fs.mkdirSync(resultsDir, { recursive: true });
    const shot = path.join(resultsDir, `${run.name}-failure.png`);
    try {
      await page.screenshot({ path: shot });
      console.log(`  screenshot: ${path.relative(process.cwd(), shot)}`);
    } catch (e) {
      console.log(`  (no screenshot: ${(e as Error).message})`);
    }
    if (verbose) console.log(server.output());
  }
  console.log(`  ${totals.passed} passing, ${totals.failed} failing${totals.pending ? `, ${totals.pending} pending` : ''} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  await cleanupAll();
  return totals;
}

async function answerUiProbe(page: Page, req: UiRequest, suite: string): Promise<UiResponse> {
  if (req.kind === 'screenshot') {
    fs.mkdirSync(resultsDir, { recursive: true });
    const file = path.join(resultsDir, `${suite}-${(req.name ?? 'screenshot').replace(/[^\w.-]+/g, '_')}.png`);
    await page.screenshot({ path: file });
    return { ok: true, file };
  }
  const selector = req.selector ?? 'body';
  const frames = req.frames ? page.frames() : [page.mainFrame()];
  if (req.kind === 'click' || req.kind === 'select') {
    let target = page.locator(selector).first();
    for (const frame of frames) {
      if (await frame.$(selector).catch(() => null)) {
        target = frame.locator(selector).first();
        break;
      }
    }
    if (req.kind === 'click') await target.click({ timeout: 10_000 });
    else await target.selectOption(req.value ?? '', { timeout: 10_000 });
    return { ok: true };
  }
  const texts: string[] = [];
  for (const frame of frames) {
    try {
      texts.push(...(await frame.$$eval(selector, (els) => els.map((e) => (e as unknown as { innerText: string }).innerText))));
    } catch {
      // a frame that navigated away meanwhile
    }
  }
  return { ok: true, text: texts.join('\n') };
}

/** Answers UI probe requests (see uiProbe.ts) from the live page until stopped. */
function answerUiProbes(page: Page, dir: string, suite: string): () => void {
  let busy = false;
  const timer = setInterval(async () => {
    if (busy) return;
    busy = true;
    try {
      for (const f of fs.readdirSync(dir).filter((n) => n.startsWith('request-') && n.endsWith('.json'))) {
        const req = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as UiRequest;
        fs.rmSync(path.join(dir, f), { force: true });
        let res: UiResponse;
        try {
          res = await answerUiProbe(page, req, suite);
        } catch (e) {
          res = { ok: false, error: (e as Error).message };
        }
        const out = path.join(dir, `response-${req.id}.json`);
        fs.writeFileSync(`${out}.tmp`, JSON.stringify(res));
        fs.renameSync(`${out}.tmp`, out);
      }
    } finally {
      busy = false;
    }
  }, 50);
  return () => clearInterval(timer);
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const named = args.filter((a) => !a.startsWith('--'));
  const vsixOnly = args.includes('--vsix') && named.length === 0;
  const withVsix = !args.includes('--no-vsix') && (args.includes('--vsix') || named.length === 0);
  const available = listSuites();
  const unknown = named.filter((n) => !available.includes(n));
  if (unknown.length) {
    console.error(`unknown suite(s): ${unknown.join(', ')} (have: ${available.join(', ') || 'none — run `npm run build` first'})`);
    return 1;
  }
  if (!fs.existsSync(suiteIndex)) {
    console.error(`${suiteIndex} is missing: run \`npm run build\` first`);
    return 1;
  }
  const runs: SuiteRun[] = (vsixOnly ? [] : named.length ? named : available).map((name) => ({
    name,
    testsDir: path.join(integrationOut, name),
    fixture: path.join(projectRoot, 'test', 'fixtures', 'workspaces', name),
    untrusted: UNTRUSTED_SUITES.has(name),
  }));
  if (withVsix) {
    runs.push({ name: 'vsix', testsDir: path.join(projectRoot, 'out', 'test', 'host', 'vsix'), fixture: path.join(projectRoot, 'test', 'fixtures', 'workspaces', 'foundation'), vsix: true });
    // The installed extension (not one under development, which VS Code never disables) must run in Restricted Mode too.
    runs.push({ name: 'vsix-restricted', testsDir: path.join(projectRoot, 'out', 'test', 'host', 'vsix'), fixture: path.join(projectRoot, 'test', 'fixtures', 'workspaces', 'restricted'), vsix: true, untrusted: true });
  }
  const total: Totals = { passed: 0, failed: 0, pending: 0 };
  for (const run of runs) {
    let t: Totals;
    try {
      t = await runSuite(run);
    } catch (e) {
      console.log(`  ✖ suite "${run.name}" could not run: ${(e as Error).stack ?? e}`);
      await cleanupAll();
      t = { passed: 0, failed: 1, pending: 0 };
    }
    total.passed += t.passed;
    total.failed += t.failed;
    total.pending += t.pending;
  }
  console.log('');
  if (total.passed + total.failed === 0) console.log('no integration test ran');
  console.log(`${total.passed} passed, ${total.failed} failed${total.pending ? `, ${total.pending} skipped` : ''}`);
  return total.failed > 0 || total.passed === 0 ? 1 : 0;
}

runMain(main, cleanups);
