import type { IncomingMessage, ServerResponse } from 'node:http';
import { RateLimiterDrizzle, RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { isVerifiedToken, tokenKey } from '../auth/verified-tokens';
import { config } from '../config';
import { getDb } from '../db';
import { rateLimits } from '../db/schema';
import { log } from '../log';
import { ApiError } from './errors';

/**
 * Per-client rate limits (per verified bearer token, else per client address), separately for reads and
 * writes, with the IETF draft headers `RateLimit-Policy` and `RateLimit`; 429 + Retry-After past them.
 * Counted where every instance counts (rate-limiter-flexible): in Redis when REDIS_URL is set, else
 * in PostgreSQL (table `rate_limits`) when DATABASE_URL is set, so two instances share one budget and
 * the headers say what is really left; in memory on the embedded database (one process). Should the
 * shared store fail, an in-memory limiter stands in until it answers again. Limits are per minute:
 * SHIPLOG_RATE_LIMIT_READ / SHIPLOG_RATE_LIMIT_WRITE (0 = off).
 */
interface Policy {
  name: 'read' | 'write';
  points: number;
  limiter: RateLimiterAbstract | undefined;
  /** Counts in memory while the shared store fails or is slow (also its insurance limiter). */
  fallback: RateLimiterAbstract | undefined;
}

/** Longest a request waits for the shared store before the in-memory stand-in counts it. */
const STORE_DEADLINE_MS = 1_000;

const WINDOW = 60;
type Store = 'memory' | 'postgres' | 'redis';
const g = globalThis as typeof globalThis & {
  __shiplogLimits?: { key: string; read: Policy; write: Policy };
  __shiplogLimitRedis?: { url: string; client: Promise<unknown> };
};

function store(): Store {
  const cfg = config();
  if (cfg.REDIS_URL) return 'redis';
  return cfg.DATABASE_URL ? 'postgres' : 'memory';
}

async function redisClient(url: string): Promise<unknown> {
  if (g.__shiplogLimitRedis?.url !== url) {
    // No offline queue: while Redis is away a request is counted by the in-memory stand-in at once
    // instead of waiting. The first connection is waited for (briefly), so counting starts in Redis.
    const client = import('ioredis').then(async ({ Redis }) => {
      const redis = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
      redis.on('error', (err: Error) => log().warn({ err: err.message }, 'rate-limit Redis connection failed'));
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 2_000);
        redis.once('ready', () => {
          clearTimeout(timer);
          resolve();
        });
      });
      return redis;
    });
    g.__shiplogLimitRedis = { url, client };
  }
  return g.__shiplogLimitRedis.client;
}

async function policies(): Promise<{ read: Policy; write: Policy }> {
  const { SHIPLOG_RATE_LIMIT_READ: read, SHIPLOG_RATE_LIMIT_WRITE: write } = config();
  const where = store();
  const key = `${read}/${write}/${where}/${config().DATABASE_URL ?? ''}`;
  if (!g.__shiplogLimits || g.__shiplogLimits.key !== key) {
    const db = where === 'postgres' ? await getDb() : undefined;
    const redis = where === 'redis' ? await redisClient(config().REDIS_URL!) : undefined;
    const make = (name: 'read' | 'write', points: number): Policy => {
      if (points <= 0) return { name, points, limiter: undefined, fallback: undefined };
      const opts = { keyPrefix: `shiplog:${name}`, points, duration: WINDOW };
      const insuranceLimiter = new RateLimiterMemory(opts);
      const limiter =
        where === 'redis'
          ? new RateLimiterRedis({ ...opts, storeClient: redis, insuranceLimiter })
          : where === 'postgres'
            ? new RateLimiterDrizzle({ ...opts, storeClient: db, schema: rateLimits, insuranceLimiter })
            : insuranceLimiter;
      return { name, points, limiter, fallback: insuranceLimiter };
    };
    if (!g.__shiplogLimits || g.__shiplogLimits.key !== key) g.__shiplogLimits = { key, read: make('read', read), write: make('write', write) };
  }
  return g.__shiplogLimits;
}

export function clientKey(req: IncomingMessage): string {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
  if (bearer) {
    const key = tokenKey(bearer);
    if (isVerifiedToken(key)) return `t:${key}`;
  }
  return `a:${clientAddress(req)}`;
}

/** The client's address: the socket's, or X-Forwarded-For's first behind a trusted proxy. */
export function clientAddress(req: IncomingMessage): string {
  const forwarded = config().SHIPLOG_TRUST_PROXY
    ? String(req.headers['x-forwarded-for'] ?? '')
        .split(',')[0]
        ?.trim()
    : '';
  return forwarded || req.socket?.remoteAddress || 'unknown';
}

function headers(res: ServerResponse, policy: Policy, state: RateLimiterRes): number {
  const reset = Math.max(1, Math.ceil(state.msBeforeNext / 1000));
  res.setHeader('RateLimit-Policy', `"${policy.name}";q=${policy.points};w=${WINDOW}`);
  res.setHeader('RateLimit', `"${policy.name}";r=${Math.max(0, state.remainingPoints)};t=${reset}`);
  return reset;
}

/**
 * A bearer token this instance has not seen authenticate, on an address whose anonymous budget is
 * spent: it may be a real token used here for the first time (another instance verified it, or it is
 * new). It is looked up once (the lookup authentication would make anyway); a valid one gets its own
 * budget from then on, an invented one stays charged to the address.
 */
async function verifiesNow(req: IncomingMessage): Promise<boolean> {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
  if (!bearer || isVerifiedToken(tokenKey(bearer))) return false;
  const { principalForSecret } = await import('../auth/tokens');
  return principalForSecret(bearer).then(
    () => isVerifiedToken(tokenKey(bearer)),
    () => false,
  );
}

export async function rateLimitHook(req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method === 'OPTIONS') return;
  const all = await policies();
  const policy = req.method === 'GET' || req.method === 'HEAD' ? all.read : all.write;
  const { limiter: shared, fallback } = policy;
  if (!shared || !fallback) return;
  // The store's own errors go to its insurance limiter; a store that hangs (a partition) is given up
  // on after STORE_DEADLINE_MS, so the request's own database deadline is all it waits for after that.
  const limiter = {
    consume: (key: string): Promise<RateLimiterRes> => {
      if (shared === fallback) return fallback.consume(key);
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), STORE_DEADLINE_MS)));
      const counted = shared.consume(key);
      counted.catch(() => {});
      return Promise.race([counted, late])
        .then(
          (r) => (r === 'late' ? fallback.consume(key) : r),
          (err: unknown) => (err instanceof RateLimiterRes ? Promise.reject(err) : fallback.consume(key)),
        )
        .finally(() => clearTimeout(timer));
    },
  };
  try {
    try {
      headers(res, policy, await limiter.consume(clientKey(req)));
    } catch (rejected) {
      if (!(rejected instanceof RateLimiterRes) || !(await verifiesNow(req))) throw rejected;
      headers(res, policy, await limiter.consume(clientKey(req)));
    }
  } catch (rejected) {
    if (!(rejected instanceof RateLimiterRes)) throw rejected;
    const retry = headers(res, policy, rejected);
    throw new ApiError(429, {
      detail: `Rate limit exceeded: ${policy.points} ${policy.name} requests per ${WINDOW} s. Retry in ${retry} s.`,
      headers: { 'Retry-After': String(retry) },
    });
  }
}
