// Serverless mode (SHIPLOG_SERVERLESS=1, what VERCEL=1 turns on): no background loop, no LISTEN
// connection. A write regenerates its pages inside its own invocation (waitUntil + res.revalidate), the
// durable cursor records it, GET /api/cron/drain finishes what an invocation could not, and imports
// advance in bounded steps driven by polls and the drain, taking over a dead runner's lease.
import { Client } from 'pg';
import { fakeReleases, startFakeGitHub, type FakeGitHub } from '../harness/fake-github';
import { startServer, type RunningServer } from '../harness/server';
import { newStorage, type Storage } from '../harness/storage';

const pg = process.env.TEST_DATABASE_URL;
const engine = pg ? 'postgres' : 'pglite';
const CRON_SECRET = 'cron-secret-for-tests-0123456789';
const GH_TOKEN = 'ghp_faketoken_for_tests_only_0123456789';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const auth = (s: RunningServer) => ({ authorization: `Bearer ${s.adminToken}`, 'content-type': 'application/json' });

let github: FakeGitHub;
const cleanup: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  github = await startFakeGitHub({
    token: GH_TOKEN,
    repos: {
      'octo/polled': fakeReleases('octo', 'polled', 250, 830_000_000),
      'octo/drained': fakeReleases('octo', 'drained', 250, 840_000_000),
      'octo/orphan': fakeReleases('octo', 'orphan', 250, 850_000_000),
    },
  });
});

afterAll(async () => {
  for (const c of cleanup.reverse()) await c().catch(() => {});
  await github.close();
});

async function storage(label: string): Promise<Storage> {
  const s = await newStorage(engine, label);
  cleanup.push(() => s.dispose());
  return s;
}

async function serverless(store: Storage, env: Record<string, string> = {}): Promise<RunningServer> {
  const s = await startServer({
    dataDir: store.dataDir,
    databaseUrl: store.databaseUrl,
    env: { SHIPLOG_SERVERLESS: '1', CRON_SECRET, SHIPLOG_SEED_DEMO: '0', GITHUB_API_URL: github.url, GITHUB_TOKEN: GH_TOKEN, ...env },
  });
  cleanup.push(() => s.stop('SIGKILL'));
  return s;
}

async function post(s: RunningServer, path: string, body?: unknown): Promise<Response> {
  return fetch(`${s.url}${path}`, { method: 'POST', headers: auth(s), body: body === undefined ? undefined : JSON.stringify(body) });
}

async function createProject(s: RunningServer, owner: string, repo: string): Promise<void> {
  const res = await post(s, '/api/v1/projects', { owner, repo });
  expect(res.status).toBe(201);
}

async function createRelease(s: RunningServer, owner: string, repo: string, tag: string): Promise<void> {
  const res = await post(s, `/api/v1/projects/${owner}/${repo}/releases`, { tag, body: `Notes for ${tag}` });
  expect(res.status).toBe(201);
}

/** A page, requested until the cache holds it (the second answer comes from the page cache). */
async function cachePage(s: RunningServer, path: string): Promise<string> {
  await (await fetch(`${s.url}${path}`)).text();
  const res = await fetch(`${s.url}${path}`);
  expect(res.status).toBe(200);
  expect(res.headers.get('x-nextjs-cache')).toMatch(/HIT|STALE/);
  return res.text();
}

async function pageShows(s: RunningServer, path: string, text: string, timeoutMs: number): Promise<number> {
  const start = Date.now();
  for (;;) {
    const html = await (await fetch(`${s.url}${path}`)).text();
    if (html.includes(text)) return Date.now() - start;
    if (Date.now() - start > timeoutMs) throw new Error(`${path} did not show ${text} within ${timeoutMs} ms`);
    await sleep(100);
  }
}

interface DrainReport {
  revalidation: { from: number; to: number; head: number; events: number; paths: number; failed: unknown[]; busy: boolean; remaining: number };
  imports: { id: number; state: string; pagesDone: number; created: number }[];
}

