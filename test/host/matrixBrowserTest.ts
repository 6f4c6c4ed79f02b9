import * as fs from 'fs';
import * as path from 'path';
import type { BrowserContext, Frame, Page } from 'playwright-core';
import { assert, Checks, matrixFrame } from './browserChecks';
import { CHROMIUM_ARGS, chromiumPath, CodeServer, copyWorkspace, projectRoot, remoteUri, startCodeServer, tempDir, workbenchUrl } from './codeServer';
import { rawTechniques } from './rawAnalytics';
import { Cleanup, runCommand, runMain } from './workbench';

// `node out/test/host/matrixBrowserTest.js`
// The coverage matrix as a user meets it: code-server in headless Chromium with ATT&CK Lens
// loaded from this repository and test/fixtures/workspaces/matrix open. Runs "ATT&CK Lens: Show
// coverage matrix" from the command palette, finds the webview (nested iframes: the inner
// `active-frame`), clicks a covered cell, a rule, a gap, and moves with the keyboard. The workspace
// collects Process Creation (attackLens.telemetry in its settings): the telemetry colour mode is
// chosen and a visible gap clicked, its analytics checked against the STIX bundle. Saves
// test-results/matrix-telemetry.png and test-results/matrix.png (the README's picture comes from walkBrowserTest). Prints a line per
// check and "N passed, N failed"; exits non-zero on any failure.

const resultsDir = path.join(projectRoot, 'test-results');
const fixture = path.join(projectRoot, 'test', 'fixtures', 'workspaces', 'matrix');
/** What the workspace collects (its .vscode/settings.json, written into the copy). */
const TELEMETRY = { name: 'Browser test', dataComponents: ['DC0032'] };
const verbose = !!process.env.ATTACK_LENS_VERBOSE;
const cleanups: Cleanup[] = [];
const checks = new Checks();
const check = (name: string, fn: () => Promise<void>) => checks.check(name, fn);

async function sideText(frame: Frame): Promise<string> {
  return frame.locator('.side').innerText();
}

