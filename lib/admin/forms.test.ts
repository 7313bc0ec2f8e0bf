import type { IncomingMessage, ServerResponse } from 'node:http';
import { createHash } from 'node:crypto';
import { eq, like, sql } from 'drizzle-orm';
import type { NextApiHandler } from 'next';
import { createMocks } from 'node-mocks-http';
import { resetConfig } from '../config';
import { rows } from '../db';
import { apiTokens, projects, siteState } from '../db/schema';
import { write } from '../db/write';
import { methodRouter } from '../http/method-router';
import { createProject } from '../projects/repo';
import { useTestDatabase } from '../test/db';
import { invoke, type Invocation } from '../test/http';
import { createToken } from '../tokens/repo';
import { releaseEtag } from './data';
import { FLASH_COOKIE, takeFlash, type FlashMessage } from './flash';
import { addProjectForm } from './forms/projects';
import { releaseForm } from './forms/releases';
import { tokenForm } from './forms/tokens';
import { postLogout, postSession } from './login';
import { readSession, resetSessionKey, SESSION_COOKIE, sessionKey, signSession } from '../auth/session';
import { findRelease } from '../releases/repo';

process.env.SHIPLOG_RATE_LIMIT_READ = '0';
process.env.SHIPLOG_RATE_LIMIT_WRITE = '0';
const ADMIN = 'unit-admin-token-0123456789';
const HOST = '127.0.0.1:3000';
const t = useTestDatabase();

const routes = {
  session: methodRouter({ POST: postSession }),
  logout: methodRouter({ POST: postLogout }),
  projects: methodRouter({ POST: addProjectForm }),
  releases: methodRouter({ POST: releaseForm }, { bodyLimit: '2mb' }),
  tokens: methodRouter({ POST: tokenForm }),
};

let adminCookie: string;

async function cookieFor(sub: number | 'bootstrap', scopes: ('read' | 'write' | 'admin')[]): Promise<string> {
  return `${SESSION_COOKIE}=${signSession({ sub, scopes, exp: Math.floor(Date.now() / 1000) + 3600 }, await sessionKey())}`;
}

/** Posts an urlencoded form as a same-origin browser would (unless headers say otherwise). */
function post(handler: NextApiHandler, url: string, fields: Record<string, string | string[]>, headers: Record<string, string> = {}): Promise<Invocation> {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const one of [v].flat()) body.append(k, one);
  return invoke(handler, {
    method: 'POST',
    url,
    body: body.toString(),
    headers: { host: HOST, 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin', origin: `http://${HOST}`, cookie: adminCookie, ...headers },
  });
}

function setCookies(r: Invocation): string[] {
  const v = r.headers['set-cookie'];
  return v === undefined ? [] : [v].flat().map(String);
}

function cookieValue(r: Invocation, name: string): string | undefined {
  return setCookies(r)
    .find((c) => c.startsWith(`${name}=`))
    ?.split(';')[0]!
    .slice(name.length + 1);
}

/** The flash a response set, as the page it redirects to reads it. */
async function flashOf(r: Invocation): Promise<FlashMessage | undefined> {
  const value = cookieValue(r, FLASH_COOKIE);
  if (!value || !r.redirect) return undefined;
  const { req, res } = createMocks({ method: 'GET', url: r.redirect, headers: { cookie: `${FLASH_COOKIE}=${value}` } });
  return takeFlash(req as unknown as IncomingMessage, res as unknown as ServerResponse, r.redirect);
}

let projectId: number;
beforeAll(async () => {
  process.env.SHIPLOG_ADMIN_TOKEN = ADMIN;
  resetConfig();
  resetSessionKey();
  adminCookie = await cookieFor('bootstrap', ['read', 'write', 'admin']);
  projectId = (await write((tx) => createProject(tx, { owner: 'acme', repo: 'forms', name: 'Forms', description: null, homepage: null }))).id;
});

