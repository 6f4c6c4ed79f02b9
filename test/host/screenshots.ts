import * as fs from 'fs';
import * as path from 'path';
import type { BrowserContext, Page } from 'playwright-core';
import { runCommand, quickInput, runMain, Cleanup } from './workbench';
import { CHROMIUM_ARGS, chromiumPath, copyWorkspace, projectRoot, remoteUri, startCodeServer, tempDir, workbenchUrl } from './codeServer';

// `npm run screenshots`: the README pictures, taken from the real extension in code-server.
// Workspace: examples/ plus SigmaHQ's Windows process-creation rules (a realistic coverage tree)
// and APT29 + FIN7 as the threat profile. Writes media/screenshots/<name>.png. Not a test: each
// shot that fails prints why and the others still run; exits non-zero if any failed.

const outDir = path.join(projectRoot, 'media', 'screenshots');
const sharedRoot = process.env.ATTACK_LENS_SHARED || path.resolve(projectRoot, '..', 'shared');
const only = process.argv.slice(2);
let failures = 0;

async function shot(page: Page, name: string, fn: () => Promise<void>): Promise<void> {
  if (only.length && !only.includes(name)) return;
  try {
    await page.mouse.move(1, 1).catch(() => undefined);
    await fn();
    await page.waitForTimeout(400);
    fs.mkdirSync(outDir, { recursive: true });
    await page.screenshot({ path: path.join(outDir, `${name}.png`) });
    console.log(`  ✔ media/screenshots/${name}.png`);
  } catch (e) {
    failures++;
    const failure = path.join(projectRoot, 'test-results', `screenshot-${name}-failure.png`);
    fs.mkdirSync(path.dirname(failure), { recursive: true });
    await page.screenshot({ path: failure }).catch(() => undefined);
    console.log(`  ✖ ${name}: ${(e as Error).message.split('\n')[0]} (see ${path.relative(projectRoot, failure)})`);
  }
  await reset(page);
}

async function reset(page: Page): Promise<void> {
  for (let i = 0; i < 3; i++) await page.keyboard.press('Escape');
}


/** Opens a workspace file and puts the cursor at line:column (1-based). */
async function openAt(page: Page, file: string, line: number, column: number): Promise<void> {
  await quickInput(page, 'Control+P', file, path.basename(file));
  await page.locator('.tabs-container .tab.active').getByText(path.basename(file)).waitFor({ timeout: 10_000 });
  await quickInput(page, "Control+G", `:${line}:${column}`);
  await page.locator('.monaco-editor.focused').first().waitFor({ timeout: 5_000 }).catch(() => undefined);
}

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

function prepareWorkspace(): string {
  const workspace = copyWorkspace(path.join(projectRoot, 'examples'), 'screenshots');
  const windows = path.join(sharedRoot, 'corpora', 'sigma', 'rules', 'windows', 'process_creation');
  if (fs.existsSync(windows)) fs.cpSync(windows, path.join(workspace, 'sigma', 'sigmahq', 'process_creation'), { recursive: true });
  fs.writeFileSync(path.join(workspace, 'sigma', 'new_rule.yml'), NEW_RULE);
  fs.mkdirSync(path.join(workspace, '.vscode'), { recursive: true });
  const settings = { 'attackLens.threatProfile': { name: 'APT29 + FIN7', actors: ['G0016', 'G0046'] }, 'workbench.colorTheme': 'Default Dark Modern', 'editor.minimap.enabled': false };
  fs.writeFileSync(path.join(workspace, '.vscode', 'settings.json'), JSON.stringify(settings, null, 2));
  return workspace;
}

const cleanups: Cleanup[] = [];

