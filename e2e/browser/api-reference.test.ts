// The API reference (/docs/api, RapiDoc over /api/openapi.json) in Chromium against the shared
// `next start`: it renders every operation in the site's colours without console errors and without
// loading anything from another origin; opening an operation and pressing "Try" sends the request to
// this server and shows its answer; with a bearer token entered once, a write from the page works.
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, openContext, screenshot, until, type WatchedPage } from '../harness/browser';

const base = () => process.env.SHIPLOG_TEST_URL!;
const adminToken = () => process.env.SHIPLOG_TEST_ADMIN_TOKEN!;
const suffix = Date.now().toString(36);

let browser: Browser;
const opened: WatchedPage[] = [];
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});
afterEach(async () => {
  for (const w of opened.splice(0)) await w.context.close();
});

interface Opened extends WatchedPage {
  /** Every URL the page requested that is not on the server's origin. */
  foreign: string[];
}

async function openReference(hash = '', options: Parameters<typeof openContext>[1] = {}): Promise<Opened> {
  const w = await openContext(browser, options);
  opened.push(w);
  const foreign: string[] = [];
  w.page.on('request', (r) => {
    const url = r.url();
    if (!url.startsWith(`${base()}/`) && !url.startsWith('data:')) foreign.push(url);
  });
  const res = await w.page.goto(`${base()}/docs/api${hash}`, { waitUntil: 'load' });
  expect(res?.status()).toBe(200);
  // RapiDoc has fetched and parsed the document once the navigation lists the operations.
  await w.page.locator('[id="link-get-/api/v2/projects"]').waitFor({ timeout: 30_000 });
  return { ...w, foreign };
}

/** The reference's background, navigation background and text font. */
function colours(page: Page): Promise<{ bg: string; nav: string; font: string }> {
  return page.locator('rapi-doc').evaluate((el) => ({
    bg: getComputedStyle(el).backgroundColor,
    nav: getComputedStyle(el.shadowRoot!.querySelector('nav')!).backgroundColor,
    font: getComputedStyle(el.shadowRoot!.querySelector('.main-content')!).fontFamily,
  }));
}

/** Opens an operation from the navigation (focused view: one operation at a time). */
async function openOperation(page: Page, id: string, summary: string): Promise<void> {
  await page.locator(`[id="link-${id}"]`).click();
  await page.locator(`[id="${id}"] h2`, { hasText: summary }).waitFor({ timeout: 10_000 });
}

/** Presses "Try" in the open operation and waits for the answer it shows. */
async function tryIt(page: Page, id: string, path: string): Promise<{ status: number; shown: string }> {
  const operation = page.locator(`[id="${id}"]`);
  const [response] = await Promise.all([
    page.waitForResponse((r) => new URL(r.url()).pathname === path, { timeout: 15_000 }),
    operation.locator('button[part~="btn-try"]').click(),
  ]);
  // api-request renders in its own shadow root: read the panel through locators (they pierce it).
  const message = operation.locator('.response-message');
  await message.waitFor({ timeout: 10_000 });
  const shown = await until(
    async () => {
      const status = (await message.innerText()).trim();
      const body = (await operation.locator('.tab-content.m-markdown pre').first().innerText()).trim();
      return /Response Status/.test(status) && body ? `${status}\n${body}` : undefined;
    },
    10_000,
    'the response panel',
  );
  return { status: response.status(), shown };
}

describe('API reference (/docs/api) in Chromium', () => {
  it('lists every v2 operation in the site colours, all from this origin, without console errors', async () => {
    const { page, errors, foreign } = await openReference();
    const doc = (await (await fetch(`${base()}/api/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    const v2 = Object.entries(doc.paths)
      .filter(([path]) => path.startsWith('/api/v2/'))
      .flatMap(([path, item]) =>
        Object.keys(item)
          .filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
          .map((m) => `link-${m}-${path.replace(/[{}]/g, '-')}`),
      );
    expect(v2.length).toBeGreaterThan(20);
    const links = await page.locator('[id^="link-"]').evaluateAll((els) => els.map((e) => e.id));
    expect(links).toEqual(expect.arrayContaining(v2));
    // The site's own background (lib/site/styles.css) and font stack, not RapiDoc's defaults.
    const look = await colours(page);
    expect(look).toEqual({ bg: 'rgb(255, 255, 255)', nav: 'rgb(246, 248, 250)', font: expect.stringMatching(/^system-ui/) });
    await screenshot(page, 'api-reference');
    expect(foreign).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('is linked from the site header', async () => {
    const w = await openContext(browser);
    opened.push(w);
    await w.page.goto(`${base()}/`, { waitUntil: 'load' });
    await w.page.locator('header nav a', { hasText: /^API$/ }).click();
    await w.page.waitForURL(`${base()}/docs/api`);
    await w.page.locator('[id="link-get-/api/v2/projects"]').waitFor({ timeout: 30_000 });
    expect(w.errors).toEqual([]);
  });

  it('follows a dark colour scheme', async () => {
    const { page, errors } = await openReference('', { colorScheme: 'dark' });
    expect(await colours(page)).toEqual({ bg: 'rgb(13, 17, 23)', nav: 'rgb(21, 27, 35)', font: expect.stringMatching(/^system-ui/) });
    await screenshot(page, 'api-reference-dark');
    expect(errors).toEqual([]);
  });

  it('opens an operation and sends its request from the page, showing the answer', async () => {
    const { page, errors, foreign } = await openReference();
    const id = 'get-/api/v2/projects/-owner-/-repo-';
    await openOperation(page, id, 'Get a project');
    const operation = page.locator(`[id="${id}"]`);
    await operation.locator('input[data-pname="owner"]').fill('acme');
    await operation.locator('input[data-pname="repo"]').fill('rocket');
    await operation.locator('input[data-pname="If-None-Match"]').fill('');
    const { status, shown } = await tryIt(page, id, '/api/v2/projects/acme/rocket');
    expect(status).toBe(200);
    expect(shown).toMatch(/Response Status: OK:200/);
    expect(shown).toContain('"fullName": "acme/rocket"');
    await screenshot(page, 'api-reference-try');
    expect(foreign).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('sends an authenticated write with the bearer token entered in the page', async () => {
    const repo = `docs-${suffix}`;
    const { page, errors } = await openReference('#auth');
    const auth = page.locator('[id="http-bearer-api-key-input"]');
    await auth.waitFor({ timeout: 10_000 });
    await auth.fill(adminToken());
    await auth.locator('xpath=following-sibling::button[1]').click();
    const id = 'post-/api/v2/projects';
    await openOperation(page, id, 'Create a project');
    const body = page.locator(`[id="${id}"] textarea.request-body-param-user-input`);
    await body.fill(JSON.stringify({ owner: 'docs-try', repo, name: 'Sent from the API reference' }));
    const { status, shown } = await tryIt(page, id, '/api/v2/projects');
    expect(shown).toMatch(/Response Status: Created:201/);
    expect(status).toBe(201);
    const created = await fetch(`${base()}/api/v2/projects/docs-try/${repo}`);
    expect(created.status).toBe(200);
    expect(((await created.json()) as { name: string }).name).toBe('Sent from the API reference');
    const removed = await fetch(`${base()}/api/v2/projects/docs-try/${repo}`, { method: 'DELETE', headers: { Authorization: `Bearer ${adminToken()}` } });
    expect(removed.status).toBe(204);
    expect(errors).toEqual([]);
  });
});
