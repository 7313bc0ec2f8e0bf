import type { GetStaticPaths, GetStaticProps } from 'next';
import { loadProjectPage, type ProjectPageData } from '@/lib/site/changelog';
import { pageProps, READER_REVALIDATE_SECONDS } from '@/lib/site/static';
import { ProjectChangelog } from '@/lib/site/ui/ProjectChangelog';

// Rendered on first request and then served statically; every change revalidates it on demand.
export const getStaticPaths: GetStaticPaths = async () => ({ paths: [], fallback: 'blocking' });

export const getStaticProps: GetStaticProps<ProjectPageData> = async ({ params }) =>
  pageProps(await loadProjectPage(String(params?.owner), String(params?.repo), 1), READER_REVALIDATE_SECONDS);

export default ProjectChangelog;
