import { sql, type SQL } from 'drizzle-orm';
import { alias, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { releases, type ReleaseRow } from '../db/schema';

/**
 * The one public-visibility rule: a release an anonymous reader may see (site pages, feeds, the
 * widget, the live stream, the API without a token) is published — not a draft, not hidden, with a
 * publication time. Written here twice, once for the database and once for rows in memory, and the
 * two are held to agree (visibility.test.ts); everything else uses one of them.
 */

/** The columns the rule reads, of `releases` itself or of an alias of it. */
export interface VisibilityColumns {
  draft: AnyPgColumn;
  hidden: AnyPgColumn;
  publishedAt: AnyPgColumn;
}

/** `releases` as `r`, for hand-written SQL that names the table `releases r`. */
export const releasesR = alias(releases, 'r');

/** The rule as a SQL condition on `releases` (default) or an alias of it (`r`). */
export function publicReleaseSql(t: VisibilityColumns = releases): SQL {
  return sql`(${t.draft} = false and ${t.hidden} = false and ${t.publishedAt} is not null)`;
}

/** The rule for a row in memory. */
export function isPublicRelease(row: Pick<ReleaseRow, 'draft' | 'hidden' | 'publishedAt'>): boolean {
  return !row.draft && !row.hidden && row.publishedAt !== null;
}

/** Releases an anonymous reader may see, as a condition on `releases`. */
export const publicRelease = publicReleaseSql();
