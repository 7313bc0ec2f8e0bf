import type { GetStaticPropsResult } from 'next';
import { DatabaseUnavailableError, getDb } from '../db';
import { isBuildPhase } from '../config';
import { cachedCount } from '../http/cache';
import { findProject, listProjects, renamedTo } from '../projects/repo';
import { findRelease, listReleases, neighboursOf } from '../releases/repo';
import { PAGE_SIZE, projectPagePath, toListedRelease, toPageRelease, type PageProject, type PageRelease, type ShownRelease } from './paths';
import { markRendered } from './rendered';

export { ownerPagePath, PAGE_SIZE, projectPagePath, releasePagePath, toListedRelease, toPageRelease, type PageProject, type PageRelease, type ShownRelease } from './paths';

/** Reader pages never open a database inside `next build`: they render on first request. */
async function readerDb() {
  if (isBuildPhase()) throw new DatabaseUnavailableError('not during the build');
  return getDb();
}

export interface ProjectPageData {
  project: PageProject;
  releases: PageRelease[];
  page: number;
  pages: number;
  total: number;
  /** The project's newest public release that is not a prerelease (GitHub's "Latest"), if any. */
  latestTag: string | null;
}

type Db = Awaited<ReturnType<typeof readerDb>>;

/** GitHub's "Latest" release of a project: its newest public release that is not a prerelease. */
async function latestTagOf(db: Db, projectId: number): Promise<string | null> {
  const found = await listReleases(db, {
    projectId,
    filters: { prerelease: false },
    seeAll: false,
    sort: [{ key: 'publishedAt', dir: 'desc' }],
    offset: 0,
    limit: 1,
    count: false,
  });
  return found.items[0]?.tag ?? null;
}

/** How far past the last page a requested (404) page is still remembered for revalidation. */
const NEAR_PAGES = 100;

/** One page (20) of a project's public changelog, newest first; undefined when there is no such project or page. */
export async function loadProjectPage(owner: string, repo: string, page: number): Promise<ProjectPageData | undefined> {
  if (!Number.isInteger(page) || page < 1) return undefined;
  const db = await readerDb();
  const project = await findProject(db, owner, repo);
  if (!project) return undefined;
  const result = await listReleases(db, {
    projectId: project.id,
    filters: {},
    seeAll: false,
    sort: [{ key: 'publishedAt', dir: 'desc' }],
    offset: (page - 1) * PAGE_SIZE,
    limit: PAGE_SIZE,
    count: true,
    countCache: cachedCount,
  });
  const total = result.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  // A deep page is cached even as a 404 (for an hour): marked, the revalidator refreshes it once
  // releases fill it. Only pages near the end, so made-up page numbers do not grow the set.
  if (page > 1 && page <= pages + NEAR_PAGES) markRendered(projectPagePath(project.owner, project.repo, page));
  if (page > pages) return undefined;
  return {
    project: {
      owner: project.owner,
      repo: project.repo,
      fullName: `${project.owner}/${project.repo}`,
      name: project.name,
      description: project.description,
      homepage: project.homepage,
    },
    releases: result.items.map((r) => toPageRelease(r)),
    page,
    pages,
    total,
    latestTag: await latestTagOf(db, project.id),
  };
}

export interface ReleasePageData {
  project: PageProject;
  release: PageRelease;
  /** Whether this release is the project's "Latest" (its newest that is not a prerelease). */
  latest: boolean;
  /** The neighbours, linked (no notes). */
  previous: ShownRelease | null;
  next: ShownRelease | null;
}

export async function loadReleasePage(owner: string, repo: string, tag: string): Promise<ReleasePageData | undefined> {
  const db = await readerDb();
  const project = await findProject(db, owner, repo);
  if (!project) return undefined;
  const release = await findRelease(db, project.id, tag, { seeAll: false });
  if (!release) return undefined;
  const around = (await neighboursOf(db, [release], { seeAll: false })).get(release.id);
  return {
    project: {
      owner: project.owner,
      repo: project.repo,
      fullName: `${project.owner}/${project.repo}`,
      name: project.name,
      description: project.description,
      homepage: project.homepage,
    },
    release: toPageRelease(release),
    latest: !release.prerelease && (await latestTagOf(db, project.id)) === release.tag,
    previous: around?.previous ? toListedRelease(around.previous) : null,
    next: around?.next ? toListedRelease(around.next) : null,
  };
}

export interface OwnerPageData {
  owner: string;
  projects: (PageProject & { releaseCount: number; latest: { tag: string; name: string | null; publishedAt: string } | null })[];
  releases: ShownRelease[];
}

/** How many of an owner's newest releases its page shows. */
const OWNER_RECENT = 20;

/**
 * An owner's page (`/{owner}`, where owner feeds link): its projects and its newest public releases.
 * undefined (404) when it owns no project. `owner` as written in the URL, matched case-insensitively.
 */
export async function loadOwnerPage(owner: string): Promise<OwnerPageData | undefined> {
  if (!/^[A-Za-z0-9-]{1,100}$/.test(owner)) return undefined;
  const db = await readerDb();
  const found = await listProjects(db, { filters: { owner }, seeAll: false, sort: [{ key: 'fullName', dir: 'asc' }], offset: 0, limit: 500, count: false });
  const first = found.items[0];
  if (!first) return undefined;
  const recent = await listReleases(db, {
    filters: { owner: first.owner },
    seeAll: false,
    sort: [{ key: 'publishedAt', dir: 'desc' }],
    offset: 0,
    limit: OWNER_RECENT,
    count: false,
  });
  return {
    owner: first.owner,
    projects: found.items.map((p) => ({
      owner: p.owner,
      repo: p.repo,
      fullName: `${p.owner}/${p.repo}`,
      name: p.name,
      description: p.description,
      homepage: p.homepage,
      releaseCount: p.releaseCount,
      latest: p.latest ? { tag: p.latest.tag, name: p.latest.name, publishedAt: p.latest.publishedAt.toISOString() } : null,
    })),
    // Listed, not shown with their notes.
    releases: recent.items.map(toListedRelease),
  };
}

/**
 * For a reader page that found nothing: a project renamed (or transferred) on GitHub redirects its old
 * pages permanently (308) to the same page under the new name; anything else is the 404 page.
 */
export async function missingPage(owner: string, repo: string, pathUnder: (owner: string, repo: string) => string, revalidate: number): Promise<GetStaticPropsResult<never>> {
  const to = await renamedTo(await readerDb(), owner, repo);
  return to ? { redirect: { destination: pathUnder(to.owner, to.repo), permanent: true }, revalidate } : { notFound: true, revalidate };
}
