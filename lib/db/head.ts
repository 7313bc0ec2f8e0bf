import { sql } from 'drizzle-orm';
import { dispatchCommitted } from '../events/bus';
import { currentEngine, getDb, rows } from './index';

/**
 * Bounded staleness for everything a process keeps in memory (the response cache, totals, the live
 * stream's position), whatever happened to LISTEN: the outbox head (one row, one number, bumped by
 * every committed write of every instance) is read at most about once a second, shared by every
 * request, and a head that moved is announced on the event bus like a notification would be.
 *
 * - checked less than SOFT_MS ago: nothing to do (hot reads make no database round trip);
 * - SOFT_MS to BOUND_MS ago: a check starts in the background, the caller goes on;
 * - BOUND_MS or more: the caller waits for the (shared) check.
 * A check's time is when it was sent, so what passes it reflects the database no more than BOUND_MS
 * ago. The embedded database has one process: its writes reach the bus directly, no check is needed.
 */
export const BOUND_MS = 1_000;
const SOFT_MS = 500;

interface HeadState {
  known: number | undefined;
  checkedAt: number;
  inflight: Promise<void> | undefined;
}

const g = globalThis as typeof globalThis & { __shiplogHead?: HeadState };
const state = (): HeadState => (g.__shiplogHead ??= { known: undefined, checkedAt: 0, inflight: undefined });

async function check(s: HeadState): Promise<void> {
  const sentAt = Date.now();
  try {
    const db = await getDb();
    const [row] = await rows<{ last_id: number | string }>(db, sql`select last_id from outbox_head where id = 1`);
    const head = Number(row?.last_id ?? 0);
    if (s.known !== head) {
      s.known = head;
      dispatchCommitted(undefined);
    }
    s.checkedAt = Math.max(s.checkedAt, sentAt);
  } finally {
    s.inflight = undefined;
  }
}

/**
 * Makes sure changes committed (by any instance) more than ~1 s ago have been announced in this
 * process. Returns undefined when nothing needs waiting for (the common case: no `await`, no query),
 * else the shared check to wait for.
 */
export function outboxHeadFresh(): Promise<void> | undefined {
  if (currentEngine() !== 'postgres') return undefined;
  const s = state();
  const age = Date.now() - s.checkedAt;
  if (age < SOFT_MS) return undefined;
  const pending = (s.inflight ??= check(s));
  if (age < BOUND_MS) {
    pending.catch(() => {});
    return undefined;
  }
  return pending;
}

/** The outbox head as last read (for tests and health); undefined before the first check. */
export function knownOutboxHead(): number | undefined {
  return state().known;
}
