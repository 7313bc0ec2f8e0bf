import type { NextApiRequest, NextApiResponse } from 'next';
import { bearerOf, sameSecret } from '../auth/tokens';
import { config } from '../config';
import { presentImport } from '../github/import-handlers';
import { drainImports } from '../github/import-runner';
import { ApiError } from '../http/errors';
import { sendJson } from '../http/route';
import { catchUp, revalidatorOf } from '../site/revalidation-cursor';
import { getDb } from '../db';
import { projects } from '../db/schema';
import { inArray } from 'drizzle-orm';

/** Work per call: the pages of at most this many events, and at most this long on imports. */
const MAX_EVENTS = 5_000;
const REVALIDATE_MS = 25_000;
const IMPORTS_MS = 25_000;

function authorize(req: NextApiRequest): void {
  const expected = config().CRON_SECRET;
  let given: string | undefined;
  try {
    given = bearerOf(req);
  } catch {
    given = undefined; // another scheme (Basic …)
  }
  const challenge = { 'WWW-Authenticate': 'Bearer realm="shiplog-cron"' };
  if (!expected) {
    throw new ApiError(401, { detail: 'The cron drain is off: set CRON_SECRET (at least 16 characters) and send `Authorization: Bearer $CRON_SECRET`.', headers: challenge });
  }
  if (!given) throw new ApiError(401, { detail: 'Send `Authorization: Bearer $CRON_SECRET`.', headers: challenge });
  if (!sameSecret(given, expected)) throw new ApiError(401, { detail: 'The bearer secret is not CRON_SECRET.', headers: { 'WWW-Authenticate': 'Bearer realm="shiplog-cron", error="invalid_token"' } });
}

/**
 * GET /api/cron/drain — finishes what invocations could not (Vercel Cron calls it on the schedule in
 * vercel.json; any scheduler can): regenerates the pages of outbox events after the durable cursor and
 * moves on imports nobody holds, in bounded work per call. Answers what it did; `remaining` > 0 means
 * call again.
 */
export async function getCronDrain(req: NextApiRequest, res: NextApiResponse): Promise<void> {
  authorize(req);
  const fn = revalidatorOf(res);
  if (!fn) throw ApiError.unavailable('Pages cannot be regenerated outside the Next.js server.');
  const started = Date.now();
  const imported = await drainImports(Date.now() + IMPORTS_MS);
  const pages = await catchUp(fn, { maxEvents: MAX_EVENTS, ms: REVALIDATE_MS });
  const names = new Map<number, { owner: string; repo: string }>();
  if (imported.length) {
    const ids = [...new Set(imported.map((r) => r.projectId))];
    for (const p of await (await getDb()).select({ id: projects.id, owner: projects.owner, repo: projects.repo }).from(projects).where(inArray(projects.id, ids))) names.set(p.id, p);
  }
  res.setHeader('Cache-Control', 'no-store');
  sendJson(req, res, 200, {
    revalidation: {
      from: pages.from,
      to: pages.to,
      head: pages.head,
      events: pages.events,
      paths: pages.paths,
      failed: pages.failed,
      busy: pages.busy,
      remaining: Math.max(0, pages.head - pages.to),
    },
    imports: imported.map((r) => presentImport(r, names.get(r.projectId) ?? { owner: '?', repo: '?' })),
    ms: Date.now() - started,
  });
}
