import type { GetStaticPaths, GetStaticProps } from 'next';
import { loadReleasePage, missingPage, type ReleasePageData } from '@/lib/site/changelog';
import { releasePagePath } from '@/lib/site/paths';
import { releaseMeta } from '@/lib/site/meta';
import { pageProps, READER_REVALIDATE_SECONDS, withMeta } from '@/lib/site/static';
import { ReleasePage } from '@/lib/site/ui/ReleasePage';

export const getStaticPaths: GetStaticPaths = async () => ({ paths: [], fallback: 'blocking' });

export const getStaticProps: GetStaticProps<ReleasePageData> = async ({ params }) => {
  const tag = Array.isArray(params?.tag) ? params.tag.join('/') : String(params?.tag);
  const [owner, repo] = [String(params?.owner), String(params?.repo)];
  const data = withMeta(await loadReleasePage(owner, repo, tag), releaseMeta);
  return data ? pageProps(data, READER_REVALIDATE_SECONDS) : missingPage(owner, repo, (o, r) => releasePagePath(o, r, tag), READER_REVALIDATE_SECONDS);
};

export default ReleasePage;
