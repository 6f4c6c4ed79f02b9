import * as fs from 'fs';
import * as path from 'path';
import type { BrowserContext, Frame, Locator, Page } from 'playwright-core';
import { assert, Checks, matrixFrame } from './browserChecks';
import { CHROMIUM_ARGS, chromiumPath, CodeServer, copyWorkspace, projectRoot, remoteUri, startCodeServer, tempDir, workbenchUrl } from './codeServer';
import { Cleanup, quickInput, runCommand, runMain } from './workbench';

// `node out/test/host/walkBrowserTest.js [--update-screenshots]`
// A newcomer's first ten minutes, walked in code-server in headless Chromium at 1600×1000 and at
// 1280×800: hover a tag in a rule, complete a tag, fix a finding, the Coverage view, choose a
// threat profile, the matrix. Each step saves test-results/walk-<size>/<n>-<step>.png and checks
// by bounding boxes that what must be seen is on screen: the hover's first lines above the
// cursor line, the Coverage view's summary beside its toolbar, the matrix's last tactic column
// inside the window in compact mode and its scrollbar without scrolling. Workspace: examples/
// plus SigmaHQ's Windows process-creation rules (../shared), on a scratch copy.
// --update-screenshots also copies the 1600×1000 pictures to media/screenshots/ for the README.
// Prints a line per check and "N passed, N failed"; exits non-zero on any failure.

const SIZES = [
  { width: 1600, height: 1000 },
  { width: 1280, height: 800 },
] as const;
/** The README's pictures: step name → media/screenshots/<file>, taken at the first size. */
const README_PICTURES: Readonly<Record<string, string>> = {
  hover: 'hover.png',
  completion: 'completion.png',
  'fix-a-finding': 'diagnostics.png',
  'coverage-view': 'coverage-tree.png',
  'priority-gaps': 'priority-gaps.png',
  matrix: 'matrix.png',
};
const resultsDir = path.join(projectRoot, 'test-results');
const sharedRoot = process.env.ATTACK_LENS_SHARED || path.resolve(projectRoot, '..', 'shared');
const updatePictures = process.argv.includes('--update-screenshots');
const verbose = !!process.env.ATTACK_LENS_VERBOSE;
const checks = new Checks();
const cleanups: Cleanup[] = [];

const SIGMA_HOVER = 'sigma/proc_creation_win_powershell_encoded_cmd.yml';
const SIGMA_REVOKED = 'sigma/proc_creation_win_powershell_download_cradle.yml';
const NEW_RULE = `title: Encoded PowerShell Spawned by Office
status: experimental
tags:
    - attack.execution
    - attack.t1204.002
logsource:
    category: process_creation
    product: windows
detection:
    selection:
        ParentImage|endswith: '\\WINWORD.EXE'
        Image|endswith: '\\powershell.exe'
    condition: selection
level: high
`;

interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/**
 * The element's box once it has one: a widget that re-renders as it settles (the suggest list
 * refiltering as completion answers) can drop the element found a moment ago and draw it again.
 */
async function boxOf(locator: Locator, what: string, timeoutMs = 5_000): Promise<Box> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const box = await locator.boundingBox();
    if (box) return box;
    assert(Date.now() < deadline, `${what} has no box (not rendered) after ${timeoutMs} ms`);
    await locator.waitFor({ state: 'visible', timeout: Math.max(1, deadline - Date.now()) }).catch(() => undefined);
  }
}

const fmt = (b: Box) => `x ${Math.round(b.x)}…${Math.round(b.x + b.width)}, y ${Math.round(b.y)}…${Math.round(b.y + b.height)}`;

function prepareWorkspace(): string {
  const workspace = copyWorkspace(path.join(projectRoot, 'examples'), 'walk');
  const windows = path.join(sharedRoot, 'corpora', 'sigma', 'rules', 'windows', 'process_creation');
  if (!fs.existsSync(windows)) throw new Error(`${windows} not found: the walk needs ../shared (ATTACK_LENS_SHARED)`);
  fs.cpSync(windows, path.join(workspace, 'sigma', 'sigmahq', 'process_creation'), { recursive: true });
  fs.writeFileSync(path.join(workspace, 'sigma', 'new_rule.yml'), NEW_RULE);
  fs.mkdirSync(path.join(workspace, '.vscode'), { recursive: true });
  writeSettings(workspace, {});
  return workspace;
}

