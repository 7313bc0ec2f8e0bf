import Head from 'next/head';
import Link from 'next/link';
import type { ReleasePageData } from '../changelog';
import { projectPagePath } from '../paths';
import { FeedHead } from './FeedLinks';
import { ProjectHeader } from './ProjectHeader';
import { ReleaseArticle } from './ReleaseArticle';
import { releaseTitle } from './format';

/** One release, with previous/next navigation. */
export function ReleasePage({ project, release, latest, previous, next }: ReleasePageData) {
  const title = releaseTitle(release);
  return (
    <>
      <Head>
        <title>{`${title} · ${project.name} · Shiplog`}</title>
        <meta name="description" content={`Release ${release.tag} of ${project.fullName}`} />
      </Head>
      <FeedHead base={`/${project.owner}/${project.repo}/feed`} title={`${project.name} releases`} />
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link href="/">Changelogs</Link> <span aria-hidden="true">/</span> <Link href={`/${project.owner}`}>{project.owner}</Link> <span aria-hidden="true">/</span>{' '}
        <Link href={projectPagePath(project.owner, project.repo)}>{project.repo}</Link> <span aria-hidden="true">/</span> <span aria-current="page">{release.tag}</span>
      </nav>
      <ProjectHeader project={project} heading={false} />
      <div className="release-single">
        <ReleaseArticle release={release} headingLevel={1} linkTitle={false} latest={latest} />
      </div>
      <nav aria-label="Other releases" className="pager release-pager">
        {next ? (
          <Link href={next.path} rel="next">
            <span className="pager-label">← Newer</span> <span className="tag">{next.tag}</span>
          </Link>
        ) : (
          <span />
        )}
        <Link href={projectPagePath(project.owner, project.repo)} className="pager-all">
          All releases
        </Link>
        {previous ? (
          <Link href={previous.path} rel="prev">
            <span className="pager-label">Older</span> <span className="tag">{previous.tag}</span> <span aria-hidden="true">→</span>
          </Link>
        ) : (
          <span />
        )}
      </nav>
    </>
  );
}
