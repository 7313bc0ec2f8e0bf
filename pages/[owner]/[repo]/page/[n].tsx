import type { GetStaticPaths, GetStaticProps } from 'next';
import { loadProjectPage, missingPage, type ProjectPageData } from '@/lib/site/changelog';
import { projectPagePath } from '@/lib/site/paths';
import { projectMeta } from '@/lib/site/meta';
import { pageProps, READER_REVALIDATE_SECONDS, withMeta } from '@/lib/site/static';
import { ProjectChangelog } from '@/lib/site/ui/ProjectChangelog';

export const getStaticPaths: GetStaticPaths = async () => ({ paths: [], fallback: 'blocking' });

export const getStaticProps: GetStaticProps<ProjectPageData> = async ({ params }) => {
  const n = String(params?.n);
  // /page/1 is the project page itself; anything that is not a page number is a 404.
  if (!/^[1-9]\d{0,5}$/.test(n) || n === '1') return { notFound: true, revalidate: READER_REVALIDATE_SECONDS };
  const [owner, repo] = [String(params?.owner), String(params?.repo)];
  const data = withMeta(await loadProjectPage(owner, repo, Number(n)), projectMeta);
  return data ? pageProps(data, READER_REVALIDATE_SECONDS) : missingPage(owner, repo, (o, r) => projectPagePath(o, r, Number(n)), READER_REVALIDATE_SECONDS);
};

export default ProjectChangelog;