describe('signing in (POST /api/session)', () => {
  it('a write or admin token opens a session: 303 to `next` with a signed cookie', async () => {
    const r = await post(routes.session, '/api/session', { token: ADMIN, next: '/admin/tokens' }, { cookie: '' });
    expect([r.status, r.redirect, r.headers['cache-control']]).toEqual([303, '/admin/tokens', 'no-store']);
    const session = cookieValue(r, SESSION_COOKIE)!;
    expect(setCookies(r).find((c) => c.startsWith(SESSION_COOKIE))).toMatch(/HttpOnly; SameSite=Lax/);
    const { req } = createMocks({ headers: { cookie: `${SESSION_COOKIE}=${session}` } });
    expect((await readSession(req as unknown as IncomingMessage))?.principal).toMatchObject({ kind: 'bootstrap', scopes: ['read', 'write', 'admin'] });

    const { secret } = await write((tx) => createToken(tx, { name: 'writer', scopes: ['write'] }));
    const w = await post(routes.session, '/api/session', { token: secret, next: '/admin' }, { cookie: '' });
    expect([w.status, w.redirect, cookieValue(w, SESSION_COOKIE)]).toEqual([303, '/admin', expect.stringMatching(/^\d+\.write\.\d+\./)]);
  });

  it.each<[string, string, RegExp]>([
    ['an unknown token', 'shp_not-a-real-token', /not valid/],
    ['an empty token', '', /Enter a token/],
    ['the internal secret format', 'int_abc', /not valid/],
  ])('%s goes back to the sign-in page with a message (and no session)', async (_, token, message) => {
    const r = await post(routes.session, '/api/session', { token, next: '/admin/deliveries' }, { cookie: '' });
    expect([r.status, r.redirect]).toEqual([303, '/admin/login?next=%2Fadmin%2Fdeliveries']);
    expect(cookieValue(r, SESSION_COOKIE)).toBeUndefined();
    expect(await flashOf(r)).toMatchObject({ kind: 'error', message: expect.stringMatching(message) });
  });

  it('a read-only token is told the console needs write or admin', async () => {
    const { secret } = await write((tx) => createToken(tx, { name: 'reader', scopes: ['read'] }));
    const r = await post(routes.session, '/api/session', { token: secret }, { cookie: '' });
    expect([r.status, r.redirect, cookieValue(r, SESSION_COOKIE)]).toEqual([303, '/admin/login', undefined]);
    expect((await flashOf(r))?.message).toMatch(/"reader" has only the read scope/);
  });

  it.each(['//evil.example/admin', 'https://evil.example/', '/admin/../..//evil', '/elsewhere', 'javascript:alert(1)'])(
    'never redirects outside the console (next=%s)',
    async (next) => {
      const r = await post(routes.session, '/api/session', { token: ADMIN, next }, { cookie: '' });
      expect(r.redirect).toBe('/admin');
    },
  );

  it.each<[string, string]>([
    ['/admin/ā', '/admin/%C4%81'],
    ['/admin/projects/acme/forms/release?tag=v1.0.0-β', '/admin/projects/acme/forms/release?tag=v1.0.0-%CE%B2'],
    ['/admin/%ZZ', '/admin'],
    ['/admin/\u0007bell', '/admin'],
    ['/admin/../api/health', '/admin'],
  ])('a non-ASCII or invalid next=%j is sent on percent-encoded, or to /admin (never a 500)', async (next, to) => {
    const r = await post(routes.session, '/api/session', { token: ADMIN, next }, { cookie: '' });
    expect([r.status, r.redirect]).toEqual([303, to]);
    expect(r.redirect).toMatch(/^[\x21-\x7e]+$/); // what a Location header may hold
    const refused = await post(routes.session, '/api/session', { token: 'shp_not-a-real-token', next }, { cookie: '' });
    expect(refused.status).toBe(303);
    expect(refused.redirect).toMatch(/^\/admin\/login(\?next=[\x21-\x7e]+)?$/);
  });

  it('refuses a cross-site sign-in (403 problem+json, no cookie)', async () => {
    const r = await post(routes.session, '/api/session', { token: ADMIN }, { cookie: '', 'sec-fetch-site': 'cross-site', origin: 'http://evil.example' });
    expect([r.status, r.json().type, setCookies(r)]).toEqual([403, '/problems/cross-site-request', []]);
  });

  it('signing out clears the cookie', async () => {
    const r = await post(routes.logout, '/api/session/logout', {});
    expect([r.status, r.redirect]).toEqual([303, '/admin/login']);
    expect(setCookies(r).find((c) => c.startsWith(`${SESSION_COOKIE}=`))).toMatch(/^shiplog_session=; Path=\/; Max-Age=0;/);
  });
});

