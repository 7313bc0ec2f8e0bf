import Head from 'next/head';
import Link from 'next/link';
import type { ProjectPageData } from '../changelog';
import { projectPagePath } from '../paths';
import { FeedHead } from './FeedLinks';
import { formatDate, nameBesideTag } from './format';
import { useLiveReleases } from './live';
import { PrereleaseToggle } from './PrereleaseToggle';
import { ProjectHeader } from './ProjectHeader';
import { ReleaseArticle } from './ReleaseArticle';

/** Page numbers to link: the first, the last and two either side of this one; null where some are left out. */
function pageWindow(page: number, pages: number): (number | null)[] {
  const out: (number | null)[] = [];
  for (let n = 1; n <= pages; n++) {
    if (n === 1 || n === pages || Math.abs(n - page) <= 2) out.push(n);
    else if (out[out.length - 1] !== null) out.push(null);
  }
  return out;
}

/**
 * A project's changelog page (first page or /page/n), newest first, kept live on the first page: a dated
 * timeline of releases and, beside it on wide screens, an index of the versions on the page and the
 * other pages.
 */
export function ProjectChangelog({ project, releases, page, pages, total, latestTag }: ProjectPageData) {
  const live = useLiveReleases(releases, project.fullName);
  const shown = page === 1 ? live.releases : releases;
  const count = total + (page === 1 ? live.releases.length - releases.length : 0);
  // On the first page the newest stable release shown is the latest (it may have arrived live).
  const latest = page === 1 ? (shown.find((r) => !r.prerelease)?.tag ?? latestTag) : latestTag;
  const hasPrereleases = shown.some((r) => r.prerelease);
  return (
    <>
      <Head>
        <title>{`${project.name} changelog${page > 1 ? ` (page ${page})` : ''} · Shiplog`}</title>
        <meta name="description" content={project.description ?? `Release notes for ${project.fullName}`} />
      </Head>
      <FeedHead base={`/${project.owner}/${project.repo}/feed`} title={`${project.name} releases`} />
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link href="/">Changelogs</Link> <span aria-hidden="true">/</span> <Link href={`/${project.owner}`}>{project.owner}</Link> <span aria-hidden="true">/</span>{' '}
        <span aria-current="page">{project.repo}</span>
      </nav>
      <ProjectHeader project={project}>
        <p className="muted release-count">
          {count} release{count === 1 ? '' : 's'}
          {page === 1 ? (
            <span className="live" data-live={live.connected ? 'on' : 'off'} aria-live="polite">
              {live.connected ? ' · Live' : ''}
            </span>
          ) : null}
        </p>
      </ProjectHeader>
      <div className="changelog-layout">
        <div className="changelog-main">
          {hasPrereleases ? <PrereleaseToggle /> : null}
          <section aria-label="Releases" className="release-stream" id="releases">
            {shown.length === 0 ? <p className="muted">No releases yet.</p> : shown.map((r) => <ReleaseArticle key={r.tag} release={r} latest={r.tag === latest} />)}
          </section>
          {pages > 1 ? (
            <nav aria-label="Pages" className="pager">
              {page > 1 ? (
                <Link href={projectPagePath(project.owner, project.repo, page - 1)} rel="prev">
                  ← Newer
                </Link>
              ) : (
                <span />
              )}
              <span className="muted">
                Page {page} of {pages}
              </span>
              {page < pages ? (
                <Link href={projectPagePath(project.owner, project.repo, page + 1)} rel="next">
                  Older →
                </Link>
              ) : (
                <span />
              )}
            </nav>
          ) : null}
        </div>
        {shown.length > 0 ? (
          <nav aria-labelledby="versions-heading" className="version-index">
            <h2 id="versions-heading">Versions</h2>
            <ol>
              {shown.map((r) => (
                <li key={r.tag} data-prerelease={r.prerelease ? 'true' : undefined}>
                  <a href={`#release-${encodeURIComponent(r.tag)}`}>
                    <span className="tag">{r.tag}</span>
                    {r.tag === latest ? <span className="badge badge-latest">Latest</span> : null}
                    {r.prerelease ? <span className="badge badge-pre">Pre</span> : null}
                  </a>
                  <span className="version-sub">
                    <time dateTime={r.publishedAt}>{formatDate(r.publishedAt)}</time>
                    {nameBesideTag(r) ? <span className="version-name"> · {nameBesideTag(r)}</span> : null}
                  </span>
                </li>
              ))}
            </ol>
            {pages > 1 ? (
              <ol className="page-index" aria-label="Pages">
                {pageWindow(page, pages).map((n, i) => (
                  <li key={n ?? `gap-${i}`}>
                    {n === null ? (
                      <span aria-hidden="true">…</span>
                    ) : n === page ? (
                      <span aria-current="page">{n}</span>
                    ) : (
                      <Link href={projectPagePath(project.owner, project.repo, n)} aria-label={`Page ${n}`}>
                        {n}
                      </Link>
                    )}
                  </li>
                ))}
              </ol>
            ) : null}
          </nav>
        ) : null}
      </div>
    </>
  );
}
