import { once } from 'node:events';
import type { NextApiRequest, NextApiResponse } from 'next';
import Negotiator from 'negotiator';
import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { getDb } from '../db';
import { releases } from '../db/schema';
import { appendVary, contentHash, isNotModified, PRIVATE_CACHE, PUBLIC_CACHE } from '../http/conditional';
import { notAcceptable } from '../http/negotiate';
import { readContext, routeParam } from '../http/resource';
import { parseQuery } from '../http/validate';
import { requireProject } from '../projects/repo';
import { releaseFull } from './present';
import { listReleases, publicRelease, type ReleaseRecord } from './repo';

const TYPES = { markdown: 'text/markdown', ndjson: 'application/x-ndjson' } as const;
type Format = keyof typeof TYPES;
const BATCH = 500;

const Query = z.strictObject({ format: z.enum(['markdown', 'ndjson'], { error: 'must be markdown or ndjson' }).optional() });

function chooseFormat(req: NextApiRequest, asked: Format | undefined): Format {
  if (asked) return asked;
  const accept = req.headers.accept;
  if (!accept) return 'markdown';
  const chosen = new Negotiator({ headers: { accept } }).mediaType([TYPES.markdown, TYPES.ndjson, 'text/plain']);
  if (!chosen) throw notAcceptable(Object.values(TYPES), accept);
  return chosen === TYPES.ndjson ? 'ndjson' : 'markdown';
}

const day = (d: Date) => d.toISOString().slice(0, 10);

function markdownEntry(r: ReleaseRecord): string {
  const title = r.name && r.name !== r.tag ? ` — ${r.name}` : '';
  const pre = r.prerelease ? ' (pre-release)' : '';
  const when = r.publishedAt ? day(r.publishedAt) : 'unreleased';
  const link = r.htmlUrl ? `\n\n[${r.tag} on GitHub](${r.htmlUrl})` : '';
  return `## [${r.tag}] - ${when}${pre}${title}\n\n${r.body.trim()}${link}\n\n`;
}

/** Writes and, when the socket's buffer is full, waits for it to drain: memory stays flat at any size. */
async function send(res: NextApiResponse, chunk: string): Promise<boolean> {
  if (res.destroyed) return false;
  if (!res.write(chunk)) await Promise.race([once(res, 'drain'), once(res, 'close')]);
  return !res.destroyed;
}

/**
 * GET /api/v1/projects/{owner}/{repo}/changelog — the whole changelog, streamed: `text/markdown`
 * (a CHANGELOG.md, newest first) or `application/x-ndjson` (one release per line, the version's full
 * representation). Read in keyset batches of 500 with backpressure (a server-side cursor would hold
 * the embedded database's only connection for the whole download); ETag from the project's state.
 */
export async function getChangelogExport(req: NextApiRequest, res: NextApiResponse): Promise<void> {
  const ctx = await readContext(req, null);
  const q = parseQuery(req, Query);
  const format = chooseFormat(req, q.format);
  const db = await getDb();
  const project = await requireProject(db, routeParam(req, 'owner'), routeParam(req, 'repo'), { seeAll: ctx.seeAll });
  const visible = ctx.seeAll ? eq(releases.projectId, project.id) : and(eq(releases.projectId, project.id), publicRelease);
  const [state] = await db
    .select({ n: sql<number>`count(*)::int`, maxId: sql<number>`coalesce(max(${releases.id}), 0)`, changed: sql<string>`coalesce(max(${releases.updatedAt})::text, '')` })
    .from(releases)
    .where(visible);
  const etag = `"x-${contentHash(JSON.stringify([ctx.version, format, ctx.seeAll, project.id, project.version, state]))}"`;
  res.setHeader('ETag', etag);
  res.setHeader('Cache-Control', ctx.principal ? PRIVATE_CACHE : PUBLIC_CACHE);
  appendVary(res, 'Accept', 'Authorization');
  if (isNotModified(req, etag)) {
    res.statusCode = 304;
    res.end();
    return;
  }
  res.statusCode = 200;
  res.setHeader('Content-Type', `${TYPES[format]}; charset=utf-8`);
  res.setHeader('Content-Disposition', `inline; filename="${format === 'markdown' ? 'CHANGELOG.md' : `${project.repo}-releases.ndjson`}"`);
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  if (format === 'markdown') {
    const intro = `# Changelog\n\nAll notable changes to ${project.name} (${project.owner}/${project.repo}), newest first.\n\n`;
    if (!(await send(res, intro))) return;
  }
  let cursor: { after?: unknown[]; sort: string } | undefined;
  for (;;) {
    const page = await listReleases(db, {
      projectId: project.id,
      filters: {},
      seeAll: ctx.seeAll,
      sort: [{ key: 'publishedAt', dir: 'desc' }],
      offset: 0,
      limit: BATCH,
      cursor,
      count: false,
    });
    const chunk = page.items.map((r) => (format === 'markdown' ? markdownEntry(r) : `${JSON.stringify(releaseFull(r, ctx.version))}\n`)).join('');
    if (chunk && !(await send(res, chunk))) return;
    if (!page.hasNext || !page.nextCursor) break;
    cursor = page.nextCursor;
  }
  res.end();
}
