import * as fs from 'fs';
import * as path from 'path';
import { chromium } from 'playwright-core';
import { chromiumPath } from '../test/host/codeServer';

// Renders media/icon.svg to media/icon.png (256 × 256, transparent corners) with the headless
// Chromium the test host uses: `npm run icon` after changing the SVG.

async function main(): Promise<void> {
  const root = path.resolve(__dirname, '..', '..');
  const svg = fs.readFileSync(path.join(root, 'media', 'icon.svg'), 'utf8');
  const browser = await chromium.launch({ executablePath: chromiumPath() });
  try {
    const page = await browser.newPage({ viewport: { width: 256, height: 256 } });
    await page.setContent(`<html><body style="margin:0;background:transparent">${svg}</body></html>`);
    await page.locator('svg').screenshot({ path: path.join(root, 'media', 'icon.png'), omitBackground: true });
  } finally {
    await browser.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
