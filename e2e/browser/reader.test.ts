// Reader pages in a real browser (Chromium via playwright-core) against the shared `next start`:
// the pages render and hydrate without console errors, a release published by webhook shows up on an
// open page without a reload and in the static HTML within about a second, and release notes
// carrying script stay inert. Screenshots go to e2e/artifacts/.
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, openContext, screenshot, until, type WatchedPage } from '../harness/browser';
import { createProject, createRelease, publishViaWebhook } from '../harness/releases';

const base = () => process.env.SHIPLOG_TEST_URL!;
const engine = process.env.SHIPLOG_TEST_ENGINE ?? 'pglite';
const suffix = Date.now().toString(36);
const DEMO_PROJECTS = ['acme/rocket', 'acme/ui', 'northwind/ledger', 'octo-org/hello-api'];

let browser: Browser;
const opened: WatchedPage[] = [];
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

async function open(path: string, options: Parameters<typeof openContext>[1] = {}): Promise<WatchedPage & { status: number | undefined; requested: string[] }> {
  const w = await openContext(browser, options);
  opened.push(w);
  const requested: string[] = [];
  w.page.on('request', (r) => requested.push(new URL(r.url()).pathname));
  const res = await w.page.goto(`${base()}${path}`, { waitUntil: 'load' });
  return { ...w, status: res?.status(), requested };
}
afterEach(async () => {
  for (const w of opened.splice(0)) await w.context.close();
});

const tags = (page: Page) => page.locator('article.release[data-tag]').evaluateAll((els) => els.map((e) => e.getAttribute('data-tag')));
const apiTags = async (path: string) => ((await (await fetch(`${base()}/api/v1${path}`)).json()) as { tag: string }[]).map((r) => r.tag);

describe('reader pages in Chromium', () => {
  it('the home page lists the demo projects and links to them', async () => {
    const { page, errors, status } = await open('/');
    expect(status).toBe(200);
    const projects = await page.locator('li[data-project]').evaluateAll((els) => els.map((e) => e.getAttribute('data-project')));
    expect(projects).toEqual(expect.arrayContaining(DEMO_PROJECTS));
    await screenshot(page, 'home');
    await page.locator('li[data-project="acme/rocket"] h2 a').click();
    await page.waitForURL(`${base()}/acme/rocket`);
    // Client-side navigation: the URL changes first, the new page renders a moment later.
    await page.locator('h1', { hasText: /^Rocket$/ }).waitFor({ timeout: 10_000 });
    expect(await page.locator('article.release[data-tag]').count()).toBe(20);
    expect(errors).toEqual([]);
  });

  it('the home page follows a dark colour scheme', async () => {
    const { page, errors } = await open('/', { colorScheme: 'dark' });
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(13, 17, 23)');
    await screenshot(page, 'home-dark');
    expect(errors).toEqual([]);
  });

  it('a project page shows its newest 20 releases with rendered markdown', async () => {
    const { page, errors, status } = await open('/acme/rocket');
    expect(status).toBe(200);
    expect(await tags(page)).toEqual(await apiTags('/projects/acme/rocket/releases?limit=20'));
    expect(await page.locator('.notes table').count()).toBeGreaterThan(0);
    expect(await page.locator('.notes pre code').count()).toBeGreaterThan(0);
    expect(await page.locator('.notes h3').count()).toBeGreaterThan(0);
    expect(
      await page
        .locator('.notes')
        .first()
        .evaluate((e) => e.innerHTML),
    ).not.toContain('**');
    await expect(page.locator('.pager').textContent()).resolves.toMatch(/Page 1 of 3/);
    expect(await page.locator('a[rel="next"]').getAttribute('href')).toBe('/acme/rocket/page/2');
    await screenshot(page, 'project');
    expect(errors).toEqual([]);
  });

  it('page 2 continues where page 1 stopped', async () => {
    const { page, errors, status } = await open('/acme/rocket/page/2');
    expect(status).toBe(200);
    expect(await tags(page)).toEqual(await apiTags('/projects/acme/rocket/releases?offset=20&limit=20'));
    await expect(page.locator('.pager').textContent()).resolves.toMatch(/Page 2 of 3/);
    expect(await page.locator('a[rel="prev"]').getAttribute('href')).toBe('/acme/rocket');
    expect(await page.locator('.live[data-live="on"]').count()).toBe(0); // only the first page is live
    await screenshot(page, 'project-page-2');
    expect(errors).toEqual([]);
  });

  it('a release page (scoped tag) links to its neighbours, and following one works', async () => {
    const { page, errors, status } = await open('/acme/ui/releases/%40acme/ui%402.0.0');
    expect(status).toBe(200);
    expect(await tags(page)).toEqual(['@acme/ui@2.0.0']);
    await expect(page.locator('h1').textContent()).resolves.toMatch(/^@acme\/ui@2\.0\.0\b/);
    const prev = page.locator('a[rel="prev"]');
    const next = page.locator('a[rel="next"]');
    expect(await prev.getAttribute('href')).toBe('/acme/ui/releases/%40acme/ui%402.0.0-next.2');
    await expect(prev.textContent()).resolves.toContain('@acme/ui@2.0.0-next.2');
    expect(await next.getAttribute('href')).toBe('/acme/ui/releases/%40acme/ui%402.0.1');
    await screenshot(page, 'release');
    await next.click();
    await page.waitForURL(`${base()}/acme/ui/releases/%40acme/ui%402.0.1`);
    await until(async () => ((await tags(page))[0] === '@acme/ui@2.0.1' ? true : undefined), 5_000, 'the next release to render');
    expect(errors).toEqual([]);
  });

  it('an unknown project is the 404 page', async () => {
    const { page, errors, status } = await open(`/nobody-${suffix}/nothing`);
    expect(status).toBe(404);
    await expect(page.locator('h1').textContent()).resolves.toBe('Nothing here');
    await screenshot(page, 'not-found');
    // The browser itself reports the document's 404 status; nothing else may fail.
    expect(errors.filter((e) => !/status of 404/.test(e))).toEqual([]);
  });
});

