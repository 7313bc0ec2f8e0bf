import { once } from 'node:events';
import type { NextApiRequest, NextApiResponse } from 'next';
import Negotiator from 'negotiator';
import { and, eq, sql } from 'drizzle-orm';
import { getDb, rows, type Executor } from '../db';
import { releases } from '../db/schema';
import { appendVary, contentHash, isNotModified, PRIVATE_CACHE, PUBLIC_CACHE } from '../http/conditional';
import { notAcceptable } from '../http/negotiate';
import { readContext } from '../http/resource';
import type { Principal } from '../auth/principal';
import { requireProject } from '../projects/repo';
import type { ApiVersion } from '../http/api-versions';
import { REACTION_CONTENTS, type ReleaseRecord } from './repo';
import { publicRelease, publicReleaseSql, releasesR } from './visibility';

export const EXPORT_TYPES = { markdown: 'text/markdown', ndjson: 'application/x-ndjson' } as const;
const TYPES = EXPORT_TYPES;
type Format = keyof typeof TYPES;
const BATCH = 500;

function chooseFormat(req: NextApiRequest, asked: Format | undefined): Format {
  if (asked) return asked;
  const accept = req.headers.accept;
  if (!accept) return 'markdown';
  const chosen = new Negotiator({ headers: { accept } }).mediaType([TYPES.markdown, TYPES.ndjson, 'text/plain']);
  if (!chosen) throw notAcceptable(Object.values(TYPES), accept);
  return chosen === TYPES.ndjson ? 'ndjson' : 'markdown';
}

// Memory: each line is built by the database (one string per release, no per-row records in JS), and
// a batch is turned into one Buffer before the first await, so rows die young. Rows kept alive while
// waiting for the socket to drain were promoted to V8's old generation and RSS climbed by 60–140 MB per
// 100,000-release export until a full collection (bench/RESULTS.md has the before and after). The
// reference renderers (`markdownEntry` below, `releaseFull` in present.ts) say what the lines must be;
// export.test.ts holds the SQL to them.

/** ISO 8601 in UTC with milliseconds, as `Date.prototype.toISOString` writes it. */
const iso = (column: string) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** What `String.prototype.trim` removes: ECMAScript WhiteSpace and LineTerminator. */
const JS_WHITESPACE = '\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff';

const reactionCounts = REACTION_CONTENTS.map((c) => `coalesce(sum(rr.count) filter (where rr.content = '${c}'), 0)::int as "${c}"`).join(', ');
const knownReactions = REACTION_CONTENTS.map((c) => `'${c}'`).join(', ');

/** The NDJSON line of one release: `releaseFull(r, version)` as JSON, keys in the same order. */
function ndjsonLine(version: ApiVersion, project: string) {
  const notes = version === '1' ? sql.raw('r.body as body,') : sql``;
  const notesV2 = version === '2' ? sql.raw(', (select row_to_json(n) from (select r.body as markdown, r.body_html as html) n) as notes') : sql``;
  return sql`(select row_to_json(x)::text from (select
      r.id, ${project}::text as project, r.tag, r.name, ${notes}
      r.html_url as url, ${sql.raw(iso('r.published_at'))} as "publishedAt", ${sql.raw(iso('r.created_at'))} as "createdAt", ${sql.raw(iso('r.updated_at'))} as "updatedAt",
      r.prerelease, r.draft, r.hidden, r.source,
      case when r.author_login is null or r.author_login = '' then null
        else (select row_to_json(a) from (select r.author_login as login, r.author_avatar_url as "avatarUrl", r.author_url as url) a) end as author,
      (select row_to_json(c) from (select ${sql.raw(reactionCounts)}, coalesce(sum(rr.count) filter (where rr.content in (${sql.raw(knownReactions)})), 0)::int as total
        from release_reactions rr where rr.release_id = r.id) c) as reactions
      ${notesV2}) x)`;
}

/** The Markdown entry of one release: `markdownEntry(r)`. */
function markdownLine() {
  return sql`('## [' || r.tag || '] - ' || coalesce(to_char(r.published_at at time zone 'UTC', 'YYYY-MM-DD'), 'unreleased')
    || case when r.prerelease then ' (pre-release)' else '' end
    || case when r.name is not null and r.name <> '' and r.name <> r.tag then ' — ' || r.name else '' end
    || E'\n\n' || btrim(r.body, ${JS_WHITESPACE})
    || case when r.html_url is not null and r.html_url <> '' then E'\n\n[' || r.tag || ' on GitHub](' || r.html_url || ')' else '' end
    || E'\n\n')`;
}

const day = (d: Date) => d.toISOString().slice(0, 10);

