// Several instances on one PostgreSQL database share regenerated pages (lib/isr/cache-handler.cjs):
// a change written on instance A and regenerated there is what instance B serves, in serverless mode
// (no LISTEN connection, no background loop on B), over the database or over Redis; two databases
// sharing one Redis never see each other's pages.
import { Client } from 'pg';
import { startServer, type RunningServer } from '../harness/server';
import { newStorage, type Storage } from '../harness/storage';

const pg = process.env.TEST_DATABASE_URL;
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The props a page was rendered with: equal `generatedAt` means the very same render. */
function nextData(html: string): { generatedAt?: string; projects?: { fullName: string }[] } {
  const m = /<script id="__NEXT_DATA__" type="application\/json">([^<]*)<\/script>/.exec(html);
  if (!m) throw new Error(`no __NEXT_DATA__ in:\n${html.slice(0, 500)}`);
  return JSON.parse(m[1]!).props.pageProps;
}

async function poll<T>(what: string, read: () => Promise<T>, done: (v: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T;
  do {
    last = await read();
    if (done(last)) return last;
    await sleep(100);
  } while (Date.now() < deadline);
  throw new Error(`${what}: not within ${timeoutMs} ms; last: ${JSON.stringify(last).slice(0, 300)}`);
}

const page = async (url: string) => {
  const res = await fetch(url);
  return { status: res.status, html: await res.text() };
};

async function write(server: RunningServer, path: string, body: unknown): Promise<void> {
  const res = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status !== 201) throw new Error(`POST ${path}: ${res.status} ${await res.text()}`);
}

async function withClient<T>(url: string, work: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return await work(c);
  } finally {
    await c.end();
  }
}

(pg ? describe : describe.skip).each([
  ['the database', {}],
  ['Redis', { REDIS_URL }],
] as const)('two instances share regenerated pages through %s', (_store, storeEnv) => {
  let storage: Storage;
  let a: RunningServer;
  let b: RunningServer;
  const env = { ...storeEnv, SHIPLOG_SEED_DEMO: '0', SHIPLOG_SERVERLESS: '1', SHIPLOG_RATE_LIMIT_WRITE: '0' };

  beforeAll(async () => {
    storage = await newStorage('postgres', 'shared_pages');
    [a, b] = await Promise.all([startServer({ ...storage, env }), startServer({ ...storage, env })]);
  });

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await storage?.dispose();
  });

  it('serves on B the page A regenerated after a write on A', async () => {
    await write(a, '/api/v1/projects', { owner: 'acme', repo: 'shared' });
    await write(a, '/api/v1/projects/acme/shared/releases', { tag: 'v1.0.0', body: 'First', publishedAt: '2026-01-01T00:00:00Z' });
    // Both instances have served the project page once (B renders it or takes A's).
    await poll(
      'A shows v1.0.0',
      () => page(`${a.url}/acme/shared`),
      (p) => p.html.includes('v1.0.0'),
    );
    await poll(
      'B shows v1.0.0',
      () => page(`${b.url}/acme/shared`),
      (p) => p.html.includes('v1.0.0'),
    );
    await poll(
      'B home lists acme/shared',
      () => page(`${b.url}/`),
      (p) => p.html.includes('acme/shared'),
    );

    await write(a, '/api/v1/projects/acme/shared/releases', { tag: 'v2.0.0', body: 'Second', publishedAt: '2026-02-01T00:00:00Z' });
    await poll(
      'A regenerates its home page with v2.0.0',
      () => page(`${a.url}/`),
      (p) => p.html.includes('/acme/shared/releases/v2.0.0'),
    );
    // Both serve one and the same render (equal generatedAt), the newest in the store.
    const both = await poll(
      'A and B serve the same render of the home page with v2.0.0',
      async () => [await page(`${a.url}/`), await page(`${b.url}/`)] as const,
      ([onA, onB]) => onB.html.includes('/acme/shared/releases/v2.0.0') && nextData(onA.html).generatedAt === nextData(onB.html).generatedAt,
    );
    expect(nextData(both[1].html).generatedAt).toBeTruthy();
    await poll(
      'B serves the project page with v2.0.0',
      () => page(`${b.url}/acme/shared`),
      (p) => p.status === 200 && p.html.includes('v2.0.0'),
    );
  });

  it('keeps the pages in the shared store, per build', async () => {
    if ('REDIS_URL' in storeEnv) {
      const namespace = await withClient(storage.databaseUrl!, async (c) => (await c.query(`select value #>> '{}' as id from site_state where key = 'isr_namespace'`)).rows[0]?.id);
      expect(namespace).toMatch(/^[0-9a-f]{32}$/);
    } else {
      const rows = await withClient(storage.databaseUrl!, async (c) => (await c.query<{ key: string; build_id: string }>('select key, build_id from isr_cache')).rows);
      expect(rows.some((r) => r.key.endsWith('$/acme/shared'))).toBe(true);
      expect(rows.some((r) => r.key.endsWith('$/index'))).toBe(true);
      expect(new Set(rows.map((r) => r.build_id)).size).toBe(1);
    }
  });

  it('a restarted instance serves the stored pages of its database', async () => {
    await b.stop();
    b = await startServer({ ...storage, env });
    const after = await page(`${b.url}/acme/shared`);
    expect(after.status).toBe(200);
    expect(after.html).toContain('v2.0.0');
    await poll(
      'A and B serve the same home page',
      async () => [await page(`${a.url}/`), await page(`${b.url}/`)] as const,
      ([onA, onB]) => nextData(onA.html).generatedAt === nextData(onB.html).generatedAt,
    );
  });
});

(pg ? it : it.skip)('two databases sharing one Redis never serve each other’s pages', async () => {
  const first = await newStorage('postgres', 'redis_ns');
  const second = await newStorage('postgres', 'redis_ns');
  const env = { REDIS_URL, SHIPLOG_SEED_DEMO: '0', SHIPLOG_SERVERLESS: '1' };
  let one: RunningServer | undefined;
  let two: RunningServer | undefined;
  try {
    one = await startServer({ ...first, env });
    await write(one, '/api/v1/projects', { owner: 'only', repo: 'first' });
    await poll(
      'the first database’s home lists only/first',
      () => page(`${one!.url}/`),
      (p) => p.html.includes('only/first'),
    );
    two = await startServer({ ...second, env });
    const other = await page(`${two.url}/`);
    expect(other.status).toBe(200);
    expect(nextData(other.html).projects ?? []).toEqual([]);
    expect(other.html).not.toContain('only/first');
  } finally {
    await Promise.all([one?.stop(), two?.stop()]);
    await Promise.all([first.dispose(), second.dispose()]);
  }
});
