import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { ApiError } from './errors';

/**
 * Per-client rate limits (per bearer token, else per client address), separately for reads and
 * writes, with the IETF draft headers `RateLimit-Policy` and `RateLimit`; 429 + Retry-After past them.
 * Per instance (in memory). Limits are per minute: SHIPLOG_RATE_LIMIT_READ / SHIPLOG_RATE_LIMIT_WRITE (0 = off).
 */
interface Policy {
  name: 'read' | 'write';
  points: number;
  limiter: RateLimiterMemory | undefined;
}

const WINDOW = 60;
const g = globalThis as typeof globalThis & { __shiplogLimits?: { key: string; read: Policy; write: Policy } };

function policies(): { read: Policy; write: Policy } {
  const read = Number(process.env.SHIPLOG_RATE_LIMIT_READ ?? 3000);
  const write = Number(process.env.SHIPLOG_RATE_LIMIT_WRITE ?? 600);
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

export function clientKey(req: IncomingMessage): string {
  const auth = req.headers.authorization;
  if (auth) return `t:${createHash('sha256').update(auth).digest('hex').slice(0, 24)}`;
  const forwarded = process.env.SHIPLOG_TRUST_PROXY === '1' ? String(req.headers['x-forwarded-for'] ?? '').split(',')[0]?.trim() : '';
  return `a:${forwarded || req.socket?.remoteAddress || 'unknown'}`;
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
