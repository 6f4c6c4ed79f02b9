import * as fs from 'fs';
import * as path from 'path';

// A side channel from tests in the extension host to the runner's browser page, for what the VS
// Code API cannot see (status bar text, tree rows, webview content) and for screenshots. A test
// writes a request file into ATTACK_LENS_UI_DIR; the runner answers it from the live page.

export interface UiRequest {
  readonly id: string;
  readonly kind: 'text' | 'screenshot' | 'click' | 'select';
  /** Playwright selector: kind "text" reads the innerText of every match (joined by newlines), kind "click" clicks the first, kind "select" picks `value` in the first. */
  readonly selector?: string;
  /** Also look inside iframes (webviews): "click" and "select" act in the first frame with a match. */
  readonly frames?: boolean;
  /** The option value to pick (kind "select"). */
  readonly value?: string;
  /** Screenshot file name under test-results/ (kind "screenshot"). */
  readonly name?: string;
}

export interface UiResponse {
  readonly ok: boolean;
  readonly text?: string;
  readonly file?: string;
  readonly error?: string;
}

let counter = 0;

function uiDir(): string {
  const dir = process.env.ATTACK_LENS_UI_DIR;
  if (!dir) throw new Error('ATTACK_LENS_UI_DIR is not set: UI probes need the code-server runner (npm run test:integration)');
  return dir;
}

async function ask(request: Omit<UiRequest, 'id'>, timeoutMs = 15_000): Promise<UiResponse> {
  const dir = uiDir();
  const id = `${process.pid}-${Date.now()}-${counter++}`;
  const req = path.join(dir, `request-${id}.json`);
  fs.writeFileSync(`${req}.tmp`, JSON.stringify({ ...request, id }));
  fs.renameSync(`${req}.tmp`, req);
  const res = path.join(dir, `response-${id}.json`);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (fs.existsSync(res)) {
      const answer = JSON.parse(fs.readFileSync(res, 'utf8')) as UiResponse;
      fs.rmSync(res, { force: true });
      if (!answer.ok) throw new Error(`UI probe failed: ${answer.error}`);
      return answer;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the runner did not answer the UI probe ${JSON.stringify(request)} within ${timeoutMs} ms`);
}

/** The visible text of every element matching `selector` in the workbench page. */
export async function uiText(selector: string, options: { frames?: boolean } = {}): Promise<string> {
  return (await ask({ kind: 'text', selector, frames: options.frames })).text ?? '';
}

/** Polls uiText until it matches, returning the matching text; throws with the last text seen. */
export async function waitForUiText(selector: string, pattern: RegExp, options: { frames?: boolean; timeoutMs?: number } = {}): Promise<string> {
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  let last = '';
  while (Date.now() < deadline) {
    last = await uiText(selector, options);
    if (pattern.test(last)) return last;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`"${selector}" never matched ${pattern}; last text: ${JSON.stringify(last)}`);
}

/** Clicks the first element matching a Playwright selector, e.g. `.notifications-toasts .monaco-button:has-text("Cancel")`. */
export async function uiClick(selector: string, options: { frames?: boolean } = {}): Promise<void> {
  await ask({ kind: 'click', selector, frames: options.frames });
}

/** Picks the option with `value` in the first `<select>` matching `selector` (in a webview with `frames`), as a user does. */
export async function uiSelect(selector: string, value: string, options: { frames?: boolean } = {}): Promise<void> {
  await ask({ kind: 'select', selector, value, frames: options.frames });
}

/** Saves a screenshot of the page to test-results/<name>.png; returns its path. */
export async function uiScreenshot(name: string): Promise<string> {
  return (await ask({ kind: 'screenshot', name }, 30_000)).file ?? '';
}
