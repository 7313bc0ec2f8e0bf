import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { eq } from 'drizzle-orm';
import { config } from '../config';
import { getDb } from '../db';
import { apiTokens, tokenScopes, type TokenScope } from '../db/schema';
import { ApiError } from '../http/errors';
import { crossSiteRefused, SAFE_METHODS, sameOriginVerdict } from './same-origin';
import type { Principal } from './principal';
import { hasSessionCookie, readSession } from './session';
import { tokenVerified } from './verified-tokens';

export type { Principal };

export const TOKEN_PREFIX = 'shp_';

export function hashToken(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** A new random token secret: `shp_` + 43 url-safe characters. Only its hash is stored. */
export function newTokenSecret(): string {
  return `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

export function sameSecret(a: string, b: string): boolean {
  // Compare digests: equal length always, so timingSafeEqual never throws and length does not leak.
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

export function bearerOf(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+([A-Za-z0-9._~+/=-]+)\s*$/i.exec(header);
  if (!match) {
    throw new ApiError(401, {
      detail: 'The Authorization header must be `Bearer <token>`.',
      errors: [{ header: 'Authorization', detail: 'expected the Bearer scheme' }],
      headers: { 'WWW-Authenticate': 'Bearer realm="shiplog", error="invalid_request"' },
    });
  }
  return match[1];
}

const LAST_USED_GRANULARITY_MS = 60_000;

/**
 * Who is calling: from the bearer token, else from the admin console's session cookie; undefined for
 * anonymous requests. 401 for a bearer token we do not know. A session cookie counts only on
 * same-origin requests: a cross-site read is anonymous, a cross-site write is a 403.
 */
export async function authenticate(req: IncomingMessage): Promise<Principal | undefined> {
  const secret = bearerOf(req);
  if (secret) return principalForSecret(secret);
  if (!hasSessionCookie(req)) return undefined;
  // Cross-site first: a cross-site read is anonymous whatever the cookie holds (no session lookup).
  const verdict = sameOriginVerdict(req);
  const safe = SAFE_METHODS.has((req.method ?? 'GET').toUpperCase());
  if (!verdict.ok && safe) return undefined;
  const session = await readSession(req);
  if (!session) return undefined;
  if (!verdict.ok) throw crossSiteRefused(verdict.reason);
  return session.principal;
}

/** The principal a token secret stands for; 401 for one we do not know. */
export async function principalForSecret(secret: string): Promise<Principal> {
  const admin = config().SHIPLOG_ADMIN_TOKEN;
  if (admin && sameSecret(secret, admin)) {
    tokenVerified(secret);
    return { kind: 'bootstrap', tokenId: null, name: 'SHIPLOG_ADMIN_TOKEN', scopes: tokenScopes };
  }
  const db = await getDb();
  const [row] = await db
    .select()
    .from(apiTokens)
    .where(eq(apiTokens.tokenHash, hashToken(secret)))
    .limit(1);
  if (!row) {
    throw new ApiError(401, {
      detail: 'The bearer token is not valid (unknown or revoked).',
      headers: { 'WWW-Authenticate': 'Bearer realm="shiplog", error="invalid_token"' },
    });
  }
  const now = Date.now();
  if (!row.lastUsedAt || now - row.lastUsedAt.getTime() > LAST_USED_GRANULARITY_MS) {
    await db
      .update(apiTokens)
      .set({ lastUsedAt: new Date(now) })
      .where(eq(apiTokens.id, row.id));
  }
  const scopes = row.scopes.filter((s): s is TokenScope => (tokenScopes as readonly string[]).includes(s));
  tokenVerified(secret);
  return { kind: 'token', tokenId: row.id, name: row.name, scopes };
}

/**
 * Whether the request carries SHIPLOG_ADMIN_TOKEN: decided without
 * the database, so it still works while the database is down (health details for operators).
 */
export function hasBootstrapAdminToken(req: IncomingMessage): boolean {
  let secret: string | undefined;
  try {
    secret = bearerOf(req);
  } catch {
    return false;
  }
  if (!secret) return false;
  const admin = config().SHIPLOG_ADMIN_TOKEN;
  return !!admin && sameSecret(secret, admin);
}

/** 401 (with WWW-Authenticate) without a token, 403 when the token lacks the scope. */
export async function requireScope(req: IncomingMessage, scope: TokenScope): Promise<Principal> {
  const principal = await authenticate(req);
  if (!principal) {
    throw new ApiError(401, {
      detail: `This request needs a bearer token with the \`${scope}\` scope.`,
      headers: { 'WWW-Authenticate': `Bearer realm="shiplog", scope="${scope}"` },
    });
  }
  if (!hasScope(principal, scope)) {
    throw new ApiError(403, {
      detail: `The token "${principal.name}" lacks the \`${scope}\` scope (it has: ${principal.scopes.join(', ') || 'none'}).`,
      headers: { 'WWW-Authenticate': `Bearer realm="shiplog", error="insufficient_scope", scope="${scope}"` },
    });
  }
  return principal;
}

/** admin implies write implies read. */
export function hasScope(principal: Principal | undefined, scope: TokenScope): boolean {
  if (!principal) return false;
  const rank = (s: TokenScope) => tokenScopes.indexOf(s);
  return principal.scopes.some((s) => rank(s) >= rank(scope));
}
