import { inArray } from 'drizzle-orm';
import { z } from 'zod';
import { getDb } from '../db';
import { projects } from '../db/schema';
import { Import, presentImport } from '../github/import-operations';
import { drainImports } from '../github/import-runner';
import { ApiError } from '../http/errors';
import { defineOperation } from '../http/operation';
import { refreshStaleNotes } from '../markdown/refresh';
import { refreshUnderived } from '../releases/derive';
import { catchUp, revalidatorOf } from '../site/revalidation-cursor';

/** Work per call: the pages of at most this many events, and at most this long on imports. */
const MAX_EVENTS = 5_000;
const REVALIDATE_MS = 25_000;
const IMPORTS_MS = 25_000;
/** Notes stored by an older renderer, rendered again per call: at most this many, this long. */
const NOTES_ROWS = 200;
const NOTES_MS = 10_000;

const CronDrainResult = z
  .object({
    revalidation: z
      .object({
        from: z.number().int().meta({ description: 'The regeneration cursor (an outbox event id) before this call.' }),
        to: z.number().int().meta({ description: 'The cursor after it: every event up to here has its pages regenerated.' }),
        head: z.number().int().meta({ description: 'The newest outbox event seen.' }),
        events: z.number().int().meta({ description: 'Events whose pages this call regenerated.' }),
        paths: z.number().int().meta({ description: 'Pages regenerated.' }),
        failed: z.array(z.object({ path: z.string(), error: z.string() })).meta({ description: 'Pages that could not be regenerated (retried on the next call).' }),
        busy: z.boolean().meta({ description: 'Another invocation held the cursor (it regenerates these events).' }),
        remaining: z.number().int().meta({ description: 'Events still waiting after this call: call again while it is above 0.' }),
      })
      .meta({ description: "Page regeneration: the outbox events after the durable cursor, within this call's budget." }),
    notes: z
      .object({
        rendered: z.number().int().meta({ description: 'Releases whose stored notes an older renderer made, rendered again and stored by this call (at most 200).' }),
        more: z.boolean().meta({ description: 'Whether such releases may remain: the next call goes on.' }),
      })
      .meta({ description: 'Release notes rendered again after the renderer changed (their pages are regenerated in the same call).' }),
    imports: z.array(Import).meta({ description: 'Imports this call moved on (unfinished ones nobody held).' }),
    ms: z.number().int().meta({ description: 'How long the call took.' }),
  })
  .meta({ id: 'CronDrainResult' });

/**
 * GET /api/cron/drain — finishes what invocations could not (Vercel Cron calls it on the schedule in
 * vercel.json; any scheduler can): regenerates the pages of outbox events after the durable cursor and
 * moves on imports nobody holds, and renders again notes an older renderer stored (their pages follow
 * in the same call), in bounded work per call. Answers what it did; `remaining` > 0 means
 * call again.
 */
export const cronDrain = defineOperation({
  operationId: 'drainCron',
  method: 'GET',
  path: '/api/cron/drain',
  area: 'Service',
  summary: 'Finish background work (cron)',
  description:
    'For a scheduler (Vercel Cron calls it on the schedule in `vercel.json`; any scheduler can): regenerates the pages of the outbox events after the durable cursor, then moves on imports nobody holds and renders again the release notes an older renderer stored (at most 200 releases or about 10 s, before the pages), in bounded work per call (at most 5,000 events; about 25 s on each). ' +
    'Answers what it did; `revalidation.remaining` above 0 means call again. Authenticated by `Authorization: Bearer $CRON_SECRET` (not an API token); while CRON_SECRET is unset every call is a 401. Never cached. Unversioned and not rate limited.',
  scope: 'cron',
  conditional: false,
  cacheControl: 'no-store',
  responses: { 200: { description: 'What this call did.', content: { 'application/json': CronDrainResult }, headers: ['Cache-Control'] } },
  errors: [503],
}).handle(async ({ res }) => {
  const fn = revalidatorOf(res);
  if (!fn) throw ApiError.unavailable('Pages cannot be regenerated outside the Next.js server.');
  const started = Date.now();
  const imported = await drainImports(Date.now() + IMPORTS_MS);
  const notes = await refreshStaleNotes({ maxRows: NOTES_ROWS, deadline: Date.now() + NOTES_MS });
  // Package, version and level of releases stored before they existed (reads that need them derive them anyway).
  await refreshUnderived({ maxProjects: 20, deadline: Date.now() + NOTES_MS });
  const pages = await catchUp(fn, { maxEvents: MAX_EVENTS, ms: REVALIDATE_MS });
  const names = new Map<number, { owner: string; repo: string }>();
  if (imported.length) {
    const ids = [...new Set(imported.map((r) => r.projectId))];
    for (const p of await (await getDb()).select({ id: projects.id, owner: projects.owner, repo: projects.repo }).from(projects).where(inArray(projects.id, ids)))
      names.set(p.id, p);
  }
  return {
    status: 200,
    body: {
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
      notes: { rendered: notes.refreshed, more: notes.more },
      imports: imported.map((r) => presentImport(r, names.get(r.projectId) ?? { owner: '?', repo: '?' })),
      ms: Date.now() - started,
    },
  };
});
