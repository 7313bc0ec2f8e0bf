// CORS (public reads from anywhere, writes only from SHIPLOG_CORS_ORIGINS) and per-client rate limits
// with RateLimit / RateLimit-Policy headers, on the shared server and on dedicated servers with other env.
import fs from 'node:fs';
import path from 'node:path';
import { startServer, type RunningServer } from '../harness/server';
import { api, problem } from './rest-helpers';

const REL = '/api/v2/projects/acme/rocket/releases';
const list = (h: string | null) =>
  (h ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);

async function dedicated(env: Record<string, string>): Promise<RunningServer> {
  // Same engine as the shared server; on PostgreSQL it shares the (already seeded) test database.
  return startServer({ env, databaseUrl: process.env.SHIPLOG_TEST_DATABASE_URL });
}
async function stop(server: RunningServer | undefined) {
  if (!server) return;
  await server.stop();
  if (server.dataDir) fs.rmSync(path.dirname(server.dataDir), { recursive: true, force: true });
}

const preflight = (url: string, origin: string, method: string, base?: string) =>
  api(url, {
    method: 'OPTIONS',
    url: base,
    headers: { Origin: origin, 'Access-Control-Request-Method': method, 'Access-Control-Request-Headers': 'authorization,content-type,if-match' },
  });

