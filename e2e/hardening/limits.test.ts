// Limits tried from outside, as issue 12 found them, against a built `next start` on the embedded
// database: a slow markdown body never holds other requests (it renders on a worker thread and is
// cancelled at its time limit), console redirects with non-ASCII targets, merge patches naming
// __proto__, a huge sort_by, framing headers, and a database locked by another server process (503
// for the API and pages, with nothing about the database told to anonymous callers).
import { startServer, type RunningServer } from '../harness/server';

let server: RunningServer;
const auth = () => ({ authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' });
/** Nested brackets: the markdown parser's time grows with the square of their depth (minutes at this size). */
const SLOW = `${'['.repeat(30_000)}a${']'.repeat(30_000)}`;

beforeAll(async () => {
  server = await startServer({ env: { SHIPLOG_SEED_DEMO: '0', SHIPLOG_MARKDOWN_TIMEOUT_MS: '3000' } });
  const res = await fetch(`${server.url}/api/v1/projects`, { method: 'POST', headers: auth(), body: JSON.stringify({ owner: 'lim', repo: 'its' }) });
  expect(res.status).toBe(201);
});

afterAll(async () => {
  await server?.stop();
});

describe('markdown renders off the event loop, within limits', () => {
  it('health keeps answering while a slow preview and a slow release render; both are cancelled and answered 422 naming the field', async () => {
    let previewDone = false;
    let releaseDone = false;
    const preview = fetch(`${server.url}/api/admin/preview`, { method: 'POST', headers: auth(), body: JSON.stringify({ markdown: SLOW }) }).finally(() => (previewDone = true));
    const release = fetch(`${server.url}/api/v2/projects/lim/its/releases`, {
      method: 'POST',
      headers: auth(),
      body: JSON.stringify({ tag: 'v-slow', notes: { markdown: `${SLOW} ` } }),
    }).finally(() => (releaseDone = true));
    // Health answers, again and again, before either render is over (it could not if they ran on the event loop).
    let answered = 0;
    while (!previewDone && answered < 3) {
      const health = await fetch(`${server.url}/api/health`);
      expect(health.status).toBe(200);
      await health.arrayBuffer();
      if (!previewDone && !releaseDone) answered++;
    }
    expect(answered).toBe(3);
    const p = await preview;
    expect([p.status, p.headers.get('content-type')]).toEqual([422, 'application/problem+json; charset=utf-8']);
    expect(await p.json()).toMatchObject({
      type: '/problems/markdown-unrenderable',
      errors: [{ pointer: '/markdown', detail: expect.stringMatching(/took longer than 3000 ms/) }],
    });
    const r = await release;
    expect(r.status).toBe(422);
    expect((await r.json()).errors).toEqual([{ pointer: '/notes/markdown', detail: expect.stringMatching(/cancelled/) }]);
    expect((await fetch(`${server.url}/api/v2/projects/lim/its/releases/v-slow`)).status).toBe(404);
    // The server renders the next body at once.
    const ok = await fetch(`${server.url}/api/admin/preview`, { method: 'POST', headers: auth(), body: JSON.stringify({ markdown: '**fine**' }) });
    expect(await ok.json()).toEqual({ html: '<p><strong>fine</strong></p>' });
  });
});

describe('clear answers instead of 500s', () => {
  it('next=/admin/ā on sign-in: 303 to the percent-encoded path (was "500 See Other")', async () => {
    const body = new URLSearchParams({ token: server.adminToken, next: '/admin/ā' });
    const res = await fetch(`${server.url}/api/session`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.url, 'sec-fetch-site': 'same-origin' },
      body,
    });
    expect([res.status, res.headers.get('location')]).toEqual([303, '/admin/%C4%81']);
  });

  it('a merge patch naming __proto__ is a 400 naming the member; the release is unchanged', async () => {
    expect((await fetch(`${server.url}/api/v1/projects/lim/its/releases`, { method: 'POST', headers: auth(), body: JSON.stringify({ tag: 'v1', name: 'One' }) })).status).toBe(201);
    const res = await fetch(`${server.url}/api/v1/projects/lim/its/releases/v1`, {
      method: 'PATCH',
      headers: { ...auth(), 'content-type': 'application/merge-patch+json' },
      body: '{"__proto__":{"name":"x"},"name":"Lost"}',
    });
    expect(res.status).toBe(400);
    expect((await res.json()).errors).toEqual([{ pointer: '/__proto__', detail: expect.any(String) }]);
    expect((await (await fetch(`${server.url}/api/v1/projects/lim/its/releases/v1`)).json()).name).toBe('One');
  });

  it('a 14 KB sort_by gets a small error', async () => {
    const sortBy = Array.from({ length: 1_700 }, (_, i) => `bogus${i}`).join(',');
    const res = await fetch(`${server.url}/api/v1/releases?sort_by=${sortBy}`);
    expect(res.status).toBe(400);
    expect((await res.text()).length).toBeLessThan(4_000);
  });
});

describe('framing', () => {
  it.each(['/admin/login', '/', '/lim/its'])('%s cannot be framed', async (path) => {
    const res = await fetch(`${server.url}${path}`, { redirect: 'manual' });
    expect(res.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
    expect(res.headers.get('x-frame-options')).toBe('DENY');
  });

  it('the widget script and the API carry no page policy', async () => {
    for (const path of ['/widget.js', '/api/health']) expect((await fetch(`${server.url}${path}`)).headers.get('content-security-policy')).toBeNull();
  });
});

describe('a database locked by another server process', () => {
  it('a second server on the same data directory answers 503: problem+json without the data path or pid for anonymous callers, a friendly page for pages', async () => {
    const second = await startServer({ dataDir: server.dataDir, waitHealthy: false, env: { SHIPLOG_SEED_DEMO: '0' } });
    try {
      const health = await fetch(`${second.url}/api/health`);
      const text = await health.text();
      expect([health.status, health.headers.get('retry-after')]).toEqual([503, expect.stringMatching(/^\d+$/)]);
      expect(text).not.toContain(server.dataDir!);
      expect(text).not.toMatch(/pid|pglite/i);
      const detailed = await fetch(`${second.url}/api/health`, { headers: { authorization: `Bearer ${second.adminToken}` } });
      expect((await detailed.json()).reason).toMatch(/in use by the Shiplog server \(pid \d+/);
      const api = await fetch(`${second.url}/api/v1/projects/lim/its/releases?limit=1`);
      expect([api.status, (await api.text()).includes(server.dataDir!)]).toEqual([503, false]);
      const page = await fetch(`${second.url}/lim/its`);
      expect([page.status, page.headers.get('retry-after')]).toEqual([503, '30']);
      expect(await page.text()).toContain('Back in a moment');
      // The first server is unaffected.
      expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
    } finally {
      await second.stop();
    }
  });
});
