import { and, asc, eq, lt, sql } from 'drizzle-orm';
import { getDb } from '../db';
import { emit } from '../db/outbox';
import { projects, releases } from '../db/schema';
import { write } from '../db/write';
import { log } from '../log';
import { publicStreamEvent, type ReleaseRecord } from '../releases/repo';
import { isPublicRelease } from '../releases/visibility';
import { MARKDOWN_RENDERER_VERSION, renderContextOf, renderStoredMarkdown } from './index';

/**
 * Notes stored by an older renderer (releases.body_html_renderer below MARKDOWN_RENDERER_VERSION) are
 * rendered again and stored, a bounded batch at a time, by whatever calls this: the cron drain
 * (GET /api/cron/drain) on every call, and a long-lived server after it starts (startRefreshingNotes).
 * Reads never wait for it: until its turn, a release shows the HTML it had.
 *
 * Each batch renders before its transaction (on the worker pool), then stores every row that has not
 * changed since it was read (same version and body: a write in between rendered it anew), bumping the
 * row's version (its representation changed: ETags change) and emitting `release.updated`, so its
 * pages are regenerated and live readers get the new notes like after any edit.
 */
export interface RefreshResult {
  /** Rows rendered again and stored. */
  refreshed: number;
  /** Whether stale rows may remain (call again). */
  more: boolean;
}

/** Rows per batch: one transaction each, the renders before it. */
const BATCH = 25;

export async function refreshStaleNotes(options: { maxRows?: number; deadline?: number } = {}): Promise<RefreshResult> {
  const maxRows = options.maxRows ?? 200;
  const deadline = options.deadline ?? Number.POSITIVE_INFINITY;
  const db = await getDb();
  let refreshed = 0;
  let afterId = 0;
  let seen = 0;
  while (seen < maxRows && Date.now() < deadline) {
    const stale = await db
      .select({ id: releases.id, body: releases.body, version: releases.version, owner: projects.owner, repo: projects.repo, projectName: projects.name })
      .from(releases)
      .innerJoin(projects, eq(projects.id, releases.projectId))
      .where(and(lt(releases.bodyHtmlRenderer, MARKDOWN_RENDERER_VERSION), sql`${releases.id} > ${afterId}`))
      .orderBy(asc(releases.id))
      .limit(Math.min(BATCH, maxRows - seen));
    if (stale.length === 0) return { refreshed, more: false };
    seen += stale.length;
    afterId = stale[stale.length - 1]!.id;
    const rendered = await Promise.all(stale.map(async (r) => ({ ...r, html: await renderStoredMarkdown(r.body, renderContextOf(r)) })));
    refreshed += await write(async (tx) => {
      let stored = 0;
      for (const r of rendered) {
        const [row] = await tx
          .update(releases)
          .set({ bodyHtml: r.html, bodyHtmlRenderer: MARKDOWN_RENDERER_VERSION, version: sql`${releases.version} + 1` })
          .where(and(eq(releases.id, r.id), eq(releases.version, r.version), eq(releases.body, r.body), lt(releases.bodyHtmlRenderer, MARKDOWN_RENDERER_VERSION)))
          .returning();
        if (!row) continue; // changed since it was read: that write rendered it
        stored++;
        const record: ReleaseRecord = { ...row, owner: r.owner, repo: r.repo, projectName: r.projectName, reactions: {} };
        const fullName = `${r.owner}/${r.repo}`;
        await emit(tx, {
          type: 'release.updated',
          projectId: row.projectId,
          payload: { project: fullName, tag: row.tag, releaseId: row.id, public: isPublicRelease(row), reason: 'notes-rendered-again' },
          publicEvent: publicStreamEvent(fullName, record, record),
        });
      }
      return stored;
    });
  }
  return { refreshed, more: true };
}

const g = globalThis as typeof globalThis & { __shiplogNotesRefresh?: boolean };

/**
 * In a long-lived server, after it starts: refreshes stale notes in batches with pauses between them
 * (other work goes first), until none is left. An accelerator only: the cron drain does the same.
 */
export function startRefreshingNotes(pauseMs = 1_000): void {
  if (g.__shiplogNotesRefresh) return;
  g.__shiplogNotesRefresh = true;
  let total = 0;
  const step = async () => {
    try {
      const { refreshed, more } = await refreshStaleNotes({ maxRows: 50 });
      total += refreshed;
      if (more) {
        setTimeout(() => void step(), pauseMs).unref();
        return;
      }
      if (total > 0) log().info({ releases: total, renderer: MARKDOWN_RENDERER_VERSION }, 'release notes rendered again by the current renderer');
    } catch (err) {
      log().warn({ err: (err as Error).message }, 'could not render stored release notes again; the cron drain will');
    }
    g.__shiplogNotesRefresh = false;
  };
  void step();
}
