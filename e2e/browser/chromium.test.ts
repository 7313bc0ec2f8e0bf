import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findChromium } from '../harness/chromium';
import { launchBrowser } from '../harness/browser';

// The browser tests find a Chromium by themselves (README: `npm install && npm test` is all the set-up).
describe('the browser tests’ Chromium', () => {
  test('without Debian’s Chromium, the one @sparticuz/chromium ships is unpacked and used', async () => {
    const found = await findChromium({ configured: '', debian: path.join(os.tmpdir(), 'no-such-chromium') });
    expect(found.source).toMatch(/^@sparticuz\/chromium \d+/);
    expect(fs.statSync(found.executablePath).mode & 0o100).toBeTruthy();
    // A second look reuses the unpacked copy.
    expect((await findChromium({ configured: '', debian: '/nonexistent' })).executablePath).toBe(found.executablePath);
  });

  test('a wrong SHIPLOG_CHROMIUM is one clear error, not a silent fallback', async () => {
    await expect(findChromium({ configured: '/nonexistent/chrome' })).rejects.toThrow(
      /^SHIPLOG_CHROMIUM=\/nonexistent\/chrome is not an executable file; unset it to use \/usr\/bin\/chromium or @sparticuz\/chromium$/,
    );
  });

  test('the Chromium found runs a page with scripts', async () => {
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      await page.setContent('<p id="out"></p><script>document.getElementById("out").textContent = String(6 * 7)</script>');
      expect(await page.textContent('#out')).toBe('42');
    } finally {
      await browser.close();
    }
  });
});
