import type { GetStaticPaths, GetStaticProps } from 'next';
import { loadProjectPage, missingPage, type ProjectPageData } from '@/lib/site/changelog';
import { projectPagePath } from '@/lib/site/paths';
import { projectMeta } from '@/lib/site/meta';
import { pageProps, READER_REVALIDATE_SECONDS, withMeta } from '@/lib/site/static';
import { ProjectChangelog } from '@/lib/site/ui/ProjectChangelog';

// Rendered on first request and then served statically; every change revalidates it on demand.
export const getStaticPaths: GetStaticPaths = async () => ({ paths: [], fallback: 'blocking' });

export const getStaticProps: GetStaticProps<ProjectPageData> = async ({ params }) => {
  const [owner, repo] = [String(params?.owner), String(params?.repo)];
  const data = withMeta(await loadProjectPage(owner, repo, 1), projectMeta);
  return data ? pageProps(data, READER_REVALIDATE_SECONDS) : missingPage(owner, repo, (o, r) => projectPagePath(o, r), READER_REVALIDATE_SECONDS);
};

export default ProjectChangelog;
