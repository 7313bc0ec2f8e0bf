// The admin console in a real browser (playwright-core driving Debian's Chromium) against `next start`:
// sign-in, projects and the GitHub webhook setup, the release editor without JavaScript (form posts,
// 303 + flash) and with it (fetch + If-Match), the "changed by someone else" conflict on a stale edit,
// replaying a delivery, an import to 100 % against a fake GitHub, tokens, and a refused cross-site
// form post. Screenshots of every page land in e2e/artifacts/admin-*.png.
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { sign } from '../../lib/github/signature';
import { createTestDatabase, dropTestDatabase } from '../../lib/test/db';
import { launchChromium, newContext, pageErrors, screenshot, signIn } from '../harness/admin-browser';
import { fakeReleases, startFakeGitHub } from '../harness/fake-github';
import { startServer, tempDataDir, TEST_WEBHOOK_SECRET } from '../harness/server';

const base = () => process.env.SHIPLOG_TEST_URL!;
const adminToken = () => process.env.SHIPLOG_TEST_ADMIN_TOKEN!;
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The REST API with the admin bearer token (what happened, seen from outside the browser). */
async function api(pathname: string, init: { method?: string; json?: unknown; headers?: Record<string, string>; url?: string; token?: string } = {}) {
  const res = await fetch(`${init.url ?? base()}${pathname}`, {
    method: init.method ?? 'GET',
    headers: { authorization: `Bearer ${init.token ?? adminToken()}`, ...(init.json !== undefined ? { 'content-type': 'application/json' } : {}), ...init.headers },
    body: init.json === undefined ? undefined : JSON.stringify(init.json),
    redirect: 'manual',
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : null) as Json };
}

const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
const releaseApi = (owner: string, repo: string, tag: string) => `/api/v2/projects/${owner}/${repo}/releases/${encodeURIComponent(tag)}`;

let browser: Browser;
let withJs: BrowserContext;
let noJs: BrowserContext;
const errors: string[] = [];

async function open(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  const seen = pageErrors(page);
  // Non-2xx answers are logged by Chromium as "Failed to load resource"; tests assert statuses themselves.
  page.on('close', () => errors.push(...seen.filter((e) => !/Failed to load resource/.test(e))));
  return page;
}

/** Waits (polling) until the element's text is (or matches, or contains) the expected text, then asserts it. */
async function expectText(page: Page, selector: string, expected: string | RegExp, mode: 'is' | 'contains' = 'is'): Promise<void> {
  const ok = (t: string) => (typeof expected === 'string' ? (mode === 'is' ? t === expected : t.includes(expected)) : expected.test(t));
  let text = '';
  for (const until = Date.now() + 10_000; Date.now() < until; await page.waitForTimeout(50)) {
    text = ((await page.textContent(selector, { timeout: 10_000 }).catch(() => null)) ?? '').trim();
    if (ok(text)) return;
  }
  if (typeof expected === 'string' && mode === 'is') expect(text).toBe(expected);
  else if (typeof expected === 'string') expect(text).toContain(expected);
  else expect(text).toMatch(expected);
}

/** Waits until React has hydrated the console (its forms then take the fetch path). */
const hydrated = (page: Page) => page.waitForSelector('.admin[data-hydrated="true"]');

beforeAll(async () => {
  browser = await launchChromium();
  withJs = await newContext(browser, base(), { permissions: ['clipboard-read', 'clipboard-write'] });
  noJs = await newContext(browser, base(), { javaScriptEnabled: false });
  for (const context of [withJs, noJs]) {
    const page = await open(context);
    await signIn(page, adminToken());
    await page.close();
  }
});

afterAll(async () => {
  await browser?.close();
});

afterEach(() => {
  // No uncaught exception or console error in any page the test opened.
  expect(errors.splice(0)).toEqual([]);
});

