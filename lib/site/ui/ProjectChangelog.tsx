import Head from 'next/head';
import Link from 'next/link';
import type { ProjectPageData } from '../changelog';
import { projectPagePath } from '../paths';
import { FeedHead, FeedLinks } from './FeedLinks';
import { useLiveReleases } from './live';
import { ReleaseArticle } from './ReleaseArticle';

/** A project's changelog page (first page or /page/n), newest first, kept live on the first page. */
export function ProjectChangelog({ project, releases, page, pages, total }: ProjectPageData) {
  const live = useLiveReleases(releases, project.fullName);
  const shown = page === 1 ? live.releases : releases;
  const count = total + (page === 1 ? live.releases.length - releases.length : 0);
  const feedBase = `/${project.owner}/${project.repo}/feed`;
  return (
    <>
      <Head>
        <title>{`${project.name} changelog${page > 1 ? ` (page ${page})` : ''} · Shiplog`}</title>
        <meta name="description" content={project.description ?? `Release notes for ${project.fullName}`} />
      </Head>
      <FeedHead base={feedBase} title={`${project.name} releases`} />
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link href="/">All projects</Link> / <span>{project.fullName}</span>
      </nav>
      <header className="project-header">
        <h1>{project.name}</h1>
        <p className="full-name">{project.fullName}</p>
        {project.description ? <p>{project.description}</p> : null}
        <p className="muted">
          {count} release{count === 1 ? '' : 's'}
          {project.homepage ? (
            <>
              {' · '}
              <a href={project.homepage} rel="noopener noreferrer">
                Homepage
              </a>
            </>
          ) : null}
          {page === 1 ? (
            <span className="live" data-live={live.connected ? 'on' : 'off'} aria-live="polite">
              {live.connected ? ' · Live' : ''}
            </span>
          ) : null}
        </p>
        <FeedLinks base={feedBase} />
      </header>
      <section aria-label="Releases" className="release-stream">
        {shown.length === 0 ? <p className="muted">No releases yet.</p> : shown.map((r) => <ReleaseArticle key={r.tag} release={r} />)}
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
    </>
  );
}
