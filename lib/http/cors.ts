import type { IncomingMessage, ServerResponse } from 'node:http';
import cors, { type CorsOptions } from 'cors';
import { config } from '../config';

export const EXPOSED_HEADERS = [
  'Link',
  'X-Total-Count',
  'ETag',
  'API-Version',
  'Deprecation',
  'Sunset',
  'RateLimit',
  'RateLimit-Policy',
  'Retry-After',
  'X-Request-Id',
  'Location',
  'Idempotent-Replayed',
  'Preference-Applied',
  'Accept-Patch',
];
export const ALLOWED_HEADERS = [
  'Authorization',
  'Content-Type',
  'Accept',
  'If-Match',
  'If-None-Match',
  'Idempotency-Key',
  'API-Version',
  'Version',
  'X-Request-Id',
  'Prefer',
  'Last-Event-ID',
];
const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

function allowedOrigins(): string[] {
  return config().SHIPLOG_CORS_ORIGINS.map((o) => o.replace(/\/$/, ''));
}

function run(options: CorsOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  return new Promise((resolve, reject) => {
    cors(options)(req as never, res as never, (err?: unknown) => (err ? reject(err) : resolve()));
    // A preflight is answered (ended) by `cors` without calling next(): settle here, or the route never finishes.
    if (res.writableEnded) resolve();
  });
}

/**
 * CORS with the `cors` package: public reads from any origin (no credentials); writes, and
 * preflights for writes, only from SHIPLOG_CORS_ORIGINS. Preflights are answered here (204).
 */
export async function corsHook(req: IncomingMessage, res: ServerResponse, allow: readonly string[]): Promise<void> {
  if (!req.headers.origin) return;
  const requested = String(req.headers['access-control-request-method'] ?? req.method ?? 'GET').toUpperCase();
  const write = !READS.has(requested);
  const origins = allowedOrigins();
  await run(
    {
      origin: write ? (origins.includes('*') ? '*' : origins) : '*',
      methods: write ? [...allow] : ['GET', 'HEAD', 'OPTIONS'],
      allowedHeaders: ALLOWED_HEADERS,
      exposedHeaders: EXPOSED_HEADERS,
      credentials: false,
      maxAge: 600,
      optionsSuccessStatus: 204,
      preflightContinue: false,
    },
    req,
    res,
  );
}
