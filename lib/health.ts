import { z } from 'zod';
import { hasBootstrapAdminToken } from './auth/tokens';
import { VERSION } from './config';
import { currentEngine, pingDb } from './db';
import { ApiError } from './http/errors';
import { defineOperation } from './http/operation';
import { log } from './log';
import { pagesReady } from './site/revalidation-cursor';

export const Health = z
  .object({
    status: z.literal('ok'),
    database: z.literal('up'),
    engine: z.enum(['pglite', 'postgres']),
    version: z.string().meta({ example: '0.1.0' }),
    uptime: z.number().int().meta({ description: 'Seconds since the server process started.', example: 3600 }),
    pages: z.enum(['ready', 'refreshing']).meta({
      description: '`refreshing` while the start-up refresh of the pages the build rendered without data is under way; `ready` once every page is current.',
    }),
  })
  .meta({ id: 'Health' });

/**
 * GET /api/health — 200 when the database answers, 503 problem+json (with Retry-After) when it does
 * not; the reason only for SHIPLOG_ADMIN_TOKEN (the database cannot check other tokens while down).
 */
export const getHealth = defineOperation({
  operationId: 'getHealth',
  method: 'GET',
  path: '/api/health',
  area: 'Service',
  summary: 'Health check',
  description: 'Whether the server and its database answer. Never cached. Unversioned.',
  scope: 'public',
  conditional: false,
  cacheControl: 'no-store',
  responses: { 200: { description: 'Healthy.', content: { 'application/json': Health }, headers: ['Cache-Control'] } },
  errors: [503],
}).handle(async ({ req }) => {
  try {
    await pingDb();
  } catch (err) {
    // What failed (a data path, a pid, a host or database name) is for operators: the log, and callers
    // holding SHIPLOG_ADMIN_TOKEN. Anonymous callers learn only that the database is unavailable.
    const reason = err instanceof Error ? err.message : String(err);
    log().warn({ err: reason }, 'health check: database unavailable');
    const detailed = hasBootstrapAdminToken(req);
    throw new ApiError(503, {
      detail: 'The database cannot be reached; try again shortly.',
      headers: { 'Retry-After': '5' },
      extensions: { database: 'down', ...(detailed ? { reason } : {}) },
    });
  }
  return {
    status: 200,
    body: {
      status: 'ok',
      database: 'up',
      engine: currentEngine(),
      version: VERSION,
      uptime: Math.round(process.uptime()),
      // `refreshing` until the start-up refresh of cached pages is done (then every page is current).
      pages: pagesReady() ? 'ready' : 'refreshing',
    },
  };
});
