import type { NextApiRequest, NextApiResponse } from 'next';
import { z } from 'zod';
import { config } from '../config';
import { parseQuery } from '../http/validate';
import { eventsAfter, subscribe, type StreamEvent } from './tail';

const Query = z.strictObject({
  project: z
    .string()
    .regex(/^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+(,[A-Za-z0-9-]+\/[A-Za-z0-9._-]+)*$/, { error: 'must be owner/repo (comma-separated for several)' })
    .optional(),
  lastEventId: z.string().regex(/^\d+$/).optional(),
});


function frame(e: StreamEvent): string {
  const data = { project: e.project, tag: e.tag, ...(e.previousTag ? { previousTag: e.previousTag } : {}), release: e.release };
  return `id: ${e.id}\nevent: ${e.type}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * GET /api/v1/stream — Server-Sent Events: release.published, release.updated, release.deleted, ids
 * from the outbox. `Last-Event-ID` (or ?lastEventId=) resumes with nothing lost; a heartbeat comment
 * every 15 s; `no-transform` keeps `next start` from gzip-buffering it. Events from other instances
 * arrive through Postgres LISTEN/NOTIFY.
 */
export async function getStream(req: NextApiRequest, res: NextApiResponse): Promise<void> {
  const q = parseQuery(req, Query);
  const projects = q.project ? new Set(q.project.toLowerCase().split(',')) : undefined;
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
  // Subscribe before anything is sent: once the client sees the stream open, no event can fall in a gap.
  const { unsubscribe, from } = await subscribe(send);
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
  const close = () => {
    clearInterval(heartbeat);
    unsubscribe();
  };
  req.on('close', close);
  res.on('error', close);
  try {
    // Everything the client missed up to the subscription point, in batches (however much it is).
    let after = Number.isFinite(lastEventId) ? lastEventId : from;
    while (after < from && !res.destroyed) {
      const batch = await eventsAfter(after, 1000, from);
      for (const e of batch.events) if (wanted(e)) res.write(frame(e));
      if (batch.lastId === undefined) break;
      after = batch.lastId;
    }
  } finally {
    for (const e of pending) if (e.id > from) res.write(frame(e));
    pending.length = 0;
    live = true;
  }
}