async function drain(s: RunningServer): Promise<DrainReport> {
  const res = await fetch(`${s.url}/api/cron/drain`, { headers: { authorization: `Bearer ${CRON_SECRET}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  return (await res.json()) as DrainReport;
}

/** Waits until the cursor has reached the outbox head and nobody holds its lease. */
async function settled(databaseUrl: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [row] = await sql<{ idle: boolean }>(
      databaseUrl,
      'select (c.last_id >= h.last_id and (c.lease_until is null or c.lease_until < now())) as idle from revalidation_cursor c, outbox_head h',
    );
    if (row?.idle) return;
    if (Date.now() > deadline) throw new Error(`page regeneration did not settle within ${timeoutMs} ms`);
    await sleep(100);
  }
}

async function sql<T>(databaseUrl: string, text: string, params: unknown[] = []): Promise<T[]> {
  const c = new Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    return (await c.query(text, params)).rows as T[];
  } finally {
    await c.end();
  }
}

describe(`serverless mode (${engine})`, () => {
  let s: RunningServer;
  let store: Storage;
  beforeAll(async () => {
    store = await storage('sls');
    s = await serverless(store);
  });

  it('puts a write on its pages right after the response, with no background loop, and records it in the durable cursor', async () => {
    await createProject(s, 'acme', 'sls');
    const before = await cachePage(s, '/acme/sls');
    expect(before).not.toContain('v1.0.0');
    await createRelease(s, 'acme', 'sls', 'v1.0.0');
    // The page was cached for an hour (revalidate: 3600): only the write's own invocation can refresh it.
    const ms = await pageShows(s, '/acme/sls', 'v1.0.0', 15_000);
    expect(ms).toBeLessThan(15_000);
    // The invocation advanced the durable cursor itself: the drain finds nothing left.
    const report = await drain(s);
    expect(report.revalidation).toMatchObject({ events: 0, remaining: 0, busy: false, failed: [] });
    expect(report.revalidation.to).toBe(report.revalidation.head);
  });

  it('answers 401 problem+json to the drain without CRON_SECRET or with a wrong one', async () => {
    const attempts: Record<string, string>[] = [{}, { authorization: 'Bearer not-the-cron-secret-000000' }, { authorization: `Basic ${CRON_SECRET}` }];
    for (const headers of attempts) {
      const res = await fetch(`${s.url}/api/cron/drain`, { headers });
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
      const problem = (await res.json()) as { status: number; detail: string };
      expect(problem.status).toBe(401);
      expect(problem.detail).toMatch(/CRON_SECRET/);
    }
  });

  it('completes an import in bounded steps driven by polls of GET …/imports/{id}', async () => {
    await createProject(s, 'octo', 'polled');
    github.options.delayMs = 300;
    try {
      const res = await post(s, '/api/v1/projects/octo/polled/imports');
      expect(res.status).toBe(202);
      const location = res.headers.get('location')!;
      const deadline = Date.now() + 90_000;
      let view: { state: string; created: number; pagesDone: number } | undefined;
      while (Date.now() < deadline) {
        view = (await (await fetch(`${s.url}${location}`, { headers: auth(s) })).json()) as typeof view;
        if (view!.state === 'succeeded' || view!.state === 'failed') break;
        await sleep(200);
      }
      expect(view).toMatchObject({ state: 'succeeded', pagesDone: 3, created: 250 });
    } finally {
      github.options.delayMs = 0;
    }
  });
});

describe(`serverless imports without polls (${engine})`, () => {
  it('stops after its bounded step, then the cron drain completes it', async () => {
    const store = await storage('slsi');
    const s = await serverless(store, { SHIPLOG_IMPORT_STEP_SECONDS: '1' });
    await createProject(s, 'octo', 'drained');
    github.options.delayMs = 1_200;
    try {
      const res = await post(s, '/api/v1/projects/octo/drained/imports');
      expect(res.status).toBe(202);
      // The step that came with the POST does one page (1.2 s > its 1 s budget) and hands the import back.
      const list = async () => ((await (await fetch(`${s.url}/api/v1/projects/octo/drained/imports`, { headers: auth(s) })).json()) as { state: string; pagesDone: number }[])[0]!;
      const deadline = Date.now() + 30_000;
      while ((await list()).pagesDone < 1 && Date.now() < deadline) await sleep(200);
      await sleep(3_000);
      const idle = await list();
      expect(idle.pagesDone).toBe(1);
      expect(idle.state).toBe('running');
      // Nothing runs between requests: the drain moves it on (each call bounded), to the end.
      let last: DrainReport['imports'][number] | undefined;
      const until = Date.now() + 120_000;
      while (Date.now() < until) {
        const report = await drain(s);
        last = report.imports[0] ?? last;
        if (last?.state === 'succeeded') break;
      }
      expect(last).toMatchObject({ state: 'succeeded', pagesDone: 3, created: 250 });
    } finally {
      github.options.delayMs = 0;
    }
  });

  it('takes over the import of a process killed mid-step once its lease runs out', async () => {
    const store = await storage('slsk');
    const env = { SHIPLOG_IMPORT_LEASE_SECONDS: '3', SHIPLOG_IMPORT_STEP_SECONDS: '60' };
    let s = await serverless(store, env);
    await createProject(s, 'octo', 'orphan');
    github.options.delayMs = 1_500;
    let location: string;
    try {
      const res = await post(s, '/api/v1/projects/octo/orphan/imports');
      location = res.headers.get('location')!;
      const deadline = Date.now() + 30_000;
      for (;;) {
        const view = (await (await fetch(`${s.url}${location}`, { headers: auth(s) })).json()) as { pagesDone: number };
        if (view.pagesDone >= 1) break;
        if (Date.now() > deadline) throw new Error('the first page never came');
        await sleep(100);
      }
    } finally {
      await s.stop('SIGKILL');
      github.options.delayMs = 0;
    }
    s = await serverless(store, env);
    const deadline = Date.now() + 60_000;
    let view: { state: string; pagesDone: number; created: number } | undefined;
    while (Date.now() < deadline) {
      view = (await (await fetch(`${s.url}${location}`, { headers: auth(s) })).json()) as typeof view;
      if (view!.state === 'succeeded') break;
      await sleep(200);
    }
    expect(view).toMatchObject({ state: 'succeeded', pagesDone: 3, created: 250 });
    const tags = new Set<string>();
    for (let offset = 0; offset < 300; offset += 100) {
      const page = (await (await fetch(`${s.url}/api/v1/projects/octo/orphan/releases?limit=100&offset=${offset}&fields=tag`, { headers: auth(s) })).json()) as { tag: string }[];
      for (const r of page) tags.add(r.tag);
    }
    expect(tags.size).toBe(250);
  });
});

(pg ? describe : describe.skip)('serverless on one PostgreSQL database, two instances', () => {
  let a: RunningServer;
  let b: RunningServer;
  let store: Storage;
  beforeAll(async () => {
    store = await storage('sls2');
    [a, b] = await Promise.all([serverless(store), serverless(store)]);
  });

  it('opens no LISTEN connection', async () => {
    // Both have served requests (health): their pools are open.
    await fetch(`${a.url}/api/v1/projects`);
    await fetch(`${b.url}/api/v1/projects`);
    const listening = await sql<{ n: number }>(store.databaseUrl!, "select count(*)::int as n from pg_stat_activity where datname = current_database() and query ilike 'listen %'");
    expect(listening[0]!.n).toBe(0);
    const connected = await sql<{ n: number }>(
      store.databaseUrl!,
      'select count(*)::int as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
    );
    expect(connected[0]!.n).toBeGreaterThan(0);
  });

  it("shows a write on A in B's API", async () => {
    await createProject(a, 'acme', 'two');
    const deadline = Date.now() + 5_000;
    let status = 0;
    while (Date.now() < deadline) {
      status = (await fetch(`${b.url}/api/v1/projects/acme/two`)).status;
      if (status === 200) break;
      await sleep(100);
    }
    expect(status).toBe(200);
  });

  it('finishes a committed event whose revalidation was lost: the drain regenerates it', async () => {
    await createProject(a, 'acme', 'lost');
    await createRelease(a, 'acme', 'lost', 'v0.1.0');
    await pageShows(a, '/acme/lost', 'v0.1.0', 15_000);
    await cachePage(a, '/acme/lost');
    // Every earlier write's regeneration has finished (cursor at the head, no lease held): one still
    // running would render the next event's pages too, before finding its lease taken.
    await settled(store.databaseUrl!, 15_000);
    // A drainer that died holding the cursor: this write's own catch-up finds it busy and advances nothing.
    await sql(store.databaseUrl!, "update revalidation_cursor set lease_token = 'dead-drainer', lease_until = now() + interval '3 seconds' where id = 1");
    await createRelease(a, 'acme', 'lost', 'v0.2.0');
    await sleep(5_000);
    // The lease ran out long ago, but nothing runs between requests in serverless mode.
    expect(await (await fetch(`${a.url}/acme/lost`)).text()).not.toContain('v0.2.0');
    const [cursor] = await sql<{ last_id: string }>(store.databaseUrl!, 'select last_id from revalidation_cursor');
    const [head] = await sql<{ last_id: string }>(store.databaseUrl!, 'select last_id from outbox_head');
    expect(Number(cursor!.last_id)).toBeLessThan(Number(head!.last_id));
    const report = await drain(a);
    expect(report.revalidation.events).toBeGreaterThanOrEqual(1);
    expect(report.revalidation).toMatchObject({ to: Number(head!.last_id), remaining: 0, failed: [] });
    expect(await (await fetch(`${a.url}/acme/lost`)).text()).toContain('v0.2.0');
  });
});
