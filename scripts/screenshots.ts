// `npm run screenshots`: the README's screenshots (docs/screenshots/*.png), made from the demo data.
// Builds when the sources changed, starts `next start` on a temporary embedded database seeded with the
// demo projects (the integration tests' harness: e2e/harness/server.ts), and photographs it with the
// browser tests' Chromium (e2e/harness/browser.ts): the home page, a project page and a release page at
// 1280 px in light and 390 px in dark, the widget opened on a demo site, and the admin console.
// Viewport-sized PNGs at device scale 1 keep each file small.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { launchBrowser } from '../e2e/harness/browser';
import { buildOnce, root, startServer, waitForFreshHome, type RunningServer } from '../e2e/harness/server';

const OUT = path.join(root, 'docs', 'screenshots');
const LIGHT_WIDE: BrowserContextOptions = { viewport: { width: 1280, height: 800 }, colorScheme: 'light' };
const DARK_PHONE: BrowserContextOptions = { viewport: { width: 390, height: 844 }, colorScheme: 'dark', isMobile: true, hasTouch: true };
const COMMON: BrowserContextOptions = { deviceScaleFactor: 1, locale: 'en-GB', timezoneId: 'UTC', reducedMotion: 'reduce' };
const PROJECT = 'acme/rocket';

/** A demo site that embeds the widget (what a Shiplog user's product page looks like). */
function demoSite(shiplog: string): string {
  const logo =
    '<svg width="22" height="22" viewBox="0 0 24 24" aria-hidden="true"><path fill="currentColor" d="M12 2c3 2 5 6 5 10l2 3v4l-4-2H9l-4 2v-4l2-3c0-4 2-8 5-10Zm0 7a2 2 0 1 0 0 4 2 2 0 0 0 0-4Z"/></svg>';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Rocket: launch faster</title>
<style>html{min-height:100%;background:linear-gradient(160deg,#eef4ff,#fff 60%);color:#1f2328}body{margin:0;font:16px/1.6 system-ui,sans-serif}
header{display:flex;justify-content:space-between;align-items:center;padding:20px clamp(20px,5vw,48px);font-weight:700}header span{display:flex;align-items:center;gap:8px}
nav a{margin-left:clamp(12px,3vw,24px);color:inherit;text-decoration:none;font-weight:500}main{max-width:640px;padding:clamp(32px,8vw,72px) clamp(20px,5vw,48px)}
h1{font-size:clamp(34px,6vw,48px);line-height:1.1;margin:0 0 16px}p{font-size:19px;opacity:.8}
.cta{display:inline-block;margin-top:16px;padding:12px 22px;border-radius:8px;background:#1f2328;color:#fff;text-decoration:none}
@media (prefers-color-scheme:dark){html{background:linear-gradient(160deg,#161b2e,#0d1117 60%);color:#e6edf3}.cta{background:#e6edf3;color:#0d1117}}</style></head>
<body><header><span>${logo} Rocket</span><nav><a href="#">Docs</a><a href="#">Pricing</a><a href="#">Blog</a></nav></header>
<main><h1>Launch your app in seconds.</h1><p>Rocket builds, ships and scales your web app. Every release is announced right here, by Shiplog's widget.</p><a class="cta" href="#">Get started</a></main>
<script src="${shiplog}/widget.js" data-project="${PROJECT}" async></script></body></html>`;
}

const AVATAR =
  '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40" viewBox="0 0 40 40"><circle cx="20" cy="20" r="20" fill="#8b949e"/><circle cx="20" cy="15" r="7" fill="#d0d7de"/><path d="M6 35c3-8 9-11 14-11s11 3 14 11" fill="#d0d7de"/></svg>';

async function shoot(browser: Browser, options: BrowserContextOptions, url: string, file: string, prepare?: (page: Page) => Promise<void>): Promise<void> {
  const context = await browser.newContext({ ...COMMON, ...options });
  // The demo authors' avatars live on GitHub, which this machine may not reach: each is drawn as a
  // neutral disc instead of a broken-image icon.
  await context.route(
    (u) => u.hostname !== '127.0.0.1' && u.hostname !== 'localhost',
    (route) => (route.request().resourceType() === 'image' ? route.fulfill({ contentType: 'image/svg+xml', body: AVATAR }) : route.fallback()),
  );
  const page = await context.newPage();
  await page.goto(url, { waitUntil: 'load' });
  await prepare?.(page);
  await page.evaluate(() => document.fonts.ready);
  const target = path.join(OUT, `${file}.png`);
  await page.screenshot({ path: target, type: 'png' });
  await context.close();
  const kb = Math.round(fs.statSync(target).size / 1024);
  console.log(`> ${path.relative(root, target)} (${kb} KB)${kb > 300 ? ' — over 300 KB' : ''}`);
}

/** Waits until the server answers healthy with its pages refreshed (`pages: ready`), up to 5 minutes. */
async function ready(base: string): Promise<void> {
  const deadline = Date.now() + 300_000;
  while (Date.now() < deadline) {
    const health = await fetch(`${base}/api/health`, { signal: AbortSignal.timeout(10_000) })
      .then((res) => (res.ok ? (res.json() as Promise<{ pages?: string }>) : undefined))
      .catch(() => undefined);
    if (health?.pages === 'ready') return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error('the server did not become ready within 5 minutes');
}

async function main(): Promise<void> {
  console.log('> building (when the sources changed) and starting Shiplog on a temporary database with the demo data…');
  buildOnce();
  let server: RunningServer | undefined;
  let site: http.Server | undefined;
  let browser: Browser | undefined;
  try {
    // Seeding the demo data into a new embedded database can take minutes on a busy machine: wait here.
    server = await startServer({ waitHealthy: false, env: { SHIPLOG_LOG_LEVEL: 'error' } });
    const base = server.url;
    await ready(base);
    await waitForFreshHome(base, 120_000);
    const latest = (await (await fetch(`${base}/api/v2/projects/${PROJECT}/releases?prerelease=false&limit=1`)).json()) as { data: { tag: string }[] };
    const tag = latest.data[0]?.tag;
    if (!tag) throw new Error(`the demo data has no release of ${PROJECT}`);
    const releasePath = `/${PROJECT}/releases/${tag.split('/').map(encodeURIComponent).join('/')}`;

    site = http.createServer((req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(demoSite(base)));
    await new Promise<void>((resolve) => site!.listen(0, '127.0.0.1', resolve));
    const siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}/`;

    fs.mkdirSync(OUT, { recursive: true });
    browser = await launchBrowser();
    for (const [name, pathname] of [
      ['home', '/'],
      ['project', `/${PROJECT}`],
      ['release', releasePath],
    ] as const) {
      await shoot(browser, LIGHT_WIDE, base + pathname, `${name}-1280-light`);
      await shoot(browser, DARK_PHONE, base + pathname, `${name}-390-dark`);
    }
    const openWidget = async (page: Page) => {
      await page.locator('shiplog-widget[data-unread]').waitFor({ state: 'attached' });
      await page.locator('shiplog-widget button').click();
      await page.locator('shiplog-widget [role="dialog"]').waitFor();
      await page.mouse.move(0, 0);
    };
    await shoot(browser, LIGHT_WIDE, siteUrl, 'widget-1280-light', openWidget);
    await shoot(browser, DARK_PHONE, siteUrl, 'widget-390-dark', openWidget);

    const signIn = async (page: Page) => {
      await page.fill('#token', server!.adminToken);
      await Promise.all([page.waitForURL((url) => !url.pathname.startsWith('/admin/login')), page.click('button[type=submit]')]);
      await page.waitForSelector('.admin[data-hydrated="true"]');
    };
    await shoot(browser, LIGHT_WIDE, `${base}/admin/login?next=${encodeURIComponent(`/admin/projects/${PROJECT}`)}`, 'admin-project-1280-light', signIn);
    await shoot(
      browser,
      LIGHT_WIDE,
      `${base}/admin/login?next=${encodeURIComponent(`/admin/projects/${PROJECT}/release?tag=${encodeURIComponent(tag)}`)}`,
      'admin-release-1280-light',
      signIn,
    );
  } finally {
    await browser?.close();
    await new Promise((resolve) => (site ? site.close(resolve) : resolve(undefined)));
    await server?.stop();
    if (server?.dataDir) fs.rmSync(path.dirname(server.dataDir), { recursive: true, force: true });
  }
}

main().catch((err: Error) => {
  console.error(`> screenshots failed: ${err.message}`);
  process.exit(1);
});
