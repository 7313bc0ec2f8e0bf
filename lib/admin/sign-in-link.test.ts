import type { IncomingMessage } from 'node:http';
import { eq } from 'drizzle-orm';
import { createMocks } from 'node-mocks-http';
import { resetConfig } from '../config';
import { apiTokens, siteState } from '../db/schema';
import { write } from '../db/write';
import { methodRouter } from '../http/method-router';
import { useTestDatabase } from '../test/db';
import { invoke, type Invocation } from '../test/http';
import { createToken } from '../tokens/repo';
import { postSession, postSignInLink } from './login';
import { readSession, resetSessionKey, SESSION_COOKIE } from '../auth/session';
import { FIRST_TOKEN_NAME, issueSignInLink, needsFirstAdmin, redeemSignInLink, signInLinkValid } from '../auth/sign-in-link';

process.env.SHIPLOG_RATE_LIMIT_READ = '0';
process.env.SHIPLOG_RATE_LIMIT_WRITE = '0';
const LAUNCH_KEY = 'launch-key-of-npm-start-0123456789abcdef';
const HOST = '127.0.0.1:3000';
const t = useTestDatabase();
const routes = { link: methodRouter({ POST: postSignInLink }), session: methodRouter({ POST: postSession }) };

beforeEach(async () => {
  delete process.env.SHIPLOG_ADMIN_TOKEN;
  process.env.SHIPLOG_LAUNCH_KEY = LAUNCH_KEY;
  resetConfig();
  resetSessionKey();
  const db = await t.db();
  await db.delete(apiTokens);
  await db.delete(siteState).where(eq(siteState.key, 'admin.sign-in-link'));
});
afterAll(() => {
  delete process.env.SHIPLOG_LAUNCH_KEY;
});

const askForLink = (authorization?: string) =>
  invoke(routes.link, { method: 'POST', url: '/api/session/link', headers: { host: HOST, ...(authorization ? { authorization } : {}) } });

function signInWith(link: string): Promise<Invocation> {
  return invoke(routes.session, {
    method: 'POST',
    url: '/api/session',
    body: new URLSearchParams({ link, next: '/admin' }).toString(),
    headers: { host: HOST, 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin', origin: `http://${HOST}` },
  });
}

const sessionCookie = (r: Invocation) =>
  [r.headers['set-cookie'] ?? []]
    .flat()
    .map(String)
    .find((c) => c.startsWith(`${SESSION_COOKIE}=`))
    ?.split(';')[0];

describe('the first-start sign-in link', () => {
  it('npm start gets a link only with its launch key, and only while no admin credential exists', async () => {
    expect((await askForLink()).status).toBe(404);
    expect((await askForLink('Bearer not-the-launch-key')).status).toBe(404);
    const r = await askForLink(`Bearer ${LAUNCH_KEY}`);
    expect(r.status).toBe(200);
    const { path, expiresAt } = r.json<{ path: string; expiresAt: string }>();
    expect(path).toMatch(/^\/admin\/login\?link=sil_[A-Za-z0-9_-]{43}$/);
    expect(Date.parse(expiresAt) - Date.now()).toBeGreaterThan(55 * 60_000);
    // Stored hashed: the code itself is nowhere in the database.
    const [row] = await (await t.db()).select().from(siteState).where(eq(siteState.key, 'admin.sign-in-link'));
    expect(JSON.stringify(row!.value)).not.toContain(path.split('=')[1]);

    await write((tx) => createToken(tx, { name: 'ops', scopes: ['admin'] }));
    expect((await askForLink(`Bearer ${LAUNCH_KEY}`)).status).toBe(204);
  });

  it('signs in once: a session with a new admin token, then the link is spent', async () => {
    const code = (await write((tx) => issueSignInLink(tx)))!.code;
    const r = await signInWith(code);
    expect([r.status, r.redirect]).toEqual([303, '/admin/tokens']);
    const cookie = sessionCookie(r)!;
    const { req } = createMocks({ headers: { cookie } });
    expect((await readSession(req as unknown as IncomingMessage))?.principal).toMatchObject({ kind: 'token', name: FIRST_TOKEN_NAME, scopes: ['admin'] });
    expect(await needsFirstAdmin(await t.db())).toBe(false);

    const again = await signInWith(code);
    expect([again.status, again.redirect, sessionCookie(again)]).toEqual([303, '/admin/login', undefined]);
    expect(await (await t.db()).$count(apiTokens)).toBe(1);
  });

  it('refuses an expired link, a replaced link and a wrong one', async () => {
    const old = (await write((tx) => issueSignInLink(tx, Date.now() - 61 * 60_000)))!.code;
    expect(await signInLinkValid(await t.db(), old)).toBe(false);
    expect(await write((tx) => redeemSignInLink(tx, old))).toBeUndefined();
    const first = (await write((tx) => issueSignInLink(tx)))!.code;
    const second = (await write((tx) => issueSignInLink(tx)))!.code;
    expect(await write((tx) => redeemSignInLink(tx, first))).toBeUndefined();
    expect(await write((tx) => redeemSignInLink(tx, `${second.slice(0, -1)}${second.endsWith('A') ? 'B' : 'A'}`))).toBeUndefined();
    expect(await write((tx) => redeemSignInLink(tx, second))).toMatchObject({ name: FIRST_TOKEN_NAME, scopes: ['admin'] });
  });

  it('is not offered when SHIPLOG_ADMIN_TOKEN is set (a write-only token does not count as a way in)', async () => {
    await write((tx) => createToken(tx, { name: 'ci', scopes: ['write'] }));
    expect(await needsFirstAdmin(await t.db())).toBe(true);
    process.env.SHIPLOG_ADMIN_TOKEN = 'an-admin-token-of-16-or-more';
    resetConfig();
    expect(await needsFirstAdmin(await t.db())).toBe(false);
    expect(await write((tx) => issueSignInLink(tx))).toBeUndefined();
  });
});
