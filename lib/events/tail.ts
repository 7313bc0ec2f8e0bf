import { and, asc, eq, gt, inArray, isNull, sql } from 'drizzle-orm';
import { getDb } from '../db';
import { listenProven } from '../db/listen';
import { events, type EventRow } from '../db/schema';
import { findRelease, publicStreamEvent, type PublicStreamEvent } from '../releases/repo';
import { findProject } from '../projects/repo';
import { log } from '../log';
import { onCommittedEvent } from './bus';

/** What readers are told, under its outbox id: a release appeared, changed, or is gone (from their point of view). */
export type StreamEvent = PublicStreamEvent & { id: number };

type Subscriber = (e: StreamEvent) => void;

const RELEASE_EVENTS = ['release.published', 'release.updated', 'release.deleted', 'release.created'];

interface TailState {
  lastId: number | undefined;
  subscribers: Set<Subscriber>;
  running: Promise<void> | undefined;
  again: boolean;
  pumpedAt: number;
  poller?: NodeJS.Timeout;
  unsubscribe?: () => void;
}

/**
 * While someone is subscribed, the tail also reads the outbox on a timer: every 500 ms while LISTEN
 * is absent or unproven (a transaction pooler, a lost connection: other instances' events still
 * arrive), every 5 s as a safety net while it works. The timer lives only as long as a stream is open.
 */
const POLL_UNPROVEN_MS = 500;
const POLL_PROVEN_MS = 5_000;

const g = globalThis as typeof globalThis & { __shiplogTail?: TailState };

function state(): TailState {
  if (!g.__shiplogTail) {
    const s: TailState = { lastId: undefined, subscribers: new Set(), running: undefined, again: false, pumpedAt: 0 };
    s.unsubscribe = onCommittedEvent(() => void pump(s));
    g.__shiplogTail = s;
  }
  return g.__shiplogTail;
}

/**
 * Turns an outbox row into what anonymous readers are told (undefined: nothing). Rows carry it since it
 * was fixed when they were written. Older rows are read conservatively, once, and what they say is
 * stored then: the release as it is now when it is public, a deletion only when the release was public
 * until it was deleted, nothing otherwise.
 */
export async function toStreamEvent(row: EventRow): Promise<StreamEvent | undefined> {
  if (!RELEASE_EVENTS.includes(row.type)) return undefined;
  const stored = row.publicEvent as { event?: PublicStreamEvent | null } | null;
  const view = stored ? (stored.event ?? null) : await legacyView(row);
  return view ? { ...view, id: row.id } : undefined;
}

async function legacyView(row: EventRow): Promise<PublicStreamEvent | null> {
  const p = row.payload as { project?: string; tag?: string; public?: boolean };
  let view: PublicStreamEvent | null = null;
  if (p.project && p.tag) {
    const db = await getDb();
    if (row.type === 'release.deleted') {
      if (p.public === true) view = { type: 'release.deleted', project: p.project, tag: p.tag, release: null };
    } else if (row.type !== 'release.created') {
      const [owner, repo] = p.project.split('/') as [string, string];
      const project = await findProject(db, owner, repo);
      const current = project ? await findRelease(db, project.id, p.tag, { seeAll: false }) : undefined;
      if (current) view = publicStreamEvent(p.project, row.type === 'release.published' ? undefined : current, current);
    }
    try {
      await db
        .update(events)
        .set({ publicEvent: { event: view } })
        .where(and(eq(events.id, row.id), isNull(events.publicEvent)));
    } catch (err) {
      log().warn({ err: (err as Error).message, id: row.id }, 'could not store what an older outbox event tells the live stream');
    }
  }
  return view;
}

/**
 * Stream events after `afterId` and up to `untilId` (for Last-Event-ID), in order, one batch of outbox
 * rows at a time; `lastId` is the last outbox id read (undefined when there was nothing).
 */
export async function eventsAfter(afterId: number, limit = 1000, untilId = Number.MAX_SAFE_INTEGER): Promise<{ events: StreamEvent[]; lastId: number | undefined }> {
  const db = await getDb();
  const rows = await db
    .select()
    .from(events)
    .where(and(gt(events.id, afterId), sql`${events.id} <= ${untilId}`, inArray(events.type, RELEASE_EVENTS)))
    .orderBy(asc(events.id))
    .limit(limit);
  const out: StreamEvent[] = [];
  for (const row of rows) {
    const e = await toStreamEvent(row);
    if (e) out.push(e);
  }
  return { events: out, lastId: rows[rows.length - 1]?.id };
}

async function latestId(): Promise<number> {
  const db = await getDb();
  const [row] = await db.select({ max: sql<number | string | null>`max(${events.id})` }).from(events);
  return Number(row?.max ?? 0);
}

/** Reads everything new once and hands it to every subscriber; wake-ups during a read are coalesced. */
async function pump(s: TailState): Promise<void> {
  if (!s.subscribers.size) return;
  if (s.running) {
    s.again = true;
    return s.running;
  }
  s.running = (async () => {
    do {
      s.again = false;
      s.pumpedAt = Date.now();
      try {
        if (s.lastId === undefined) s.lastId = await latestId();
        const db = await getDb();
        const rows = await db.select().from(events).where(gt(events.id, s.lastId)).orderBy(asc(events.id)).limit(1000);
        for (const row of rows) {
          s.lastId = row.id;
          const e = await toStreamEvent(row);
          if (e) for (const sub of s.subscribers) sub(e);
        }
        if (rows.length === 1000) s.again = true;
      } catch (err) {
        log().warn({ err: (err as Error).message }, 'live stream could not read the outbox');
      }
    } while (s.again);
  })().finally(() => {
    s.running = undefined;
  });
  return s.running;
}

/**
 * Subscribes to events committed from now on. Resolves once the tail knows where "now" is, so a
 * caller that then replays `eventsAfter(lastEventId)` up to that point misses nothing.
 */
export async function subscribe(sub: Subscriber): Promise<{ unsubscribe: () => void; from: number }> {
  const s = state();
  // While nobody listens the tail does not read: a first subscriber starts from now.
  if (s.lastId === undefined || (!s.subscribers.size && !s.running)) s.lastId = await latestId();
  s.subscribers.add(sub);
  if (!s.poller) {
    s.poller = setInterval(() => {
      if (!s.subscribers.size) {
        clearInterval(s.poller);
        s.poller = undefined;
        return;
      }
      if (Date.now() - s.pumpedAt >= (listenProven() ? POLL_PROVEN_MS : POLL_UNPROVEN_MS)) void pump(s);
    }, 250);
    s.poller.unref();
  }
  const unsubscribe = () => {
    s.subscribers.delete(sub);
    // The last one out stops the timer at once (no timer outlives the streams it served).
    if (!s.subscribers.size && s.poller) {
      clearInterval(s.poller);
      s.poller = undefined;
    }
  };
  return { unsubscribe, from: s.lastId };
}
