import type { NextApiRequest, NextApiResponse } from 'next';
import { eq, sql } from 'drizzle-orm';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { config } from '../config';
import { getDb, type Executor } from '../db';
import { siteState } from '../db/schema';
import { isApiError } from '../http/errors';
import { log } from '../log';

/**
 * Webhook deliveries refused before they were verified (a missing or wrong signature, no secret
 * configured) are stored nowhere else, so a wrong secret could not be diagnosed. This keeps the last
 * REFUSALS_KEPT of them in one `site_state` row (time, client address, reason, event, GUID, repository
 * when it was given; never the payload), shown on the console's deliveries page. Recording is rate
 * limited per instance (RECORDS_PER_MINUTE), so a flood of forged requests costs at most that many
 * small writes a minute; what the limit skipped is counted on the next record.
 */
export const REFUSALS_KEPT = 100;
const RECORDS_PER_MINUTE = 30;
const STATE_KEY = 'webhook.refusals';

export interface Refusal {
  at: string;
  address: string;
  reason: string;
  event: string | null;
  guid: string | null;
  /** Refusals the rate limit left out just before this one (on the instance that recorded it). */
  skippedBefore?: number;
}

const g = globalThis as typeof globalThis & { __shiplogRefusals?: { limiter: RateLimiterMemory; skipped: number } };
const state = () => (g.__shiplogRefusals ??= { limiter: new RateLimiterMemory({ points: RECORDS_PER_MINUTE, duration: 60 }), skipped: 0 });

const clip = (v: string | string[] | undefined, max: number) => {
  const s = Array.isArray(v) ? v[0] : v;
  return s ? s.replace(/[^\x20-\x7e]/g, '?').slice(0, max) : null;
};

function clientAddress(req: NextApiRequest): string {
  const forwarded = config().SHIPLOG_TRUST_PROXY
    ? clip(
        String(req.headers['x-forwarded-for'] ?? '')
          .split(',')[0]
          ?.trim(),
        64,
      )
    : null;
  return forwarded || req.socket?.remoteAddress || 'unknown';
}

/** Adds one refusal (newest first), keeping the last REFUSALS_KEPT. */
export async function appendRefusal(db: Executor, refusal: Refusal): Promise<void> {
  const entry = JSON.stringify(refusal);
  await db.execute(sql`
    insert into site_state (key, value) values (${STATE_KEY}, jsonb_build_array(${entry}::jsonb))
    on conflict (key) do update set
      value = (select coalesce(jsonb_agg(e order by n), '[]'::jsonb)
               from jsonb_array_elements(jsonb_build_array(${entry}::jsonb) || site_state.value) with ordinality as t(e, n)
               where n <= ${REFUSALS_KEPT}),
      updated_at = now()`);
}

/** The recorded refusals, newest first. */
export async function listRefusals(db: Executor): Promise<Refusal[]> {
  const [row] = await db.select({ value: siteState.value }).from(siteState).where(eq(siteState.key, STATE_KEY)).limit(1);
  return Array.isArray(row?.value) ? (row.value as Refusal[]) : [];
}

/** Records a refusal unless the rate limit says to skip it; never fails the response it accompanies. */
export async function recordRefusal(req: NextApiRequest, reason: string): Promise<void> {
  const s = state();
  try {
    await s.limiter.consume('all');
  } catch {
    s.skipped++;
    return;
  }
  const refusal: Refusal = {
    at: new Date().toISOString(),
    address: clientAddress(req),
    reason: reason.slice(0, 300),
    event: clip(req.headers['x-github-event'], 64),
    guid: clip(req.headers['x-github-delivery'], 100),
    ...(s.skipped ? { skippedBefore: s.skipped } : {}),
  };
  s.skipped = 0;
  try {
    await appendRefusal(await getDb(), refusal);
  } catch (err) {
    log().warn({ err: (err as Error).message }, 'could not record a refused webhook delivery');
  }
}

/** Wraps the webhook receiver: a 401 it answers (not verified) is recorded, then answered as before. */
export function withRefusalLog(handler: (req: NextApiRequest, res: NextApiResponse) => Promise<void>) {
  return async (req: NextApiRequest, res: NextApiResponse): Promise<void> => {
    try {
      await handler(req, res);
    } catch (err) {
      if (isApiError(err) && err.status === 401) await recordRefusal(req, err.detail ?? 'not verified');
      throw err;
    }
  };
}
