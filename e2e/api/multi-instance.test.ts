// Two `next start` instances on one PostgreSQL database, connected directly and through a stock
// PgBouncer in transaction mode (where LISTEN receives nothing): a write on A is visible on B's API
// (B's response cache is bounded to about a second behind the database, LISTEN or not), SSE clients
// on B get A's events, concurrent If-Match writers across A and B lose nothing, and every request
// through PgBouncer succeeds (no startup parameters), the same Idempotency-Key sent to both creates one
// release, one rate-limit budget spans both, and a kill -9 between an Idempotency-Key's claim and its
// commit leaves a key a retry can use within seconds. PostgreSQL only: the embedded database serves
// one process.
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { pgbouncerAvailable } from '../harness/pgbouncer';
import { startInstances, type Instances, type Route } from '../harness/instances';
import type { RunningServer } from '../harness/server';
import { sseFrames, type SseFrame } from '../harness/sse';

const postgres = Boolean(process.env.TEST_DATABASE_URL);
if (!postgres) console.warn('multi-instance tests skipped: they need PostgreSQL (TEST_DATABASE_URL); the embedded database serves one process');
const routes: Route[] = postgres ? ['direct', ...(pgbouncerAvailable() ? (['pgbouncer'] as const) : [])] : [];

type Json = Record<string, unknown>;

