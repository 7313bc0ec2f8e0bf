import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { LRUCache } from 'lru-cache';
import { inline, keysetColumns, keysetPlan, keysetResult, type Bind, type KeysetTerm } from '../db/keyset';
import { rows, type Executor, type Tx } from '../db';
import { isUniqueViolation } from '../db/errors';
import { emit } from '../db/outbox';
import { projects, releaseReactions, releases, reactionContents, type ReleaseRow, type ReactionContent } from '../db/schema';
import { PgTransaction } from 'drizzle-orm/pg-core';
import { sortString, type Cursor, type SortTerm } from '../db/keyset';
import { ConflictError, StaleError } from '../domain/errors';
import { cleanText, webUrlOrNull } from '../domain/values';
import { MARKDOWN_RENDERER_VERSION, renderContextOf, renderStoredMarkdown } from '../markdown';
import type { ReleaseLevel } from '../packages';
import { derivedColumns } from '../packages/store';
import { headline, relevance, searchCondition, snippetHtml, type SearchMatch } from '../search';
import { toPageRelease, type PageRelease } from '../site/paths';
import type { ReleaseWrite } from './schema';
import { isPublicRelease, publicRelease, publicReleaseSql, releasesR } from './visibility';

/** `relevance`: how well a release matches `q` (lib/search); only with `q`, and the default then. `version`: semver order within each package. */
export const RELEASE_SORT_KEYS = ['publishedAt', 'tag', 'name', 'createdAt', 'updatedAt', 'version', 'relevance'] as const;
export type ReleaseSortKey = (typeof RELEASE_SORT_KEYS)[number];

export interface ReleaseFilters {
  prerelease?: boolean;
  draft?: boolean;
  hidden?: boolean;
  author?: string;
  since?: Date;
  until?: Date;
  q?: string;
  tag_prefix?: string;
  source?: 'github' | 'manual';
  project?: { owner: string; repo: string }[];
  /** Every project of this owner (feeds per owner). */
  owner?: string;
  /** The package the tags name (lib/packages): `@acme/ui`. */
  package?: string;
  /** Any of these levels (major, minor, patch, prerelease, other). */
  level?: readonly ReleaseLevel[];
  /** Breaking releases only (true), or none of them (false). */
  breaking?: boolean;
}

/** Pagination and sort when nobody asked for one: the best matches first when searching (`q`), else the newest. */
export function defaultReleaseSort(filters: Pick<ReleaseFilters, 'q'>): SortTerm<ReleaseSortKey>[] {
  return filters.q
    ? [
        { key: 'relevance', dir: 'desc' },
        { key: 'publishedAt', dir: 'desc' },
      ]
    : [{ key: 'publishedAt', dir: 'desc' }];
}

export interface ReleaseRecord extends ReleaseRow {
  owner: string;
  repo: string;
  projectName: string;
  reactions: Record<string, number>;
  /** Rank and snippet, when the list was searched (`q`). */
  search?: SearchMatch;
}

// Sort expressions are total (no NULLs) and collate the same on PGlite and PostgreSQL.
const SORT_EXPR: Record<Exclude<ReleaseSortKey, 'relevance'>, Omit<KeysetTerm, 'dir'>> = {
  publishedAt: { expr: sql`coalesce(${releases.publishedAt}, ${releases.createdAt})`, type: 'timestamptz' },
  tag: { expr: sql`(${releases.tag} collate "C")`, type: 'text' },
  name: { expr: sql`(lower(coalesce(${releases.name}, ${releases.tag})) collate "C")`, type: 'text' },
  createdAt: { expr: sql`${releases.createdAt}`, type: 'timestamptz' },
  updatedAt: { expr: sql`${releases.updatedAt}`, type: 'timestamptz' },
  // Semver order within each package (packages by name; tags without a semver version first).
  version: { expr: sql`((coalesce(${releases.package}, '') || chr(1) || coalesce(${releases.versionKey}, '')) collate "C")`, type: 'text' },
};

const reactionsJson = sql<Record<
  string,
  number
> | null>`(select jsonb_object_agg(rr.content, rr.count) from ${releaseReactions} rr where rr.release_id = ${sql.raw('"releases"."id"')})`;

/**
 * The filters as SQL conditions. Values go through `bind` (named after their filter): inline by
 * default, or as placeholders of a prepared query (`listReleases`).
 */
