import Head from 'next/head';
import Link from 'next/link';
import type { OwnerPageData } from '../changelog';
import { FeedHead, FeedLinks } from './FeedLinks';
import { useLiveReleases } from './live';
import { ProjectCard } from './ProjectCard';
import { ReleaseList } from './ReleaseList';

/** An owner's page: its projects, and its newest releases kept live. */
export function OwnerPage({ owner, projects, releases }: OwnerPageData) {
  const live = useLiveReleases(releases, projects.map((p) => p.fullName).join(','));
  const feedBase = `/${owner}/feed`;
  const names = new Map(projects.map((p) => [p.fullName, p.name]));
  return (
    <>
      <Head>
        <title>{`${owner} · Shiplog`}</title>
        <meta name="description" content={`Release notes of ${owner}'s projects`} />
      </Head>
      <FeedHead base={feedBase} title={`${owner} releases`} />
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link href="/">Changelogs</Link> <span aria-hidden="true">/</span> <span aria-current="page">{owner}</span>
      </nav>
      <header className="page-intro">
        <h1>{owner}</h1>
        <p className="muted">
          {projects.length} project{projects.length === 1 ? '' : 's'} ·{' '}
          <a href={`https://github.com/${owner}`} rel="noopener noreferrer">
            github.com/{owner}
          </a>
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
            <ProjectCard key={p.fullName} project={p} headingLevel={3} />
          ))}
        </ul>
      </section>
      <section aria-labelledby="owner-recent" className="recent">
        <h2 id="owner-recent">Recent releases</h2>
        {live.releases.length === 0 ? <p className="muted">No releases yet.</p> : <ReleaseList releases={live.releases.slice(0, 20)} projectNames={names} />}
      </section>
    </>
  );
}
