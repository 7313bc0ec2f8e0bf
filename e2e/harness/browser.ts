// Real-browser helpers for the integration tests: a Chromium (see ./chromium: Debian's, else the one the
// npm package @sparticuz/chromium ships) driven by playwright-core.
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { resolveChromium } from './chromium';

/** Screenshots land here (git-ignored). */
export const ARTIFACTS = path.resolve(__dirname, '..', 'artifacts');

export async function launchBrowser(): Promise<Browser> {
  const { executablePath } = await resolveChromium();
  return chromium.launch({
    executablePath,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-gpu', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** Saves a full-page screenshot as e2e/artifacts/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

export interface WatchedPage {
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught exceptions seen so far, as text. */
  errors: string[];
  /** Every console message (type: text). */
  messages: string[];
}

/**
 * Collects console errors and uncaught page errors of a page. Chromium's automatic /favicon.ico
 * request (Shiplog has none: a 404) is not the page's doing and is left out.
 */
export function watch(page: Page): { errors: string[]; messages: string[] } {
  const errors: string[] = [];
  const messages: string[] = [];
  page.on('console', (m) => {
    messages.push(`${m.type()}: ${m.text()}`);
    if (m.type() === 'error' && !m.location().url.endsWith('/favicon.ico')) errors.push(`${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (err) => errors.push(`uncaught: ${err.message}`));
  return { errors, messages };
}

/** A blank 1×1 image: what the tests' browser gets for images from the internet (author avatars). */
const BLANK_IMAGE = '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>';

/** A fresh context (own storage) with one watched page. */
export async function openContext(browser: Browser, options: BrowserContextOptions = {}): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 800 }, ...options });
  // Tests never reach the internet: an image from elsewhere (avatars.githubusercontent.com) is answered
  // here, so whether the machine is online changes nothing (a failed load is a console error).
  await context.route(
    (url) => url.hostname !== '127.0.0.1' && url.hostname !== 'localhost',
    (route) => (route.request().resourceType() === 'image' ? route.fulfill({ contentType: 'image/svg+xml', body: BLANK_IMAGE }) : route.fallback()),
  );
  const page = await context.newPage();
  return { context, page, ...watch(page) };
}

/** Polls `probe` until it returns a value other than undefined, or throws after `timeoutMs`. */
export async function until<T>(probe: () => Promise<T | undefined>, timeoutMs: number, what: string, intervalMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
