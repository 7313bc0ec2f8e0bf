// A deep changelog page (/owner/repo/page/n, n > 5) requested before it exists is cached as a 404;
// once releases fill it, the revalidator must refresh it like any page it serves, not leave the 404
// for the hour of the pages' time-based revalidation.
import { startServer, type RunningServer } from '../harness/server';
import { newStorage, type Storage } from '../harness/storage';

let server: RunningServer;
let storage: Storage;

beforeAll(async () => {
  storage = await newStorage(process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite', 'deep_pages');
  server = await startServer({ ...storage, env: { SHIPLOG_SEED_DEMO: '0', SHIPLOG_RATE_LIMIT_WRITE: '0' } });
});

afterAll(async () => {
  await server?.stop();
  await storage?.dispose();
});

it('refreshes a deep page that was a 404 when releases come to fill it', async () => {
  const h = { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' };
  const create = async (from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const res = await fetch(`${server.url}/api/v1/projects/deep/pages/releases`, {
        method: 'POST',
        headers: h,
        body: JSON.stringify({ tag: `v1.${i}.0`, body: `Notes ${i}`, publishedAt: new Date(Date.UTC(2025, 0, 1) + i * 86_400_000).toISOString() }),
      });
      expect(res.status).toBe(201);
    }
  };
  expect((await fetch(`${server.url}/api/v1/projects`, { method: 'POST', headers: h, body: JSON.stringify({ owner: 'deep', repo: 'pages' }) })).status).toBe(201);
  await create(0, 20);
  // One page of releases: page 7 does not exist, and that answer is cached.
  expect((await fetch(`${server.url}/deep/pages/page/7`)).status).toBe(404);
  await create(20, 130);
  // 130 releases: page 7 holds the oldest ten (v1.0.0 … v1.9.0); it may show an earlier state while
  // the revalidator catches up with the last releases.
  const full = (html: string) => html.includes('href="/deep/pages/releases/v1.0.0"') && html.includes('href="/deep/pages/releases/v1.9.0"');
  const deadline = Date.now() + 30_000;
  let status = 0;
  let html = '';
  while (Date.now() < deadline) {
    const res = await fetch(`${server.url}/deep/pages/page/7`);
    status = res.status;
    html = await res.text();
    if (status === 200 && full(html)) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  expect(status).toBe(200);
  expect(html).toContain('href="/deep/pages/releases/v1.0.0"');
  expect(html).toContain('href="/deep/pages/releases/v1.9.0"');
});
