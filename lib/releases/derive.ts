import { and, asc, eq, lt, sql } from 'drizzle-orm';
import { getDb, type Executor, type Tx } from '../db';
import { projects, releases } from '../db/schema';
import { write } from '../db/write';
import { log } from '../log';
import { DERIVATION_VERSION, deriveRelease, packageLevels } from '../packages';
import { samePackage, tagPatternsOf } from '../packages/store';
import type { ProjectRef } from './repo';

/**
 * Keeps every release's package, version, level and breaking flag right (lib/packages): a write
 * stores its own (repo.ts), and then `settle` brings the rest of the project in line: rows not
 * derived yet (from before these columns, or written by an older release during a rolling deploy)
 * are derived, and the levels of the packages the write touched are computed again (a release
 * inserted out of order, deleted or re-tagged changes its neighbours' levels). These writes are
 * quiet (no new version, no `release.updated` event): nothing anyone was shown changes, since no
 * representation carries these columns yet and a read filtering on them derives first. Otherwise a
 * server starting on old data (or the demo seed) queued one event per release, delaying every page
 * regeneration behind it, and an import re-versioned the releases it had just written.
 *
 * Correctness does not wait for a background loop: every write settles its project, and reads that
 * filter or sort on these columns call `ensureDerived` first. `refreshUnderived` (cron drain, and a
 * server after it starts) back-fills the rest ahead of time.
 */

type Pkg = string | null;

/**
 * Derives the project's rows that are not derived yet, then levels again every package in `touched`
 * (and every package a derived row was in or is now in): in the caller's write transaction. Each row
 * that changes is written once. Returns how many rows changed.
 */
export async function settle(tx: Tx, project: ProjectRef, touched: Iterable<Pkg> = []): Promise<number> {
  const packages = new Set<Pkg>(touched);
  const underived = await tx
    .select()
    .from(releases)
    .where(and(eq(releases.projectId, project.id), lt(releases.derived, DERIVATION_VERSION)))
    .for('update');
  const derived = new Map<number, ReturnType<typeof deriveRelease>>();
  if (underived.length) {
    const patterns = await tagPatternsOf(tx, project.id);
    for (const row of underived) {
      const d = deriveRelease(row, patterns);
      derived.set(row.id, d);
      packages.add(row.package);
      packages.add(d.package);
    }
  }
  let changed = 0;
  const done = new Set<number>();
  const backfill: ({ id: number; level: string } & ReturnType<typeof deriveRelease>)[] = [];
  for (const pkg of packages) {
    // The package's rows as stored, and the rows derived just now that are in it.
    const stored = (
      await tx
        .select()
        .from(releases)
        .where(and(eq(releases.projectId, project.id), samePackage(pkg)))
        .for('update')
    ).filter((r) => !derived.has(r.id));
    const members = [...stored, ...underived.filter((r) => derived.get(r.id)!.package === pkg)];
    const levels = packageLevels(members.map((r) => ({ id: r.id, version: derived.get(r.id)?.packageVersion ?? r.packageVersion })));
    for (const row of members) {
      const level = levels.get(row.id) ?? 'other';
      const d = derived.get(row.id);
      if (done.has(row.id) || (!d && row.level === level)) continue;
      done.add(row.id);
      if (d) {
        // Back-filled rows are written in batches below: a project of 100,000 old releases is 200
        // statements, not 100,000 (on the embedded database one long transaction holds everything up).
        backfill.push({ id: row.id, ...d, level });
        continue;
      }
      // A neighbour's level is written quietly too (no new version, no event): no representation
      // carries it yet, and an import of 400 releases newest first would otherwise re-version and
      // announce every one of them once more. When the API shows levels, this must version the row.
      await tx.update(releases).set({ level }).where(eq(releases.id, row.id));
      changed++;
    }
  }
  for (let i = 0; i < backfill.length; i += BACKFILL_BATCH) {
    const batch = backfill.slice(i, i + BACKFILL_BATCH);
    const values = sql.join(
      batch.map((b) => sql`(${b.id}::int, ${b.package}::text, ${b.packageVersion}::text, ${b.versionKey}::text, ${b.level}::text, ${b.breaking}::boolean)`),
      sql`, `,
    );
    await tx.execute(sql`update ${releases} set package = v.package, package_version = v.package_version, version_key = v.version_key, level = v.level,
        breaking = v.breaking, derived = ${DERIVATION_VERSION}
      from (values ${values}) as v(id, package, package_version, version_key, level, breaking) where ${releases.id} = v.id`);
    changed += batch.length;
  }
  return changed;
}

const BACKFILL_BATCH = 500;

async function underivedProject(db: Executor, projectId?: number): Promise<ProjectRef | undefined> {
  const [row] = await db
    .select({ id: projects.id, owner: projects.owner, repo: projects.repo, name: projects.name })
    .from(releases)
    .innerJoin(projects, eq(projects.id, releases.projectId))
    .where(and(lt(releases.derived, DERIVATION_VERSION), ...(projectId !== undefined ? [eq(releases.projectId, projectId)] : [])))
    .orderBy(asc(releases.derived), asc(releases.projectId))
    .limit(1);
  return row;
}

/** Before a read that filters or sorts on package, version, level or breaking: derives the project's rows first if any are not. */
export async function ensureDerived(projectId: number): Promise<void> {
  const db = await getDb();
  const project = await underivedProject(db, projectId);
  if (project) await write((tx) => settle(tx, project));
}

/** Before a read across projects that filters on these columns (site and owner feeds): derives every project's rows first. */
export async function ensureAllDerived(): Promise<void> {
  while ((await refreshUnderived({ maxProjects: 100 })).more);
}

/** Back-fills projects with rows not derived yet, one project per transaction; whether any remain. */
export async function refreshUnderived(options: { maxProjects?: number; deadline?: number } = {}): Promise<{ projects: number; more: boolean }> {
  const maxProjects = options.maxProjects ?? 20;
  const deadline = options.deadline ?? Number.POSITIVE_INFINITY;
  const db = await getDb();
  let done = 0;
  while (done < maxProjects && Date.now() < deadline) {
    const project = await underivedProject(db);
    if (!project) return { projects: done, more: false };
    await write((tx) => settle(tx, project));
    done++;
  }
  return { projects: done, more: true };
}

const g = globalThis as typeof globalThis & { __shiplogDeriveRefresh?: boolean };

/** In a long-lived server, after it starts: back-fills package, version and level ahead of reads (an accelerator only). */
export function startDerivingReleases(pauseMs = 1_000): void {
  if (g.__shiplogDeriveRefresh) return;
  g.__shiplogDeriveRefresh = true;
  const step = async () => {
    try {
      const { more } = await refreshUnderived({ maxProjects: 5 });
      if (more) {
        setTimeout(() => void step(), pauseMs).unref();
        return;
      }
    } catch (err) {
      log().warn({ err: (err as Error).message }, 'could not derive package versions of stored releases; writes and filtered reads will');
    }
    g.__shiplogDeriveRefresh = false;
  };
  void step();
}