async function run(page: Page, server: CodeServer, workspace: string): Promise<void> {
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  const payload: [string, string][] = [['extensionDevelopmentPath', remoteUri(server.port, projectRoot)]];
  await page.goto(workbenchUrl(server.origin, workspace, payload));

  await check('the workbench loads ATT&CK Lens (status bar shows ATT&CK v18.1)', async () => {
    await page.locator('.statusbar').getByText(/ATT&CK v18\.1/).first().waitFor({ timeout: 90_000 });
  });

  let frame!: Frame;
  const opened = await check('F1 → "ATT&CK Lens: Show coverage matrix" opens the webview', async () => {
    await page.locator('.monaco-workbench').click({ position: { x: 600, y: 400 } }).catch(() => undefined);
    await runCommand(page, 'ATT&CK Lens: Show coverage matrix');
    await page.locator('.tabs-container .tab').getByText('ATT&CK Coverage Matrix').waitFor({ timeout: 20_000 });
    frame = await matrixFrame(page);
    await frame.locator('.summary').getByText(/5 rules/).waitFor({ timeout: 20_000 });
    const columns = await frame.locator('.column-head h2').allInnerTexts();
    assert(columns.length === 14 && columns[0] === 'Reconnaissance' && columns[13] === 'Impact', `columns: ${columns.join(', ')}`);
  });
  if (!opened) return;

  await check('with nothing selected, the side panel ranks the top gaps; a click selects one', async () => {
    const first = frame.locator('.side .top-gaps li .rule').first();
    await first.waitFor({ timeout: 10_000 });
    assert((await frame.locator('.side .top-gaps li').count()) === 10, 'ten gaps listed');
    const id = await first.locator('.detail-id').innerText();
    await first.click();
    await frame.locator('.side .detail-title .detail-id').getByText(id, { exact: true }).waitFor({ timeout: 10_000 });
    assert((await frame.locator(`.cell.selected[data-id="${id}"]`).count()) > 0, `${id} is selected in the matrix`);
    assert(/No rule covers this technique/.test(await sideText(frame)), 'a gap');
  });

  await check('a covered cell lists its covering rule in the side panel', async () => {
    await frame.locator('.technique:has(.cell[data-id="T1003"]) .toggle').first().click();
    const sub = frame.locator('.cell[data-id="T1003.001"]');
    await sub.waitFor();
    assert((await sub.locator('.count').innerText()) === '1', 'T1003.001 shows 1 rule');
    await sub.click();
    await frame.locator('.side .covering').getByText('LSASS Memory Dump via Comsvcs MiniDump').waitFor({ timeout: 10_000 });
    const text = await sideText(frame);
    assert(/T1003\.001\s+LSASS Memory/.test(text) && /Covering rules \(1\)/.test(text), `side panel: ${text}`);
    assert(/lsass_memory_dump\.yml:9 · attack\.t1003\.001/.test(text), `rule location: ${text}`);
  });

  await check('clicking the rule opens it at its tag', async () => {
    await frame.locator('.side .rule').first().click();
    await page.locator('.tabs-container .tab.active').getByText('lsass_memory_dump.yml').waitFor({ timeout: 15_000 });
    const deadline = Date.now() + 10_000;
    let status = '';
    while (Date.now() < deadline && !/Ln 9, Col 23 \(16 selected\)/.test(status)) {
      status = await page.locator('.statusbar').innerText();
      await page.waitForTimeout(200);
    }
    assert(/Ln 9, Col 23 \(16 selected\)/.test(status), `the selection is not attack.t1003.001 on line 9: status bar ${JSON.stringify(status)}`);
    await page.locator('.tabs-container .tab').getByText('ATT&CK Coverage Matrix').first().click();
    frame = await matrixFrame(page);
  });

  await check('a rule title that is markup shows as text (no element, no script)', async () => {
    await frame.locator('.cell[data-id="T1547"]').first().click();
    const item = frame.locator('.side .rule-title').getByText('<img src=x onerror=alert(1)>', { exact: true });
    await item.waitFor({ timeout: 10_000 });
    assert((await frame.locator('.side img').count()) === 0, 'an <img> element reached the side panel');
    assert(dialogs.length === 0, `dialogs: ${dialogs.join(', ')}`);
  });

  await check('a gap lists detection strategies and data components', async () => {
    const gap = frame.locator('.cell[data-id="T1001"]');
    assert((await gap.locator('.count').innerText()) === '0', 'T1001 is a gap');
    await gap.click();
    await frame.locator('.side .strategies details').first().waitFor({ timeout: 10_000 });
    const text = await sideText(frame);
    assert(/No rule covers this technique/.test(text), `gap note: ${text}`);
    assert(/Detection strategies \([1-9]\d*\)/.test(text) && /DET\d{4}/.test(text), `strategies: ${text}`);
    assert((await frame.locator('.side .analytics li').count()) > 0, 'analytics listed');
    assert(/Data components/.test(text), 'data components listed');
  });

  await check('cells are labelled buttons: arrow keys move, + and - expand, Enter selects', async () => {
    const cell = frame.locator('.cell[data-id="T1001"]');
    const label = (await cell.getAttribute('aria-label')) ?? '';
    assert(/^T1001 Data Obfuscation: 0 rules, gap$/.test(label), `aria-label: ${label}`);
    await cell.press('ArrowDown');
    const below = await frame.evaluate(() => { const a = (globalThis as any).document.activeElement; return a.getAttribute('data-id') ?? a.outerHTML.slice(0, 200); });
    assert(below && below !== 'T1001', `focus after ArrowDown: ${below}`);
    await frame.locator(`.cell[data-id="${below}"]`).first().press('ArrowUp');
    await frame.locator('.cell[data-id="T1001"]').press('+');
    await frame.locator('.cell[data-id="T1001.001"]').waitFor({ timeout: 5_000 });
    await frame.locator('.cell[data-id="T1001"]').press('-');
    await frame.locator('.cell[data-id="T1001.001"]').waitFor({ state: 'detached', timeout: 5_000 });
    await frame.locator('.cell[data-id="T1001"]').press('Enter');
    await frame.locator('.side .detail-id').getByText('T1001', { exact: true }).waitFor({ timeout: 10_000 });
  });

  await check('filters: platform and profile only', async () => {
    const all = await frame.locator('.cell').count();
    await frame.locator('select.platform').selectOption('macOS');
    const mac = await frame.locator('.cell').count();
    assert(mac > 0 && mac < all, `macOS: ${mac} of ${all}`);
    await frame.locator('select.platform').selectOption('');
    assert((await frame.locator('#profile-only').isDisabled()) === true, 'profile only is off without a profile');
  });

  await check('telemetry mode: a visible gap lists the analytics that read collected log sources (as the STIX bundle has them)', async () => {
    const expected = visibleGap(workspace);
    assert(!(await frame.locator('select.colour-mode option[value="telemetry"]').isDisabled()), 'the telemetry mode is offered with a telemetry profile');
    await frame.locator('select.colour-mode').selectOption('telemetry');
    await frame.locator('.legend').getByText('Telemetry state').waitFor({ timeout: 10_000 });
    const cell = frame.locator(`.cell[data-id="${expected.id}"]`).first();
    assert((await cell.getAttribute('class'))?.includes('t-visible'), `${expected.id} is coloured visible: ${await cell.getAttribute('class')}`);
    assert((await cell.locator('.mark').innerText()) === 'V', `${expected.id} shows the letter V`);
    await cell.click();
    await frame.locator('.side .detail-title .detail-id').getByText(expected.id, { exact: true }).waitFor({ timeout: 10_000 });
    await frame.locator('.side .collected-analytics').waitFor({ timeout: 10_000 });
    const text = await sideText(frame);
    assert(/Telemetry: visible —/.test(text) && /What a new rule would read/.test(text), `side panel: ${text}`);
    const listed = await frame.locator('.side .collected-analytic').evaluateAll((els) => els.map((e) => (e as unknown as { dataset: { id: string } }).dataset.id));
    assert(JSON.stringify([...listed].sort()) === JSON.stringify(expected.analytics.map((a) => a.id).sort()), `analytics listed ${listed.join(', ')}; the bundle has ${expected.analytics.map((a) => a.id).join(', ')}`);
    for (const a of expected.analytics) {
      const item = frame.locator(`.side .collected-analytic[data-id="${a.id}"]`);
      const itemText = await item.innerText();
      assert(itemText.includes(`${a.id} ${a.name}`), `${a.id} ${a.name}: ${itemText}`);
      for (const ls of a.logSources) assert(itemText.includes(`${ls.name}${ls.channel ? ` · ${ls.channel}` : ''} — DC0032`), `${a.id}: ${ls.name} ${ls.channel} in ${itemText}`);
      assert((await item.locator('.log-source').count()) === a.logSources.length, `${a.id}: ${a.logSources.length} log sources`);
    }
    fs.mkdirSync(resultsDir, { recursive: true });
    await page.screenshot({ path: path.join(resultsDir, 'matrix-telemetry.png') });
    await frame.locator('select.colour-mode').selectOption('rules');
    await frame.locator('.legend').getByText('Rules per technique').waitFor({ timeout: 10_000 });
  });

  await check('screenshot test-results/matrix.png', async () => {
    // Matrix alone: one editor group, no side bar.
    await runCommand(page, 'View: Single Column Editor Layout');
    await page.locator('.tabs-container .tab').getByText('ATT&CK Coverage Matrix').first().click();
    await runCommand(page, 'View: Close Primary Side Bar');
    const file = await screenshot(page, 'T1059.001');
    assert(fs.statSync(file).size > 50_000, 'screenshot written');
  });
}