describe('signing in', () => {
  it('refuses a bad token with a message, then signs in with a good one; the session cookie is HttpOnly, SameSite=Lax, Secure', async () => {
    const context = await newContext(browser, base(), { javaScriptEnabled: false });
    try {
      const page = await open(context);
      const first = await page.goto('/admin/tokens');
      expect(new URL(page.url()).pathname).toBe('/admin/login');
      expect(first?.headers()['cache-control']).toBe('no-store');
      await screenshot(page, 'login');
      await page.fill('#token', 'shp_this-is-not-a-token');
      await page.click('button[type=submit]');
      await expectText(page, '[role=alert]', 'That token is not valid', 'contains');
      expect(new URL(page.url()).pathname).toBe('/admin/login');
      await screenshot(page, 'login-refused');
      await page.fill('#token', adminToken());
      await Promise.all([page.waitForURL('**/admin/tokens'), page.click('button[type=submit]')]);
      const [cookie] = (await context.cookies()).filter((c) => c.name === 'shiplog_session');
      expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', secure: true, path: '/' });
      expect(cookie!.expires * 1000 - Date.now()).toBeGreaterThan(11.9 * 3_600_000);
      expect(cookie!.expires * 1000 - Date.now()).toBeLessThanOrEqual(12 * 3_600_000);
      await page.click('text=Sign out');
      await page.waitForURL('**/admin/login');
      expect((await context.cookies()).filter((c) => c.name === 'shiplog_session')).toEqual([]);
      await page.goto('/admin');
      expect(new URL(page.url()).pathname).toBe('/admin/login');
    } finally {
      await context.close();
    }
  });
  it('a write-scope session gets the console without tokens and deliveries (403 with an explanation)', async () => {
    const { body: token } = await api('/api/v1/tokens', { method: 'POST', json: { name: unique('editor'), scopes: ['write'] } });
    const context = await newContext(browser, base(), { javaScriptEnabled: false });
    try {
      const page = await open(context);
      await signIn(page, token.token);
      await expectText(page, '[data-session-name]', token.name);
      expect(await page.locator('.admin-nav a').allTextContents()).toEqual(['Projects', 'Imports', 'Site']);
      const denied = await page.goto('/admin/tokens');
      expect(denied?.status()).toBe(403);
      await expectText(page, 'main h1', 'Not allowed');
      await screenshot(page, 'forbidden');
    } finally {
      await context.close();
      await api(`/api/v1/tokens/${token.id}`, { method: 'DELETE' });
    }
  });
});

describe('projects', () => {
  it('adds a project and shows exactly what to paste into GitHub, with copy buttons', async () => {
    const page = await open(withJs);
    const owner = unique('web');
    await page.goto('/admin');
    await hydrated(page);
    await expect(page.locator('table[aria-label=Projects] tr[data-project="acme/rocket"] [data-count=releases]').textContent()).resolves.toMatch(/^\d+$/);
    await screenshot(page, 'projects');
    const secret = await page.inputValue('#webhookSecret');
    expect(secret).toMatch(/^whsec_[\w-]{32}$/);
    await page.fill('#repository', `${owner}/site`);
    await page.fill('#name', 'Web site');
    await Promise.all([page.waitForURL(`**/admin/projects/${owner}/site`), page.click('text=Add project')]);
    await hydrated(page);
    await expectText(page, '[role=status]', `Added ${owner}/site`, 'contains');
    expect(await page.inputValue('#payload-url')).toBe(`${base()}/api/webhooks/github`);
    expect(await page.inputValue('#content-type')).toBe('application/json');
    expect(await page.inputValue('#webhook-secret')).toBe(secret);
    await expectText(page, '[data-webhook-setup]', 'Releases', 'contains');
    await page.click('[data-copy=webhook-secret]');
    await page.waitForSelector('[data-copy=webhook-secret]:has-text("Copied")');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
    await screenshot(page, 'project-setup');

    // GitHub's deliveries signed with that secret are accepted; the secret is shown only this once.
    const body = JSON.stringify({ zen: 'Keep it logically awesome.', hook_id: 1, repository: { full_name: `${owner}/site` } });
    const ping = await fetch(`${base()}/api/webhooks/github`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-github-event': 'ping', 'x-github-delivery': randomUUID(), 'x-hub-signature-256': sign(secret, body) },
      body,
    });
    expect(ping.status).toBe(200);
    await page.reload();
    expect(await page.locator('#webhook-secret').count()).toBe(0);
    expect((await api(`/api/v1/projects/${owner}/site`)).body).toMatchObject({ name: 'Web site', releaseCount: 0 });
    await page.close();
  });
});

