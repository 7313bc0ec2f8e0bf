// The embeddable widget (/widget.js) on a page served from ANOTHER origin, in Chromium: the button
// lives in a shadow root, the unread badge counts releases newer than the last one seen (kept in the
// host origin's localStorage), the panel lists the latest releases with a summary of their notes (links
// absolute to Shiplog, no images) and "Read more", live releases raise the badge, theme and position
// options apply, and a hostile host stylesheet does not get in.
import http from 'node:http';
import { gzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, openContext, screenshot, type WatchedPage } from '../harness/browser';
import { createProject, createRelease, publishViaWebhook } from '../harness/releases';

const base = () => process.env.SHIPLOG_TEST_URL!;
const engine = process.env.SHIPLOG_TEST_ENGINE ?? 'pglite';
const owner = 'widget';
const repo = `live-${Date.now().toString(36)}`;
const HOSTILE_CSS = '* { color: red !important; display: block; } button { background: lime !important; font-size: 40px !important; }';

let browser: Browser;
let hostServer: http.Server;
let hostUrl: string;

/** A page of some other site embedding the widget: /?project=owner/repo&limit=n&theme=…&position=…. */
function hostPage(url: URL): string {
  const attrs = ['project', 'limit', 'theme', 'position']
    .map((name) => [name, url.searchParams.get(name)])
    .map(([name, value]) => (value ? ` data-${name}="${value}"` : ''))
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Somebody's site</title><style>${HOSTILE_CSS}</style></head>
<body><h1 id="host-title">A site that embeds Shiplog</h1><p>Its own content.</p>
<script src="${base()}/widget.js"${attrs} async></script></body></html>`;
}

beforeAll(async () => {
  hostServer = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://host.test');
    if (url.pathname !== '/') return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(hostPage(url));
  });
  await new Promise<void>((resolve) => hostServer.listen(0, '127.0.0.1', resolve));
  hostUrl = `http://127.0.0.1:${(hostServer.address() as AddressInfo).port}`;
  await createProject(owner, repo, { name: 'Widget live test' });
  await publishViaWebhook(owner, repo, 'v1.0.0');
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => hostServer?.close(resolve));
});

async function visit(page: Page, query: string): Promise<void> {
  await page.goto(`${hostUrl}/?${query}`, { waitUntil: 'load' });
  await page.locator('shiplog-widget[data-unread]').waitFor({ state: 'attached', timeout: 10_000 });
}
const hostAttr = (page: Page, name: string) => page.locator('shiplog-widget').getAttribute(name);
const badge = (page: Page) => page.locator('shiplog-widget .b');
const items = (page: Page) => page.locator('shiplog-widget [role="dialog"] ol.s > li');
const itemTags = (page: Page) => items(page).evaluateAll((els) => els.map((e) => e.getAttribute('data-tag')));
const latest = async (project: string, limit: number) =>
  ((await (await fetch(`${base()}/api/v2/projects/${project}/releases?limit=${limit}`)).json()) as { data: { tag: string; publishedAt: string }[] }).data;

describe('GET /widget.js', () => {
  it('is small, cacheable, cross-origin JavaScript with a strong ETag', async () => {
    const res = await fetch(`${base()}/widget.js`);
    const body = await res.text();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/javascript; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('public, max-age=300, stale-while-revalidate=86400');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const etag = res.headers.get('etag')!;
    expect(etag).toMatch(/^"[^"]+"$/);
    expect((await fetch(`${base()}/widget.js`, { headers: { 'if-none-match': etag } })).status).toBe(304);
    // The server sends it uncompressed (compression is the proxy's job); what a proxy would send gzipped:
    const gzip = gzipSync(body).length;
    const bytes = Buffer.byteLength(body);
    console.log(`[${engine}] widget.js as served: ${bytes} bytes, ${gzip} bytes gzip`);
    expect(bytes).toBeLessThan(8 * 1024);
    expect(gzip).toBeLessThan(bytes);
  });
});