export function releaseConditions(filters: ReleaseFilters, seeAll: boolean, bind: Bind = inline): SQL[] {
  const c: SQL[] = [];
  if (!seeAll) c.push(publicRelease);
  if (filters.prerelease !== undefined) c.push(eq(releases.prerelease, bind('prerelease', filters.prerelease)));
  if (filters.draft !== undefined) c.push(eq(releases.draft, bind('draft', filters.draft)));
  if (filters.hidden !== undefined) c.push(eq(releases.hidden, bind('hidden', filters.hidden)));
  if (filters.author) c.push(sql`lower(${releases.authorLogin}) = lower(${bind('author', filters.author)})`);
  if (filters.since) c.push(sql`${releases.publishedAt} >= ${bind('since', filters.since.toISOString())}::timestamptz`);
  if (filters.until) c.push(sql`${releases.publishedAt} <= ${bind('until', filters.until.toISOString())}::timestamptz`);
  if (filters.q) c.push(searchCondition(bind('q', filters.q)));
  if (filters.tag_prefix) c.push(sql`starts_with(${releases.tag}, ${bind('tag_prefix', filters.tag_prefix)})`);
  if (filters.source) c.push(eq(releases.source, bind('source', filters.source)));
  if (filters.owner) c.push(sql`lower(${projects.owner}) = lower(${bind('owner', filters.owner)})`);
  if (filters.package !== undefined) c.push(eq(releases.package, bind('package', filters.package)));
  if (filters.level?.length) {
    c.push(
      sql`${releases.level} in (${sql.join(
        filters.level.map((l, i) => bind(`level${i}`, l)),
        sql`, `,
      )})`,
    );
  }
  if (filters.breaking !== undefined) c.push(eq(releases.breaking, bind('breaking', filters.breaking)));
  if (filters.project?.length) {
    c.push(
      sql`(lower(${projects.owner}), lower(${projects.repo})) in (${sql.join(
        filters.project.map((p, i) => sql`(lower(${bind(`project${i}.owner`, p.owner)}), lower(${bind(`project${i}.repo`, p.repo)}))`),
        sql`, `,
      )})`,
    );
  }
  return c;
}

function selectReleases(db: Executor, terms: KeysetTerm[] = [], more: Record<string, SQL> = {}) {
  const extra = keysetColumns(terms);
  return db
    .select({ release: releases, owner: projects.owner, repo: projects.repo, projectName: projects.name, reactions: reactionsJson, ...extra, ...more })
    .from(releases)
    .innerJoin(projects, eq(projects.id, releases.projectId));
}

type Selected = {
  release: ReleaseRow;
  owner: string;
  repo: string;
  projectName: string;
  reactions: Record<string, number> | null;
  total?: number;
  searchRank?: number | string;
  searchHeadline?: string;
} & Record<string, unknown>;

/** Written out rather than spread (`{ ...row.release }`): a spread of a mapped row costs 30 times more. */
function toRecord(row: Selected): ReleaseRecord {
  const r = row.release;
  return {
    id: r.id,
    projectId: r.projectId,
    tag: r.tag,
    githubId: r.githubId,
    name: r.name,
    body: r.body,
    bodyHtml: r.bodyHtml,
    bodyHtmlRenderer: r.bodyHtmlRenderer,
    publishedAt: r.publishedAt,
    prerelease: r.prerelease,
    draft: r.draft,
    hidden: r.hidden,
    authorLogin: r.authorLogin,
    authorAvatarUrl: r.authorAvatarUrl,
    authorUrl: r.authorUrl,
    htmlUrl: r.htmlUrl,
    source: r.source,
    version: r.version,
    githubEvidenceAt: r.githubEvidenceAt,
    package: r.package,
    packageVersion: r.packageVersion,
    versionKey: r.versionKey,
    level: r.level,
    breaking: r.breaking,
    derived: r.derived,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    owner: row.owner,
    repo: row.repo,
    projectName: row.projectName,
    reactions: row.reactions ?? {},
    ...(row.searchRank !== undefined ? { search: { rank: Number(row.searchRank), snippet: snippetHtml(row.searchHeadline ?? '') } } : {}),
  };
}

export interface ListOptions {
  projectId?: number;
  filters: ReleaseFilters;
  seeAll: boolean;
  sort: SortTerm<ReleaseSortKey>[];
  offset: number;
  limit: number;
  cursor?: Cursor;
  count: boolean;
  /**
   * Where totals may be kept between writes (the response cache's counts): given the listing's key
   * and the count, answers a stored total or counts. Without it, or inside a transaction, every
   * total is counted.
   */
  countCache?: (key: string, count: () => Promise<number>) => Promise<number>;
}

