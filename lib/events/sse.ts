import type { NextApiRequest, NextApiResponse } from 'next';
import { z } from 'zod';
import { config } from '../config';
import { ApiError } from '../http/errors';
import { clientAddress } from '../http/rate-limit';
import { parseQuery } from '../http/validate';
import { onVercel } from '../http/vercel';
import { getDb } from '../db';
import { findProjectRow } from '../projects/repo';
import { eventsAfter, subscribe, type StreamEvent } from './tail';

const Query = z.strictObject({
  project: z
    .string()
    .regex(/^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+(,[A-Za-z0-9-]+\/[A-Za-z0-9._-]+)*$/, { error: 'must be owner/repo (comma-separated for several)' })
    .optional(),
  lastEventId: z.string().regex(/^\d+$/).optional(),
});

const maxPerClient = () => config().SHIPLOG_STREAMS_PER_CLIENT;
const RETRY_AFTER_S = 30;

const g = globalThis as typeof globalThis & { __shiplogStreams?: Map<string, number> };
const open = (g.__shiplogStreams ??= new Map<string, number>());

/** Takes one of the address's stream slots (429 when it holds them all); the returned function gives it back, once. */
function takeSlot(address: string): () => void {
  const held = open.get(address) ?? 0;
  if (held >= maxPerClient()) {
    throw new ApiError(429, {
      type: 'too-many-streams',
      detail: `This client address already holds ${held} open streams, the most it may hold at once. Close one (one stream can follow several projects: ?project=a/b,c/d), or retry after ${RETRY_AFTER_S} seconds.`,
      headers: { 'Retry-After': String(RETRY_AFTER_S) },
    });
  }
  open.set(address, held + 1);
  let given = false;
  return () => {
    if (given) return;
    given = true;
    const left = (open.get(address) ?? 1) - 1;
    if (left > 0) open.set(address, left);
    else open.delete(address);
  };
}

/** The stream route's `maxDuration` (pages/api/[version]/stream.ts states the same number). */
export const STREAM_MAX_DURATION_SECONDS = 300;

/**
 * How long one stream response lasts before it ends itself, cleanly, for the client to resume with
 * Last-Event-ID (EventSource does so after `retry`): SHIPLOG_STREAM_MAX_SECONDS; else on Vercel 15 s
 * short of the route's maxDuration, where the platform would cut it; else unlimited.
 */
function lifetimeMs(): number | undefined {
  const set = config().SHIPLOG_STREAM_MAX_SECONDS;
  if (set) return set * 1000;
  return onVercel() ? (STREAM_MAX_DURATION_SECONDS - 15) * 1000 : undefined;
}

function frame(e: StreamEvent): string {
  const data = { project: e.project, tag: e.tag, ...(e.previousTag ? { previousTag: e.previousTag } : {}), release: e.release };
  return `id: ${e.id}\nevent: ${e.type}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * GET /api/v1/stream — Server-Sent Events: release.published, release.updated, release.deleted, ids
 * from the outbox. `Last-Event-ID` (or ?lastEventId=) resumes with nothing lost; a heartbeat comment
 * every 15 s; `no-transform` keeps `next start` from gzip-buffering it. Events from other instances
 * arrive through Postgres LISTEN/NOTIFY. At most SHIPLOG_STREAMS_PER_CLIENT (20) open streams per
 * client address and instance; one more is a 429 with Retry-After.
 */
async function requireProjects(names: string[]): Promise<void> {
  const db = await getDb();
  const missing: string[] = [];
  for (const name of names) {
    const [owner, repo] = name.split('/') as [string, string];
    if (!(await findProjectRow(db, owner, repo))) missing.push(name);
  }
  if (missing.length) {
    throw new ApiError(404, {
      detail: `There is no project ${missing.join(', ')}.`,
      errors: missing.map((name) => ({ parameter: 'project', detail: `names no project: ${name}` })),
    });
  }
}

export async function getStream(req: NextApiRequest, res: NextApiResponse): Promise<void> {
  const q = parseQuery(req, Query);
  const projects = q.project ? new Set(q.project.toLowerCase().split(',')) : undefined;
  // A stream of a project that does not exist would stay silent forever: 404 naming it, as documented.
  if (projects) await requireProjects([...projects]);
  const header = req.headers['last-event-id'];
  const lastEventId = Number((typeof header === 'string' && /^\d+$/.test(header) ? header : undefined) ?? q.lastEventId ?? NaN);
  const wanted = (e: StreamEvent) => !projects || projects.has(e.project.toLowerCase());

  // Subscribe first (buffering), then replay what the client missed up to that point: no gap, no repeat.
  const pending: StreamEvent[] = [];
  let live = false;
  const send = (e: StreamEvent) => {
    if (!wanted(e)) return;
    if (!live) pending.push(e);
    else res.write(frame(e));
  };
  const giveBack = req.method === 'HEAD' ? () => {} : takeSlot(clientAddress(req));
  // Subscribe before anything is sent: once the client sees the stream open, no event can fall in a gap.
  let subscription: Awaited<ReturnType<typeof subscribe>>;
  try {
    subscription = await subscribe(send);
  } catch (err) {
    giveBack();
    throw err;
  }
  const { unsubscribe, from } = subscription;
  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache, no-transform',
    Connection: 'keep-alive',
    'X-Accel-Buffering': 'no',
  });
  if (req.method === 'HEAD') {
    unsubscribe();
    res.end();
    return;
  }
  res.write('retry: 3000\n\n');

  const heartbeat = setInterval(() => res.write(`: heartbeat ${Date.now()}\n\n`), config().SHIPLOG_SSE_HEARTBEAT_MS);
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    clearTimeout(ending);
    unsubscribe();
    giveBack();
  };
  const lifetime = lifetimeMs();
  const ending = lifetime
    ? setTimeout(() => {
        close();
        res.end(': this stream ends here; resume with Last-Event-ID\n\n');
      }, lifetime)
    : undefined;
  req.on('close', close);
  res.on('close', close);
  res.on('error', close);
  if (res.destroyed) close();
  try {
    // Everything the client missed up to the subscription point, in batches (however much it is).
    let after = Number.isFinite(lastEventId) ? lastEventId : from;
    while (after < from && !res.destroyed && !res.writableEnded) {
      const batch = await eventsAfter(after, 1000, from);
      if (res.writableEnded) break; // its lifetime ran out meanwhile: the client resumes from what it got
      for (const e of batch.events) if (wanted(e)) res.write(frame(e));
      if (batch.lastId === undefined) break;
      after = batch.lastId;
    }
  } finally {
    if (!res.writableEnded) for (const e of pending) if (e.id > from) res.write(frame(e));
    pending.length = 0;
    live = true;
  }
}