describe('the release editor without JavaScript', () => {
  const owner = unique('nojs');
  beforeAll(async () => expect((await api('/api/v1/projects', { method: 'POST', json: { owner, repo: 'app' } })).status).toBe(201));

  it('previews, creates and edits through plain form posts (303 back with a flash)', async () => {
    const page = await open(noJs);
    await page.goto(`/admin/projects/${owner}/app/release`);
    expect(await page.getAttribute('form[aria-label=Release]', 'data-editor')).toBe('html');
    await page.fill('#tag', 'v1.0.0');
    await page.fill('#name', 'First light');
    await page.fill('#body', '## Added\n\n- A *thing*\n\n<script>alert(1)</script>');
    const preview = await Promise.all([page.waitForNavigation(), page.click('[data-action=preview]')]);
    expect(preview[0]?.status()).toBe(200);
    const previewed = await page.innerHTML('[data-preview]');
    expect(previewed).toMatch(
      /^<h2 id="user-content-added">Added<a class="anchor" aria-label="Permalink: Added" href="#user-content-added">.*<\/a><\/h2>\n<ul>\n<li>A <em>thing<\/em><\/li>\n<\/ul>\n$/s,
    );
    expect(previewed).not.toContain('script');
    expect(await page.inputValue('#name')).toBe('First light'); // the input came back
    await screenshot(page, 'editor-preview-nojs');

    const [created] = await Promise.all([page.waitForNavigation(), page.click('[data-action=save]')]);
    expect(new URL(page.url()).search).toBe('?tag=v1.0.0');
    expect(created?.headers()['cache-control']).toBe('no-store');
    await expectText(page, '[role=status]', 'Created release v1.0.0.');
    expect((await api(releaseApi(owner, 'app', 'v1.0.0'))).body).toMatchObject({
      name: 'First light',
      notes: { markdown: '## Added\n\n- A *thing*\n\n<script>alert(1)</script>', html: expect.not.stringContaining('script') },
    });

    await page.fill('#name', 'First light, polished');
    await page.check('input[name=prerelease]');
    await Promise.all([page.waitForNavigation(), page.click('[data-action=save]')]);
    await expectText(page, '[role=status]', 'Saved release v1.0.0.');
    expect((await api(releaseApi(owner, 'app', 'v1.0.0'))).body).toMatchObject({ name: 'First light, polished', prerelease: true });

    // Validation problems come back on the form, with what was typed.
    await page.fill('#tag', 'bad/../tag');
    await page.fill('#body', 'kept text');
    await Promise.all([page.waitForNavigation(), page.click('[data-action=save]')]);
    await expectText(page, '#tag-error', 'must not have empty, "." or ".." path segments', 'contains');
    expect([await page.inputValue('#tag'), await page.inputValue('#body')]).toEqual(['bad/../tag', 'kept text']);
    await screenshot(page, 'editor-invalid-nojs');
    await page.close();
  });

  it('shows "changed by someone else" on a stale edit and never overwrites; Reload shows the current version', async () => {
    const page = await open(noJs);
    await page.goto(`/admin/projects/${owner}/app/release?tag=v1.0.0`);
    // Meanwhile, someone else edits it through the API.
    const other = await api(releaseApi(owner, 'app', 'v1.0.0'), {
      method: 'PATCH',
      json: { name: 'Changed elsewhere' },
      headers: { 'content-type': 'application/merge-patch+json' },
    });
    expect(other.status).toBe(200);
    await page.fill('#name', 'My stale edit');
    await Promise.all([page.waitForNavigation(), page.click('[data-action=save]')]);
    await expectText(page, '[role=alert]', 'This release was changed by someone else since you opened it. Your changes were not saved.', 'contains');
    expect(await page.inputValue('#name')).toBe('My stale edit');
    // Saving again from the same (stale) form still cannot overwrite.
    await Promise.all([page.waitForNavigation(), page.click('[data-action=save]')]);
    await expectText(page, '[role=alert]', 'changed by someone else', 'contains');
    expect((await api(releaseApi(owner, 'app', 'v1.0.0'))).body.name).toBe('Changed elsewhere');
    await screenshot(page, 'editor-conflict-nojs');
    await Promise.all([page.waitForNavigation(), page.click('[data-action=reload]')]);
    expect(await page.inputValue('#name')).toBe('Changed elsewhere');
    await page.close();
  });

  it('hides, unhides and deletes through form posts', async () => {
    const page = await open(noJs);
    await page.goto(`/admin/projects/${owner}/app/release?tag=v1.0.0`);
    await Promise.all([page.waitForNavigation(), page.click('[data-action=visibility]')]);
    await expectText(page, '[role=status]', 'Release v1.0.0 is hidden from readers.');
    expect((await api(releaseApi(owner, 'app', 'v1.0.0'))).body.hidden).toBe(true);
    expect((await fetch(`${base()}${releaseApi(owner, 'app', 'v1.0.0')}`)).status).toBe(404); // gone for readers
    await Promise.all([page.waitForNavigation(), page.click('[data-action=visibility]')]);
    expect((await api(releaseApi(owner, 'app', 'v1.0.0'))).body.hidden).toBe(false);
    await page.click('summary:has-text("Delete this release")');
    await Promise.all([page.waitForNavigation(), page.click('[data-action=delete]')]);
    expect(new URL(page.url()).pathname).toBe(`/admin/projects/${owner}/app`);
    await expectText(page, '[role=status]', 'Deleted release v1.0.0.');
    expect((await api(releaseApi(owner, 'app', 'v1.0.0'))).status).toBe(404);
    await page.close();
  });
});

