import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';

/**
 * A small Chromium launcher for the admin console's browser tests (playwright-core driving the
 * system's Debian Chromium; nothing is downloaded). Screenshots go to e2e/artifacts/admin-*.png.
 */
export const CHROMIUM = process.env.SHIPLOG_CHROMIUM ?? '/usr/bin/chromium';
export const ARTIFACTS = path.resolve(__dirname, '..', 'artifacts');

const ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-gpu', '--disable-component-update', '--disable-sync', '--no-first-run'];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
}

/** A fresh browser profile (cookies and storage of its own), scripts on unless told otherwise. */
export async function newContext(browser: Browser, baseURL: string, options: BrowserContextOptions = {}): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL, viewport: { width: 1280, height: 900 }, colorScheme: 'light', locale: 'en-GB', timezoneId: 'UTC', ...options });
  context.setDefaultTimeout(15_000);
  context.setDefaultNavigationTimeout(30_000);
  return context;
}

/** Full-page screenshot kept as a test artifact: e2e/artifacts/admin-<name>.png. */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `admin-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
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
