import type { GetStaticProps, InferGetStaticPropsType } from 'next';
import Head from 'next/head';
import { loadHome, type HomeData } from '@/lib/site/home';
import { homeMeta } from '@/lib/site/meta';
import { READER_REVALIDATE_SECONDS, withMeta } from '@/lib/site/static';
import { FeedHead, FeedLinks } from '@/lib/site/ui/FeedLinks';
import { useLiveReleases } from '@/lib/site/ui/live';
import { ProjectCard } from '@/lib/site/ui/ProjectCard';
import { ReleaseList } from '@/lib/site/ui/ReleaseList';
import { SearchForm } from '@/lib/site/ui/SearchForm';

export const getStaticProps: GetStaticProps<HomeData> = async () => {
  const data = withMeta(await loadHome(), homeMeta)!;
  // A placeholder (rendered inside `next build` without data) is refreshed at start; 30 s is the fallback.
  return { props: data, revalidate: data.placeholder ? 30 : READER_REVALIDATE_SECONDS };
};

export default function Home({ projects, recent, placeholder }: InferGetStaticPropsType<typeof getStaticProps>) {
  const live = useLiveReleases(recent);
  const names = new Map(projects.map((p) => [p.fullName, p.name]));
  return (
    <>
      <Head>
        <title>Shiplog · Changelogs</title>
        <meta name="description" content="Release notes for every project, published the moment they ship." />
      </Head>
      <FeedHead base="/feed" title="All releases" />
      <section aria-labelledby="projects-heading" data-placeholder={placeholder ? 'true' : undefined}>
        <header className="page-intro">
          <h1 id="projects-heading">Changelogs</h1>
          <p className="lede">Release notes for every project, published the moment they ship.</p>
          <FeedLinks base="/feed" />
          <SearchForm />
        </header>
        {placeholder ? (
          <p className="muted">Loading projects…</p>
        ) : projects.length === 0 ? (
          <p className="muted">No projects yet. Add one through the API to see its releases here.</p>
        ) : (
          <ul className="project-grid">
            {projects.map((p) => (
              <ProjectCard key={p.fullName} project={p} headingLevel={2} />
            ))}
          </ul>
        )}
      </section>
      {live.releases.length > 0 ? (
        <section aria-labelledby="recent-heading" className="recent">
          <h2 id="recent-heading">
            Recent releases{' '}
            <span className="live" data-live={live.connected ? 'on' : 'off'}>
              {live.connected ? '· Live' : ''}
            </span>
          </h2>
          <ReleaseList releases={live.releases.slice(0, 12)} projectNames={names} />
        </section>
      ) : null}
    </>
  );
}