export interface ReleasePage {
  items: ReleaseRecord[];
  total?: number;
  /** Cursors for the pages either side (keyset), when there are any. */
  nextCursor?: Cursor;
  prevCursor?: Cursor;
  hasNext: boolean;
}

interface PageQuery {
  execute(values: Record<string, unknown>): Promise<unknown[]>;
}

/**
 * Listing queries built once per database and shape (which filters, visibility, sort, cursor side,
 * with or without the total), then run with each request's values: drizzle takes longer to build
 * such a query (about 0.5 ms of CPU) than PostgreSQL to run it. Transactions build their own.
 */
const listQueries = new WeakMap<object, LRUCache<string, PageQuery>>();

function listQuery(db: Executor, shape: string, build: () => PageQuery): PageQuery {
  if (db instanceof PgTransaction) return build();
  let cache = listQueries.get(db);
  if (!cache) listQueries.set(db, (cache = new LRUCache<string, PageQuery>({ max: 500 })));
  let query = cache.get(shape);
  if (!query) cache.set(shape, (query = build()));
  return query;
}

/**
 * One page of releases: offset or keyset (cursor) pagination, with an optional exact total. One
 * statement, one round trip: a total that is counted comes with the page (a scalar subquery,
 * evaluated once); only a page past the end, which has no row to carry it, counts on its own.
 */
export async function listReleases(db: Executor, o: ListOptions): Promise<ReleasePage> {
  const values: Record<string, unknown> = {};
  const bind: Bind = (name, value) => {
    values[name] = value;
    return sql.placeholder(name);
  };
  const conditions = releaseConditions(o.filters, o.seeAll, bind);
  if (o.projectId !== undefined) conditions.push(eq(releases.projectId, bind('projectId', o.projectId)));
  // Searching: the query is one value (`q`) every use below shares; relevance without it is 0 for all.
  const q = o.filters.q ? bind('q', o.filters.q) : undefined;
  const sortTerm = (key: ReleaseSortKey): Omit<KeysetTerm, 'dir'> => (key === 'relevance' ? { expr: q ? relevance(q) : sql`0::float8`, type: 'float' } : SORT_EXPR[key]);
  const terms: KeysetTerm[] = [...o.sort.map((s) => ({ ...sortTerm(s.key), dir: s.dir })), { expr: sql`${releases.id}`, type: 'int', dir: o.sort[0]?.dir ?? 'desc' }];
  // Rank and snippet of each row found (the snippet only for the page's rows: PostgreSQL evaluates it after the limit).
  const found: Record<string, SQL> = q ? { searchRank: relevance(q), searchHeadline: headline(q) } : {};
  const plan = keysetPlan(terms, o, bind);
  values.limit = plan.limit;
  values.offset = plan.offset ?? 0;
  // Everything the statement's text depends on (the values are in `values`, named by what they are).
  const shape = `${o.seeAll}|${sortString(o.sort)}|${o.cursor?.before ? 'before' : ''}|${Object.keys(values).join(',')}`;
  const filtered = and(...conditions) ?? sql`true`;
  // Every release has its project (a non-null foreign key): the total joins projects only to filter on them.
  const counted = o.filters.owner || o.filters.project?.length ? sql`${releases} inner join ${projects} on ${eq(projects.id, releases.projectId)}` : sql`${releases}`;
  const page = (withTotal: boolean) =>
    listQuery(
      db,
      `${shape}|${withTotal ? 'page+total' : 'page'}`,
      () =>
        selectReleases(db, terms, { ...found, ...(withTotal ? { total: sql<number>`(select count(*)::int from ${counted} where ${filtered})` } : {}) })
          .where(and(filtered, ...(plan.condition ? [plan.condition] : [])))
          .orderBy(...plan.order)
          .limit(sql.placeholder('limit'))
          .offset(sql.placeholder('offset'))
          .prepare(''), // unnamed: a named statement would not survive a transaction pooler (PgBouncer)
    ).execute(values) as Promise<Selected[]>;
  const count = async () => {
    const query = listQuery(db, `${shape}|total`, () =>
      db
        .select({ n: sql<number>`count(*)::int` })
        .from(counted)
        .where(filtered)
        .prepare(''),
    );
    const [row] = (await query.execute(values)) as { n: number }[];
    return Number(row?.n ?? 0);
  };
  let selected: Selected[] | undefined;
  let total: number | undefined;
  if (o.count) {
    const pageAndTotal = async () => {
      selected = await page(true);
      return selected.length ? Number(selected[0]!.total) : count();
    };
    // Outside a transaction, a stored total may stand for the count (then the page comes alone).
    total =
      db instanceof PgTransaction || !o.countCache
        ? await pageAndTotal()
        : await o.countCache(`releases|${o.projectId ?? '*'}|${o.seeAll}|${JSON.stringify(o.filters)}`, pageAndTotal);
  }
  selected ??= await page(false);
  const result = keysetResult(selected, terms, o, sortString(o.sort));
  return { items: result.rows.map(toRecord), total, hasNext: result.hasNext, nextCursor: result.nextCursor, prevCursor: result.prevCursor };
}

