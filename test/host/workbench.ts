import type { Page } from 'playwright-core';

// What the browser-driven scripts (matrixBrowserTest, screenshots) and the suite runner share:
// driving the workbench's quick input like a user, and running a main() with cleanups that
// also run on Ctrl-C.

/** Opens a quick input with `key` (F1, Control+P, Control+G), types `text`, waits for `pick` to be the focused row, presses Enter. */
export async function quickInput(page: Page, key: string, text: string, pick?: string): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  // A key pressed while a webview has focus may never reach the workbench, so take focus back
  // to the top document first, and press again if the quick input does not open.
  for (let attempt = 0; ; attempt++) {
    await page.evaluate('document.activeElement && document.activeElement.blur()');
    await page.keyboard.press(key);
    try {
      await input.waitFor({ timeout: 3_000 });
      break;
    } catch (e) {
      if (attempt >= 3) throw e;
      await page.keyboard.press('Escape');
    }
  }
  await input.fill(text);
  if (pick) await page.locator('.quick-input-list .monaco-list-row.focused').getByText(pick).first().waitFor({ timeout: 10_000 });
  else await page.waitForTimeout(300);
  await page.keyboard.press('Enter');
  await page.waitForTimeout(300);
}

/** Runs a command from the palette by its label ("ATT&CK Lens: Show coverage matrix"). */
export function runCommand(page: Page, label: string): Promise<void> {
  return quickInput(page, 'F1', '>' + label, label.replace(/^.*?: /, ''));
}

export type Cleanup = () => Promise<void> | void;

/** Runs and empties `cleanups`, last first, each best effort. */
export async function cleanUp(cleanups: Cleanup[]): Promise<void> {
  while (cleanups.length) {
    try {
      await cleanups.pop()!();
    } catch {
      // best effort: what is left behind is a temp folder or a process that exits with us
    }
  }
}

/** Runs `main`, then every cleanup (last first, best effort), also on SIGINT/SIGTERM, and exits with main's code. */
export function runMain(main: () => Promise<number>, cleanups: Cleanup[]): void {
  const cleanupAll = () => cleanUp(cleanups);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void cleanupAll().then(() => process.exit(130)));
  main()
    .then(async (code) => {
      await cleanupAll();
      process.exit(code);
    })
    .catch(async (e) => {
      console.error(e);
      await cleanupAll();
      process.exit(1);
    });
}