describe('live publishing', () => {
  const owner = 'browser';
  const repo = `live-${suffix}`;
  beforeAll(() => createProject(owner, repo, { name: 'Live test' }));

  it('a webhook release appears on an open page without reload and in the static page within 2 s', async () => {
    const { page, errors, requested } = await open(`/${owner}/${repo}`);
    await page.locator('.live[data-live="on"]').waitFor({ state: 'attached', timeout: 15_000 });
    // The page listens on the current API version's stream (v1 is deprecated).
    expect(requested.filter((p) => p.endsWith('/stream'))).toEqual(['/api/v2/stream']);
    await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
    const timings: string[] = [];
    for (const tag of ['v1.0.0', 'v1.1.0']) {
      const selector = `article.release[data-tag="${tag}"]`;
      expect(await page.locator(selector).count()).toBe(0);
      const sent = Date.now();
      await publishViaWebhook(owner, repo, tag, `Shipped **${tag}** today`);
      const answered = Date.now();
      const [domAt, htmlAt] = await Promise.all([
        page
          .locator(selector)
          .waitFor({ timeout: 10_000 })
          .then(() => Date.now()),
        until(async () => ((await (await fetch(`${base()}/${owner}/${repo}`)).text()).includes(`data-tag="${tag}"`) ? Date.now() : undefined), 10_000, `${tag} in the static HTML`),
      ]);
      timings.push(`${tag}: webhook answered in ${answered - sent} ms; open page ${domAt - sent} ms; fresh page HTML ${htmlAt - sent} ms after the webhook was sent`);
      expect(htmlAt - sent).toBeLessThan(2_000);
      expect(await page.locator(`${selector} .notes strong`).textContent()).toBe(tag);
    }
    console.log(`[${engine}] publish-to-visible\n  ${timings.join('\n  ')}`);
    expect(await tags(page)).toEqual(['v1.1.0', 'v1.0.0']);
    expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
    await screenshot(page, 'project-live');
    expect(errors).toEqual([]);
  });

  it('release notes with script render inert', async () => {
    const body = ['Hello <script>window.__pwned=1</script>', '', '<img src=x onerror="window.__pwned=2">', '', '[x](javascript:window.__pwned=3)'].join('\n');
    await createRelease(owner, repo, { tag: 'xss-1', body });
    const w = await openContext(browser);
    opened.push(w);
    const { page, errors } = w;
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    const res = await page.goto(`${base()}/${owner}/${repo}/releases/xss-1`, { waitUntil: 'load' });
    expect(res?.status()).toBe(200);
    const pwned = () => page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned);
    expect(await pwned()).toBeUndefined();
    const notes = page.locator('article.release[data-tag="xss-1"] .notes');
    await expect(notes.textContent()).resolves.toContain('Hello');
    expect(await notes.locator('script').count()).toBe(0);
    expect(await notes.locator('[onerror], [onclick], [onload]').count()).toBe(0);
    expect(await notes.locator('a[href^="javascript:" i]').count()).toBe(0);
    const link = notes.locator('a', { hasText: /^x$/ });
    expect(await link.count()).toBe(1);
    await link.click();
    await page.waitForTimeout(200);
    expect(page.url()).toBe(`${base()}/${owner}/${repo}/releases/xss-1`);
    expect(await pwned()).toBeUndefined();
    expect(dialogs).toEqual([]);
    expect(errors.filter((e) => e.startsWith('uncaught'))).toEqual([]);
  });
});
