import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { Executor, Tx } from '../db';
import { isUniqueViolation } from '../db/errors';
import { keysetColumns, keysetPlan, keysetResult, type KeysetTerm } from '../db/keyset';
import { emit } from '../db/outbox';
import { projectAliases, projects, releases, type ProjectRow } from '../db/schema';
import { publicReleaseSql, releasesR } from '../releases/visibility';
import { sortString, type Cursor, type SortTerm } from '../db/keyset';
import { ConflictError, MovedError, NotFoundError, StaleError } from '../domain/errors';
import { cleanText, webUrlOrNull } from '../domain/values';

export const PROJECT_SORT_KEYS = ['fullName', 'updatedAt', 'latestReleaseAt'] as const;
export type ProjectSortKey = (typeof PROJECT_SORT_KEYS)[number];

export interface ProjectFilters {
  owner?: string;
  q?: string;
}

export interface LatestRelease {
  id: number;
  tag: string;
  name: string | null;
  publishedAt: Date;
  prerelease: boolean;
  htmlUrl: string | null;
}

export interface ProjectRecord extends ProjectRow {
  releaseCount: number;
  latest: LatestRelease | null;
}

// Correlated subqueries name the outer row explicitly: in a single-table select drizzle renders the
// projects.id column as a bare "id", which inside the subquery would bind to the release's own id.
const PROJECT_ID = sql.raw('"projects"."id"');

/** A project's latest release: its newest public one that is not a prerelease. */
const LATEST_CANDIDATE = sql`${publicReleaseSql(releasesR)} and r.prerelease = false`;

const latestAt = sql`(select max(r.published_at) from ${releases} r where r.project_id = ${PROJECT_ID} and ${LATEST_CANDIDATE})`;

const SORT_EXPR: Record<ProjectSortKey, Omit<KeysetTerm, 'dir'>> = {
  fullName: { expr: sql`((lower(${projects.owner}) || '/' || lower(${projects.repo})) collate "C")`, type: 'text' },
  updatedAt: { expr: sql`${projects.updatedAt}`, type: 'timestamptz' },
  latestReleaseAt: { expr: sql`coalesce(${latestAt}, '-infinity'::timestamptz)`, type: 'timestamptz' },
};

function releaseCount(seeAll: boolean): SQL<number> {
  return seeAll
    ? sql<number>`(select count(*)::int from ${releases} r where r.project_id = ${PROJECT_ID})`
    : sql<number>`(select count(*)::int from ${releases} r where r.project_id = ${PROJECT_ID} and ${publicReleaseSql(releasesR)})`;
}

const latestJson = sql<Record<
  string,
  unknown
> | null>`(select jsonb_build_object('id', r.id, 'tag', r.tag, 'name', r.name, 'publishedAt', r.published_at, 'prerelease', r.prerelease, 'htmlUrl', r.html_url)
  from ${releases} r where r.project_id = ${PROJECT_ID} and ${LATEST_CANDIDATE}
  order by r.published_at desc, r.id desc limit 1)`;

function selectProjects(db: Executor, seeAll: boolean, terms: KeysetTerm[] = []) {
  return db.select({ project: projects, releaseCount: releaseCount(seeAll), latest: latestJson, ...keysetColumns(terms) }).from(projects);
}

type Selected = { project: ProjectRow; releaseCount: number; latest: Record<string, unknown> | null } & Record<string, unknown>;

function toRecord(row: Selected): ProjectRecord {
  const l = row.latest;
  return {
    ...row.project,
    releaseCount: Number(row.releaseCount),
    latest: l
      ? {
          id: Number(l.id),
          tag: String(l.tag),
          name: (l.name as string | null) ?? null,
          publishedAt: new Date(String(l.publishedAt)),
          prerelease: Boolean(l.prerelease),
          htmlUrl: (l.htmlUrl as string | null) ?? null,
        }
      : null,
  };
}

const like = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

function conditions(f: ProjectFilters): SQL[] {
  const c: SQL[] = [];
  if (f.owner) c.push(sql`lower(${projects.owner}) = lower(${f.owner})`);
  if (f.q) {
    const p = `%${like(f.q)}%`;
    c.push(sql`(${projects.owner} || '/' || ${projects.repo} ilike ${p} or ${projects.name} ilike ${p} or ${projects.description} ilike ${p})`);
  }
  return c;
}