describe('the widget on another origin', () => {
  let w: WatchedPage;
  beforeAll(async () => {
    w = await openContext(browser);
  });
  afterAll(() => w?.context.close());

  it('shows a "What\'s new" button in its shadow root with a badge of unread releases', async () => {
    await visit(w.page, 'project=acme/rocket');
    const dom = await w.page.evaluate(() => {
      const host = document.querySelector('shiplog-widget');
      const button = host?.shadowRoot?.querySelector('button');
      return { lightButtons: document.querySelectorAll('button').length, text: button?.textContent, expanded: button?.getAttribute('aria-expanded') };
    });
    expect(dom).toEqual({ lightButtons: 0, text: expect.stringMatching(/^What's new/), expanded: 'false' });
    expect(await badge(w.page).textContent()).toBe('5'); // never seen: everything fetched, capped at the limit
    expect(await badge(w.page).isVisible()).toBe(true);
    expect(await hostAttr(w.page, 'data-unread')).toBe('5');
    await screenshot(w.page, 'widget-closed');
  });

  it('keeps the host page CSS out', async () => {
    const styles = await w.page.evaluate(() => {
      const button = document.querySelector('shiplog-widget')!.shadowRoot!.querySelector('button')!;
      const s = getComputedStyle(button);
      return { color: s.color, background: s.backgroundColor, fontSize: s.fontSize, host: getComputedStyle(document.getElementById('host-title')!).color };
    });
    expect(styles.host).toBe('rgb(255, 0, 0)'); // the hostile stylesheet is in force on the host page
    expect(styles.color).not.toBe('rgb(255, 0, 0)');
    expect(styles.background).not.toBe('rgb(0, 255, 0)');
    expect(styles.fontSize).toBe('14px');
  });

  it('opens a panel with the latest 5 releases, a summary of each and "Read more", and marks them seen', async () => {
    const expected = await latest('acme/rocket', 5);
    await w.page.locator('shiplog-widget button').click();
    const dialog = w.page.locator('shiplog-widget [role="dialog"]');
    await dialog.waitFor();
    expect(await dialog.getAttribute('aria-label')).toBe("What's new in acme/rocket");
    expect(await w.page.locator('shiplog-widget button').getAttribute('aria-expanded')).toBe('true');
    expect(await itemTags(w.page)).toEqual(expected.map((r) => r.tag));
    for (const notes of await items(w.page).locator('.n').all()) {
      expect(await notes.locator('p, ul, ol').count()).toBeGreaterThan(0);
      expect(await notes.locator('h1, h2, h3, h4, h5, h6, img, pre, table, section').count()).toBe(0); // a summary, not the whole notes
    }
    const first = items(w.page).first();
    const page = `${base()}/acme/rocket/releases/${expected[0]!.tag}`;
    expect(await first.locator('a.t').getAttribute('href')).toBe(page);
    expect(await first.locator('a.a').textContent()).toBe('Read more');
    expect(await first.locator('a.a').getAttribute('href')).toBe(page);
    expect(await first.locator('a.a').getAttribute('target')).toBe('_blank');
    expect(await badge(w.page).isVisible()).toBe(false);
    expect(await hostAttr(w.page, 'data-unread')).toBe('0');
    expect(await w.page.evaluate(() => localStorage.getItem('shiplog:last-seen:acme/rocket'))).toBe(expected[0]!.publishedAt);
    await screenshot(w.page, 'widget-open');
  });

  it('closes on Escape and gives focus back to the button', async () => {
    await w.page.keyboard.press('Escape');
    expect(await w.page.locator('shiplog-widget [role="dialog"]').isVisible()).toBe(false);
    const focus = await w.page.evaluate(() => {
      const root = document.querySelector('shiplog-widget')!.shadowRoot!;
      return { expanded: root.querySelector('button')!.getAttribute('aria-expanded'), focused: root.activeElement?.tagName };
    });
    expect(focus).toEqual({ expanded: 'false', focused: 'BUTTON' });
  });

  it('stays seen after a reload (localStorage)', async () => {
    await visit(w.page, 'project=acme/rocket');
    expect(await hostAttr(w.page, 'data-unread')).toBe('0');
    expect(await badge(w.page).isVisible()).toBe(false);
  });

  it('raises the badge live when a release is published, on the widget of that project only', async () => {
    const other = await w.context.newPage();
    const watched = { errors: [] as string[] };
    other.on('pageerror', (e) => watched.errors.push(e.message));
    const streams: string[] = [];
    other.on('request', (r) => {
      if (new URL(r.url()).pathname.endsWith('/stream')) streams.push(new URL(r.url()).pathname);
    });
    await visit(other, `project=${owner}/${repo}`);
    expect(await hostAttr(other, 'data-unread')).toBe('1');
    await other.locator('shiplog-widget button').click();
    await other.locator('shiplog-widget button').click(); // open (seen), then close again
    expect(await hostAttr(other, 'data-unread')).toBe('0');
    await other.locator('shiplog-widget[data-live="on"]').waitFor({ state: 'attached', timeout: 10_000 });
    await w.page.locator('shiplog-widget[data-live="on"]').waitFor({ state: 'attached', timeout: 10_000 });
    expect(streams).toEqual(['/api/v2/stream']); // the current API version's stream (v1 is deprecated)

    const sent = Date.now();
    await publishViaWebhook(owner, repo, 'v1.1.0');
    await other.locator('shiplog-widget[data-unread="1"]').waitFor({ state: 'attached', timeout: 10_000 });
    console.log(`[${engine}] widget badge raised ${Date.now() - sent} ms after the webhook was sent`);
    expect(await badge(other).textContent()).toBe('1');
    await other.locator('shiplog-widget button').click();
    expect(await itemTags(other)).toEqual(['v1.1.0', 'v1.0.0']);
    expect(await items(other).first().locator('.n strong').textContent()).toBe('v1.1.0');
    expect(await hostAttr(w.page, 'data-unread')).toBe('0'); // acme/rocket's widget heard nothing
    expect(watched.errors).toEqual([]);
    await other.close();
  });

  it('logged no errors on the host page', () => {
    expect(w.errors).toEqual([]);
  });
});

describe('summaries', () => {
  it('make every link of the notes absolute to Shiplog and leave images out', async () => {
    const project = `summary-${Date.now().toString(36)}`;
    await createProject(owner, project);
    const notes = 'See [the guide](docs/guide.md) and [the API](/docs/api).\n\n![screenshot](./shot.png)\n\n## Details\n\nLong text.';
    await createRelease(owner, project, { tag: 'v1.0.0', body: notes });
    const c = await openContext(browser);
    await visit(c.page, `project=${owner}/${project}`);
    await c.page.locator('shiplog-widget button').click();
    const summary = items(c.page).first().locator('.n');
    expect(await summary.locator('a').evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href))).toEqual([
      `${base()}/${owner}/${project}/releases/docs/guide.md`,
      `${base()}/docs/api`,
    ]);
    expect(await c.page.locator('shiplog-widget img').count()).toBe(0);
    expect(await items(c.page).first().locator('a.a').getAttribute('href')).toBe(`${base()}/${owner}/${project}/releases/v1.0.0`);
    expect(c.errors).toEqual([]);
    await c.context.close();
  });
});

describe('widget options', () => {
  it('data-limit chooses how many releases (at most 20)', async () => {
    const c = await openContext(browser);
    await visit(c.page, 'project=acme/rocket&limit=3');
    expect(await badge(c.page).textContent()).toBe('3');
    await c.page.locator('shiplog-widget button').click();
    expect(await items(c.page).count()).toBe(3);
    await visit(c.page, 'project=octo-org/hello-api&limit=500');
    expect(await hostAttr(c.page, 'data-unread')).toBe('20');
    expect(c.errors).toEqual([]);
    await c.context.close();
  });

  it('warns and does nothing without data-project', async () => {
    const c = await openContext(browser);
    await c.page.goto(`${hostUrl}/?project=`, { waitUntil: 'load' });
    expect(await c.page.locator('shiplog-widget').count()).toBe(0);
    expect(c.messages.some((m) => m.startsWith('warning: [shiplog]') && m.includes('data-project'))).toBe(true);
    await c.context.close();
  });

  it('data-theme=dark and data-theme=light win over the colour scheme', async () => {
    const panelBackground = async (colorScheme: 'light' | 'dark', theme: string) => {
      const c = await openContext(browser, { colorScheme });
      await visit(c.page, `project=acme/ui&theme=${theme}`);
      await c.page.locator('shiplog-widget button').click();
      const background = await c.page.locator('shiplog-widget [role="dialog"]').evaluate((e) => getComputedStyle(e).backgroundColor);
      await c.context.close();
      return background;
    };
    expect(await panelBackground('light', 'dark')).toBe('rgb(13, 17, 23)');
    expect(await panelBackground('dark', 'light')).toBe('rgb(255, 255, 255)');
    expect(await panelBackground('dark', 'auto')).toBe('rgb(13, 17, 23)');
  });

  it('data-position puts the button in that corner and opens the panel towards the page', async () => {
    const c = await openContext(browser);
    const viewport = c.page.viewportSize()!;
    await visit(c.page, 'project=acme/ui&position=top-left');
    const button = (await c.page.locator('shiplog-widget button').boundingBox())!;
    expect(button.x).toBeLessThan(40);
    expect(button.y).toBeLessThan(40);
    await c.page.locator('shiplog-widget button').click();
    const panel = (await c.page.locator('shiplog-widget [role="dialog"]').boundingBox())!;
    expect(panel.y).toBeGreaterThan(button.y + button.height);
    await visit(c.page, 'project=acme/ui');
    const corner = (await c.page.locator('shiplog-widget button').boundingBox())!;
    expect(corner.x + corner.width).toBeGreaterThan(viewport.width - 40);
    expect(corner.y + corner.height).toBeGreaterThan(viewport.height - 40);
    await c.context.close();
  });

  it('follows a dark colour scheme', async () => {
    const c = await openContext(browser, { colorScheme: 'dark' });
    await visit(c.page, 'project=acme/ui');
    await c.page.locator('shiplog-widget button').click();
    const panel = c.page.locator('shiplog-widget [role="dialog"]');
    expect(await panel.evaluate((e) => getComputedStyle(e).backgroundColor)).toBe('rgb(13, 17, 23)');
    await screenshot(c.page, 'widget-open-dark');
    await c.context.close();
  });
});