async function main(): Promise<number> {
  const workspace = prepareWorkspace();
  cleanups.push(() => fs.rmSync(path.dirname(workspace), { recursive: true, force: true }));
  const server = await startCodeServer();
  cleanups.push(() => server.stop());
  const { chromium } = require('playwright-core') as typeof import('playwright-core');
  const browserData = tempDir('chromium');
  cleanups.push(() => fs.rmSync(browserData, { recursive: true, force: true }));
  const context: BrowserContext = await chromium.launchPersistentContext(browserData, { executablePath: chromiumPath(), headless: true, args: CHROMIUM_ARGS, viewport: { width: 1440, height: 900 } });
  cleanups.push(() => context.close());
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(workbenchUrl(server.origin, workspace, [['extensionDevelopmentPath', remoteUri(server.port, projectRoot)]]));
  await page.locator('.statusbar').getByText(/ATT&CK v18\.1/).first().waitFor({ timeout: 120_000 });
  await page.locator('.monaco-workbench').click({ position: { x: 700, y: 400 } }).catch(() => undefined);
  await runCommand(page, 'View: Close Primary Side Bar');

  const sigma = 'sigma/proc_creation_win_powershell_encoded_cmd.yml';
  await shot(page, 'hover', async () => {
    await openAt(page, sigma, 14, 17);
    await runCommand(page, 'Show or Focus Hover');
    await page.locator('.monaco-hover').getByText('PowerShell').first().waitFor({ timeout: 10_000 });
  });

  await shot(page, 'completion', async () => {
    await openAt(page, 'sigma/new_rule.yml', 5, 100);
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await page.keyboard.type('- attack.powersh', { delay: 40 });
    await page.keyboard.press('Control+Space');
    await page.locator('.suggest-widget .monaco-list-row').getByText('PowerShell').first().waitFor({ timeout: 10_000 });
    await page.waitForTimeout(500);
  });

  await shot(page, 'diagnostics', async () => {
    await openAt(page, 'sigma/proc_creation_win_powershell_download_cradle.yml', 1, 1);
    await runCommand(page, 'View: Focus Problems (Errors, Warnings, Infos)');
    await page.locator('.markers-panel').getByText(/T1086/).first().waitFor({ timeout: 15_000 });
    const line = revokedTagLine();
    await openAt(page, 'sigma/proc_creation_win_powershell_download_cradle.yml', line, 17);
    await page.keyboard.press('Control+.');
    await page.locator('.action-widget').getByText(/T1059\.001/).first().waitFor({ timeout: 10_000 });
  });

  await shot(page, 'coverage-tree', async () => {
    await runCommand(page, 'View: Hide Panel').catch(() => page.keyboard.press('Escape'));
    await runCommand(page, 'ATT&CK Lens: Focus on Coverage View');
    await widenSideBar(page, 480);
    const tree = page.locator('.pane-body .monaco-list[aria-label*="Coverage"]').first();
    await tree.locator('.monaco-list-row').getByText('Execution', { exact: true }).first().click();
    await tree.locator('.monaco-list-row').getByText(/Command and Scripting Interpreter/).first().click();
    await tree.locator('.monaco-list-row').getByText(/T1059\.001 PowerShell/).first().hover();
    await page.getByText(/Rules naming it: \d+/).first().waitFor({ timeout: 10_000 });
  });

  await shot(page, 'priority-gaps', async () => {
    await runCommand(page, 'ATT&CK Lens: Focus on Priority Gaps View');
    await widenSideBar(page, 560);
    const coverageHeader = page.locator('.pane-header[aria-expanded="true"]').filter({ hasText: /^\s*Coverage/i });
    if (await coverageHeader.count()) await coverageHeader.first().click();
    const gaps = page.locator('.pane-body .monaco-list[aria-label*="Priority gaps"]').first();
    const top = gaps.locator('.monaco-list-row').filter({ hasText: /^T\d{4}/ }).first();
    await top.click();
    await page.keyboard.press('ArrowRight');
    await gaps.locator('.monaco-list-row').getByText(/Detection strateg/).first().click();
    await page.keyboard.press('ArrowRight');
    await page.mouse.move(1000, 600);
  });
  return failures ? 1 : 0;
}

/** Drags the side bar's right edge so that it is `width` pixels wide. */
async function widenSideBar(page: Page, width: number): Promise<void> {
  const box = await page.locator('.part.sidebar').boundingBox();
  if (!box) throw new Error('no side bar');
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + box.width - 1, y);
  await page.mouse.down();
  await page.mouse.move(box.x + width, y, { steps: 8 });
  await page.mouse.up();
}

/** The 1-based line of the revoked tag in the download cradle example. */
function revokedTagLine(): number {
  const text = fs.readFileSync(path.join(projectRoot, 'examples', 'sigma', 'proc_creation_win_powershell_download_cradle.yml'), 'utf8');
  const index = text.split(/\r?\n/).findIndex((l) => /attack\.t1086/i.test(l));
  if (index < 0) throw new Error('examples/sigma/proc_creation_win_powershell_download_cradle.yml no longer tags T1086');
  return index + 1;
}

runMain(main, cleanups);
