import type { NextApiRequest, NextApiResponse } from 'next';
import { hasBootstrapAdminToken } from './auth/tokens';
import { VERSION } from './config';
import { currentEngine, pingDb } from './db';
import { ApiError } from './http/errors';
import { log } from './log';
import { sendJson } from './http/route';
import { pagesReady } from './site/revalidation-cursor';

/**
 * GET /api/health — 200 when the database answers, 503 problem+json (with Retry-After) when it does
 * not; the reason only for SHIPLOG_ADMIN_TOKEN (the database cannot check other tokens while down).
 */
export async function getHealth(req: NextApiRequest, res: NextApiResponse): Promise<void> {
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
  res.setHeader('Cache-Control', 'no-store');
  sendJson(req, res, 200, {
    status: 'ok',
    database: 'up',
    engine: currentEngine(),
    version: VERSION,
    uptime: Math.round(process.uptime()),
    // `refreshing` until the start-up refresh of cached pages is done (then every page is current).
    pages: pagesReady() ? 'ready' : 'refreshing',
  });
}
