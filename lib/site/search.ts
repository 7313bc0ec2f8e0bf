import { DatabaseUnavailableError, getDb } from '../db';
import { isBuildPhase } from '../config';
import { findProject, renamedTo } from '../projects/repo';
import { defaultReleaseSort, listReleases } from '../releases/repo';
import { SearchText, SEARCH_MAX } from '../search';
import { releasePagePath, type PageProject } from './paths';
import { SEARCH_PAGE_SIZE, searchPagePath, type SearchPageData } from './search-paths';

export { SEARCH_PAGE_SIZE, searchPagePath, type SearchHit, type SearchPageData } from './search-paths';

/** One query parameter as text: a repeated one counts as its first value. */
const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? '';

export type SearchPageResult = { kind: 'ok'; status: 200 | 400; data: SearchPageData } | { kind: 'not-found' } | { kind: 'moved'; to: string };

/**
 * A search page: the public releases matching `q` (the API's `q=`, lib/search), best first, ten per
 * page, site-wide or in one project. Empty `q` is the empty form; a query the API would refuse is
 * shown with its reason (and a 400).
 */
export async function loadSearchPage(query: Record<string, string | string[] | undefined>, scope?: { owner: string; repo: string }): Promise<SearchPageResult> {
  if (isBuildPhase()) throw new DatabaseUnavailableError('not during the build');
  const db = await getDb();
  let project: PageProject | null = null;
  let projectId: number | undefined;
  if (scope) {
    const found = await findProject(db, scope.owner, scope.repo);
    if (!found) {
      const moved = await renamedTo(db, scope.owner, scope.repo);
      return moved ? { kind: 'moved', to: searchPagePath(one(query.q), 1, moved) } : { kind: 'not-found' };
    }
    projectId = found.id;
    project = {
      owner: found.owner,
      repo: found.repo,
      fullName: `${found.owner}/${found.repo}`,
      name: found.name,
      description: found.description,
      homepage: found.homepage,
    };
  }
  const raw = one(query.q);
  const pageRaw = one(query.page);
  const page = /^[1-9]\d{0,4}$/.test(pageRaw) ? Number(pageRaw) : 1;
  const empty: SearchPageData = { q: raw.slice(0, SEARCH_MAX * 2), project, error: null, hits: [], total: 0, page: 1, pages: 0 };
  if (raw.trim() === '') return { kind: 'ok', status: 200, data: { ...empty, q: '' } };
  const parsed = SearchText.safeParse(raw);
  if (!parsed.success) return { kind: 'ok', status: 400, data: { ...empty, error: `The search ${parsed.error.issues[0]?.message ?? 'is not valid'}.` } };
  const q = parsed.data;
  const filters = { q };
  const result = await listReleases(db, {
    projectId,
    filters,
    seeAll: false,
    sort: defaultReleaseSort(filters),
    offset: (page - 1) * SEARCH_PAGE_SIZE,
    limit: SEARCH_PAGE_SIZE,
    count: true,
  });
  const total = result.total ?? 0;
  return {
    kind: 'ok',
    status: 200,
    data: {
      q: raw,
      project,
      error: null,
      total,
      page,
      pages: Math.ceil(total / SEARCH_PAGE_SIZE),
      hits: result.items.map((r) => ({
        tag: r.tag,
        name: r.name,
        project: `${r.owner}/${r.repo}`,
        projectName: r.projectName,
        path: releasePagePath(r.owner, r.repo, r.tag),
        publishedAt: (r.publishedAt ?? r.createdAt).toISOString(),
        prerelease: r.prerelease,
        snippet: r.search?.snippet ?? '',
      })),
    },
  };
}
