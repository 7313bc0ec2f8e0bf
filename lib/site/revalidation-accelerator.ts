import { asc, gt, sql } from 'drizzle-orm';
import { getDb } from '../db';
import { events } from '../db/schema';
import { onCommittedEvent } from '../events/bus';
import { log } from '../log';
import { catchUpSettled, currentRevalidator, pathsFor, revalidatePaths, setRevalidatedListener } from './revalidation-cursor';

/**
 * An accelerator for long-lived servers (never started in serverless mode; correctness does not
 * depend on it): regenerates this process's cached pages for events committed by any instance (fed by
 * LISTEN/NOTIFY), from a cursor in this process's memory. With several instances that keep their own
 * page caches, this is what refreshes the pages of the instances that did not take the write. Events
 * this process already regenerated through the durable cursor (lib/site/revalidation-cursor.ts) are skipped.
 */
const BATCH = 500;
const RETRY_MS = 30_000;
/** A local write's own catch-up starts right after its response: let it go first (it moves this cursor too). */
const SETTLE_MS = 300;

interface State {
  cursor: number;
  running: Promise<void> | undefined;
  again: boolean;
  timer?: NodeJS.Timeout;
}

const g = globalThis as typeof globalThis & { __shiplogRevalidator?: State };

async function drain(s: State): Promise<void> {
  const fn = currentRevalidator();
  if (!fn) return; // no request yet: nothing of this process is cached but the build's pages
  await new Promise((r) => setTimeout(r, SETTLE_MS).unref());
  await catchUpSettled();
  const db = await getDb();
  for (;;) {
    const rows = await db.select().from(events).where(gt(events.id, s.cursor)).orderBy(asc(events.id)).limit(BATCH);
    if (!rows.length) return;
    const paths = await pathsFor(rows);
    const result = await revalidatePaths(fn, paths);
    if (result.failed.length) {
      log().warn({ failed: result.failed }, 'page revalidation failed; retrying later');
      s.timer ??= setTimeout(() => {
        s.timer = undefined;
        wake(s);
      }, RETRY_MS).unref();
      return;
    }
    s.cursor = Math.max(s.cursor, rows[rows.length - 1]!.id);
  }
}

function wake(s: State): void {
  if (s.running) {
    s.again = true;
    return;
  }
  s.running = (async () => {
    do {
      s.again = false;
      try {
        await drain(s);
      } catch (err) {
        log().warn({ err: (err as Error).message }, 'page revalidator failed; retrying on the next event');
      }
    } while (s.again);
  })().finally(() => {
    s.running = undefined;
  });
}

/** Starts the accelerator in a long-lived server process, from the outbox head. */
export async function startRevalidator(): Promise<void> {
  if (g.__shiplogRevalidator) return;
  const db = await getDb();
  const [max] = await db.select({ id: sql<number | string | null>`max(${events.id})` }).from(events);
  const s: State = { cursor: Number(max?.id ?? 0), running: undefined, again: false };
  g.__shiplogRevalidator = s;
  // The durable catch-up regenerated (from, to] here: the local cursor may skip it if it had reached `from`.
  setRevalidatedListener((from, to) => {
    if (s.cursor >= from) s.cursor = Math.max(s.cursor, to);
  });
  onCommittedEvent(() => wake(s));
}
