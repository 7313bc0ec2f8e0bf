import type { NextApiRequest, NextApiResponse } from 'next';
import { VERSION } from './config';
import { currentEngine, pingDb } from './db';
import { ApiError } from './http/errors';
import { sendJson } from './http/route';
import { pagesReady } from './site/revalidator';

/** GET /api/health — 200 when the database answers, 503 problem+json (with Retry-After) when it does not. */
export async function getHealth(req: NextApiRequest, res: NextApiResponse): Promise<void> {
  try {
    await pingDb();
  } catch (err) {
    throw ApiError.unavailable(`The database cannot be reached: ${(err as Error).message}`);
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