describe('the release editor with JavaScript', () => {
  const owner = unique('js');
  beforeAll(async () => expect((await api('/api/v1/projects', { method: 'POST', json: { owner, repo: 'app' } })).status).toBe(201));

  it('creates and edits through the REST API with If-Match, previewing as you type', async () => {
    const page = await open(withJs);
    await page.goto(`/admin/projects/${owner}/app/release`);
    await page.waitForSelector('form[data-editor=js]');
    await page.fill('#tag', 'v2.0.0');
    await page.fill('#name', 'Second');
    await page.fill('#body', '### Live\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n<img src=x onerror=alert(1)>');
    // Renderer 3: the notes' first heading is an h2 whatever its level (the page title is the only h1).
    await page.waitForSelector('[data-preview] h2:has-text("Live")');
    expect(await page.innerHTML('[data-preview]')).toContain('<table>');
    expect(await page.innerHTML('[data-preview]')).not.toContain('onerror');

    const [post] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith(`/api/v2/projects/${owner}/app/releases`)),
      page.click('[data-action=save]'),
    ]);
    expect(post.status()).toBe(201);
    await expectText(page, '[role=status]', 'Created release v2.0.0.');
    await page.waitForURL(`**/admin/projects/${owner}/app/release?tag=v2.0.0`);
    await screenshot(page, 'editor-js');

    await page.fill('#name', 'Second, edited');
    await page.fill('#tag', 'v2.0.1');
    const [put] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'PUT'), page.click('[data-action=save]')]);
    expect(put.status()).toBe(200);
    expect(put.request().headers()['if-match']).toMatch(/^"rel\d+\.v1-/);
    await expectText(page, '[role=status]', 'Saved release v2.0.1 (renamed from v2.0.0).');
    await page.waitForURL(`**/release?tag=v2.0.1`);
    expect((await api(releaseApi(owner, 'app', 'v2.0.1'))).body).toMatchObject({ name: 'Second, edited' });

    // Save again: the page now holds the new ETag.
    await page.fill('#name', 'Second, edited twice');
    const [again] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'PUT'), page.click('[data-action=save]')]);
    expect([again.status(), again.request().headers()['if-match']]).toEqual([200, expect.stringMatching(/\.v2-/)]);

    const [patch] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'PATCH'), page.click('[data-action=visibility]')]);
    expect(patch.status()).toBe(200);
    await expectText(page, '[role=status]', 'Release v2.0.1 is hidden from readers.');
    expect((await api(releaseApi(owner, 'app', 'v2.0.1'))).body).toMatchObject({ hidden: true, name: 'Second, edited twice' });
    await page.close();
  });

  it('answers a stale save (412) with "changed by someone else" and a Reload button; nothing is overwritten', async () => {
    const page = await open(withJs);
    await page.goto(`/admin/projects/${owner}/app/release?tag=v2.0.1`);
    await page.waitForSelector('form[data-editor=js]');
    expect((await api(releaseApi(owner, 'app', 'v2.0.1'), { method: 'PATCH', json: { name: 'Theirs' }, headers: { 'content-type': 'application/merge-patch+json' } })).status).toBe(
      200,
    );
    await page.fill('#name', 'Mine');
    const [put] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'PUT'), page.click('[data-action=save]')]);
    expect(put.status()).toBe(412);
    await expectText(page, '[role=alert]', 'This release was changed by someone else since you opened it. Your changes were not saved.', 'contains');
    expect((await api(releaseApi(owner, 'app', 'v2.0.1'))).body.name).toBe('Theirs');
    await screenshot(page, 'editor-conflict-js');
    await Promise.all([page.waitForNavigation(), page.click('[data-action=reload]')]);
    await page.waitForSelector('form[data-editor=js]');
    expect(await page.inputValue('#name')).toBe('Theirs');

    const [del] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'DELETE'),
      page.click('summary:has-text("Delete this release")').then(() => page.click('[data-action=delete]')),
    ]);
    expect(del.status()).toBe(204);
    await page.waitForURL(`**/admin/projects/${owner}/app?deleted=v2.0.1`);
    await expectText(page, '[role=status]', 'Deleted release v2.0.1.');
    await page.close();
  });
});