function writeSettings(workspace: string, extra: Record<string, unknown>): void {
  const settings = { 'workbench.colorTheme': 'Default Dark Modern', 'editor.minimap.enabled': false, 'files.autoSave': 'off', ...extra };
  fs.writeFileSync(path.join(workspace, '.vscode', 'settings.json'), JSON.stringify(settings, null, 2));
}

/** The 1-based line of the first line of `file` (in examples/) matching `pattern`. */
function lineOf(file: string, pattern: RegExp): number {
  const lines = fs.readFileSync(path.join(projectRoot, 'examples', file), 'utf8').split(/\r?\n/);
  const index = lines.findIndex((l) => pattern.test(l));
  if (index < 0) throw new Error(`examples/${file} has no line matching ${pattern}`);
  return index + 1;
}

/** Opens a workspace file and puts the cursor at line:column (1-based). */
async function openAt(page: Page, file: string, line: number, column: number): Promise<void> {
  await quickInput(page, 'Control+P', file, path.basename(file));
  await page.locator('.tabs-container .tab.active').getByText(path.basename(file)).waitFor({ timeout: 15_000 });
  await quickInput(page, 'Control+G', `:${line}:${column}`);
  await page.locator('.monaco-editor.focused').first().waitFor({ timeout: 5_000 });
}

async function reset(page: Page): Promise<void> {
  for (let i = 0; i < 3; i++) await page.keyboard.press('Escape');
}

