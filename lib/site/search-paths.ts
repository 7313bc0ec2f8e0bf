// Pure helpers and types of the search pages: safe to import from browser code (no database).
import type { PageProject } from './paths';

/** What a search page shows of a release it found: no notes, only the snippet (pages stay light). */
export interface SearchHit {
  tag: string;
  name: string | null;
  /** `owner/repo`. */
  project: string;
  projectName: string;
  path: string;
  publishedAt: string;
  prerelease: boolean;
  /** Safe HTML (lib/search snippetHtml): escaped text with `<mark>` around matches. */
  snippet: string;
}

export interface SearchPageData {
  /** The query as typed ('' before a search). */
  q: string;
  /** Set when searching one project (`/{owner}/{repo}/search`). */
  project: PageProject | null;
  /** Why the query was refused (the page answers 400 with it); null otherwise. */
  error: string | null;
  hits: SearchHit[];
  total: number;
  page: number;
  pages: number;
}

export const SEARCH_PAGE_SIZE = 10;

/** The search page's path for a query and page (site-wide, or one project's). */
export function searchPagePath(q: string, page = 1, project?: { owner: string; repo: string }): string {
  const base = project ? `/${project.owner}/${project.repo}/search` : '/search';
  const params = new URLSearchParams();
  if (q) params.set('q', q);
  if (page > 1) params.set('page', String(page));
  const query = params.toString();
  return query ? `${base}?${query}` : base;
}
