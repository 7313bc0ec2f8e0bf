import { createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { eq } from 'drizzle-orm';
import type { Principal } from './principal';
import { config, nodeEnv } from '../config';
import { getDb } from '../db';
import { apiTokens, siteState, tokenScopes, type TokenScope } from '../db/schema';
import { appendSetCookie, cookieOf, serializeCookie } from './cookies';

/**
 * Admin console sessions: a signed cookie, `<token id | bootstrap>.<scopes>.<expiry>.<signature>`,
 * issued when someone signs in with a `write` or `admin` token.
 *
 * - Signature: HMAC-SHA256 with the session key (see `sessionKey`). For the bootstrap token the MAC
 *   also covers a fingerprint of SHIPLOG_ADMIN_TOKEN, so changing that variable ends its sessions.
 * - A session of a stored token lives only as long as the token: every use checks that it still exists
 *   (revoking the token signs its sessions out) and narrows the scopes to what the token still has.
 * - Sessions expire after SHIPLOG_SESSION_HOURS (default 12); the cookie's Max-Age matches.
 */
export const SESSION_COOKIE = 'shiplog_session';
const MAC_CONTEXT = 'shiplog-session-v1';

export interface SessionClaims {
  /** The token the session was opened with: its id, or 'bootstrap' for SHIPLOG_ADMIN_TOKEN. */
  sub: number | 'bootstrap';
  scopes: TokenScope[];
  /** Expiry, seconds since the epoch. */
  exp: number;
}

export interface Session {
  claims: SessionClaims;
  principal: Principal;
}

// --- the key -------------------------------------------------------------------------------------

const SESSION_KEY_STATE = 'admin.session-key';
let keyCache: { source: string; key: Promise<Buffer> } | undefined;

const digest = (s: string) => createHash('sha256').update(s).digest('hex');
const derive = (material: string, info: string) => Buffer.from(hkdfSync('sha256', material, 'shiplog', info, 32));

/**
 * The signing key. In order of preference:
 * 1. SHIPLOG_SESSION_SECRET, when set (stretched with HKDF);
 * 2. derived (HKDF) from SHIPLOG_ADMIN_TOKEN: stable across restarts and instances, never stored, and
 *    changing the admin token signs everyone out;
 * 3. otherwise a random key generated once and kept in the `site_state` table, shared by every
 *    instance on the database (`insert … on conflict do nothing`, then read back: the first wins).
 */
export function sessionKey(): Promise<Buffer> {
  const cfg = config();
  const source = cfg.SHIPLOG_SESSION_SECRET ? `secret:${digest(cfg.SHIPLOG_SESSION_SECRET)}` : cfg.SHIPLOG_ADMIN_TOKEN ? `admin:${digest(cfg.SHIPLOG_ADMIN_TOKEN)}` : 'database';
  if (keyCache?.source === source) return keyCache.key;
  const material = cfg.SHIPLOG_SESSION_SECRET ?? cfg.SHIPLOG_ADMIN_TOKEN;
  const key = material !== undefined ? Promise.resolve(derive(material, 'session-key-v1')) : storedKey();
  keyCache = { source, key };
  key.catch(() => {
    if (keyCache?.key === key) keyCache = undefined;
  });
  return key;
}

async function storedKey(): Promise<Buffer> {
  const db = await getDb();
  await db
    .insert(siteState)
    .values({ key: SESSION_KEY_STATE, value: { key: randomBytes(32).toString('base64url') } })
    .onConflictDoNothing();
  const [row] = await db.select().from(siteState).where(eq(siteState.key, SESSION_KEY_STATE));
  const stored = (row?.value as { key?: unknown } | undefined)?.key;
  if (typeof stored !== 'string' || stored.length < 40) throw new Error('the stored session key is missing or malformed');
  return Buffer.from(stored, 'base64url');
}

/** Forget the cached key (tests that change the configuration or the database). */
export function resetSessionKey(): void {
  keyCache = undefined;
}

// --- signing -------------------------------------------------------------------------------------

/** The bootstrap token's fingerprint (covered by the MAC, never sent); '' for stored tokens. */
function fingerprint(sub: SessionClaims['sub']): string | undefined {
  if (sub !== 'bootstrap') return '';
  const admin = config().SHIPLOG_ADMIN_TOKEN;
  return admin ? digest(`bootstrap:${admin}`) : undefined;
}

function mac(key: Buffer, sub: string, scopes: string, exp: string, fp: string): Buffer {
  return createHmac('sha256', key).update(`${MAC_CONTEXT}|${sub}|${scopes}|${exp}|${fp}`).digest();
}

export function signSession(claims: SessionClaims, key: Buffer): string {
  const fp = fingerprint(claims.sub);
  if (fp === undefined) throw new Error('a bootstrap session needs SHIPLOG_ADMIN_TOKEN');
  const sub = String(claims.sub);
  const scopes = claims.scopes.join('-');
  const exp = String(Math.floor(claims.exp));
  return `${sub}.${scopes}.${exp}.${mac(key, sub, scopes, exp, fp).toString('base64url')}`;
}

const VALUE = /^(\d{1,9}|bootstrap)\.([a-z]+(?:-[a-z]+)*)\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/;

/** The claims of a cookie value whose signature is right and which has not expired; else undefined. */
export function verifySession(value: string | undefined, key: Buffer, nowMs = Date.now()): SessionClaims | undefined {
  if (!value || value.length > 200) return undefined;
  const m = VALUE.exec(value);
  if (!m) return undefined;
  const [, sub, scopes, exp, sig] = m as unknown as [string, string, string, string, string];
  const claims: SessionClaims = { sub: sub === 'bootstrap' ? 'bootstrap' : Number(sub), scopes: [], exp: Number(exp) };
  const fp = fingerprint(claims.sub);
  if (fp === undefined) return undefined;
  // Compare the canonical text: base64url has spare bits, so two spellings could decode to the same bytes.
  const expected = Buffer.from(mac(key, sub, scopes, exp, fp).toString('base64url'));
  const given = Buffer.from(sig);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  const list = scopes.split('-');
  if (new Set(list).size !== list.length || !list.every((s) => (tokenScopes as readonly string[]).includes(s))) return undefined;
  claims.scopes = list as TokenScope[];
  if (claims.exp * 1000 <= nowMs) return undefined;
  return claims;
}

// --- cookies -------------------------------------------------------------------------------------

export function sessionHours(): number {
  return config().SHIPLOG_SESSION_HOURS;
}

/** `Secure` on the console's cookies: SHIPLOG_SESSION_SECURE, else on in production. */
export function secureCookies(): boolean {
  return config().SHIPLOG_SESSION_SECURE ?? nodeEnv() === 'production';
}

/** Opens a session for a principal that just proved a token: sets the cookie, returns the claims. */
export async function startSession(res: ServerResponse, principal: Principal, nowMs = Date.now()): Promise<SessionClaims> {
  const sub: SessionClaims['sub'] = principal.kind === 'bootstrap' ? 'bootstrap' : principal.tokenId!;
  if (principal.kind !== 'bootstrap' && principal.kind !== 'token') throw new Error(`no session for a ${principal.kind} principal`);
  const maxAge = Math.round(sessionHours() * 3600);
  const claims: SessionClaims = { sub, scopes: [...principal.scopes], exp: Math.floor(nowMs / 1000) + maxAge };
  const value = signSession(claims, await sessionKey());
  appendSetCookie(res, serializeCookie(SESSION_COOKIE, value, { maxAgeSeconds: maxAge, secure: secureCookies() }));
  return claims;
}

export function endSession(res: ServerResponse): void {
  appendSetCookie(res, serializeCookie(SESSION_COOKIE, '', { maxAgeSeconds: 0, secure: secureCookies() }));
}

export function hasSessionCookie(req: IncomingMessage): boolean {
  return cookieOf(req, SESSION_COOKIE) !== undefined;
}

const LAST_USED_GRANULARITY_MS = 60_000;

/**
 * The session the request's cookie carries, if it is valid: signed by us, not expired, and its token
 * not revoked. Does not look at where the request came from (see `authenticate` for that).
 */
export async function readSession(req: IncomingMessage, nowMs = Date.now()): Promise<Session | undefined> {
  const value = cookieOf(req, SESSION_COOKIE);
  if (!value) return undefined;
  const claims = verifySession(value, await sessionKey(), nowMs);
  if (!claims) return undefined;
  if (claims.sub === 'bootstrap') {
    return { claims, principal: { kind: 'bootstrap', tokenId: null, name: 'SHIPLOG_ADMIN_TOKEN', scopes: claims.scopes, via: 'session' } };
  }
  const db = await getDb();
  const [row] = await db.select().from(apiTokens).where(eq(apiTokens.id, claims.sub)).limit(1);
  if (!row) return undefined; // revoked
  const scopes = claims.scopes.filter((s) => row.scopes.includes(s));
  if (!scopes.length) return undefined;
  if (!row.lastUsedAt || nowMs - row.lastUsedAt.getTime() > LAST_USED_GRANULARITY_MS) {
    await db
      .update(apiTokens)
      .set({ lastUsedAt: new Date(nowMs) })
      .where(eq(apiTokens.id, row.id));
  }
  return { claims: { ...claims, scopes }, principal: { kind: 'token', tokenId: row.id, name: row.name, scopes, via: 'session' } };
}

/** A key for other console secrets (the flash cookie), derived from the session key. */
export async function subKey(info: string): Promise<Buffer> {
  return Buffer.from(hkdfSync('sha256', await sessionKey(), 'shiplog', `${info}-v1`, 32));
}
