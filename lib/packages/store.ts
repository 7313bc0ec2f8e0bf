import { and, eq, isNull, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../db';
import { projects, releases } from '../db/schema';
import { DERIVATION_VERSION, deriveRelease, levelOf, type ReleaseLevel } from './index';

/**
 * The stored side of packages and versions: the columns a release's write stores (lib/releases/repo.ts
 * calls `derivedColumns`), and one package's releases for its levels (lib/releases/derive.ts).
 * Every write holds the outbox head (lib/db/write.ts), so levels computed in a write see every other.
 */

export const samePackage = (pkg: string | null): SQL => (pkg === null ? isNull(releases.package) : eq(releases.package, pkg));

export async function tagPatternsOf(db: Executor, projectId: number): Promise<string[] | null> {
  const [row] = await db.select({ tagPatterns: projects.tagPatterns }).from(projects).where(eq(projects.id, projectId));
  return row?.tagPatterns ?? null;
}

/** The newest stable version of the package below `versionKey` (semver order), not counting release `exceptId`. */
export async function previousStable(db: Executor, projectId: number, pkg: string | null, versionKey: string, exceptId?: number): Promise<string | null> {
  const [row] = await db
    .select({ v: releases.packageVersion })
    .from(releases)
    .where(
      and(
        eq(releases.projectId, projectId),
        samePackage(pkg),
        sql`${releases.derived} >= ${DERIVATION_VERSION}`,
        sql`(${releases.versionKey} collate "C") < (${versionKey} collate "C")`,
        sql`right(${releases.versionKey}, 1) = '~'`,
        ...(exceptId !== undefined ? [sql`${releases.id} <> ${exceptId}`] : []),
      ),
    )
    .orderBy(sql`${releases.versionKey} collate "C" desc`)
    .limit(1);
  return row?.v ?? null;
}

export interface DerivedColumns {
  package: string | null;
  packageVersion: string | null;
  versionKey: string | null;
  level: ReleaseLevel;
  breaking: boolean;
  derived: number;
}

/** What a release's row stores about its package and version, computed in the write's transaction. */
export async function derivedColumns(db: Executor, projectId: number, r: { tag: string; name: string | null; body: string }, exceptId?: number): Promise<DerivedColumns> {
  const d = deriveRelease(r, await tagPatternsOf(db, projectId));
  const level = d.versionKey ? levelOf(d.packageVersion, await previousStable(db, projectId, d.package, d.versionKey, exceptId)) : 'other';
  return { ...d, level, derived: DERIVATION_VERSION };
}
