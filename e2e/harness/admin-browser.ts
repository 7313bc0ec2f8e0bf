import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { launchBrowser, screenshot as saveScreenshot } from './browser';

/**
 * The admin console's browser-test helpers, on top of the shared launcher in ./browser (a Chromium
 * found by ./chromium, driven by playwright-core). Screenshots: e2e/artifacts/admin-*.png.
 */
export { ARTIFACTS } from './browser';

export const launchChromium: () => Promise<Browser> = launchBrowser;

/** A fresh browser profile (cookies and storage of its own), scripts on unless told otherwise. */
export async function newContext(browser: Browser, baseURL: string, options: BrowserContextOptions = {}): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL, viewport: { width: 1280, height: 900 }, colorScheme: 'light', locale: 'en-GB', timezoneId: 'UTC', ...options });
  context.setDefaultTimeout(15_000);
  context.setDefaultNavigationTimeout(30_000);
  return context;
}

/** Full-page screenshot kept as a test artifact: e2e/artifacts/admin-<name>.png. */
export function screenshot(page: Page, name: string): Promise<string> {
  return saveScreenshot(page, `admin-${name}`);
}

/** Signs in through the login form (works with and without scripts); resolves on the page it lands on. */
export async function signIn(page: Page, token: string, next?: string): Promise<void> {
  await page.goto(next ? `/admin/login?next=${encodeURIComponent(next)}` : '/admin/login');
  await page.fill('#token', token);
  await Promise.all([page.waitForURL((url) => !url.pathname.startsWith('/admin/login')), page.click('button[type=submit]')]);
}

/** Collects what the page logs as errors (uncaught exceptions, console.error), for assertions. */
export function pageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
  });
  return errors;
}
