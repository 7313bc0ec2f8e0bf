import type { NextApiRequest, NextApiResponse } from 'next';
import { createMocks } from 'node-mocks-http';
import { invoke } from '../test/http';
import { versionedMethodRouter } from './method-router';
import { ALLOWED_HEADERS, EXPOSED_HEADERS } from './cors';
import { sendJson } from './method-router';

process.env.SHIPLOG_RATE_LIMIT_READ = '0';
process.env.SHIPLOG_RATE_LIMIT_WRITE = '0';

const handler = jest.fn((req, res) => sendJson(req, res, 200, { ok: true }));
const endpoint = versionedMethodRouter({ GET: handler, PUT: handler, DELETE: handler });

const ADMIN_UI = 'https://admin.example.com';
const OPS = 'https://ops.example.com';
const STRANGER = 'https://evil.example.net';

function call(method: string, headers: Record<string, string>) {
  return invoke(endpoint, { method, url: '/api/v2/things/1', query: { version: 'v2' }, headers });
}

/**
 * A preflight, run without `invoke` (which waits for the route to settle, and the route never does after
 * a preflight: see the last test). Returns what was answered, and whether the route settled.
 */
async function preflight(origin: string, requested: string) {
  const { req, res } = createMocks<NextApiRequest, NextApiResponse>({
    method: 'OPTIONS',
    url: '/api/v2/things/1',
    query: { version: 'v2' },
    headers: { origin, 'access-control-request-method': requested, 'access-control-request-headers': 'authorization, if-match' },
  });
  let settled = false;
  void Promise.resolve(endpoint(req, res)).then(() => (settled = true));
  for (let i = 0; i < 100 && !res.writableEnded; i++) await new Promise((resolve) => setTimeout(resolve, 2));
  await new Promise((resolve) => setTimeout(resolve, 20));
  const mock = res as unknown as { _getStatusCode(): number; _getHeaders(): Record<string, unknown>; _getData(): string };
  return { ended: res.writableEnded, settled, status: mock._getStatusCode(), headers: mock._getHeaders(), text: String(mock._getData()) };
}

beforeEach(() => {
  process.env.SHIPLOG_CORS_ORIGINS = `${ADMIN_UI}, ${OPS}/`;
  handler.mockClear();
});

describe('CORS for public reads', () => {
  it.each([ADMIN_UI, STRANGER, 'null'])('lets any origin (%s) read, without credentials, exposing the API headers', async (origin) => {
    const r = await call('GET', { origin });
    expect(r.status).toBe(200);
    expect(r.headers['access-control-allow-origin']).toBe('*');
    expect(r.headers['access-control-allow-credentials']).toBeUndefined();
    expect(String(r.headers['access-control-expose-headers']).split(',')).toEqual(EXPOSED_HEADERS);
    expect(EXPOSED_HEADERS).toEqual(expect.arrayContaining(['ETag', 'Link', 'X-Total-Count', 'RateLimit', 'Retry-After', 'Location']));
  });

  it('answers a read preflight from any origin with 204 and only the read methods', async () => {
    const r = await preflight(STRANGER, 'GET');
    expect([r.ended, r.status, r.text]).toEqual([true, 204, '']);
    expect(r.headers).toMatchObject({ 'access-control-allow-origin': '*', 'access-control-allow-methods': 'GET,HEAD,OPTIONS', 'access-control-max-age': '600' });
    expect(handler).not.toHaveBeenCalled();
  });

  it('adds nothing to a request without Origin', async () => {
    const r = await call('GET', {});
    expect(Object.keys(r.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
  });
});

describe('CORS for writes', () => {
  it.each([ADMIN_UI, OPS])('answers a write preflight from the configured origin %s (trailing slash in the setting ignored)', async (origin) => {
    const r = await preflight(origin, 'PUT');
    expect([r.ended, r.status]).toEqual([true, 204]);
    expect(r.headers['access-control-allow-origin']).toBe(origin);
    expect(r.headers['access-control-allow-methods']).toBe('GET,HEAD,PUT,DELETE,OPTIONS');
    expect(String(r.headers['access-control-allow-headers']).split(',')).toEqual(ALLOWED_HEADERS);
    expect(ALLOWED_HEADERS).toEqual(expect.arrayContaining(['Authorization', 'If-Match', 'Idempotency-Key', 'Content-Type']));
    expect(String(r.headers.vary)).toContain('Origin');
    expect(handler).not.toHaveBeenCalled();
  });

  it.each([STRANGER, 'https://admin.example.com.evil.net', 'http://admin.example.com'])('gives no Allow-Origin to a write preflight from %s', async (origin) => {
    const r = await preflight(origin, 'DELETE');
    expect([r.ended, r.headers['access-control-allow-origin']]).toEqual([true, undefined]);
    expect(handler).not.toHaveBeenCalled();
  });

  it('allows the actual write response to be read only by a configured origin', async () => {
    expect((await call('PUT', { origin: ADMIN_UI })).headers['access-control-allow-origin']).toBe(ADMIN_UI);
    expect((await call('PUT', { origin: STRANGER })).headers['access-control-allow-origin']).toBeUndefined();
  });

  it('allows writes from nowhere when SHIPLOG_CORS_ORIGINS is unset, and from everywhere with *', async () => {
    delete process.env.SHIPLOG_CORS_ORIGINS;
    expect((await preflight(ADMIN_UI, 'PUT')).headers['access-control-allow-origin']).toBeUndefined();
    process.env.SHIPLOG_CORS_ORIGINS = '*';
    expect((await preflight(STRANGER, 'PUT')).headers['access-control-allow-origin']).toBe('*');
  });

  // BUG: corsHook awaits a promise that only cors' next() resolves; for a preflight cors ends the response
  // itself and never calls next(), so the route's promise never settles (invoke() hangs on any preflight).
  it('lets the route settle after answering a preflight', async () => {
    const r = await preflight(ADMIN_UI, 'PUT');
    expect(r.ended).toBe(true);
    expect(r.settled).toBe(true); // got false
  });
});
