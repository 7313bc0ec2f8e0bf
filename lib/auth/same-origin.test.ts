import type { IncomingMessage } from 'node:http';
import { sql } from 'drizzle-orm';
import { createMocks } from 'node-mocks-http';
import { authenticate } from './tokens';
import { resetConfig } from '../config';
import { projects } from '../db/schema';
import { write } from '../db/write';
import { createProjectOperation } from '../projects/operations';
import { mount } from '../http/mount';
import { useTestDatabase } from '../test/db';
import { invoke } from '../test/http';
import { createToken } from '../tokens/repo';
import { sameOriginVerdict } from './same-origin';
import { resetSessionKey, SESSION_COOKIE, sessionKey, signSession } from './session';

process.env.SHIPLOG_RATE_LIMIT_READ = '0';
process.env.SHIPLOG_RATE_LIMIT_WRITE = '0';
const ADMIN = 'unit-admin-token-0123456789';
const t = useTestDatabase();
const HOST = 'shiplog.test:8080';
const SELF = `http://${HOST}`;

function req(method: string, headers: Record<string, string>): IncomingMessage {
  return createMocks({ method: method as 'GET', url: '/api/v1/projects', headers: { host: HOST, ...headers } }).req as unknown as IncomingMessage;
}

let cookie: string;
beforeAll(async () => {
  process.env.SHIPLOG_ADMIN_TOKEN = ADMIN;
  resetConfig();
  resetSessionKey();
  cookie = `${SESSION_COOKIE}=${signSession({ sub: 'bootstrap', scopes: ['read', 'write', 'admin'], exp: Math.floor(Date.now() / 1000) + 3600 }, await sessionKey())}`;
});
afterEach(() => {
  delete process.env.SHIPLOG_PUBLIC_URL;
  delete process.env.SHIPLOG_TRUST_PROXY;
});

describe('sameOriginVerdict', () => {
  it.each<[string, Record<string, string>, boolean]>([
    ['Sec-Fetch-Site: same-origin', { 'sec-fetch-site': 'same-origin' }, true],
    ['Sec-Fetch-Site: none (typed or bookmarked by the user)', { 'sec-fetch-site': 'none' }, true],
    ['Sec-Fetch-Site: same-site (another port or subdomain)', { 'sec-fetch-site': 'same-site' }, false],
    ['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site' }, false],
    ['Sec-Fetch-Site: cross-site, even with our Origin', { 'sec-fetch-site': 'cross-site', origin: SELF }, false],
    ['our Origin (no Sec-Fetch-Site: an older browser)', { origin: SELF }, true],
    ['our Origin in other case', { origin: 'HTTP://SHIPLOG.TEST:8080' }, true],
    ['another port', { origin: 'http://shiplog.test:9090' }, false],
    ['https instead of http', { origin: 'https://shiplog.test:8080' }, false],
    ['another host', { origin: 'http://evil.test' }, false],
    ['Origin: null (sandboxed frame, data: URL)', { origin: 'null' }, false],
    ['neither header', {}, false],
  ])('%s → %s', (_, headers, ok) => {
    expect(sameOriginVerdict(req('POST', headers)).ok).toBe(ok);
  });

  it('accepts the configured public origin too (behind a proxy that rewrites Host)', () => {
    process.env.SHIPLOG_PUBLIC_URL = 'https://changelog.example.com/';
    expect(sameOriginVerdict(req('POST', { origin: 'https://changelog.example.com' })).ok).toBe(true);
    expect(sameOriginVerdict(req('POST', { origin: SELF })).ok).toBe(true);
    expect(sameOriginVerdict(req('POST', { origin: 'https://example.com' })).ok).toBe(false);
  });

  it('trusts X-Forwarded-Host/Proto only with SHIPLOG_TRUST_PROXY=1', () => {
    const behind = { origin: 'https://public.example', 'x-forwarded-host': 'public.example', 'x-forwarded-proto': 'https' };
    expect(sameOriginVerdict(req('POST', behind)).ok).toBe(false);
    process.env.SHIPLOG_TRUST_PROXY = '1';
    expect(sameOriginVerdict(req('POST', behind)).ok).toBe(true);
  });
});

describe('authenticate() with the session cookie', () => {
  it('same-origin reads and writes are the session', async () => {
    for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) {
      expect(await authenticate(req(method, { cookie, 'sec-fetch-site': 'same-origin' }))).toMatchObject({ kind: 'bootstrap', via: 'session' });
      expect(await authenticate(req(method, { cookie, origin: SELF }))).toMatchObject({ kind: 'bootstrap', via: 'session' });
    }
  });

  it('a cross-site read is anonymous (the cookie is ignored)', async () => {
    expect(await authenticate(req('GET', { cookie, 'sec-fetch-site': 'cross-site' }))).toBeUndefined();
    expect(await authenticate(req('HEAD', { cookie }))).toBeUndefined();
  });

  it.each<[string, Record<string, string>]>([
    ['cross-site', { 'sec-fetch-site': 'cross-site' }],
    ['same-site (another port)', { 'sec-fetch-site': 'same-site', origin: 'http://shiplog.test:9090' }],
    ['a foreign Origin', { origin: 'http://evil.test' }],
    ['no Origin and no Sec-Fetch-Site', {}],
  ])('a %s write with the cookie is a 403', async (_, headers) => {
    await expect(authenticate(req('POST', { cookie, ...headers }))).rejects.toMatchObject({ status: 403, type: '/problems/cross-site-request' });
  });

  it('bearer tokens are unaffected: no origin needed, the cookie is not looked at', async () => {
    const { secret } = await write((tx) => createToken(tx, { name: 'ci', scopes: ['write'] }));
    const p = await authenticate(req('POST', { cookie, authorization: `Bearer ${secret}`, origin: 'http://evil.test' }));
    expect(p).toMatchObject({ kind: 'token', name: 'ci' });
    expect(p?.via).toBeUndefined();
    expect(await authenticate(req('DELETE', { authorization: `Bearer ${ADMIN}` }))).toMatchObject({ kind: 'bootstrap' });
  });

  it('an invalid cookie is no session (anonymous), whatever the origin', async () => {
    expect(await authenticate(req('POST', { cookie: `${SESSION_COOKIE}=bootstrap.admin.9999999999.forged`, origin: 'http://evil.test' }))).toBeUndefined();
  });
});

describe('the REST API from the console', () => {
  const route = mount(createProjectOperation);
  const post = (headers: Record<string, string>, repo: string) =>
    invoke(route, {
      method: 'POST',
      url: '/api/v1/projects',
      query: { version: 'v1' },
      headers: { host: HOST, 'content-type': 'application/json', cookie, ...headers },
      body: JSON.stringify({ owner: 'console', repo }),
    });
  const count = async (repo: string) =>
    (
      await t
        .db()
        .select({ n: sql<number>`count(*)::int` })
        .from(projects)
        .where(sql`${projects.repo} = ${repo}`)
    )[0]!.n;

  it('a same-origin POST with the session cookie creates (201)', async () => {
    const r = await post({ 'sec-fetch-site': 'same-origin', origin: SELF }, 'same');
    expect(r.status).toBe(201);
    expect(await count('same')).toBe(1);
  });

  it('a cross-site POST with the session cookie is a 403 problem and changes nothing', async () => {
    const r = await post({ 'sec-fetch-site': 'same-site', origin: 'http://shiplog.test:9090' }, 'cross');
    expect([r.status, r.headers['content-type'], r.json().type]).toEqual([403, 'application/problem+json; charset=utf-8', '/problems/cross-site-request']);
    expect(await count('cross')).toBe(0);
  });
});