/** A release by tag. `seeAll`: drafts and hidden releases too (else only what readers may see); `forUpdate`: lock its row. */
export async function findRelease(
  db: Executor,
  projectId: number,
  tag: string,
  { seeAll, forUpdate = false }: { seeAll: boolean; forUpdate?: boolean },
): Promise<ReleaseRecord | undefined> {
  if (tag.includes('\0')) return undefined; // no tag holds one (and PostgreSQL could not compare it)
  const where = and(eq(releases.projectId, projectId), eq(releases.tag, tag), ...(seeAll ? [] : [publicRelease]));
  const query = selectReleases(db).where(where).limit(1);
  const rows = (forUpdate ? await query.for('update', { of: releases }) : await query) as Selected[];
  return rows[0] ? toRecord(rows[0]) : undefined;
}

/**
 * Previous (older) and next (newer) release of each given release among those the reader may see,
 * by publication time: two queries whatever the number of releases.
 */
export async function neighboursOf(
  db: Executor,
  records: ReleaseRecord[],
  { seeAll }: { seeAll: boolean },
): Promise<Map<number, { previous?: ReleaseRecord; next?: ReleaseRecord }>> {
  const out = new Map<number, { previous?: ReleaseRecord; next?: ReleaseRecord }>();
  if (!records.length) return out;
  const projectIds = [...new Set(records.map((r) => r.projectId))];
  const ids = records.map((r) => r.id);
  const visible = seeAll ? sql`true` : publicReleaseSql(releasesR);
  const links = await rows<{ id: number; prev_id: number | null; next_id: number | null }>(
    db,
    sql`select id, prev_id, next_id from (
          select r.id,
                 lag(r.id) over w as prev_id,
                 lead(r.id) over w as next_id
          from ${releases} r
          where r.project_id in (${sql.join(
            projectIds.map((id) => sql`${id}::int`),
            sql`, `,
          )}) and ${visible}
          window w as (partition by r.project_id order by coalesce(r.published_at, r.created_at), r.id)
        ) n where id in (${sql.join(
          ids.map((id) => sql`${id}::int`),
          sql`, `,
        )})`,
  );
  const wanted = [...new Set(links.flatMap((l) => [l.prev_id, l.next_id]).filter((id): id is number => id !== null))];
  const found = wanted.length ? ((await selectReleases(db).where(inArray(releases.id, wanted))) as Selected[]).map(toRecord) : [];
  const byId = new Map(found.map((r) => [r.id, r]));
  for (const l of links) {
    out.set(Number(l.id), {
      previous: l.prev_id !== null ? byId.get(Number(l.prev_id)) : undefined,
      next: l.next_id !== null ? byId.get(Number(l.next_id)) : undefined,
    });
  }
  return out;
}

/** What the anonymous live stream tells readers about one change (see `publicStreamEvent`). */
export interface PublicStreamEvent {
  type: 'release.published' | 'release.updated' | 'release.deleted';
  project: string;
  tag: string;
  /** The tag it was public under, when an edit renamed it. */
  previousTag?: string;
  /** The release as pages show it; null when it is gone (from a reader's point of view). */
  release: PageRelease | null;
}

/**
 * A change from `before` to `after` (undefined: no such release) as an anonymous reader sees it: it
 * appeared, changed or went away, or nothing at all when it was public neither before nor after
 * (drafts and hidden releases are nobody's business). Computed when the event is written and stored
 * with it, so a replay of an event id says what it said the first time.
 */
export function publicStreamEvent(project: string, before: ReleaseRecord | undefined, after: ReleaseRecord | undefined): PublicStreamEvent | null {
  const was = before && isPublicRelease(before) ? before : undefined;
  const now = after && isPublicRelease(after) ? after : undefined;
  if (now) {
    return {
      type: was ? 'release.updated' : 'release.published',
      project,
      tag: now.tag,
      ...(was && was.tag !== now.tag ? { previousTag: was.tag } : {}),
      release: toPageRelease(now),
    };
  }
  if (was) return { type: 'release.deleted', project, tag: was.tag, release: null };
  return null;
}