describe('CORS on the shared server (no SHIPLOG_CORS_ORIGINS)', () => {
  it.each([REL, `${REL}/v3.4.1`, '/api/v1/projects', '/api/releases'])('a read preflight for %s from any origin is allowed with *', async (url) => {
    const res = await preflight(url, 'https://reader.example', 'GET');
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(list(res.headers.get('access-control-allow-methods'))).toEqual(['get', 'head', 'options']);
    expect(list(res.headers.get('access-control-allow-headers'))).toEqual(expect.arrayContaining(['authorization', 'if-none-match', 'if-match', 'api-version', 'prefer']));
    expect(res.headers.get('access-control-max-age')).toBe('600');
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('a GET with Origin gets ACAO * and exposes Link, ETag, X-Total-Count and friends', async () => {
    const res = await api('/api/v1/projects/acme/rocket/releases?limit=2', { headers: { Origin: 'https://reader.example' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(list(res.headers.get('access-control-expose-headers'))).toEqual(
      expect.arrayContaining(['link', 'etag', 'x-total-count', 'api-version', 'deprecation', 'sunset', 'ratelimit', 'ratelimit-policy', 'x-request-id', 'location']),
    );
    expect(res.headers.get('link')).toBeTruthy();
    expect(res.headers.get('x-total-count')).toBe('41');
  });

  it('errors to a cross-origin read carry CORS headers too (the browser can read the problem)', async () => {
    const res = await api(`${REL}?limit=1000`, { headers: { Origin: 'https://reader.example' } });
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    await problem(res, 400);
  });

  it.each(['PATCH', 'POST', 'DELETE', 'PUT'])('a %s preflight from an origin not in SHIPLOG_CORS_ORIGINS gets no ACAO', async (method) => {
    const res = await preflight(`${REL}/v3.4.1`, 'https://reader.example', method);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    await res.arrayBuffer();
  });

  it('a cross-origin write from an unlisted origin gets no ACAO', async () => {
    const res = await api(`${REL}/v3.4.1/reactions`, { method: 'POST', headers: { Origin: 'https://evil.example' }, json: { content: 'eyes' } });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    await problem(res, 401); // and without a token it does nothing anyway
  });
});

describe('CORS with SHIPLOG_CORS_ORIGINS=https://admin.example (dedicated server)', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await dedicated({ SHIPLOG_CORS_ORIGINS: 'https://admin.example, https://ops.example/' });
  });
  afterAll(() => stop(server));

  it.each(['PATCH', 'PUT', 'DELETE'])('a %s preflight from https://admin.example is allowed: ACAO echoes it, methods include it', async (method) => {
    const res = await preflight(`${REL}/v3.4.1`, 'https://admin.example', method, server.url);
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://admin.example');
    expect(list(res.headers.get('access-control-allow-methods'))).toEqual(expect.arrayContaining([method.toLowerCase(), 'patch']));
    expect(list(res.headers.get('vary'))).toContain('origin');
  });

  it('the second listed origin (given with a trailing slash) is allowed too', async () => {
    const res = await preflight(`${REL}`, 'https://ops.example', 'POST', server.url);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://ops.example');
  });

  it('other origins still get no ACAO for writes, but * for reads', async () => {
    const write = await preflight(`${REL}/v3.4.1`, 'https://reader.example', 'PATCH', server.url);
    expect(write.headers.get('access-control-allow-origin')).toBeNull();
    const read = await preflight(`${REL}/v3.4.1`, 'https://reader.example', 'GET', server.url);
    expect(read.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('an actual write from the allowed origin gets its origin back', async () => {
    const res = await api(`${REL}/v3.4.1`, {
      method: 'PATCH',
      url: server.url,
      headers: { Origin: 'https://admin.example', 'Content-Type': 'application/merge-patch+json' },
      body: '{}',
    });
    expect(res.headers.get('access-control-allow-origin')).toBe('https://admin.example');
    await problem(res, 401);
  });
});

describe('rate limits', () => {
  it('every API response carries RateLimit and RateLimit-Policy (read and write policies)', async () => {
    const read = await api(`${REL}?limit=1`);
    expect(read.headers.get('ratelimit-policy')).toBe('"read";q=3000;w=60');
    expect(read.headers.get('ratelimit')).toMatch(/^"read";r=\d+;t=\d+$/);
    const write = await api(`${REL}/v3.4.1/reactions`, { method: 'POST', json: { content: 'eyes' } });
    expect(write.headers.get('ratelimit-policy')).toBe('"write";q=600;w=60');
    expect(write.headers.get('ratelimit')).toMatch(/^"write";r=\d+;t=\d+$/);
    await problem(write, 401);
  });

  describe('with SHIPLOG_RATE_LIMIT_READ=5 (dedicated server)', () => {
    let server: RunningServer;
    // Budgets live in the shared store (on PostgreSQL the database every test server uses): this
    // client is an address of its own (behind a trusted proxy), so other tests' reads do not count.
    const client = { 'x-forwarded-for': `192.0.2.${1 + Math.floor(Math.random() * 250)}` };
    beforeAll(async () => {
      server = await dedicated({ SHIPLOG_RATE_LIMIT_READ: '5', SHIPLOG_TRUST_PROXY: '1' });
    });
    afterAll(() => stop(server));

    it('five reads pass counting down, the sixth within the minute is a 429 problem with Retry-After', async () => {
      const remaining: string[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await api(i % 2 ? `${REL}?limit=1` : `${REL}/v3.4.1`, { url: server.url, method: i === 4 ? 'HEAD' : 'GET', headers: client });
        expect(res.status).toBe(200);
        expect(res.headers.get('ratelimit-policy')).toBe('"read";q=5;w=60');
        remaining.push(/r=(\d+)/.exec(res.headers.get('ratelimit')!)![1]!);
        await res.arrayBuffer();
      }
      expect(remaining).toEqual(['4', '3', '2', '1', '0']);
      const limited = await api(`${REL}?limit=1`, { url: server.url, headers: client });
      const retryAfter = Number(limited.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(limited.headers.get('ratelimit')).toMatch(/^"read";r=0;t=\d+$/);
      expect(await problem(limited, 429)).toMatchObject({ type: '/problems/rate-limited', title: 'Too Many Requests' });
    });

    it('the budget is per client: another bearer has its own, and preflights are not counted', async () => {
      const own = await api(`${REL}?limit=1`, { url: server.url, token: server.adminToken, headers: client });
      expect(own.status).toBe(200);
      expect(own.headers.get('ratelimit')).toMatch(/^"read";r=4;/);
      const pre = await preflight(REL, 'https://reader.example', 'GET', server.url);
      expect(pre.status).toBe(204);
      const stillLimited = await api(`${REL}/v3.4.1`, { url: server.url, headers: client });
      await problem(stillLimited, 429);
    });
  });
});