export interface ProjectListOptions {
  filters: ProjectFilters;
  seeAll: boolean;
  sort: SortTerm<ProjectSortKey>[];
  offset: number;
  limit: number;
  cursor?: Cursor;
  count: boolean;
}

export async function listProjects(db: Executor, o: ProjectListOptions) {
  const where = conditions(o.filters);
  const terms: KeysetTerm[] = [...o.sort.map((s) => ({ ...SORT_EXPR[s.key], dir: s.dir })), { expr: sql`${projects.id}`, type: 'int', dir: o.sort[0]?.dir ?? 'asc' }];
  const plan = keysetPlan(terms, o);
  let query = selectProjects(db, o.seeAll, terms)
    .where(and(...where, ...(plan.condition ? [plan.condition] : [])))
    .orderBy(...plan.order)
    .limit(plan.limit)
    .$dynamic();
  if (plan.offset) query = query.offset(plan.offset);
  const page = keysetResult((await query) as Selected[], terms, o, sortString(o.sort));
  let total: number | undefined;
  if (o.count) {
    const [row] = await db
      .select({ n: sql<number>`count(*)::int` })
      .from(projects)
      .where(and(...where));
    total = Number(row?.n ?? 0);
  }
  return { items: page.rows.map(toRecord), total, hasNext: page.hasNext, nextCursor: page.nextCursor, prevCursor: page.prevCursor };
}

/** Case-insensitive lookup by owner/repo. */
/** The project's own row, case-insensitively by name, without the release count and latest release. */
export async function findProjectRow(db: Executor, owner: string, repo: string): Promise<ProjectRow | undefined> {
  if (owner.includes('\0') || repo.includes('\0')) return undefined;
  const [row] = await db
    .select()
    .from(projects)
    .where(and(sql`lower(${projects.owner}) = lower(${owner})`, sql`lower(${projects.repo}) = lower(${repo})`))
    .limit(1);
  return row;
}

/** The project following GitHub repository `id` (renames and transfers keep it), as its bare row. */
export async function findProjectRowByRepositoryId(db: Executor, id: number): Promise<ProjectRow | undefined> {
  const [row] = await db.select().from(projects).where(eq(projects.githubRepositoryId, id)).limit(1);
  return row;
}

export async function findProject(db: Executor, owner: string, repo: string, options: { seeAll?: boolean; forUpdate?: boolean } = {}): Promise<ProjectRecord | undefined> {
  // No project is named with a NUL character, and PostgreSQL could not even compare one.
  if (owner.includes('\0') || repo.includes('\0')) return undefined;
  const query = selectProjects(db, options.seeAll ?? false)
    .where(and(sql`lower(${projects.owner}) = lower(${owner})`, sql`lower(${projects.repo}) = lower(${repo})`))
    .limit(1);
  const rows = (options.forUpdate ? await query.for('update', { of: projects }) : await query) as Selected[];
  return rows[0] ? toRecord(rows[0]) : undefined;
}

export async function requireProject(db: Executor, owner: string, repo: string, options: { seeAll?: boolean; forUpdate?: boolean } = {}): Promise<ProjectRecord> {
  const project = await findProject(db, owner, repo, options);
  if (project) return project;
  const renamed = await renamedTo(db, owner, repo);
  if (renamed) {
    throw new MovedError(`${owner}/${repo} is now ${renamed.owner}/${renamed.repo} (renamed or transferred on GitHub).`, `${owner}/${repo}`, `${renamed.owner}/${renamed.repo}`);
  }
  throw new NotFoundError(`There is no project ${owner}/${repo}.`);
}

/** The project's current name when owner/repo is a name it had before a rename. */
export async function renamedTo(db: Executor, owner: string, repo: string): Promise<{ owner: string; repo: string } | undefined> {
  if (owner.includes('\0') || repo.includes('\0')) return undefined;
  const [row] = await db
    .select({ owner: projects.owner, repo: projects.repo })
    .from(projectAliases)
    .innerJoin(projects, eq(projects.id, projectAliases.projectId))
    .where(and(sql`lower(${projectAliases.owner}) = lower(${owner})`, sql`lower(${projectAliases.repo}) = lower(${repo})`))
    .limit(1);
  return row;
}