describe('deliveries', () => {
  it('lists failed deliveries in colour, shows the payload and replays one', async () => {
    const owner = unique('hook');
    const payload = {
      action: 'published',
      release: {
        id: 880_000_000 + Math.floor(Math.random() * 1e6),
        tag_name: 'v9.9.9',
        name: 'Replayed',
        body: 'From a replay',
        draft: false,
        prerelease: false,
        html_url: 'https://github.com/x/y/releases/v9.9.9',
        published_at: '2026-03-01T10:00:00Z',
        created_at: '2026-03-01T09:00:00Z',
        author: null,
      },
      repository: { name: 'app', full_name: `${owner}/app`, owner: { login: owner } },
    };
    const guid = randomUUID();
    const body = JSON.stringify(payload);
    const first = await fetch(`${base()}/api/webhooks/github`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-github-event': 'release', 'x-github-delivery': guid, 'x-hub-signature-256': sign(TEST_WEBHOOK_SECRET, body) },
      body,
    });
    expect(first.status).toBe(404); // no such project yet: logged as failed
    const logged = ((await api('/api/v1/deliveries?status=failed&event=release&limit=100')).body as unknown as Json[]).find((d) => d.guid === guid)!;
    expect(logged).toMatchObject({ status: 'failed', project: null });
    expect((await api('/api/v1/projects', { method: 'POST', json: { owner, repo: 'app' } })).status).toBe(201);

    const page = await open(withJs);
    await page.goto('/admin/deliveries');
    await hydrated(page);
    await page.selectOption('#f-status', 'failed');
    await page.fill('#f-event', 'release');
    const [list] = await Promise.all([page.waitForResponse((r) => r.url().includes('/api/v1/deliveries?')), page.click('button:has-text("Filter")')]);
    expect(new URL(list.url()).searchParams.get('status')).toBe('failed');
    await page.waitForURL('**/admin/deliveries?event=release&status=failed');
    const row = page.locator(`tr[data-delivery="${logged.id}"]`);
    await expect(row.getAttribute('data-status')).resolves.toBe('failed');
    const colour = await row.locator('.status').evaluate((el) => getComputedStyle(el).color);
    expect(colour).toBe('rgb(164, 14, 38)'); // failed = red
    await screenshot(page, 'deliveries');

    await Promise.all([page.waitForURL(`**/admin/deliveries/${logged.id}`), row.locator('text=Details').click()]);
    await hydrated(page);
    expect(JSON.parse(await page.innerText('pre.payload'))).toEqual(payload);
    const [replay] = await Promise.all([page.waitForResponse((r) => r.url().endsWith(`/api/v1/deliveries/${logged.id}/replay`)), page.click('[data-action=replay]')]);
    expect(replay.status()).toBe(200);
    await expectText(page, '[role=status]', `Replayed delivery ${logged.id}: processed (created).`);
    await page.waitForSelector('h1 .status-processed');
    await screenshot(page, 'delivery');
    expect((await api(releaseApi(owner, 'app', 'v9.9.9'))).body).toMatchObject({ name: 'Replayed', source: 'github' });
    await page.close();
  });

  it('replays without JavaScript too (form post, 303 back)', async () => {
    // A delivery of our own (a ping: replaying it changes nothing that other tests look at).
    const guid = randomUUID();
    const body = JSON.stringify({ zen: 'Design for failure.', hook_id: 2 });
    const ping = await fetch(`${base()}/api/webhooks/github`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-github-event': 'ping', 'x-github-delivery': guid, 'x-hub-signature-256': sign(TEST_WEBHOOK_SECRET, body) },
      body,
    });
    const { deliveryId } = (await ping.json()) as { deliveryId: number };
    const page = await open(noJs);
    await page.goto(`/admin/deliveries/${deliveryId}`);
    await expectText(page, 'dl.facts', guid, 'contains');
    await Promise.all([page.waitForNavigation(), page.click('[data-action=replay]')]);
    expect(new URL(page.url()).pathname).toBe(`/admin/deliveries/${deliveryId}`);
    await expectText(page, '.flash', `Replayed delivery ${deliveryId}: processed (pong).`);
    expect((await api(`/api/v1/deliveries/${deliveryId}`)).body.replayedAt).not.toBeNull();
    await page.close();
  });
});

