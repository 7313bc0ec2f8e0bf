import { resetConfig } from '../config';
import { useTestDatabase } from '../test/db';
import { invoke } from '../test/http';
import { versionedMethodRouter } from './method-router';
import { tokenVerified } from '../auth/verified-tokens';
import { clientKey } from './rate-limit';
import { sendJson } from './method-router';

// Limits per minute and client; read once per request, so they must be set before the first one.
process.env.SHIPLOG_RATE_LIMIT_READ = '3';
process.env.SHIPLOG_RATE_LIMIT_WRITE = '2';

// Over budget, a token not yet seen authenticating is looked up once (api_tokens): a real database.
useTestDatabase();

const handler = jest.fn((req, res) => sendJson(req, res, 200, { ok: true }));
const endpoint = versionedMethodRouter({ GET: handler, POST: handler });

const call = (method: string, headers: Record<string, string> = {}) => invoke(endpoint, { method, url: '/api/v2/things', query: { version: 'v2' }, headers });

// The tokens these tests use as clients, as authentication marks a valid token.
for (const t of ['client-a', 'client-b', 'client-c', 'client-d', 'client-e']) tokenVerified(t);

describe('rate limits', () => {
  it('lets 3 reads a minute through, counting down in RateLimit, then answers 429 with Retry-After', async () => {
    const client = { authorization: 'Bearer client-a' };
    const seen = [];
    for (let i = 0; i < 3; i++) {
      const r = await call('GET', client);
      seen.push([r.status, r.headers.ratelimit, r.headers['ratelimit-policy']]);
    }
    expect(seen).toEqual([
      [200, expect.stringMatching(/^"read";r=2;t=(59|60)$/), '"read";q=3;w=60'],
      [200, expect.stringMatching(/^"read";r=1;t=(59|60)$/), '"read";q=3;w=60'],
      [200, expect.stringMatching(/^"read";r=0;t=(59|60)$/), '"read";q=3;w=60'],
    ]);
    const calls = handler.mock.calls.length;
    const limited = await call('GET', client);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(59);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(limited.headers.ratelimit).toBe(`"read";r=0;t=${limited.headers['retry-after']}`);
    expect(limited.headers['ratelimit-policy']).toBe('"read";q=3;w=60');
    expect(limited.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(limited.json()).toMatchObject({ type: '/problems/rate-limited', status: 429, detail: expect.stringContaining('3 read requests per 60 s') });
    expect(handler.mock.calls.length).toBe(calls); // the handler never ran
  });

  it('counts writes separately from reads', async () => {
    const client = { authorization: 'Bearer client-b' };
    for (let i = 0; i < 3; i++) expect((await call('GET', client)).status).toBe(200);
    expect((await call('GET', client)).status).toBe(429);
    const writes = [await call('POST', client), await call('POST', client), await call('POST', client)];
    expect(writes.map((r) => r.status)).toEqual([200, 200, 429]);
    expect(writes[0]!.headers['ratelimit-policy']).toBe('"write";q=2;w=60');
    expect(writes[2]!.headers.ratelimit).toMatch(/^"write";r=0;t=\d+$/);
  });

  it('keeps a budget per client: another token is not limited by the first', async () => {
    for (let i = 0; i < 4; i++) await call('GET', { authorization: 'Bearer client-c' });
    expect((await call('GET', { authorization: 'Bearer client-c' })).status).toBe(429);
    expect((await call('GET', { authorization: 'Bearer client-d' })).status).toBe(200);
  });

  it("charges tokens it has not seen authenticate to their address's anonymous budget: inventing tokens neither escapes the limit nor buys a second one", async () => {
    const statuses = [];
    statuses.push((await call('GET')).status); // anonymous
    for (let i = 0; i < 3; i++) statuses.push((await call('GET', { authorization: `Bearer invented-${i}` })).status);
    statuses.push((await call('GET')).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    expect(clientKey({ headers: { authorization: 'Bearer invented-9' }, socket: { remoteAddress: '10.0.0.1' } } as never)).toBe('a:10.0.0.1');
    expect((await call('GET', { authorization: 'Bearer client-d' })).status).toBe(200); // a verified token keeps its own
  });

  it("a valid token this instance has not seen yet is not refused for its address's spent budget: it gets its own", async () => {
    process.env.SHIPLOG_ADMIN_TOKEN = 'rate-limit-admin-token-0123456789';
    resetConfig();
    try {
      for (let i = 0; i < 3; i++) await call('GET');
      expect((await call('GET')).status).toBe(429);
      const fresh = await call('GET', { authorization: 'Bearer rate-limit-admin-token-0123456789' });
      expect([fresh.status, fresh.headers.ratelimit]).toEqual([200, expect.stringMatching(/^"read";r=2;/)]);
      expect((await call('GET', { authorization: 'Bearer still-invented' })).status).toBe(429);
    } finally {
      delete process.env.SHIPLOG_ADMIN_TOKEN;
      resetConfig();
    }
  });

  it('never limits OPTIONS (preflights)', async () => {
    const client = { authorization: 'Bearer client-e' };
    for (let i = 0; i < 3; i++) await call('GET', client);
    const r = await call('OPTIONS', client);
    expect([r.status, r.headers.ratelimit]).toEqual([204, undefined]);
  });

  it('turns off with 0', async () => {
    process.env.SHIPLOG_RATE_LIMIT_READ = '0';
    try {
      const statuses = [];
      for (let i = 0; i < 5; i++) statuses.push((await call('GET', { authorization: 'Bearer client-f' })).status);
      expect(statuses).toEqual([200, 200, 200, 200, 200]);
    } finally {
      process.env.SHIPLOG_RATE_LIMIT_READ = '3';
    }
  });
});

describe('clientKey()', () => {
  const req = (headers: Record<string, string>, remoteAddress?: string) => ({ headers, socket: { remoteAddress } }) as never;
  afterEach(() => delete process.env.SHIPLOG_TRUST_PROXY);

  it('is the hashed token once it has authenticated (never the token itself), the same from any address', () => {
    expect(clientKey(req({ authorization: 'Bearer secret-token' }, '10.0.0.1'))).toBe('a:10.0.0.1');
    tokenVerified('secret-token');
    const key = clientKey(req({ authorization: 'Bearer secret-token' }, '10.0.0.1'));
    expect(key).toMatch(/^t:[0-9a-f]{24}$/);
    expect(key).not.toContain('secret');
    expect(clientKey(req({ authorization: 'Bearer secret-token' }, '10.0.0.2'))).toBe(key);
  });

  it('is the socket address otherwise, and X-Forwarded-For only behind a trusted proxy', () => {
    expect(clientKey(req({ 'x-forwarded-for': '203.0.113.9' }, '10.0.0.1'))).toBe('a:10.0.0.1');
    process.env.SHIPLOG_TRUST_PROXY = '1';
    expect(clientKey(req({ 'x-forwarded-for': '203.0.113.9, 10.0.0.1' }, '10.0.0.1'))).toBe('a:203.0.113.9');
  });
});
