import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LRUCache } from 'lru-cache';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { config } from '../config';
import { ApiError } from './errors';

/**
 * Per-client rate limits (per verified bearer token, else per client address), separately for reads and
 * writes, with the IETF draft headers `RateLimit-Policy` and `RateLimit`; 429 + Retry-After past them.
 * Per instance (in memory). Limits are per minute: SHIPLOG_RATE_LIMIT_READ / SHIPLOG_RATE_LIMIT_WRITE (0 = off).
 */
interface Policy {
  name: 'read' | 'write';
  points: number;
  limiter: RateLimiterMemory | undefined;
}

const WINDOW = 60;
const g = globalThis as typeof globalThis & { __shiplogLimits?: { key: string; read: Policy; write: Policy }; __shiplogVerifiedTokens?: LRUCache<string, true> };

function policies(): { read: Policy; write: Policy } {
  const { SHIPLOG_RATE_LIMIT_READ: read, SHIPLOG_RATE_LIMIT_WRITE: write } = config();
  const key = `${read}/${write}`;
  if (!g.__shiplogLimits || g.__shiplogLimits.key !== key) {
    const make = (name: 'read' | 'write', points: number): Policy => ({
      name,
      points,
      limiter: points > 0 ? new RateLimiterMemory({ keyPrefix: name, points, duration: WINDOW }) : undefined,
    });
    g.__shiplogLimits = { key, read: make('read', read), write: make('write', write) };
  }
  return g.__shiplogLimits;
}

const tokenKey = (secret: string) => createHash('sha256').update(secret).digest('hex').slice(0, 24);

/**
 * Tokens that authenticated on this instance get a bucket of their own. Any other bearer token shares
 * one bucket per client address (`u:`), apart from anonymous requests: inventing a token per request
 * (each a 401 and a database lookup) cannot escape the limit, and a new valid token is not charged to
 * its address's anonymous traffic.
 */
function verifiedTokens(): LRUCache<string, true> {
  g.__shiplogVerifiedTokens ??= new LRUCache<string, true>({ max: 10_000 });
  return g.__shiplogVerifiedTokens;
}

/** Called by authentication when a bearer token is valid. */
export function tokenVerified(secret: string): void {
  verifiedTokens().set(tokenKey(secret), true);
}

export function clientKey(req: IncomingMessage): string {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
  if (bearer) {
    const key = tokenKey(bearer);
    if (verifiedTokens().has(key)) return `t:${key}`;
  }
  return `${bearer ? 'u' : 'a'}:${clientAddress(req)}`;
}

/** The client's address: the socket's, or X-Forwarded-For's first behind a trusted proxy. */
export function clientAddress(req: IncomingMessage): string {
  const forwarded = config().SHIPLOG_TRUST_PROXY ? String(req.headers['x-forwarded-for'] ?? '').split(',')[0]?.trim() : '';
  return forwarded || req.socket?.remoteAddress || 'unknown';
}

function headers(res: ServerResponse, policy: Policy, state: RateLimiterRes): number {
  const reset = Math.max(1, Math.ceil(state.msBeforeNext / 1000));
  res.setHeader('RateLimit-Policy', `"${policy.name}";q=${policy.points};w=${WINDOW}`);
  res.setHeader('RateLimit', `"${policy.name}";r=${Math.max(0, state.remainingPoints)};t=${reset}`);
  return reset;
}

export async function rateLimitHook(req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method === 'OPTIONS') return;
  const all = policies();
  const policy = req.method === 'GET' || req.method === 'HEAD' ? all.read : all.write;
  if (!policy.limiter) return;
  try {
    headers(res, policy, await policy.limiter.consume(clientKey(req)));
  } catch (rejected) {
    if (!(rejected instanceof RateLimiterRes)) throw rejected;
    const retry = headers(res, policy, rejected);
    throw new ApiError(429, {
      detail: `Rate limit exceeded: ${policy.points} ${policy.name} requests per ${WINDOW} s. Retry in ${retry} s.`,
      headers: { 'Retry-After': String(retry) },
    });
  }
}