/**
 * The one normalisation of release text at the domain boundary, whatever path it came by (API,
 * webhook, import, console): characters XML 1.0 forbids are removed and links that are not http(s)
 * become null.
 */
export function cleanReleaseWrite(w: ReleaseWrite): ReleaseWrite {
  return {
    ...w,
    name: cleanText(w.name),
    body: cleanText(w.body),
    url: webUrlOrNull(w.url),
    author: w.author ? { login: cleanText(w.author.login), avatarUrl: webUrlOrNull(w.author.avatarUrl), url: webUrlOrNull(w.author.url) } : null,
  };
}

/**
 * The row's columns for a write. The notes' HTML comes from the render cache when the caller rendered
 * them before its transaction (API and console writes must: a refusal is theirs to report; GitHub
 * writes warm it); otherwise it is rendered here, and a body the renderer refuses is stored unformatted.
 */
async function columns(tx: Tx, project: ProjectRef, input: ReleaseWrite, current?: Pick<ReleaseRecord, 'id' | 'body' | 'bodyHtml' | 'bodyHtmlRenderer'>) {
  const w = cleanReleaseWrite(input);
  return {
    // Package, version, level and breaking (lib/packages); the neighbours' levels follow in lib/releases/derive.ts.
    ...(await derivedColumns(tx, project.id, w, current?.id)),
    tag: w.tag,
    name: w.name,
    body: w.body,
    // The stored HTML is kept when the notes did not change and the current renderer made it.
    ...(current && current.body === w.body && current.bodyHtmlRenderer === MARKDOWN_RENDERER_VERSION
      ? { bodyHtml: current.bodyHtml }
      : { bodyHtml: await renderStoredMarkdown(w.body, renderContextOf(project)), bodyHtmlRenderer: MARKDOWN_RENDERER_VERSION }),
    htmlUrl: w.url,
    publishedAt: w.draft ? null : (w.publishedAt ?? new Date()),
    prerelease: w.prerelease,
    draft: w.draft,
    hidden: w.hidden,
    authorLogin: w.author?.login ?? null,
    authorAvatarUrl: w.author?.avatarUrl ?? null,
    authorUrl: w.author?.url ?? null,
  };
}

function tagTaken(tag: string): ConflictError {
  return new ConflictError(`This project already has a release tagged "${tag}".`, {
    code: 'tag-taken',
    issues: [{ path: '/tag', reason: 'is already taken in this project' }],
  });
}

export interface ProjectRef {
  id: number;
  owner: string;
  repo: string;
  name: string;
}

const eventPayload = (p: ProjectRef, r: Pick<ReleaseRow, 'id' | 'tag'> & Partial<ReleaseRow>, extra: Record<string, unknown> = {}) => ({
  project: `${p.owner}/${p.repo}`,
  tag: r.tag,
  releaseId: r.id,
  public: r.draft === undefined ? undefined : isPublicRelease(r as ReleaseRow),
  // Where the release sits in time: page revalidation refreshes its neighbours' pages too.
  at: (r.publishedAt ?? r.createdAt)?.toISOString(),
  ...extra,
});

export async function createRelease(tx: Tx, project: ProjectRef, w: ReleaseWrite, source: 'github' | 'manual', githubId: number | null = null): Promise<ReleaseRecord> {
  let row: ReleaseRow | undefined;
  try {
    [row] = await tx
      .insert(releases)
      .values({ ...(await columns(tx, project, w)), projectId: project.id, source, githubId })
      .returning();
  } catch (err) {
    if (isUniqueViolation(err)) throw tagTaken(w.tag);
    throw err;
  }
  if (!row) throw new Error('insert returned nothing');
  const record: ReleaseRecord = { ...row, owner: project.owner, repo: project.repo, projectName: project.name, reactions: {} };
  await emit(tx, {
    type: isPublicRelease(row) ? 'release.published' : 'release.created',
    projectId: project.id,
    payload: eventPayload(project, row),
    publicEvent: publicStreamEvent(`${project.owner}/${project.repo}`, undefined, record),
  });
  return record;
}

