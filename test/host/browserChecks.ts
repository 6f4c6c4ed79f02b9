import type { Frame, Page } from 'playwright-core';

// What the browser tests (matrixBrowserTest, walkBrowserTest) share: named checks that print a
// line each and count passes and failures, assertions, and finding the matrix webview's frame.

export class Checks {
  passed = 0;
  failed = 0;

  /** Runs one named check; a failure is printed with its stack and counted, and the run goes on. */
  async check(name: string, fn: () => Promise<void>): Promise<boolean> {
    const started = Date.now();
    try {
      await fn();
      this.passed++;
      console.log(`  ✔ ${name} (${Date.now() - started} ms)`);
      return true;
    } catch (e) {
      this.failed++;
      console.log(`  ✖ ${name}\n${String((e as Error).stack ?? e).replace(/^/gm, '      ')}`);
      return false;
    }
  }
}

export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

/** The webview's content frame: the nested iframe whose document has the matrix. */
export async function matrixFrame(page: Page, timeoutMs = 30_000): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const frame of page.frames()) {
      if (frame.name() !== 'active-frame' && !frame.url().includes('fake.html')) continue;
      try {
        if (await frame.$('.matrix .cell')) return frame;
      } catch {
        // the frame navigated meanwhile
      }
    }
    await page.waitForTimeout(200);
  }
  throw new Error(`no webview frame with the matrix after ${timeoutMs / 1000} s (frames: ${page.frames().map((f) => f.name() || f.url()).join(', ')})`);
}