/** Reference renderer of a Markdown entry (the SQL in `markdownLine` must write exactly this). */
export function markdownEntry(r: ReleaseRecord): string {
  const title = r.name && r.name !== r.tag ? ` — ${r.name}` : '';
  const pre = r.prerelease ? ' (pre-release)' : '';
  const when = r.publishedAt ? day(r.publishedAt) : 'unreleased';
  const link = r.htmlUrl ? `\n\n[${r.tag} on GitHub](${r.htmlUrl})` : '';
  return `## [${r.tag}] - ${when}${pre}${title}\n\n${r.body.trim()}${link}\n\n`;
}

interface LineRow {
  id: number;
  k: string;
  line: string;
}

/**
 * One batch of lines, newest first (the order of `sort_by=publishedAt.desc`: publication time, or
 * creation time for drafts, then id), after the keyset position `after`.
 */
async function lineBatch(
  db: Executor,
  o: { projectId: number; project: string; seeAll: boolean; format: Format; version: ApiVersion; after?: { k: string; id: number } },
): Promise<LineRow[]> {
  const line = o.format === 'markdown' ? markdownLine() : ndjsonLine(o.version, o.project);
  const visible = o.seeAll ? sql`` : sql`and ${publicReleaseSql(releasesR)}`;
  const after = o.after ? sql`and (coalesce(r.published_at, r.created_at), r.id) < (${o.after.k}::timestamptz, ${o.after.id})` : sql``;
  return rows<LineRow>(
    db,
    sql`select r.id, coalesce(r.published_at, r.created_at)::text as k, ${line} as line
      from releases r
      where r.project_id = ${o.projectId} ${visible} ${after}
      order by coalesce(r.published_at, r.created_at) desc, r.id desc
      limit ${BATCH}`,
  );
}

/** Writes and, when the socket's buffer is full, waits for it to drain: memory stays flat at any size. */
async function send(res: NextApiResponse, chunk: string | Buffer): Promise<boolean> {
  if (res.destroyed) return false;
  if (!res.write(chunk)) await Promise.race([once(res, 'drain'), once(res, 'close')]);
  return !res.destroyed;
}

/**
 * GET /api/v1/projects/{owner}/{repo}/changelog (the operation is in operations.ts) — the whole changelog, streamed: `text/markdown`
 * (a CHANGELOG.md, newest first) or `application/x-ndjson` (one release per line, the version's full
 * representation), each line built in SQL. Read in keyset batches of 500 with backpressure (a server-side cursor would hold
 * the embedded database's only connection for the whole download); ETag from the project's state.
 */
export async function exportChangelog(
  req: NextApiRequest,
  res: NextApiResponse,
  o: { principal: Principal | undefined; owner: string; repo: string; format: Format | undefined },
): Promise<void> {
  const ctx = await readContext(req, null, { principal: o.principal });
  const format = chooseFormat(req, o.format);
  const db = await getDb();
  const project = await requireProject(db, o.owner, o.repo, { seeAll: ctx.seeAll });
  const visible = ctx.seeAll ? eq(releases.projectId, project.id) : and(eq(releases.projectId, project.id), publicRelease);
  const [state] = await db
    .select({
      n: sql<number>`count(*)::int`,
      maxId: sql<number>`coalesce(max(${releases.id}), 0)`,
      changed: sql<string>`coalesce(max(${releases.updatedAt})::text, '')`,
      // Reactions are in every NDJSON line but do not touch updated_at: their total is part of the state.
      reacted: sql<string>`(select coalesce(sum(rr.count), 0)::text from release_reactions rr join releases r2 on r2.id = rr.release_id where r2.project_id = ${project.id})`,
    })
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
  // Names stored before every path validated them may hold quotes or line breaks: only safe characters reach the header.
  res.setHeader('Content-Disposition', `inline; filename="${format === 'markdown' ? 'CHANGELOG.md' : `${project.repo.replace(/[^A-Za-z0-9._-]/g, '_')}-releases.ndjson`}"`);
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  if (format === 'markdown') {
    const intro = `# Changelog\n\nAll notable changes to ${project.name} (${project.owner}/${project.repo}), newest first.\n\n`;
    if (!(await send(res, intro))) return;
  }
  let after: { k: string; id: number } | undefined;
  const fullName = `${project.owner}/${project.repo}`;
  for (;;) {
    const batch = await lineBatch(db, { projectId: project.id, project: fullName, seeAll: ctx.seeAll, format, version: ctx.version, after });
    if (!batch.length) break;
    const last = batch[batch.length - 1]!;
    const position = { k: last.k, id: Number(last.id) };
    const full = batch.length === BATCH;
    // Nothing of the batch may outlive this synchronous block (see the note on memory at the top).
    const bytes = Buffer.from(batch.map((row) => (format === 'ndjson' ? `${row.line}\n` : row.line)).join(''), 'utf8');
    batch.length = 0;
    if (!(await send(res, bytes))) return;
    if (!full) break;
    after = position;
  }
  res.end();
}