/**
 * The first Enterprise technique (by ID, a parent: a cell shown unexpanded) that no fixture rule
 * names and that one of its analytics detects from Process Creation, with those analytics and
 * their Process Creation log sources, straight from the STIX bundle.
 */
function visibleGap(workspace: string): { id: string; analytics: { id: string; name: string; logSources: { name: string; channel: string }[] }[] } {
  const named = new Set<string>();
  for (const f of fs.readdirSync(path.join(workspace, 'rules'))) {
    for (const m of fs.readFileSync(path.join(workspace, 'rules', f), 'utf8').matchAll(/attack\.(t\d{4})(?:\.\d{3})?\b/g)) named.add(m[1].toUpperCase());
  }
  const techniques = [...rawTechniques('enterprise-attack-18.1.json').values()].filter((t) => !t.id.includes('.') && !named.has(t.id)).sort((a, b) => (a.id < b.id ? -1 : 1));
  for (const t of techniques) {
    const analytics = t.analytics.map((a) => ({ id: a.id, name: a.name, logSources: a.logSources.filter((ls) => TELEMETRY.dataComponents.includes(ls.dataComponent)) })).filter((a) => a.logSources.length);
    if (analytics.length) return { id: t.id, analytics };
  }
  throw new Error('no Enterprise technique is detectable from Process Creation');
}

