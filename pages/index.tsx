import type { GetStaticProps, InferGetStaticPropsType } from 'next';
import Head from 'next/head';
import Link from 'next/link';
import { loadHome, type HomeData } from '@/lib/site/home';
import { homeMeta } from '@/lib/site/meta';
import { READER_REVALIDATE_SECONDS, withMeta } from '@/lib/site/static';
import { FeedHead } from '@/lib/site/ui/FeedLinks';
import { formatDate } from '@/lib/site/ui/format';
import { useLiveReleases } from '@/lib/site/ui/live';

export const getStaticProps: GetStaticProps<HomeData> = async () => {
  const data = withMeta(await loadHome(), homeMeta)!;
  // A placeholder (rendered inside `next build` without data) is refreshed at start; 30 s is the fallback.
  return { props: data, revalidate: data.placeholder ? 30 : READER_REVALIDATE_SECONDS };
};

export default function Home({ projects, recent, placeholder }: InferGetStaticPropsType<typeof getStaticProps>) {
  const live = useLiveReleases(recent);
  return (
    <>
      <Head>
        <title>Shiplog · Changelogs</title>
        <meta name="description" content="Release notes for every project, published the moment they ship." />
      </Head>
      <FeedHead base="/feed" title="All releases" />
      <section aria-labelledby="projects-heading" data-placeholder={placeholder ? 'true' : undefined}>
        <h1 id="projects-heading">Changelogs</h1>
        {placeholder ? (
          <p className="muted">Loading projects…</p>
        ) : projects.length === 0 ? (
          <p className="muted">No projects yet. Add one through the API to see its releases here.</p>
        ) : (
          <ul className="project-grid">
            {projects.map((p) => (
              <li key={p.fullName} className="card" data-project={p.fullName}>
                <h2>
                  <Link href={`/${p.owner}/${p.repo}`}>{p.name}</Link>
                </h2>
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
        )}
      </section>
      {live.releases.length > 0 ? (
        <section aria-labelledby="recent-heading">
          <h2 id="recent-heading">
            Recent releases{' '}
            <span className="live" data-live={live.connected ? 'on' : 'off'}>
              {live.connected ? '· Live' : ''}
            </span>
          </h2>
          <ol className="release-list">
            {live.releases.slice(0, 12).map((r) => (
              <li key={`${r.project}@${r.tag}`} data-tag={r.tag}>
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
        </section>
      ) : null}
    </>
  );
}
