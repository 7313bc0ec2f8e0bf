import { z } from 'zod';
import { lastEventIdHeader, projectsQueryParam, queryParam } from '../api/parameters';
import { defineOperation } from '../http/operation';
import { getStream } from './sse';

const lastEventIdQuery = queryParam(
  'lastEventId',
  'lastEventId',
  z.string().regex(/^\d+$/),
  'Resume after this event id, like the `Last-Event-ID` header (which wins when both are sent): for a first connection that should not miss what happened since an earlier one.',
  { example: '1042' },
);

/**
 * GET /api/vN/stream: Server-Sent Events of public release changes. The handler writes the stream
 * itself (a long-lived response); the definition documents it, its 429 (too many open streams from one
 * address, or the rate limit) included.
 */
export const streamEvents = defineOperation({
  operationId: 'StreamEvents',
  method: 'GET',
  path: '/stream',
  versions: ['1', '2'],
  area: 'stream',
  summary: 'Live release events (Server-Sent Events)',
  description:
    'A `text/event-stream` that stays open: one event per change to a public release, as it commits (on any instance). Each event has an `id` (increasing), an `event` type — `release.published` (a release became public), `release.updated` (a public release changed), `release.deleted` (gone from public view: deleted, made a draft or hidden) — and `data`, a JSON [StreamEvent](#/components/schemas/StreamEvent): `{ project, tag, release }`, with the release as it was when the event happened (null for `release.deleted`). Drafts and hidden releases that were never public produce no event at all. An id always means the same event: a replay sends what was sent live. ' +
    'The stream starts with `retry: 3000`; a comment (`: heartbeat …`) every 15 seconds keeps proxies from closing it. `?project=owner/repo[,…]` keeps only those projects (one that does not exist is a 404 naming it). To resume, send `Last-Event-ID` (EventSource does on reconnect) or `?lastEventId=`: the events after it are sent first (at most 1000; after a longer absence, reload what you show instead). Public events only, so no token is needed. No ETag: every response is new.',
  scope: 'public',
  conditional: false,
  // The stream parses its own query (strictly) and reads Last-Event-ID leniently (anything but digits is ignored).
  query: z.object({ project: projectsQueryParam, lastEventId: lastEventIdQuery }),
  validateQuery: false,
  headers: z.object({ 'Last-Event-ID': lastEventIdHeader }),
  validateHeaders: false,
  responses: {
    200: {
      description: 'The event stream, until the client disconnects.',
      content: {
        'text/event-stream': z.string().meta({
          description: 'Server-Sent Events; every `data` is a StreamEvent.',
          example:
            'retry: 3000\n\nid: 1043\nevent: release.published\ndata: {"project":"acme/rocket","tag":"v2.3.0","release":{"tag":"v2.3.0","name":"Faster cold starts","publishedAt":"2026-11-01T12:00:00.000Z","prerelease":false,"html":"<ul><li>Cold starts are 40% faster</li></ul>","url":"https://github.com/acme/rocket/releases/tag/v2.3.0","path":"/acme/rocket/releases/v2.3.0","project":"acme/rocket","author":{"login":"octocat","avatarUrl":null,"url":null}}}\n\n: heartbeat 1793534415000\n\nid: 1044\nevent: release.deleted\ndata: {"project":"acme/rocket","tag":"v2.3.0-rc.1","release":null}\n\n',
        }),
      },
      inlineHeaders: {
        'Cache-Control': {
          description: '`no-cache, no-transform`: never stored, never compressed or buffered on the way.',
          schema: { type: 'string', enum: ['no-cache, no-transform'] },
        },
        'X-Accel-Buffering': { description: '`no`: tells nginx not to buffer the stream.', schema: { type: 'string', enum: ['no'] } },
      },
    },
  },
  // 404: a `project` that does not exist.
  errors: [404, 503],
}).handle(async ({ req, res }) => {
  await getStream(req, res);
  return { status: 200, sent: true };
});
