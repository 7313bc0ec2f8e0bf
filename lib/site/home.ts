import { sql } from 'drizzle-orm';
import { getDb, rows } from '../db';
import { isBuildPhase } from '../config';
import { listReleases } from '../releases/repo';
import { publicReleaseSql, releasesR } from '../releases/visibility';
import { toListedRelease, type ShownRelease } from './changelog';

export interface HomeProject {
  owner: string;
  repo: string;
  fullName: string;
  name: string;
  description: string | null;
  releaseCount: number;
  latest: { tag: string; name: string | null; publishedAt: string; prerelease: boolean } | null;
}

export interface HomeData {
  projects: HomeProject[];
  recent: ShownRelease[];
  /** True when rendered without data (inside `next build`, which opens no database); refreshed at start. */
  placeholder: boolean;
  generatedAt: string;
}

/** Releases readers may see (the one rule, lib/releases/visibility.ts), of `releases r`. */
const PUBLIC_RELEASE = publicReleaseSql(releasesR);

const iso = (d: Date | string) => (d instanceof Date ? d : new Date(d)).toISOString();

/** What the home page shows, read through lib/ (never over HTTP). */
export async function loadHome(): Promise<HomeData> {
  const generatedAt = new Date().toISOString();
  if (isBuildPhase()) {
    return { projects: [], recent: [], placeholder: true, generatedAt };
  }
  const db = await getDb();
  const projectRows = await rows<{
    owner: string;
    repo: string;
    name: string;
    description: string | null;
    release_count: number;
    tag: string | null;
    release_name: string | null;
    published_at: Date | string | null;
    prerelease: boolean | null;
  }>(
    db,
    sql`select p.owner, p.repo, p.name, p.description,
          (select count(*)::int from releases r where r.project_id = p.id and ${PUBLIC_RELEASE}) as release_count,
          l.tag, l.name as release_name, l.published_at, l.prerelease
        from projects p
        left join lateral (
          select r.tag, r.name, r.published_at, r.prerelease from releases r
          where r.project_id = p.id and ${PUBLIC_RELEASE}
          order by r.prerelease asc, r.published_at desc limit 1
        ) l on true
        order by lower(p.owner), lower(p.repo)`,
  );
  const recent = await listReleases(db, { filters: {}, seeAll: false, sort: [{ key: 'publishedAt', dir: 'desc' }], offset: 0, limit: 12, count: false });
  return {
    placeholder: false,
    generatedAt,
    projects: projectRows.map((p) => ({
      owner: p.owner,
      repo: p.repo,
      fullName: `${p.owner}/${p.repo}`,
      name: p.name,
      description: p.description,
      releaseCount: Number(p.release_count),
      latest: p.tag && p.published_at ? { tag: p.tag, name: p.release_name, publishedAt: iso(p.published_at), prerelease: !!p.prerelease } : null,
    })),
    // Listed, not shown with their notes.
    recent: recent.items.map(toListedRelease),
  };
}