describe('imports', () => {
  it('starts a backfill and follows it on a live progress bar to 100 % (fake GitHub)', async () => {
    const TOKEN = 'ghp_fake_console_token_0123456789';
    const github = await startFakeGitHub({
      token: TOKEN,
      delayMs: 400,
      repos: { 'octo/backfill': fakeReleases('octo', 'backfill', 250), 'octo/plain': fakeReleases('octo', 'plain', 150, 950_000_000) },
    });
    const pg = process.env.TEST_DATABASE_URL;
    const databaseUrl = pg ? await createTestDatabase(pg, 'shiplog_adm') : undefined;
    const dataDir = databaseUrl ? undefined : tempDataDir();
    const server = await startServer({ databaseUrl, dataDir, env: { GITHUB_API_URL: github.url, GITHUB_TOKEN: TOKEN, SHIPLOG_SEED_DEMO: '0' } });
    const context = await newContext(browser, server.url);
    const noScripts = await newContext(browser, server.url, { javaScriptEnabled: false });
    try {
      expect((await api('/api/v1/projects', { url: server.url, token: server.adminToken, method: 'POST', json: { owner: 'octo', repo: 'backfill' } })).status).toBe(201);
      const page = await open(context);
      await signIn(page, server.adminToken, '/admin/imports?project=octo/backfill');
      await hydrated(page);
      const seen = new Set<string>();
      page.on('response', (r) => {
        if (/\/imports\/\d+$/.test(r.url())) seen.add(r.url());
      });
      const [start] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/api/v1/projects/octo/backfill/imports')),
        page.click('[data-action=start-import]'),
      ]);
      expect(start.status()).toBe(202);
      const percents: string[] = [];
      const deadline = Date.now() + 60_000;
      for (;;) {
        // State and percentage read together (one render), or a render in between could split them.
        const [state, text] = await page.evaluate(() => [
          document.querySelector('[data-import]')?.getAttribute('data-state') ?? '',
          document.querySelector('[data-progress-percent]')?.textContent ?? '',
        ]);
        if (percents.at(-1) !== text) percents.push(text);
        if (state === 'succeeded') break;
        if (Date.now() > deadline) throw new Error(`the import did not finish: ${percents.join(' → ')}`);
        await page.waitForTimeout(100);
      }
      expect(percents.at(-1)).toBe('100 %');
      expect(percents.some((p) => /^(33|67) %$/.test(p))).toBe(true); // it moved through the pages, live
      expect(
        await page.evaluate(() => {
          const p = document.querySelector('progress')!;
          return [p.value, p.max];
        }),
      ).toEqual([3, 3]);
      await expectText(page, '#progress-text', 'Page 3 of 3', 'contains');
      await expectText(page, '[data-import]', '250 created', 'contains');
      expect(seen.size).toBe(1); // polled the Location it was given
      await screenshot(page, 'imports');
      expect(github.requests.every((r) => r.authorized)).toBe(true);
      await page.close();

      // Without JavaScript: the form starts it, and the page refreshes itself until it ends.
      expect((await api('/api/v1/projects', { url: server.url, token: server.adminToken, method: 'POST', json: { owner: 'octo', repo: 'plain' } })).status).toBe(201);
      const plain = await open(noScripts);
      await signIn(plain, server.adminToken, '/admin/imports?project=octo/plain');
      await Promise.all([plain.waitForURL(/\/admin\/imports\?project=octo%2Fplain&import=\d+$/), plain.click('[data-action=start-import]')]);
      const states: string[] = [];
      for (const until = Date.now() + 60_000; Date.now() < until;) {
        const state = await plain.getAttribute('[data-import]', 'data-state').catch(() => null); // null while it reloads
        if (state && states.at(-1) !== state) states.push(state);
        if (state === 'succeeded') break;
        await plain.waitForTimeout(200);
      }
      expect(states[0]).toMatch(/^(queued|running)$/);
      expect(states.at(-1)).toBe('succeeded');
      await expectText(plain, '[data-progress-percent]', '100 %');
      await expectText(plain, '[data-import]', '150 created', 'contains');
      await screenshot(plain, 'imports-nojs');
      await plain.close();
    } finally {
      await noScripts.close();
      await context.close();
      await server.stop();
      await github.close();
      if (dataDir) fs.rmSync(path.dirname(dataDir), { recursive: true, force: true });
      if (pg && databaseUrl) await dropTestDatabase(pg, databaseUrl);
    }
  });
});

