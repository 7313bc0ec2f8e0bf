import type { IncomingMessage, ServerResponse } from 'node:http';
import { eq } from 'drizzle-orm';
import { createMocks } from 'node-mocks-http';
import { resetConfig } from '../config';
import { apiTokens, siteState } from '../db/schema';
import { write } from '../db/write';
import { useTestDatabase } from '../test/db';
import { createToken, revokeToken } from '../tokens/repo';
import { readSession, resetSessionKey, SESSION_COOKIE, sessionKey, signSession, startSession, verifySession, type SessionClaims } from './session';

const ADMIN = 'unit-admin-token-0123456789';
const t = useTestDatabase();
const NOW = Date.UTC(2026, 5, 1, 12, 0, 0);
const HOUR = 3_600;
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function env(vars: Record<string, string | undefined>): void {
  for (const [k, v] of Object.entries(vars)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  resetConfig();
  resetSessionKey();
}

const claims = (over: Partial<SessionClaims> = {}): SessionClaims => ({ sub: 7, scopes: ['read', 'write'], exp: NOW / 1000 + HOUR, ...over });

/** A request carrying the cookie, and a response to collect Set-Cookie. */
function request(cookie?: string, headers: Record<string, string> = {}) {
  return createMocks({ method: 'GET', url: '/admin', headers: { ...(cookie ? { cookie: `${SESSION_COOKIE}=${cookie}` } : {}), ...headers } });
}

function setCookieOf(res: ServerResponse): string {
  const value = res.getHeader('Set-Cookie');
  return (Array.isArray(value) ? value : [String(value)]).find((c) => c.startsWith(`${SESSION_COOKIE}=`)) ?? '';
}

beforeEach(() => env({ SHIPLOG_ADMIN_TOKEN: ADMIN, SHIPLOG_SESSION_SECRET: undefined, SHIPLOG_SESSION_HOURS: undefined, SHIPLOG_SESSION_SECURE: undefined }));

describe('signing and verifying', () => {
  it('round-trips token id, scopes and expiry in a readable, signed value', async () => {
    const key = await sessionKey();
    const value = signSession(claims(), key);
    expect(value).toMatch(new RegExp(`^7\\.read-write\\.${NOW / 1000 + HOUR}\\.[A-Za-z0-9_-]{43}$`));
    expect(verifySession(value, key, NOW)).toEqual(claims());
    expect(verifySession(signSession(claims({ sub: 'bootstrap', scopes: ['read', 'write', 'admin'] }), key), key, NOW)).toEqual(
      claims({ sub: 'bootstrap', scopes: ['read', 'write', 'admin'] }),
    );
  });

  it('expires: valid until the second before exp, then never again', async () => {
    const key = await sessionKey();
    const value = signSession(claims(), key);
    expect(verifySession(value, key, NOW + HOUR * 1000 - 1)).toBeDefined();
    expect(verifySession(value, key, NOW + HOUR * 1000)).toBeUndefined();
  });

  it.each<[string, (v: string) => string]>([
    ['another token id', (v) => v.replace(/^7\./, '8.')],
    ['more scopes', (v) => v.replace('.read-write.', '.read-write-admin.')],
    ['fewer scopes', (v) => v.replace('.read-write.', '.read.')],
    ['a later expiry', (v) => v.replace(/\.(\d+)\./, (_, e) => `.${Number(e) + 86_400}.`)],
    ['a flipped signature character', (v) => v.slice(0, -2) + (v.at(-2) === 'A' ? 'B' : 'A') + v.at(-1)],
    ['a truncated signature', (v) => v.slice(0, -1)],
    // The last of 43 base64url characters carries 2 spare bits: another spelling of the same bytes.
    ['another spelling of the same signature bytes', (v) => v.slice(0, -1) + B64[B64.indexOf(v.at(-1)!) ^ 1]],
    ['bootstrap instead of the token id', (v) => v.replace(/^7\./, 'bootstrap.')],
    ['an unknown scope', (v) => v.replace('.read-write.', '.read-root.')],
    ['extra segments', (v) => `${v}.x`],
    ['nothing', () => ''],
  ])('rejects a value with %s', async (_, tamper) => {
    const key = await sessionKey();
    expect(verifySession(tamper(signSession(claims(), key)), key, NOW)).toBeUndefined();
  });

  it('rejects a value signed with another key', async () => {
    const value = signSession(claims(), await sessionKey());
    env({ SHIPLOG_ADMIN_TOKEN: `${ADMIN}-rotated` });
    expect(verifySession(value, await sessionKey(), NOW)).toBeUndefined();
  });

  it('ends bootstrap sessions when SHIPLOG_ADMIN_TOKEN changes, even with a fixed SHIPLOG_SESSION_SECRET', async () => {
    env({ SHIPLOG_SESSION_SECRET: 'a-session-secret-of-at-least-32-characters' });
    const key = await sessionKey();
    const value = signSession(claims({ sub: 'bootstrap' }), key);
    const tokenValue = signSession(claims(), key);
    env({ SHIPLOG_SESSION_SECRET: 'a-session-secret-of-at-least-32-characters', SHIPLOG_ADMIN_TOKEN: `${ADMIN}-rotated` });
    expect(await sessionKey()).toEqual(key);
    expect(verifySession(value, key, NOW)).toBeUndefined();
    expect(verifySession(tokenValue, key, NOW)).toBeDefined(); // stored tokens' sessions are unaffected
    env({ SHIPLOG_SESSION_SECRET: 'a-session-secret-of-at-least-32-characters', SHIPLOG_ADMIN_TOKEN: undefined });
    expect(verifySession(value, key, NOW)).toBeUndefined();
  });
});

describe('the session key', () => {
  it('is SHIPLOG_SESSION_SECRET when set (whatever the admin token)', async () => {
    env({ SHIPLOG_SESSION_SECRET: 'a-session-secret-of-at-least-32-characters' });
    const a = await sessionKey();
    env({ SHIPLOG_SESSION_SECRET: 'a-session-secret-of-at-least-32-characters', SHIPLOG_ADMIN_TOKEN: 'another-admin-token-0123456789' });
    expect(await sessionKey()).toEqual(a);
    env({ SHIPLOG_SESSION_SECRET: 'another-session-secret-of-32-characters-or-more' });
    expect(await sessionKey()).not.toEqual(a);
  });

  it('is derived from SHIPLOG_ADMIN_TOKEN without one: stable, never the token itself, nothing stored', async () => {
    const a = await sessionKey();
    resetSessionKey();
    expect(await sessionKey()).toEqual(a);
    expect(a.length).toBe(32);
    expect(a.toString('utf8')).not.toContain(ADMIN);
    expect(await t.db().select().from(siteState).where(eq(siteState.key, 'admin.session-key'))).toEqual([]);
  });

  it('is generated once and kept in site_state when neither is set (every instance reads the same)', async () => {
    env({ SHIPLOG_ADMIN_TOKEN: undefined });
    const a = await sessionKey();
    const [row] = await t.db().select().from(siteState).where(eq(siteState.key, 'admin.session-key'));
    expect(Buffer.from((row!.value as { key: string }).key, 'base64url')).toEqual(a);
    resetSessionKey(); // as another instance would
    expect(await sessionKey()).toEqual(a);
  });
});

describe('sessions of tokens', () => {
  it('sets an HttpOnly, SameSite=Lax cookie for SHIPLOG_SESSION_HOURS (default 12), Secure in production', async () => {
    const { res } = request();
    await startSession(res as unknown as ServerResponse, { kind: 'bootstrap', tokenId: null, name: 'SHIPLOG_ADMIN_TOKEN', scopes: ['read', 'write', 'admin'] }, NOW);
    expect(setCookieOf(res as unknown as ServerResponse)).toMatch(/^shiplog_session=bootstrap\.read-write-admin\.\d+\.[\w-]{43}; Path=\/; Max-Age=43200; HttpOnly; SameSite=Lax$/);

    const env0 = process.env.NODE_ENV;
    (process.env as Record<string, string>).NODE_ENV = 'production';
    env({ SHIPLOG_SESSION_HOURS: '2' });
    try {
      const { res: prod } = request();
      await startSession(prod as unknown as ServerResponse, { kind: 'token', tokenId: 3, name: 'x', scopes: ['write'] }, NOW);
      expect(setCookieOf(prod as unknown as ServerResponse)).toMatch(
        new RegExp(`^shiplog_session=3\\.write\\.${NOW / 1000 + 7200}\\.[\\w-]{43}; Path=/; Max-Age=7200; HttpOnly; SameSite=Lax; Secure$`),
      );
      env({ SHIPLOG_SESSION_SECURE: '0' });
      const { res: off } = request();
      await startSession(off as unknown as ServerResponse, { kind: 'token', tokenId: 3, name: 'x', scopes: ['write'] }, NOW);
      expect(setCookieOf(off as unknown as ServerResponse)).not.toContain('Secure');
    } finally {
      (process.env as Record<string, string | undefined>).NODE_ENV = env0;
    }
  });

  it('reads back a session through the cookie; revoking its token ends it at once', async () => {
    const { row } = await write((tx) => createToken(tx, { name: 'console user', scopes: ['write'] }));
    const { res } = request();
    await startSession(res as unknown as ServerResponse, { kind: 'token', tokenId: row.id, name: row.name, scopes: ['write'] });
    const value = setCookieOf(res as unknown as ServerResponse)
      .split(';')[0]!
      .split('=')[1]!;
    const session = await readSession(request(value).req as unknown as IncomingMessage);
    expect(session?.principal).toEqual({ kind: 'token', tokenId: row.id, name: 'console user', scopes: ['write'], via: 'session' });
    const [used] = await t.db().select().from(apiTokens).where(eq(apiTokens.id, row.id));
    expect(used!.lastUsedAt).not.toBeNull();

    await write((tx) => revokeToken(tx, row.id));
    expect(await readSession(request(value).req as unknown as IncomingMessage)).toBeUndefined();
  });

  it('never grants more than the token has now', async () => {
    const { row } = await write((tx) => createToken(tx, { name: 'narrowed', scopes: ['write'] }));
    const value = signSession({ sub: row.id, scopes: ['read', 'write'], exp: Math.floor(Date.now() / 1000) + HOUR }, await sessionKey());
    expect((await readSession(request(value).req as unknown as IncomingMessage))?.principal.scopes).toEqual(['write']);
    await t
      .db()
      .update(apiTokens)
      .set({ scopes: ['admin'] })
      .where(eq(apiTokens.id, row.id));
    expect(await readSession(request(value).req as unknown as IncomingMessage)).toBeUndefined();
  });

  it('ignores an expired, forged or foreign cookie', async () => {
    const key = await sessionKey();
    const expired = signSession({ sub: 'bootstrap', scopes: ['admin'], exp: Math.floor(Date.now() / 1000) - 1 }, key);
    for (const value of [expired, 'bootstrap.admin.99999999999.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'garbage']) {
      expect(await readSession(request(value).req as unknown as IncomingMessage)).toBeUndefined();
    }
  });
});