/** Replaces a release's writable fields. `current` was read in this transaction FOR UPDATE. */
export async function updateRelease(tx: Tx, project: ProjectRef, current: ReleaseRecord, w: ReleaseWrite): Promise<ReleaseRecord> {
  let row: ReleaseRow | undefined;
  try {
    [row] = await tx
      .update(releases)
      .set({
        ...(await columns(tx, project, w, current)),
        publishedAt: w.draft ? null : (w.publishedAt ?? current.publishedAt ?? new Date()),
        version: sql`${releases.version} + 1`,
        updatedAt: new Date(),
      })
      .where(and(eq(releases.id, current.id), eq(releases.version, current.version)))
      .returning();
  } catch (err) {
    if (isUniqueViolation(err)) throw tagTaken(w.tag);
    throw err;
  }
  if (!row) throw new StaleError('The release changed while this request ran; GET it again and retry.');
  const wasPublic = isPublicRelease(current);
  const type = !wasPublic && isPublicRelease(row) ? 'release.published' : 'release.updated';
  const record: ReleaseRecord = { ...row, owner: project.owner, repo: project.repo, projectName: project.name, reactions: current.reactions };
  await emit(tx, {
    type,
    projectId: project.id,
    payload: eventPayload(project, row, current.tag !== row.tag ? { previousTag: current.tag } : {}),
    publicEvent: publicStreamEvent(`${project.owner}/${project.repo}`, current, record),
  });
  return record;
}

export async function deleteRelease(tx: Tx, project: ProjectRef, current: ReleaseRecord): Promise<void> {
  const gone = await tx
    .delete(releases)
    .where(and(eq(releases.id, current.id), eq(releases.version, current.version)))
    .returning({ id: releases.id });
  if (!gone.length) throw new StaleError('The release changed while this request ran; GET it again and retry.');
  await emit(tx, {
    type: 'release.deleted',
    projectId: project.id,
    payload: eventPayload(project, current),
    publicEvent: publicStreamEvent(`${project.owner}/${project.repo}`, current, undefined),
  });
}

export async function addReaction(tx: Tx, project: ProjectRef, release: ReleaseRecord, content: ReactionContent): Promise<Record<string, number>> {
  await tx
    .insert(releaseReactions)
    .values({ releaseId: release.id, content, count: 1 })
    .onConflictDoUpdate({ target: [releaseReactions.releaseId, releaseReactions.content], set: { count: sql`${releaseReactions.count} + 1` } });
  const rows = await tx.select({ content: releaseReactions.content, count: releaseReactions.count }).from(releaseReactions).where(eq(releaseReactions.releaseId, release.id));
  await emit(tx, { type: 'release.reacted', projectId: project.id, payload: eventPayload(project, release, { content }) });
  return Object.fromEntries(rows.map((r) => [r.content, r.count]));
}

/** One change to every release of the project matching the filters; returns how many matched and changed. */
export async function bulkUpdate(
  tx: Tx,
  project: ProjectRef,
  { filters, seeAll, change }: { filters: ReleaseFilters; seeAll: boolean; change: { hidden?: boolean; prerelease?: boolean } },
): Promise<{ matched: number; changed: number }> {
  const conditions = [eq(releases.projectId, project.id), ...releaseConditions(filters, seeAll)];
  const matched = await tx
    .select({ release: releases })
    .from(releases)
    .innerJoin(projects, eq(projects.id, releases.projectId))
    .where(and(...conditions))
    .for('update', { of: releases });
  const ids = matched.map((r) => r.release.id);
  const record = (r: ReleaseRow): ReleaseRecord => ({ ...r, owner: project.owner, repo: project.repo, projectName: project.name, reactions: {} });
  const before = new Map(matched.map((r) => [r.release.id, record(r.release)]));
  if (!ids.length) return { matched: 0, changed: 0 };
  const differs: SQL[] = [];
  if (change.hidden !== undefined) differs.push(sql`${releases.hidden} is distinct from ${change.hidden}`);
  if (change.prerelease !== undefined) differs.push(sql`${releases.prerelease} is distinct from ${change.prerelease}`);
  const changed = await tx
    .update(releases)
    .set({ ...change, version: sql`${releases.version} + 1`, updatedAt: new Date() })
    .where(and(inArray(releases.id, ids), sql`(${sql.join(differs, sql` or `)})`))
    .returning();
  for (const row of changed) {
    await emit(tx, {
      type: 'release.updated',
      projectId: project.id,
      payload: eventPayload(project, row, { bulk: true }),
      publicEvent: publicStreamEvent(`${project.owner}/${project.repo}`, before.get(row.id), record(row)),
    });
  }
  return { matched: ids.length, changed: changed.length };
}

export const REACTION_CONTENTS = reactionContents;
