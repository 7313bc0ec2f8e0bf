// Two `next start` instances on one PostgreSQL database, connected directly and through a stock
// PgBouncer in transaction mode (where LISTEN receives nothing): a write on A is visible on B's API
// (B's response cache is bounded to about a second behind the database, LISTEN or not), SSE clients
// on B get A's events, concurrent If-Match writers across A and B lose nothing, and every request
// through PgBouncer succeeds (no startup parameters). PostgreSQL only: the embedded database serves
// one process.
import { pgbouncerAvailable } from '../harness/pgbouncer';
import { startInstances, type Instances, type Route } from '../harness/instances';
import type { RunningServer } from '../harness/server';

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
  const frames: { id?: string; event?: string; data?: string }[] = [];
  let opened!: () => void;
  const ready = new Promise<void>((r) => (opened = r));
  const done = (async () => {
    const res = await fetch(url, { signal: controller.signal });
    opened();
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let i;
        while ((i = buffer.indexOf('\n\n')) >= 0) {
          const frame: { id?: string; event?: string; data?: string } = {};
          for (const line of buffer.slice(0, i).split('\n')) {
            const m = /^(id|event|data): (.*)$/.exec(line);
            if (m) frame[m[1] as 'id' | 'event' | 'data'] = m[2];
          }
          buffer = buffer.slice(i + 2);
          if (frame.event) frames.push(frame);
        }
      }
    } catch (err) {
      if ((err as Error).name !== 'AbortError') throw err;
    }
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
      for (let i = 0; i < lines; ) {
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
});