/** Records a project's previous name (its old URLs redirect) and frees the new one of any alias. */
async function recordRename(tx: Tx, projectId: number, from: { owner: string; repo: string }, to: { owner: string; repo: string }): Promise<void> {
  await tx.delete(projectAliases).where(and(sql`lower(${projectAliases.owner}) = lower(${to.owner})`, sql`lower(${projectAliases.repo}) = lower(${to.repo})`));
  if (from.owner.toLowerCase() === to.owner.toLowerCase() && from.repo.toLowerCase() === to.repo.toLowerCase()) return;
  await tx.insert(projectAliases).values({ owner: from.owner, repo: from.repo, projectId });
}

export interface ProjectWrite {
  owner: string;
  repo: string;
  name: string;
  description: string | null;
  homepage: string | null;
  /** undefined: leave as it is. */
  webhookSecret?: string | null;
}

/** The one normalisation of project text at the domain boundary (see cleanReleaseWrite). */
function cleanProjectWrite(w: ProjectWrite): ProjectWrite {
  return { ...w, name: cleanText(w.name), description: cleanText(w.description), homepage: webUrlOrNull(w.homepage) };
}

function taken(w: { owner: string; repo: string }): ConflictError {
  return new ConflictError(`A project ${w.owner}/${w.repo} already exists (names are case-insensitive).`, {
    code: 'project-exists',
    issues: [{ path: '/repo', reason: 'is already taken for this owner' }],
  });
}

export async function createProject(tx: Tx, input: ProjectWrite): Promise<ProjectRecord> {
  const w = cleanProjectWrite(input);
  let row: ProjectRow | undefined;
  try {
    [row] = await tx
      .insert(projects)
      .values({ owner: w.owner, repo: w.repo, name: w.name, description: w.description, homepage: w.homepage, webhookSecret: w.webhookSecret ?? null })
      .returning();
  } catch (err) {
    if (isUniqueViolation(err)) throw taken(w);
    throw err;
  }
  if (!row) throw new Error('insert returned nothing');
  // A new project under a name another project had before: the name is its own now, no longer a redirect.
  await tx.delete(projectAliases).where(and(sql`lower(${projectAliases.owner}) = lower(${row.owner})`, sql`lower(${projectAliases.repo}) = lower(${row.repo})`));
  await emit(tx, { type: 'project.created', projectId: row.id, payload: { project: `${row.owner}/${row.repo}` } });
  return { ...row, releaseCount: 0, latest: null };
}

/** `current` was read FOR UPDATE in this transaction. */
export async function updateProject(tx: Tx, current: ProjectRecord, input: ProjectWrite): Promise<ProjectRecord> {
  const w = cleanProjectWrite(input);
  let row: ProjectRow | undefined;
  try {
    [row] = await tx
      .update(projects)
      .set({
        owner: w.owner,
        repo: w.repo,
        name: w.name,
        description: w.description,
        homepage: w.homepage,
        // The secret it replaces stays accepted (only it) while GitHub's hook is being updated.
        ...(w.webhookSecret !== undefined
          ? { webhookSecret: w.webhookSecret, ...(w.webhookSecret !== current.webhookSecret ? { webhookSecretPrevious: current.webhookSecret } : {}) }
          : {}),
        version: sql`${projects.version} + 1`,
        updatedAt: new Date(),
      })
      .where(and(eq(projects.id, current.id), eq(projects.version, current.version)))
      .returning();
  } catch (err) {
    if (isUniqueViolation(err)) throw taken(w);
    throw err;
  }
  if (!row) throw new StaleError('The project changed while this request ran; GET it again and retry.');
  const previous = `${current.owner}/${current.repo}`;
  const now = `${row.owner}/${row.repo}`;
  if (previous !== now) await recordRename(tx, row.id, current, row);
  await emit(tx, { type: 'project.updated', projectId: row.id, payload: { project: now, ...(previous !== now ? { previousProject: previous } : {}) } });
  return { ...row, releaseCount: current.releaseCount, latest: current.latest };
}

export async function deleteProject(tx: Tx, current: ProjectRecord): Promise<void> {
  const gone = await tx
    .delete(projects)
    .where(and(eq(projects.id, current.id), eq(projects.version, current.version)))
    .returning({ id: projects.id });
  if (!gone.length) throw new StaleError('The project changed while this request ran; GET it again and retry.');
  await emit(tx, { type: 'project.deleted', projectId: current.id, payload: { project: `${current.owner}/${current.repo}` } });
}
