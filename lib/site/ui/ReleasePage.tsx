import Head from 'next/head';
import Link from 'next/link';
import type { ReleasePageData } from '../changelog';
import { projectPagePath } from '../paths';
import { FeedHead } from './FeedLinks';
import { ReleaseArticle } from './ReleaseArticle';

/** One release, with previous/next navigation. */
export function ReleasePage({ project, release, previous, next }: ReleasePageData) {
  const title = release.name && release.name !== release.tag ? release.name : release.tag;
  return (
    <>
      <Head>
        <title>{`${title} · ${project.name} · Shiplog`}</title>
        <meta name="description" content={`Release ${release.tag} of ${project.fullName}`} />
      </Head>
      <FeedHead base={`/${project.owner}/${project.repo}/feed`} title={`${project.name} releases`} />
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link href="/">All projects</Link> / <Link href={projectPagePath(project.owner, project.repo)}>{project.fullName}</Link> / <span>{release.tag}</span>
      </nav>
      <ReleaseArticle release={release} headingLevel={1} linkTitle={false} />
      <nav aria-label="Other releases" className="pager">
        {next ? (
          <Link href={next.path} rel="next">
            ← Newer: {next.tag}
          </Link>
        ) : (
          <span />
        )}
        {previous ? (
          <Link href={previous.path} rel="prev">
            Older: {previous.tag} →
          </Link>
        ) : (
          <span />
        )}
      </nav>
    </>
  );
}