async function call(server: RunningServer, token: string, path: string, init: { method?: string; json?: unknown; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { authorization: `Bearer ${token}`, ...init.headers };
  if (init.json !== undefined) headers['content-type'] ??= 'application/json';
  const res = await fetch(`${server.url}${path}`, { method: init.method ?? 'GET', headers, body: init.json === undefined ? undefined : JSON.stringify(init.json) });
  const text = await res.text();
  return { res, status: res.status, text, json: () => JSON.parse(text) as Json };
}

async function until<T>(check: () => Promise<T | undefined | false>, timeoutMs: number, what: string): Promise<{ value: T; ms: number }> {
  const started = Date.now();
  for (;;) {
    const value = await check();
    if (value) return { value, ms: Date.now() - started };
    if (Date.now() - started > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** An SSE reader: resolves `opened` once the stream answered, collects frames until closed. */
function openStream(url: string) {
  const controller = new AbortController();
  const frames: SseFrame[] = [];
  let opened!: () => void;
  const ready = new Promise<void>((r) => (opened = r));
  const done = (async () => {
    const res = await fetch(url, { signal: controller.signal });
    opened();
    for await (const frame of sseFrames(res.body)) if (frame.event) frames.push(frame);
  })();
  return { ready, frames, close: () => (controller.abort(), done.catch(() => {})) };
}

(routes.length ? describe.each(routes) : describe.skip.each(['direct'] as Route[]))('two instances on one PostgreSQL (%s)', (route) => {
  let inst: Instances;
  let a: RunningServer;
  let b: RunningServer;
  const project = { owner: 'multi', repo: `r-${route}` };
  const base = `/api/v1/projects/${project.owner}/${project.repo}`;

  beforeAll(async () => {
    inst = await startInstances({ route, label: `shiplog_multi_${route}` });
    [a, b] = inst.servers as [RunningServer, RunningServer];
    const created = await call(a, inst.adminToken, '/api/v1/projects', { method: 'POST', json: project });
    expect(created.status).toBe(201);
  }, 240_000);
  afterAll(() => inst?.stop(), 60_000);

  it("a write on A is visible on B's API, even on a response B had cached", async () => {
    // B caches the (empty) list and its total, anonymously and as the admin.
    for (let i = 0; i < 2; i++) {
      expect((await fetch(`${b.url}${base}/releases`)).status).toBe(200);
      expect((await call(b, inst.adminToken, `${base}/releases`)).status).toBe(200);
    }
    for (const tag of ['v1.0.0', 'v1.1.0']) {
      const created = await call(a, inst.adminToken, `${base}/releases`, { method: 'POST', json: { tag, body: `notes ${tag}` } });
      expect(created.status).toBe(201);
      const seen = await until(
        async () => {
          const res = await fetch(`${b.url}${base}/releases`);
          const list = (await res.json()) as Json[];
          return list.some((r) => r.tag === tag) && res.headers.get('x-total-count');
        },
        10_000,
        `B lists ${tag}`,
      );
      // Bounded staleness: about a second through the outbox head check, far sooner with LISTEN.
      // (Generous for a loaded machine; without the check B stayed stale for good behind PgBouncer.)
      expect(seen.ms).toBeLessThan(5_000);
      const single = await fetch(`${b.url}${base}/releases/${tag}`);
      expect(single.status).toBe(200);
    }
    const total = await fetch(`${b.url}${base}/releases`);
    expect(total.headers.get('x-total-count')).toBe('2');
  });

  it("SSE clients on B get A's events", async () => {
    const stream = openStream(`${b.url}/api/v1/stream?project=${project.owner}/${project.repo}`);
    try {
      await stream.ready;
      const created = await call(a, inst.adminToken, `${base}/releases`, { method: 'POST', json: { tag: 'v2.0.0', body: 'live' } });
      expect(created.status).toBe(201);
      const patched = await call(a, inst.adminToken, `${base}/releases/v2.0.0`, {
        method: 'PATCH',
        json: { name: 'Two' },
        headers: { 'content-type': 'application/merge-patch+json' },
      });
      expect(patched.status).toBe(200);
      await until(async () => stream.frames.length >= 2, 15_000, 'B streams both events');
      expect(stream.frames.map((f) => f.event)).toEqual(['release.published', 'release.updated']);
      expect(JSON.parse(stream.frames[1]!.data!)).toMatchObject({ project: `${project.owner}/${project.repo}`, tag: 'v2.0.0', release: { name: 'Two' } });
    } finally {
      await stream.close();
    }
  });

  it('concurrent If-Match writers on A and B lose nothing', async () => {
    const tag = 'v3.0.0';
    expect((await call(a, inst.adminToken, `${base}/releases`, { method: 'POST', json: { tag, body: '' } })).status).toBe(201);
    const writer = async (server: RunningServer, name: string, lines: number) => {
      let conflicts = 0;
      for (let i = 0; i < lines;) {
        const got = await call(server, inst.adminToken, `${base}/releases/${tag}`);
        expect(got.status).toBe(200);
        const body = String(got.json().body ?? '');
        const res = await call(server, inst.adminToken, `${base}/releases/${tag}`, {
          method: 'PATCH',
          json: { body: `${body}${name}${i}\n` },
          headers: { 'content-type': 'application/merge-patch+json', 'if-match': got.res.headers.get('etag')! },
        });
        if (res.status === 412) conflicts++;
        else {
          expect([res.status, res.text]).toEqual([200, expect.any(String)]);
          i++;
        }
        expect(conflicts).toBeLessThan(200);
      }
    };
    await Promise.all([writer(a, 'a', 6), writer(b, 'b', 6)]);
    const final = await call(a, inst.adminToken, `${base}/releases/${tag}`, { headers: { 'cache-control': 'no-cache' } });
    const lines = String(final.json().body).trim().split('\n').sort();
    expect(lines).toEqual(['a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'b0', 'b1', 'b2', 'b3', 'b4', 'b5']);
  });

  it('every request through the pool succeeds: a burst of reads and writes on both instances', async () => {
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        i % 4 === 0
          ? call(i % 8 === 0 ? a : b, inst.adminToken, `${base}/releases`, { method: 'POST', json: { tag: `burst-${i}` } }).then((r) => r.status)
          : fetch(`${(i % 2 ? a : b).url}${base}/releases?limit=5`).then(async (r) => (await r.arrayBuffer(), r.status)),
      ),
    );
    expect(results.filter((s) => s !== 200 && s !== 201)).toEqual([]);
  });

  it('the same Idempotency-Key sent to A and B at once creates one release', async () => {
    const key = `multi-${randomBytes(8).toString('hex')}`;
    const post = (server: RunningServer) =>
      call(server, inst.adminToken, `${base}/releases`, { method: 'POST', json: { tag: 'v4.0.0', body: 'once' }, headers: { 'idempotency-key': key } });
    const answers = await Promise.all([post(a), post(b)]);
    expect(answers.map((r) => r.status)).toEqual([201, 201]);
    expect(answers.map((r) => r.res.headers.get('idempotent-replayed')).sort()).toEqual(['true', null].sort());
    expect(answers[0]!.json().id ?? answers[0]!.text).toEqual(answers[1]!.json().id ?? answers[1]!.text);
    const list = (await call(b, inst.adminToken, `${base}/releases?limit=100`, { headers: { 'cache-control': 'no-cache' } })).json() as unknown as Json[];
    expect(list.filter((r) => r.tag === 'v4.0.0')).toHaveLength(1);
  });
});

(routes.length ? describe.each(routes) : describe.skip.each(['direct'] as Route[]))('shared limits and keys across two instances (%s)', (route) => {
  let inst: Instances;
  let c: RunningServer;
  let d: RunningServer;
  const project = { owner: 'keys', repo: `r-${route}` };
  const base = `/api/v1/projects/${project.owner}/${project.repo}`;

  beforeAll(async () => {
    inst = await startInstances({
      route,
      label: `shiplog_keys_${route}`,
      // A small read budget to exhaust; clients told apart by X-Forwarded-For; lock waits long enough
      // to kill a server in the middle of a write.
      env: { SHIPLOG_RATE_LIMIT_READ: '40', SHIPLOG_TRUST_PROXY: '1', DATABASE_QUERY_TIMEOUT_MS: '60000' },
    });
    [c, d] = inst.servers as [RunningServer, RunningServer];
    expect((await call(c, inst.adminToken, '/api/v1/projects', { method: 'POST', json: project })).status).toBe(201);
  }, 240_000);
  afterAll(() => inst?.stop(), 60_000);

  it('one rate-limit budget across both, with truthful headers; invented tokens share the anonymous budget', async () => {
    const address = `198.51.100.${1 + Math.floor(Math.random() * 250)}`;
    const remaining: number[] = [];
    for (let i = 0; i < 40; i++) {
      const server = i % 2 ? d : c;
      const headers: Record<string, string> = { 'x-forwarded-for': address };
      if (i % 5 === 4) headers.authorization = `Bearer invented-${i}`; // charged to the address, not a budget of its own
      const res = await fetch(`${server.url}/api/v1/projects`, { headers });
      await res.arrayBuffer();
      expect([i, res.status === 200 || res.status === 401]).toEqual([i, true]);
      expect(res.headers.get('ratelimit-policy')).toBe('"read";q=40;w=60');
      remaining.push(Number(/r=(\d+)/.exec(res.headers.get('ratelimit') ?? '')?.[1]));
    }
    // Counted once, in the shared store: 39, 38, …, 0 whichever instance answered.
    expect(remaining).toEqual(Array.from({ length: 40 }, (_, i) => 39 - i));
    for (const server of [c, d]) {
      for (const headers of [{}, { authorization: 'Bearer invented-again' }] as Record<string, string>[]) {
        const res = await fetch(`${server.url}/api/v1/projects`, { headers: { 'x-forwarded-for': address, ...headers } });
        expect(res.status).toBe(429);
        expect(res.headers.get('ratelimit')).toMatch(/^"read";r=0;t=\d+$/);
        expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
        await res.arrayBuffer();
      }
    }
    // Another client keeps its own budget.
    expect((await fetch(`${d.url}/api/v1/projects`, { headers: { 'x-forwarded-for': '203.0.113.77' } })).status).toBe(200);
  });

  it('kill -9 between an Idempotency-Key claim and its commit: a retry on the other instance succeeds within seconds', async () => {
    const key = `crash-${randomBytes(8).toString('hex')}`;
    const release = { tag: 'v-crash', body: 'after a crash' };
    const db = new Client({ connectionString: inst.databaseUrl });
    await db.connect();
    try {
      // Hold writes to releases: C's write claims the key, then waits on releases.
      await db.query('begin');
      await db.query('lock table releases in exclusive mode');
      const doomed = call(c, inst.adminToken, `${base}/releases`, { method: 'POST', json: release, headers: { 'idempotency-key': key } }).catch(() => undefined);
      await until(
        async () => {
          // Past the claim: the write (which took the outbox head, then claimed the key) waits on releases.
          // (pg_locks, not pg_stat_activity: that one is a snapshot frozen for this open transaction.)
          const { rows } = await db.query(`select count(*)::int as n from pg_locks where relation = 'releases'::regclass and not granted`);
          return rows[0].n > 0;
        },
        30_000,
        "C's write waiting on releases",
      );
      await c.stop('SIGKILL');
      await doomed;
      await db.query('rollback');
      const retried = await until(
        async () => {
          const r = await call(d, inst.adminToken, `${base}/releases`, { method: 'POST', json: release, headers: { 'idempotency-key': key } });
          if (r.status === 201) return r;
          expect([409, 503]).toContain(r.status); // only "busy, retry" while the dead write is being rolled back
          return undefined;
        },
        20_000,
        'a retry with the same key creates the release',
      );
      expect(retried.ms).toBeLessThan(15_000);
      expect(retried.value.res.headers.get('idempotent-replayed')).toBeNull();
      const again = await call(d, inst.adminToken, `${base}/releases`, { method: 'POST', json: release, headers: { 'idempotency-key': key } });
      expect([again.status, again.res.headers.get('idempotent-replayed')]).toEqual([201, 'true']);
      const { rows } = await db.query(`select count(*)::int as n from releases where tag = 'v-crash'`);
      expect(rows[0].n).toBe(1);
    } finally {
      await db.query('rollback').catch(() => {});
      await db.end();
    }
  });
});
