import type { GetStaticProps, InferGetStaticPropsType } from 'next';
import Head from 'next/head';
import { loadHome, type HomeData } from '@/lib/site/home';

const REVALIDATE_SECONDS = 3600; // on-demand revalidation is the real refresh; this covers missed events

export const getStaticProps: GetStaticProps<HomeData> = async () => {
  const data = await loadHome();
  return { props: data, revalidate: data.placeholder ? 30 : REVALIDATE_SECONDS };
};

const dateFormat = new Intl.DateTimeFormat('en', { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' });
const formatDate = (iso: string) => dateFormat.format(new Date(iso));

export default function Home({ projects, recent, placeholder }: InferGetStaticPropsType<typeof getStaticProps>) {
  return (
    <>
      <Head>
        <title>Shiplog · Changelogs</title>
        <meta name="description" content="Release notes for every project, published the moment they ship." />
      </Head>
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
                  <a href={`/${p.owner}/${p.repo}`}>{p.name}</a>
                </h2>
                <p className="full-name">{p.fullName}</p>
                {p.description ? <p>{p.description}</p> : null}
                {p.latest ? (
                  <p className="latest">
                    Latest: <strong className="tag">{p.latest.tag}</strong>{' '}
                    <time dateTime={p.latest.publishedAt}>{formatDate(p.latest.publishedAt)}</time>
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
      {recent.length > 0 ? (
        <section aria-labelledby="recent-heading">
          <h2 id="recent-heading">Recent releases</h2>
          <ol className="release-list">
            {recent.map((r) => (
              <li key={`${r.project}@${r.tag}`}>
                <span className="tag">{r.tag}</span> <span className="muted">{r.project}</span>
                {r.name ? <span> — {r.name}</span> : null}
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