describe('tokens', () => {
  it('creates a token (secret shown once, with a copy button) and revokes it', async () => {
    const name = unique('bot');
    const page = await open(withJs);
    await page.goto('/admin/tokens');
    await hydrated(page);
    await page.fill('#token-name', name);
    await page.check('input[name=scopes][value=admin]');
    const [created] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/api/v1/tokens')),
      page.click('[data-action=create-token]'),
    ]);
    expect(created.status()).toBe(201);
    const secret = await page.inputValue('#new-token-secret');
    expect(secret).toMatch(/^shp_[\w-]{43}$/);
    await page.click('[data-copy=new-token-secret]');
    await page.waitForSelector('[data-copy=new-token-secret]:has-text("Copied")');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
    const row = page.locator(`tr[data-token-name="${name}"]`);
    expect(await row.textContent()).toMatch(/writeadmin/);
    await screenshot(page, 'tokens');
    expect((await api('/api/v1/tokens', { token: secret })).status).toBe(200);

    // Reloading never shows the secret again; "last used" is now filled in.
    await page.reload();
    await hydrated(page);
    expect(await page.locator('#new-token-secret').count()).toBe(0);
    await expect(page.locator(`tr[data-token-name="${name}"] td`).nth(4).textContent()).resolves.not.toBe('never');
    expect(await page.content()).not.toContain(secret);

    const [revoked] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'DELETE'),
      page.locator(`tr[data-token-name="${name}"] [data-action=revoke]`).click(),
    ]);
    expect(revoked.status()).toBe(204);
    await expectText(page, '[role=status]', `Revoked "${name}"`, 'contains');
    expect(await page.locator(`tr[data-token-name="${name}"]`).count()).toBe(0);
    expect((await api('/api/v1/tokens', { token: secret })).status).toBe(401);
    await page.close();
  });

  it('without JavaScript: create shows the secret once after the redirect; revoke ends the sessions opened with it', async () => {
    const name = unique('nojs-bot');
    const page = await open(noJs);
    await page.goto('/admin/tokens');
    await page.fill('#token-name', name);
    await Promise.all([page.waitForNavigation(), page.click('[data-action=create-token]')]);
    const secret = await page.inputValue('#new-token-secret');
    expect(secret).toMatch(/^shp_/);
    // Someone signs in with it elsewhere…
    const other = await newContext(browser, base(), { javaScriptEnabled: false });
    const otherPage = await other.newPage();
    await signIn(otherPage, secret);
    expect(new URL(otherPage.url()).pathname).toBe('/admin');
    // …and revoking the token ends that session at once.
    await page.reload();
    expect(await page.locator('#new-token-secret').count()).toBe(0);
    await Promise.all([page.waitForNavigation(), page.locator(`tr[data-token-name="${name}"] [data-action=revoke]`).click()]);
    await expectText(page, '[role=status]', `Revoked "${name}"`, 'contains');
    await otherPage.goto('/admin');
    expect(new URL(otherPage.url()).pathname).toBe('/admin/login');
    await other.close();
    await page.close();
  });
});

