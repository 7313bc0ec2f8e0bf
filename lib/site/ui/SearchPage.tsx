import Head from 'next/head';
import Link from 'next/link';
import { SEARCH_PAGE_SIZE, searchPagePath, type SearchPageData } from '../search-paths';
import { formatDate } from './format';
import { SearchForm } from './SearchForm';

/** The search page, site-wide (`/search`) or one project's (`/{owner}/{repo}/search`): server-rendered, no JavaScript needed. */
export function SearchPage({ q, project, error, hits, total, page, pages }: SearchPageData) {
  const scope = project ? { owner: project.owner, repo: project.repo } : undefined;
  const where = project ? project.name : 'all projects';
  const title = q ? `“${q}” in ${where}` : `Search ${where}`;
  const first = (page - 1) * SEARCH_PAGE_SIZE + 1;
  return (
    <>
      <Head>
        <title>{`${title} · Shiplog`}</title>
        <meta name="robots" content="noindex" />
      </Head>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link href="/">All projects</Link>
        {project ? (
          <>
            {' / '}
            <Link href={`/${project.owner}/${project.repo}`}>{project.fullName}</Link>
          </>
        ) : null}
        {' / '}
        <span>Search</span>
      </nav>
      <header className="search-header">
        <h1>{project ? `Search ${project.name} releases` : 'Search releases'}</h1>
        <SearchForm q={q} project={project ? { ...scope!, name: project.name } : undefined} label={project ? `Search ${project.name} releases` : 'Search all releases'} />
        <p className="muted search-help">
          All words must match. Use <code>&quot;a phrase&quot;</code>, <code>-word</code> to leave one out, <code>or</code> for either; <code>1.4</code> finds v1.4.x.
        </p>
      </header>
      <section aria-labelledby="results-heading" className="search-results">
        <h2 id="results-heading" className="visually-hidden">
          Results
        </h2>
        {error ? (
          <p role="alert" className="search-error">
            {error}
          </p>
        ) : !q ? (
          <p className="muted">Type what you are looking for: a feature, a fix, a version.</p>
        ) : total === 0 ? (
          <p className="empty" role="status">
            No releases match <strong>{q}</strong>
            {project ? ` in ${project.fullName}` : ''}. {project ? <Link href={searchPagePath(q)}>Search all projects</Link> : 'Try fewer or other words.'}
          </p>
        ) : hits.length === 0 ? (
          <p className="empty" role="status">
            No more results. <Link href={searchPagePath(q, 1, scope)}>Back to the first page</Link>
          </p>
        ) : (
          <>
            <p className="muted" role="status">
              {`${total === 1 ? '1 release matches' : `${total} releases match`} `}
              <strong>{q}</strong>
              {pages > 1 ? ` · ${first}–${first + hits.length - 1}` : ''}
            </p>
            <ol className="search-hits" start={first}>
              {hits.map((h) => (
                <li key={h.path} className="search-hit" data-tag={h.tag}>
                  <h3 className="search-hit-title">
                    <Link href={h.path}>{h.name && h.name !== h.tag ? h.name : h.tag}</Link>
                  </h3>
                  <p className="release-meta">
                    {project ? null : <span className="muted">{h.projectName}</span>}
                    <span className="tag">{h.tag}</span>
                    {h.prerelease ? <span className="badge">Pre-release</span> : null}
                    <time dateTime={h.publishedAt}>{formatDate(h.publishedAt)}</time>
                  </p>
                  {/* Escaped text with <mark> only (lib/search snippetHtml): no markup of the notes gets here. */}
                  {h.snippet ? <p className="search-snippet" dangerouslySetInnerHTML={{ __html: h.snippet }} /> : null}
                </li>
              ))}
            </ol>
          </>
        )}
      </section>
      {pages > 1 && hits.length > 0 ? (
        <nav aria-label="Result pages" className="pager">
          {page > 1 ? (
            <Link href={searchPagePath(q, page - 1, scope)} rel="prev">
              ← Better matches
            </Link>
          ) : (
            <span />
          )}
          <span className="muted">
            Page {page} of {pages}
          </span>
          {page < pages ? (
            <Link href={searchPagePath(q, page + 1, scope)} rel="next">
              More results →
            </Link>
          ) : (
            <span />
          )}
        </nav>
      ) : null}
    </>
  );
}
