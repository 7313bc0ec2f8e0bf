// The database goes away — stopped (it refuses connections), unreachable (a network partition: packets
// dropped, nothing fails fast) or its port closed — and comes back. Meanwhile /api/health and the API
// answer 503 problem+json within seconds (no request hangs); afterwards everything recovers by itself:
// reads, writes, the live stream and page revalidation. PostgreSQL only (the embedded database lives
// inside the server process and cannot go away on its own); the machine's PostgreSQL is never stopped:
// the server reaches its database through a TCP proxy, or the database is closed to connections.
import http from 'node:http';
import { Client } from 'pg';
import { createTestDatabase, dropTestDatabase } from '../../lib/test/db';
import { startServer, type RunningServer } from '../harness/server';
import { startTcpProxy, type TcpProxy } from '../harness/tcp-proxy';

const adminUrl = process.env.TEST_DATABASE_URL;
/** What "quickly" means: the connection and query timeouts (5 s) plus a margin for a busy machine. */
const QUICK_MS = 8_000;
const owner = 'gone';
const repo = 'app';

let databaseUrl: string;
let proxy: TcpProxy;
let server: RunningServer;
let n = 0;

const auth = () => ({ authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' });

async function admin<T>(work: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: adminUrl });
  await c.connect();
  try {
    return await work(c);
  } finally {
    await c.end();
  }
}

const dbName = () => new URL(databaseUrl).pathname.slice(1);

async function timed(
  path: string,
  init: RequestInit = {},
): Promise<{ status: number; ms: number; type: string | null; body: string; retryAfter: string | null; requestId: string | null }> {
  const t0 = Date.now();
  const res = await fetch(`${server.url}${path}`, { ...init, signal: AbortSignal.timeout(30_000) });
  const body = await res.text();
  return {
    status: res.status,
    ms: Date.now() - t0,
    type: res.headers.get('content-type'),
    body,
    retryAfter: res.headers.get('retry-after'),
    requestId: res.headers.get('x-request-id'),
  };
}

/** While the database is away: every kind of request answers 503 problem+json, quickly. */
async function expectUnavailable(): Promise<void> {
  const probes: [string, RequestInit][] = [
    ['/api/health', {}],
    [`/api/v1/releases?limit=3&offset=${++n}`, {}], // never cached before: must ask the database
    [`/api/v2/projects/${owner}/${repo}/releases/nope-${++n}`, {}],
    [`/api/v1/projects/${owner}/${repo}/releases`, { method: 'POST', headers: auth(), body: JSON.stringify({ tag: `down-${++n}` }) }],
  ];
  const answers = await Promise.all(probes.map(([p, init]) => timed(p, init)));
  console.log(`while the database is away: ${answers.map((a, i) => `${probes[i]![1].method ?? 'GET'} ${probes[i]![0].split('?')[0]} ${a.status} in ${a.ms} ms`).join('; ')}`);
  for (const [i, a] of answers.entries()) {
    const label = `${probes[i]![1].method ?? 'GET'} ${probes[i]![0]}`;
    expect({ label, status: a.status, type: a.type }).toEqual({ label, status: 503, type: 'application/problem+json; charset=utf-8' });
    expect(a.ms).toBeLessThan(QUICK_MS);
    expect(a.retryAfter).toMatch(/^\d+$/);
    expect(JSON.parse(a.body)).toMatchObject({ status: 503, type: '/problems/unavailable', requestId: a.requestId });
  }
}

/** After the database is back: health, reads, writes, the live stream and the pages, with no restart. */
async function expectRecovered(): Promise<void> {
  const deadline = Date.now() + 30_000;
  while ((await timed('/api/health')).status !== 200) {
    if (Date.now() > deadline) throw new Error('health did not recover within 30 s');
    await new Promise((r) => setTimeout(r, 250));
  }
  expect((await timed(`/api/v1/releases?limit=2&offset=${++n}`)).status).toBe(200);
  // The live stream and the page follow a new release again.
  const tag = `back-${++n}`;
  const heard = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`the stream did not deliver ${tag}`));
    }, 15_000);
    const req = http.get(`${server.url}/api/v1/stream?project=${owner}/${repo}`, (res) => {
      res.setEncoding('utf8');
      let text = '';
      res.on('data', (c: string) => {
        text += c;
        if (text.includes(`"tag":"${tag}"`)) {
          clearTimeout(timer);
          req.destroy();
          resolve(tag);
        }
      });
    });
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
  await new Promise((r) => setTimeout(r, 500));
  const created = await timed(`/api/v1/projects/${owner}/${repo}/releases`, { method: 'POST', headers: auth(), body: JSON.stringify({ tag, body: 'after the outage' }) });
  expect(created.status).toBe(201);
  await expect(heard).resolves.toBe(tag);
  const pageDeadline = Date.now() + 15_000;
  while (!(await (await fetch(`${server.url}/${owner}/${repo}`)).text()).includes(`data-tag="${tag}"`)) {
    if (Date.now() > pageDeadline) throw new Error(`the project page did not show ${tag} within 15 s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

(adminUrl ? describe : describe.skip)('the database goes away and comes back (PostgreSQL)', () => {
  beforeAll(async () => {
    databaseUrl = await createTestDatabase(adminUrl!, 'shiplog_gone');
    const target = new URL(databaseUrl);
    proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
    server = await startServer({ databaseUrl: proxy.urlFor(databaseUrl), env: { SHIPLOG_SEED_DEMO: '0' } });
    const res = await fetch(`${server.url}/api/v1/projects`, { method: 'POST', headers: auth(), body: JSON.stringify({ owner, repo }) });
    expect(res.status).toBe(201);
    // The project page is generated (and cached) before any outage.
    expect((await fetch(`${server.url}/${owner}/${repo}`)).status).toBe(200);
  });

  afterAll(async () => {
    await server?.stop();
    await proxy?.close();
    if (databaseUrl) {
      await admin((c) => c.query(`alter database ${dbName()} allow_connections true`)).catch(() => {});
      await dropTestDatabase(adminUrl!, databaseUrl);
    }
  });

  it('stopped (refusing connections, its sessions terminated): 503 problem+json quickly, then recovers by itself', async () => {
    await admin(async (c) => {
      await c.query(`alter database ${dbName()} allow_connections false`);
      await c.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1', [dbName()]);
    });
    try {
      await expectUnavailable();
    } finally {
      await admin((c) => c.query(`alter database ${dbName()} allow_connections true`));
    }
    await expectRecovered();
  });

  it('unreachable (a partition: connections hang, new ones are never answered): 503 problem+json quickly, then recovers by itself', async () => {
    proxy.blackhole();
    try {
      await expectUnavailable();
      await expectUnavailable(); // again, with the pool's connections now known to be dead
    } finally {
      await proxy.restore();
    }
    await expectRecovered();
  });

  it('its port closed (connections refused): 503 problem+json quickly, then recovers by itself', async () => {
    await proxy.refuse();
    try {
      await expectUnavailable();
    } finally {
      await proxy.restore();
    }
    await expectRecovered();
  });
});