async function walk(page: Page, server: CodeServer, workspace: string, size: { width: number; height: number }): Promise<void> {
  const label = `${size.width}x${size.height}`;
  const dir = path.join(resultsDir, `walk-${label}`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  let n = 0;
  const step = async (name: string, title: string, fn: () => Promise<void>): Promise<boolean> => {
    const file = path.join(dir, `${++n}-${name}.png`);
    const ok = await checks.check(`${label} · ${title}`, async () => {
      await fn();
      await page.screenshot({ path: file });
    });
    if (!ok) await page.screenshot({ path: file }).catch(() => undefined);
    if (ok && updatePictures && size === SIZES[0] && README_PICTURES[name]) {
      fs.copyFileSync(file, path.join(projectRoot, 'media', 'screenshots', README_PICTURES[name]));
      console.log(`    copied to media/screenshots/${README_PICTURES[name]}`);
    }
    await reset(page);
    return ok;
  };

  await page.setViewportSize(size);
  await page.goto(workbenchUrl(server.origin, workspace, [['extensionDevelopmentPath', remoteUri(server.port, projectRoot)]]));
  const loaded = await checks.check(`${label} · the workbench loads ATT&CK Lens and scans the rules`, async () => {
    await page.locator('.statusbar').getByText(/ATT&CK v18\.1/).first().waitFor({ timeout: 120_000 });
    await page.locator('.monaco-workbench').click({ position: { x: size.width / 2, y: size.height / 2 } }).catch(() => undefined);
    await runCommand(page, 'View: Close All Editors');
    await runCommand(page, 'View: Close Primary Side Bar');
  });
  if (!loaded) return;

  await step('hover', 'open a rule and hover a tag: the hover starts above the cursor line with name, tactics and platforms in sight', async () => {
    const line = lineOf(SIGMA_HOVER, /attack\.t1059\.001/);
    await openAt(page, SIGMA_HOVER, line, 17);
    await page.mouse.move(1, 1);
    await runCommand(page, 'Show or Focus Hover');
    const hover = page.locator('.monaco-hover:visible').filter({ hasText: 'T1059.001 PowerShell' }).first();
    await hover.waitFor({ timeout: 15_000 });
    const facts = hover.locator('p').filter({ hasText: /^Tactics: Execution · Platforms: Windows$/ }).first();
    const heading = hover.locator('p').filter({ hasText: /^T1059\.001 PowerShell — Sub-technique$/ }).first();
    const cursor = await boxOf(page.locator('.editor-group-container.active .monaco-editor .cursors-layer .cursor').first(), 'the cursor');
    const box = await boxOf(hover, 'the hover');
    const first = await boxOf(heading, 'the hover heading');
    const second = await boxOf(facts, 'the tactics and platforms line');
    assert(box.y >= 0, `the hover starts above the window: ${fmt(box)}`);
    for (const [what, b] of [['heading', first], ['tactics and platforms', second]] as const) {
      assert(b.y >= box.y - 1 && b.y + b.height <= box.y + box.height + 1, `the ${what} is outside the hover's visible area: ${fmt(b)} in ${fmt(box)}`);
      assert(b.y + b.height <= cursor.y + 1, `the ${what} is not above the cursor line (${fmt(b)}, cursor ${fmt(cursor)})`);
    }
    await hover.getByRole('link', { name: 'More…' }).waitFor({ timeout: 5_000 });
  });

  await step('completion', 'complete a tag: attack.powersh offers PowerShell, the list on screen', async () => {
    await openAt(page, 'sigma/new_rule.yml', 5, 100);
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await page.keyboard.type('- attack.powersh', { delay: 30 });
    await page.keyboard.press('Control+Space');
    const row = page.locator('.suggest-widget .monaco-list-row').filter({ hasText: 'PowerShell' }).first();
    await row.waitFor({ timeout: 15_000 });
    const b = await boxOf(row, 'the PowerShell suggestion');
    assert(b.x >= 0 && b.y >= 0 && b.x + b.width <= size.width && b.y + b.height <= size.height, `the suggestion is off screen: ${fmt(b)}`);
    await page.waitForTimeout(300);
  });
  await reset(page);
  await runCommand(page, 'File: Revert File').catch(() => undefined);

  await step('fix-a-finding', 'fix a finding: the revoked tag in Problems, its quick fix offers T1059.001', async () => {
    await openAt(page, SIGMA_REVOKED, 1, 1);
    await runCommand(page, 'View: Focus Problems (Errors, Warnings, Infos)');
    await page.locator('.markers-panel').getByText(/T1086/).first().waitFor({ timeout: 20_000 });
    await openAt(page, SIGMA_REVOKED, lineOf(SIGMA_REVOKED, /attack\.t1086/i), 17);
    await page.keyboard.press('Control+.');
    const fix = page.locator('.action-widget').getByText(/T1059\.001/).first();
    await fix.waitFor({ timeout: 15_000 });
    const b = await boxOf(fix, 'the quick fix');
    assert(b.x + b.width <= size.width && b.y + b.height <= size.height && b.y >= 0, `the quick fix is off screen: ${fmt(b)}`);
  });
  await runCommand(page, 'View: Hide Panel').catch(() => undefined);

  await step('coverage-view', 'the Coverage view at the default side bar width: the summary beside the toolbar, tactic rows not cut', async () => {
    await runCommand(page, 'ATT&CK Lens: Focus on Coverage View');
    const header = page.locator('.part.sidebar .pane-header').filter({ has: page.locator('h3.title', { hasText: /^Coverage$/i }) }).first();
    await summaryBesideToolbar(header, /^\d+(\.\d+)?% · \d+ rules/, true);
    const tree = page.locator('.part.sidebar .monaco-list[aria-label*="Coverage"]').first();
    await tree.locator('.monaco-list-row').filter({ hasText: /Execution/ }).first().waitFor({ timeout: 15_000 });
    const cut = await tree.evaluate((list) => {
      const rows = [...list.querySelectorAll('.monaco-list-row')];
      return rows
        .map((row) => row.querySelector('.monaco-icon-label-container') as { scrollWidth: number; clientWidth: number; textContent: string | null } | null)
        .filter((c): c is { scrollWidth: number; clientWidth: number; textContent: string | null } => !!c && c.scrollWidth > c.clientWidth + 1)
        .map((c) => c.textContent);
    });
    assert(cut.length === 0, `tactic rows cut off: ${cut.join(' | ')}`);
    await tree.locator('.monaco-list-row').getByText('Execution', { exact: true }).first().click();
    await tree.locator('.monaco-list-row').getByText(/Command and Scripting Interpreter/).first().click();
    await page.mouse.move(1, 1);
  });

  await step('threat-profile', 'choose a threat profile: the picker opens on screen', async () => {
    await runCommand(page, 'ATT&CK Lens: Choose threat profile');
    const widget = page.locator('.quick-input-widget');
    await widget.locator('.quick-input-list .monaco-list-row').first().waitFor({ timeout: 15_000 });
    const b = await boxOf(widget, 'the picker');
    assert(b.y >= 0 && b.y + b.height <= size.height && b.x + b.width <= size.width, `the picker is off screen: ${fmt(b)}`);
  });
  // The picker itself is the profile suite's; here the choice is saved where the picker saves it.
  writeSettings(workspace, { 'attackLens.threatProfile': { name: 'APT29 + FIN7', actors: ['G0016', 'G0046'] } });

  await step('priority-gaps', 'the Priority gaps view ranks the profile\'s gaps, its summary not under the toolbar', async () => {
    await runCommand(page, 'ATT&CK Lens: Focus on Priority Gaps View');
    const header = page.locator('.part.sidebar .pane-header').filter({ has: page.locator('h3.title', { hasText: /^Priority gaps$/i }) }).first();
    await summaryBesideToolbar(header, /APT29 \+ FIN7/, false);
    const gaps = page.locator('.part.sidebar .monaco-list[aria-label*="Priority gaps"]').first();
    const top = gaps.locator('.monaco-list-row').filter({ hasText: /^T\d{4}/ }).first();
    await top.waitFor({ timeout: 15_000 });
    await top.click();
    await page.keyboard.press('ArrowRight');
    await page.mouse.move(1, 1);
  });

  let frame!: Frame;
  await step('matrix', 'the matrix in compact mode: all 14 tactics inside the window, the scrollbar without scrolling', async () => {
    await runCommand(page, 'View: Close Primary Side Bar');
    await runCommand(page, 'ATT&CK Lens: Show coverage matrix');
    frame = await matrixFrame(page, 60_000);
    await frame.locator('.summary').getByText(/threat profile: APT29 \+ FIN7/).waitFor({ timeout: 60_000 });
    assert(await frame.locator('#compact').isChecked(), 'compact is on when the matrix first opens');
    const columns = frame.locator('.matrix .column');
    assert((await columns.count()) === 14, `${await columns.count()} columns`);
    const last = await boxOf(columns.last(), 'the last tactic column');
    const view = await webviewBox(frame);
    assert(last.x + last.width <= Math.min(size.width, view.x + view.width), `the Impact column ends at ${Math.round(last.x + last.width)} px, the webview at ${Math.round(view.x + view.width)} px of ${size.width}`);
    await scrollbarOnScreen(frame, view);
    await frame.locator('.cell[data-id="T1059"]').first().click();
    await frame.locator('.side .detail-title').first().waitFor();
    await page.mouse.move(1, 1);
  });

  await step('matrix-full', 'the matrix at full width overflows sideways, and its scrollbar stays on screen', async () => {
    frame = await matrixFrame(page);
    await frame.locator('#compact').uncheck();
    const view = await webviewBox(frame);
    const last = await boxOf(frame.locator('.matrix .column').last(), 'the last tactic column');
    assert(last.x + last.width > view.x + view.width, `at full width the Impact column still fits (${fmt(last)}): nothing to scroll`);
    await scrollbarOnScreen(frame, view);
  });

  await step('matrix-zoom', 'zoom: 75 % makes columns narrower and is kept when the panel comes back', async () => {
    frame = await matrixFrame(page);
    const before = (await boxOf(frame.locator('.matrix .column').first(), 'the first column')).width;
    await frame.locator('select.zoom').selectOption('0.75');
    const after = (await boxOf(frame.locator('.matrix .column').first(), 'the first column')).width;
    assert(after < before * 0.8, `column width ${before} → ${after} at 75 %`);
    // A hidden webview loses its page: the zoom and the layout come back from the webview state.
    await runCommand(page, 'View: Open Next Editor').catch(() => undefined);
    await openAt(page, SIGMA_HOVER, 1, 1);
    await page.locator('.tabs-container .tab').getByText('ATT&CK Coverage Matrix').first().click();
    frame = await matrixFrame(page);
    assert((await frame.locator('select.zoom').inputValue()) === '0.75', 'zoom kept');
    assert(!(await frame.locator('#compact').isChecked()), 'full width kept');
    await frame.locator('select.zoom').selectOption('1');
    await frame.locator('#compact').check();
  });
}

/** Where the matrix's frame is in the window. */
async function webviewBox(frame: Frame): Promise<Box> {
  const box = await (await frame.frameElement()).boundingBox();
  assert(box, 'the webview has no box');
  return box;
}

/** The view's description (its summary) ends before the toolbar starts while the view has focus, and (`whole`) is not cut. */
async function summaryBesideToolbar(header: Locator, text: RegExp, whole: boolean): Promise<void> {
  const description = header.locator('.description').first();
  await description.filter({ hasText: text }).waitFor({ timeout: 30_000 });
  await header.locator('.actions .action-label').first().waitFor({ state: 'visible', timeout: 10_000 });
  const d = await boxOf(description, 'the summary');
  const actions = await boxOf(header.locator('.actions .actions-container').first(), 'the toolbar');
  const widths = await description.evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
  const shown = await description.innerText();
  if (whole) assert(widths.scroll <= widths.client + 1, `the summary is cut: "${shown}" needs ${widths.scroll} px, has ${widths.client} px`);
  assert(d.x + d.width <= actions.x + 1, `the summary (${fmt(d)}) runs under the toolbar (${fmt(actions)})`);
  const icons = await header.locator('.actions .action-item').count();
  assert(icons <= 4, `${icons} toolbar items (at most 3 icons and …)`);
}

/** The matrix scrolls inside the window: its box ends above the webview's bottom and the page itself does not scroll. */
async function scrollbarOnScreen(frame: Frame, view: Box): Promise<void> {
  const matrix = await boxOf(frame.locator('.matrix'), 'the matrix');
  assert(matrix.y + matrix.height <= view.y + view.height + 1, `the matrix (${fmt(matrix)}) ends below the webview (${fmt(view)}): its scrollbar is off screen`);
  const pageScrolls = await frame.evaluate(() => {
    const d = (globalThis as unknown as { document: { documentElement: { scrollHeight: number; clientHeight: number } } }).document.documentElement;
    return d.scrollHeight > d.clientHeight + 1;
  });
  assert(!pageScrolls, 'the webview page scrolls: the matrix is taller than the window');
}

async function main(): Promise<number> {
  const started = Date.now();
  console.log('\n## walk (browser)');
  const workspace = prepareWorkspace();
  cleanups.push(() => fs.rmSync(path.dirname(workspace), { recursive: true, force: true }));
  const server = await startCodeServer();
  cleanups.push(() => server.stop());
  const { chromium } = require('playwright-core') as typeof import('playwright-core');
  for (const size of SIZES) {
    writeSettings(workspace, {});
    const browserData = tempDir('chromium');
    cleanups.push(() => fs.rmSync(browserData, { recursive: true, force: true }));
    const context: BrowserContext = await chromium.launchPersistentContext(browserData, { executablePath: chromiumPath(), headless: true, args: CHROMIUM_ARGS, viewport: size });
    const page = context.pages()[0] ?? (await context.newPage());
    if (verbose) page.on('console', (m) => console.log(`  [page ${m.type()}] ${m.text()}`));
    try {
      await walk(page, server, workspace, size);
    } catch (e) {
      checks.failed++;
      console.log(`  ✖ the walk at ${size.width}×${size.height} could not run: ${(e as Error).stack ?? e}`);
    }
    await context.close();
  }
  if (checks.failed && verbose) console.log(server.output());
  console.log(`  screenshots: test-results/walk-*/\n  (${((Date.now() - started) / 1000).toFixed(1)} s)\n\n${checks.passed} passed, ${checks.failed} failed`);
  return checks.failed > 0 || checks.passed === 0 ? 1 : 0;
}

runMain(main, cleanups);
