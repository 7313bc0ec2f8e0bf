// axe-core on every page of the admin console and on the opened widget, in light and in dark
// (prefers-color-scheme emulated): zero violations of the rules axe runs by default (WCAG 2.x A/AA and
// best practices: names and labels, contrast, landmarks, heading order, focusable scroll areas).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expectNoAxeViolations } from '../harness/axe';
import { newContext, signIn } from '../harness/admin-browser';
import { launchBrowser } from '../harness/browser';
import { createProject, createRelease, publishViaWebhook } from '../harness/releases';

const base = () => process.env.SHIPLOG_TEST_URL!;
const adminToken = () => process.env.SHIPLOG_TEST_ADMIN_TOKEN!;
const owner = 'a11y';
const repo = `console-${Date.now().toString(36)}`;

let browser: Browser;
let signedIn: BrowserContext;
let deliveryId: number;

beforeAll(async () => {
  await createProject(owner, repo, { name: 'Accessibility check' });
  await createRelease(owner, repo, {
    tag: 'v1.0.0',
    name: 'First',
    body: '## Highlights\n\n- [x] a done task\n- [ ] a task to do\n\n```ts\nconst x = 1;\n```\n\n> [!WARNING]\n> Careful.',
  });
  await publishViaWebhook(owner, repo, 'v1.1.0');
  // A token to list (with its Revoke button) on the tokens page.
  const token = await fetch(`${base()}/api/v2/tokens`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken()}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: `a11y-${Date.now().toString(36)}`, scopes: ['read'] }),
  });
  expect(token.status).toBe(201);
  const deliveries = await fetch(`${base()}/api/v2/deliveries?limit=1`, { headers: { authorization: `Bearer ${adminToken()}` } });
  deliveryId = ((await deliveries.json()) as { data: { id: number }[] }).data[0]!.id;
  browser = await launchBrowser();
  signedIn = await newContext(browser, base());
  const page = await signedIn.newPage();
  await signIn(page, adminToken());
  await page.close();
});

afterAll(async () => {
  await browser?.close();
});

async function check(context: BrowserContext, pathname: string, label: string, before?: (page: Page) => Promise<void>): Promise<void> {
  const page = await context.newPage();
  try {
    const res = await page.goto(pathname);
    expect(res?.status()).toBe(200);
    await page.waitForSelector('.admin[data-hydrated="true"]');
    await before?.(page);
    await expectNoAxeViolations(page, label);
  } finally {
    await page.close();
  }
}

describe('the admin console has no axe violations, light and dark', () => {
  it('sign-in page, also with a refusal shown', async () => {
    const context = await newContext(browser, base());
    try {
      await check(context, '/admin/login', 'admin-login');
      await check(context, '/admin/login', 'admin-login-refused', async (page) => {
        await page.fill('#token', 'shp_not-a-token');
        await page.click('button[type=submit]');
        await page.waitForSelector('[role=alert]');
      });
    } finally {
      await context.close();
    }
  });

  it('projects', () => check(signedIn, '/admin', 'admin-projects'));
  it('a project', () => check(signedIn, `/admin/projects/${owner}/${repo}`, 'admin-project'));
  it('a demo project with many releases', () => check(signedIn, '/admin/projects/acme/rocket', 'admin-project-demo'));
  it('the release form, new', () => check(signedIn, `/admin/projects/${owner}/${repo}/release`, 'admin-release-new'));
  it('the release form, editing with a preview', () => check(signedIn, `/admin/projects/${owner}/${repo}/release?tag=v1.0.0`, 'admin-release-edit'));
  it('tokens', () => check(signedIn, '/admin/tokens', 'admin-tokens'));
  it('imports', () => check(signedIn, '/admin/imports', 'admin-imports'));
  it('deliveries', () => check(signedIn, '/admin/deliveries', 'admin-deliveries'));
  it('one delivery', () => check(signedIn, `/admin/deliveries/${deliveryId}`, 'admin-delivery'));
});

describe('the opened widget has no axe violations', () => {
  let site: http.Server;
  let siteUrl: string;
  beforeAll(async () => {
    site = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://site.test');
      const theme = url.searchParams.get('theme');
      res
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
        .end(
          `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>A site</title></head><body><main><h1>A site</h1><p>Its content.</p></main>` +
            `<script src="${base()}/widget.js" data-project="acme/rocket"${theme ? ` data-theme="${theme}"` : ''} async></script></body></html>`,
        );
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}/`;
  });
  afterAll(() => new Promise((resolve) => site?.close(resolve)));

  async function opened(query: string): Promise<{ page: Page; context: BrowserContext }> {
    const context = await newContext(browser, siteUrl);
    const page = await context.newPage();
    await page.goto(`/${query}`);
    await page.locator('shiplog-widget[data-unread]').waitFor({ state: 'attached' });
    await page.locator('shiplog-widget button').click();
    await page.locator('shiplog-widget [role="dialog"] li').first().waitFor();
    return { page, context };
  }

  it('following the colour scheme (data-theme=auto)', async () => {
    const { page, context } = await opened('');
    await expectNoAxeViolations(page, 'widget-auto');
    await context.close();
  });

  it('with data-theme=dark on a light page and data-theme=light on a dark one', async () => {
    const dark = await opened('?theme=dark');
    await expectNoAxeViolations(dark.page, 'widget-dark', { colorSchemes: ['light'] });
    await dark.context.close();
    const light = await opened('?theme=light');
    await expectNoAxeViolations(light.page, 'widget-light', { colorSchemes: ['dark'] });
    await light.context.close();
  });
});