describe('form endpoints', () => {
  const release = () => findRelease(t.db(), projectId, 'v1.0.0', { seeAll: true });
  const base = { project: 'acme/forms', originalTag: '', etag: '', intent: 'save' };

  it('need a session: without one, 303 to sign in (then back)', async () => {
    const r = await post(routes.releases, '/api/admin/releases', { ...base, tag: 'v0.0.1' }, { cookie: '' });
    expect([r.status, r.redirect]).toEqual([303, '/admin/login?next=%2Fadmin%2Fprojects%2Facme%2Fforms%2Frelease']);
    expect(await findRelease(t.db(), projectId, 'v0.0.1', { seeAll: true })).toBeUndefined();
  });

  it('refuse cross-site posts with a 403 before reading anything, and change nothing', async () => {
    for (const headers of [
      { 'sec-fetch-site': 'same-site', origin: 'http://127.0.0.1:4000' },
      { 'sec-fetch-site': '', origin: '' },
    ]) {
      const r = await post(routes.projects, '/api/admin/projects', { repository: 'evil/project', webhookSecret: '' }, headers);
      expect([r.status, r.headers['content-type']]).toEqual([403, 'application/problem+json; charset=utf-8']);
    }
    expect(await t.db().select().from(projects).where(eq(projects.owner, 'evil'))).toEqual([]);
  });

  it('add a project with its webhook secret and send the browser to its setup', async () => {
    const r = await post(routes.projects, '/api/admin/projects', { repository: 'https://github.com/newco/app.git', name: 'App', webhookSecret: 'whsec_0123456789abcdef' });
    expect([r.status, r.redirect]).toEqual([303, '/admin/projects/newco/app']);
    expect(await flashOf(r)).toMatchObject({ kind: 'success', data: { setup: 'newco/app' } });
    const [row] = await t.db().select().from(projects).where(eq(projects.owner, 'newco'));
    expect(row).toMatchObject({ repo: 'app', name: 'App', webhookSecret: 'whsec_0123456789abcdef' });
  });

  it('validation problems come back as field errors with the input kept', async () => {
    const r = await post(routes.projects, '/api/admin/projects', { repository: 'no-slash', name: 'Kept', webhookSecret: 'short' });
    expect(r.redirect).toBe('/admin');
    expect(await flashOf(r)).toMatchObject({ kind: 'error', errors: [{ field: 'repository' }], form: { repository: 'no-slash', name: 'Kept' } });
    const bad = await post(routes.projects, '/api/admin/projects', { repository: 'ok/fine', webhookSecret: 'short' });
    expect((await flashOf(bad))?.errors).toEqual([{ field: 'webhookSecret', detail: 'must be at least 16 characters' }]);
  });

  it('create, edit, hide, unhide and delete a release; a stale edit never overwrites', async () => {
    const created = await post(routes.releases, '/api/admin/releases', {
      ...base,
      tag: 'v1.0.0',
      name: 'First',
      body: 'Line one\r\nLine two',
      publishedAt: '2026-01-02T03:04',
      prerelease: 'on',
    });
    expect([created.status, created.redirect]).toEqual([303, '/admin/projects/acme/forms/release?tag=v1.0.0']);
    expect((await flashOf(created))?.message).toBe('Created release v1.0.0.');
    expect(await release()).toMatchObject({
      name: 'First',
      body: 'Line one\nLine two',
      prerelease: true,
      hidden: false,
      draft: false,
      publishedAt: new Date('2026-01-02T03:04:00Z'),
    });

    const opened = releaseEtag((await release())!);
    const edit = { ...base, originalTag: 'v1.0.0', etag: opened, tag: 'v1.0.0', name: 'First, edited', body: 'New notes', publishedAt: '' };
    const saved = await post(routes.releases, '/api/admin/releases', edit);
    expect([saved.redirect, (await flashOf(saved))?.message]).toEqual(['/admin/projects/acme/forms/release?tag=v1.0.0', 'Saved release v1.0.0.']);
    expect(await release()).toMatchObject({ name: 'First, edited', body: 'New notes', prerelease: false, publishedAt: new Date('2026-01-02T03:04:00Z') });

    // The same (now stale) ETag again: 412 → "changed by someone else", nothing written, input kept.
    const stale = await post(routes.releases, '/api/admin/releases', { ...edit, name: 'Lost update' });
    expect(stale.redirect).toBe('/admin/projects/acme/forms/release?tag=v1.0.0');
    expect(await flashOf(stale)).toMatchObject({ kind: 'conflict', message: expect.stringMatching(/changed by someone else/), form: { name: 'Lost update', etag: opened } });
    expect((await release())!.name).toBe('First, edited');

    const current = releaseEtag((await release())!);
    const hidden = await post(routes.releases, '/api/admin/releases', { ...base, intent: 'hide', originalTag: 'v1.0.0', etag: current });
    expect((await flashOf(hidden))?.message).toBe('Release v1.0.0 is hidden from readers.');
    expect((await release())!.hidden).toBe(true);
    expect((await post(routes.releases, '/api/admin/releases', { ...base, intent: 'unhide', originalTag: 'v1.0.0', etag: current })).status).toBe(303);
    expect((await release())!.hidden).toBe(true); // stale ETag: not unhidden
    await post(routes.releases, '/api/admin/releases', {
      ...base,
      intent: 'unhide',
      originalTag: 'v1.0.0',
      etag: releaseEtag((await release())!),
      return: '/admin/projects/acme/forms',
    });
    expect((await release())!.hidden).toBe(false);

    // A non-ASCII `return=` goes back percent-encoded (it was a 500 "See Other", the change made and the cookie set).
    const back = await post(routes.releases, '/api/admin/releases', {
      ...base,
      intent: 'hide',
      originalTag: 'v1.0.0',
      etag: releaseEtag((await release())!),
      return: '/admin/projects/acme/forms?q=ā',
    });
    expect([back.status, back.redirect]).toEqual([303, '/admin/projects/acme/forms?q=%C4%81']);
    await post(routes.releases, '/api/admin/releases', { ...base, intent: 'unhide', originalTag: 'v1.0.0', etag: releaseEtag((await release())!), return: '/admin/\u0001' });
    expect((await release())!.hidden).toBe(false);

    const gone = await post(routes.releases, '/api/admin/releases', { ...base, intent: 'delete', originalTag: 'v1.0.0', etag: releaseEtag((await release())!) });
    expect([gone.redirect, (await flashOf(gone))?.message]).toEqual(['/admin/projects/acme/forms', 'Deleted release v1.0.0.']);
    expect(await release()).toBeUndefined();
  });

  it('keeps a long release note through a validation error (stashed server-side, then removed)', async () => {
    const body = `# Notes\n\n${'All work and no play. '.repeat(2_000)}`;
    const r = await post(routes.releases, '/api/admin/releases', { ...base, tag: 'bad/../tag', body });
    expect(r.redirect).toBe('/admin/projects/acme/forms/release');
    expect(cookieValue(r, FLASH_COOKIE)!.length).toBeLessThan(3_100);
    expect(await t.db().select().from(siteState).where(like(siteState.key, 'admin.flash:%'))).toHaveLength(1);
    const flash = await flashOf(r);
    expect(flash).toMatchObject({ kind: 'error', errors: [{ field: 'tag' }] });
    expect(flash?.form?.body).toBe(body);
    expect(await t.db().select().from(siteState).where(like(siteState.key, 'admin.flash:%'))).toEqual([]);
  });

  it('a flash is for the page it names; a tampered one is nothing', async () => {
    const r = await post(routes.projects, '/api/admin/projects', { repository: 'x' });
    const value = cookieValue(r, FLASH_COOKIE)!;
    const read = async (here: string) => {
      const { req, res } = createMocks({ headers: { cookie: `${FLASH_COOKIE}=${value}` } });
      return takeFlash(req as unknown as IncomingMessage, res as unknown as ServerResponse, here);
    };
    expect(await read('/admin/tokens')).toBeUndefined();
    expect(await read('/admin')).toBeDefined();
    const tampered = value.slice(0, 40) + (value[40] === 'A' ? 'B' : 'A') + value.slice(41);
    const { req, res } = createMocks({ headers: { cookie: `${FLASH_COOKIE}=${tampered}` } });
    expect(await takeFlash(req as unknown as IncomingMessage, res as unknown as ServerResponse, '/admin')).toBeUndefined();
  });

  it('tokens: the new secret is shown once (in the flash, stored nowhere); revoking your own token signs you out', async () => {
    const r = await post(routes.tokens, '/api/admin/tokens', { intent: 'create', name: 'deploy bot', scopes: ['write', 'admin'] });
    const flash = await flashOf(r);
    expect(flash).toMatchObject({ kind: 'success', data: { tokenName: 'deploy bot', secret: expect.stringMatching(/^shp_/) } });
    const secret = flash!.data!.secret!;
    const [row] = await t
      .db()
      .select()
      .from(apiTokens)
      .where(eq(apiTokens.id, Number(flash!.data!.tokenId)));
    expect([row!.scopes, row!.tokenHash]).toEqual([['write', 'admin'], createHash('sha256').update(secret).digest('hex')]);
    expect(await rows(t.db(), sql`select key from site_state where strpos(value::text, ${secret}) > 0`)).toEqual([]);

    const own = await cookieFor(row!.id, ['write', 'admin']);
    const revoked = await post(routes.tokens, '/api/admin/tokens', { intent: 'revoke', id: String(row!.id) }, { cookie: own });
    expect([revoked.redirect, setCookies(revoked).some((c) => /^shiplog_session=; .*Max-Age=0/.test(c))]).toEqual(['/admin/login', true]);
    expect(await t.db().select().from(apiTokens).where(eq(apiTokens.id, row!.id))).toEqual([]);
  });

  it('a write-scope session cannot manage tokens', async () => {
    const { row } = await write((tx) => createToken(tx, { name: 'writer only', scopes: ['write'] }));
    const r = await post(routes.tokens, '/api/admin/tokens', { intent: 'create', name: 'escalate', scopes: 'admin' }, { cookie: await cookieFor(row.id, ['write']) });
    expect([r.redirect, (await flashOf(r))?.message]).toEqual(['/admin/tokens', expect.stringMatching(/needs a token with the admin scope/)]);
    expect(await t.db().select().from(apiTokens).where(eq(apiTokens.name, 'escalate'))).toEqual([]);
  });
});