describe('cross-site requests', () => {
  it('refuses a form auto-posted from another loopback port (403) and changes nothing', async () => {
    const target = base();
    const evil = http.createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      const which =
        req.url === '/token'
          ? `<form method="post" action="${target}/api/admin/tokens"><input name="intent" value="create"><input name="name" value="evil-token"><input name="scopes" value="admin"></form>`
          : `<form method="post" action="${target}/api/admin/projects"><input name="repository" value="evil/takeover"><input name="webhookSecret" value=""></form>`;
      res.end(`<!doctype html><title>Win a prize</title>${which}<script>document.forms[0].submit()</script>`);
    });
    await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
    const evilUrl = `http://127.0.0.1:${(evil.address() as AddressInfo).port}`;
    try {
      // The signed-in browser (its cookie is sent: same host, another port is same-site) visits the other page.
      const page = await open(withJs);
      for (const p of ['/project', '/token']) {
        const [answer] = await Promise.all([page.waitForResponse((r) => r.url().startsWith(`${target}/api/admin/`)), page.goto(`${evilUrl}${p}`)]);
        expect(answer.status()).toBe(403);
        expect((await answer.request().allHeaders()).cookie).toMatch(/shiplog_session=/);
        await page.waitForURL(`${target}/api/admin/**`);
        expect(JSON.parse(await page.innerText('body'))).toMatchObject({ status: 403, title: 'Cross-site request refused' });
      }
      await screenshot(page, 'cross-site-refused');
      expect((await api('/api/v1/projects/evil/takeover')).status).toBe(404);
      expect(((await api('/api/v1/tokens')).body as unknown as Json[]).some((t) => t.name === 'evil-token')).toBe(false);
      await page.close();
    } finally {
      evil.closeAllConnections();
      await new Promise((resolve) => evil.close(resolve));
    }
  });
});

describe('caching', () => {
  it('answers every console page and console API with Cache-Control: no-store', async () => {
    const page = await open(noJs);
    for (const p of [
      '/admin',
      '/admin/login',
      '/admin/tokens',
      '/admin/deliveries',
      '/admin/imports',
      '/admin/projects/acme/rocket',
      '/admin/projects/acme/rocket/release?tag=v2.0.0',
    ]) {
      const res = await page.goto(p);
      expect([p, res?.status(), res?.headers()['cache-control']]).toEqual([p, 200, 'no-store']);
    }
    await page.goto('/admin/projects/acme/rocket/release?tag=v2.0.0');
    await screenshot(page, 'editor-nojs');
    // The console's API answers, with the browser's session cookie.
    const cookie = (await noJs.cookies()).find((c) => c.name === 'shiplog_session')!;
    for (const url of ['/api/v1/tokens', '/api/v1/deliveries', '/api/v1/projects/acme/rocket/imports']) {
      const res = await fetch(`${base()}${url}`, { headers: { cookie: `shiplog_session=${cookie.value}`, 'sec-fetch-site': 'same-origin' } });
      expect([url, res.status, res.headers.get('cache-control')]).toEqual([url, 200, 'no-store']);
    }
    const preview = await fetch(`${base()}/api/admin/preview`, {
      method: 'POST',
      headers: { cookie: `shiplog_session=${cookie.value}`, 'sec-fetch-site': 'same-origin', 'content-type': 'application/json' },
      body: JSON.stringify({ markdown: '*hi*' }),
    });
    expect([preview.status, preview.headers.get('cache-control'), await preview.json()]).toEqual([200, 'no-store', { html: '<p><em>hi</em></p>' }]);
    await page.close();
  });

  it('keeps the console readable in dark mode too', async () => {
    const context = await newContext(browser, base(), { colorScheme: 'dark', storageState: await withJs.storageState() });
    const page = await open(context);
    await page.goto('/admin/projects/acme/rocket');
    await hydrated(page);
    const [bg, fg] = await page.evaluate(() => [getComputedStyle(document.body).backgroundColor, getComputedStyle(document.body).color]);
    expect([bg, fg]).toEqual(['rgb(13, 17, 23)', 'rgb(230, 237, 243)']);
    await screenshot(page, 'project-dark');
    await context.close();
  });
});