/** Expands T1059, selects a cell, and saves test-results/matrix.png. */
async function screenshot(page: Page, select: string): Promise<string> {
  const frame = await matrixFrame(page);
  const parent = select.split('.')[0];
  if (select.includes('.') && !(await frame.locator(`.cell[data-id="${select}"]`).count())) await frame.locator(`.technique:has(.cell[data-id="${parent}"]) .toggle`).first().click();
  await frame.locator(`.cell[data-id="${select}"]`).first().click();
  await frame.locator('.side .detail-title').first().waitFor();
  await frame.locator(`.cell[data-id="${select}"]`).first().blur();
  await page.mouse.move(5, 600);
  await page.waitForTimeout(500);
  fs.mkdirSync(resultsDir, { recursive: true });
  const file = path.join(resultsDir, 'matrix.png');
  await page.screenshot({ path: file });
  return file;
}

async function main(): Promise<number> {
  const started = Date.now();
  console.log('\n## matrix (browser)');
  const workspace = copyWorkspace(fixture, 'matrix');
  cleanups.push(() => fs.rmSync(path.dirname(workspace), { recursive: true, force: true }));
  fs.mkdirSync(path.join(workspace, '.vscode'), { recursive: true });
  fs.writeFileSync(path.join(workspace, '.vscode', 'settings.json'), JSON.stringify({ 'attackLens.telemetry': TELEMETRY }, null, 2));
  const server = await startCodeServer();
  cleanups.push(() => server.stop());
  const { chromium } = require('playwright-core') as typeof import('playwright-core');
  const browserData = tempDir('chromium');
  cleanups.push(() => fs.rmSync(browserData, { recursive: true, force: true }));
  const context: BrowserContext = await chromium.launchPersistentContext(browserData, { executablePath: chromiumPath(), headless: true, args: CHROMIUM_ARGS, viewport: { width: 1600, height: 1000 } });
  cleanups.push(() => context.close());
  const page = context.pages()[0] ?? (await context.newPage());
  if (verbose) page.on('console', (m) => console.log(`  [page ${m.type()}] ${m.text()}`));
  try {
    await run(page, server, workspace);
  } catch (e) {
    checks.failed++;
    console.log(`  ✖ the browser test could not run: ${(e as Error).stack ?? e}`);
  }
  if (checks.failed) {
    fs.mkdirSync(resultsDir, { recursive: true });
    await page.screenshot({ path: path.join(resultsDir, 'matrix-failure.png') }).catch(() => undefined);
    console.log('  screenshot: test-results/matrix-failure.png');
    if (verbose) console.log(server.output());
  }
  console.log(`  (${((Date.now() - started) / 1000).toFixed(1)} s)\n\n${checks.passed} passed, ${checks.failed} failed`);
  return checks.failed > 0 || checks.passed === 0 ? 1 : 0;
}

runMain(main, cleanups);
