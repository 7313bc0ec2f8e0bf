import Head from 'next/head';
import Link from 'next/link';
import type { OwnerPageData } from '../changelog';
import { projectPagePath } from '../paths';
import { FeedHead, FeedLinks } from './FeedLinks';
import { formatDate } from './format';
import { useLiveReleases } from './live';

/** An owner's page: its projects, and its newest releases kept live. */
export function OwnerPage({ owner, projects, releases }: OwnerPageData) {
  const live = useLiveReleases(releases, projects.map((p) => p.fullName).join(','));
  const feedBase = `/${owner}/feed`;
  return (
    <>
      <Head>
        <title>{`${owner} · Shiplog`}</title>
        <meta name="description" content={`Release notes of ${owner}'s projects`} />
      </Head>
      <FeedHead base={feedBase} title={`${owner} releases`} />
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link href="/">All projects</Link> / <span>{owner}</span>
      </nav>
      <header className="project-header">
        <h1>{owner}</h1>
        <p className="muted">
          {projects.length} project{projects.length === 1 ? '' : 's'}
          <span className="live" data-live={live.connected ? 'on' : 'off'} aria-live="polite">
            {live.connected ? ' · Live' : ''}
          </span>
        </p>
        <FeedLinks base={feedBase} />
      </header>
      <section aria-labelledby="owner-projects">
        <h2 id="owner-projects">Projects</h2>
        <ul className="project-grid">
          {projects.map((p) => (
            <li key={p.fullName} className="card" data-project={p.fullName}>
              <h3>
                <Link href={projectPagePath(p.owner, p.repo)}>{p.name}</Link>
              </h3>
              <p className="full-name">{p.fullName}</p>
              {p.description ? <p>{p.description}</p> : null}
              {p.latest ? (
                <p className="latest">
                  Latest: <strong className="tag">{p.latest.tag}</strong> <time dateTime={p.latest.publishedAt}>{formatDate(p.latest.publishedAt)}</time>
                </p>
              ) : (
                <p className="muted">No releases yet</p>
              )}
              <p className="muted">
                {p.releaseCount} release{p.releaseCount === 1 ? '' : 's'}
              </p>
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="owner-recent">
        <h2 id="owner-recent">Recent releases</h2>
        {live.releases.length === 0 ? (
          <p className="muted">No releases yet.</p>
        ) : (
          <ol className="release-list">
            {live.releases.slice(0, 20).map((r) => (
              <li key={`${r.project}@${r.tag}`} data-tag={r.tag} data-project={r.project}>
                <Link href={r.path} className="tag">
                  {r.tag}
                </Link>{' '}
                <span className="muted">{r.project}</span>
                {r.name && r.name !== r.tag ? <span> — {r.name}</span> : null}
                {r.prerelease ? <span className="badge">Pre-release</span> : null}{' '}
                <time dateTime={r.publishedAt} className="muted">
                  {formatDate(r.publishedAt)}
                </time>
              </li>
            ))}
          </ol>
        )}
      </section>
    </>
  );
}
