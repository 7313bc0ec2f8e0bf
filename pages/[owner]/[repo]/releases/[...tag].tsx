import type { GetStaticPaths, GetStaticProps } from 'next';
import { loadReleasePage, type ReleasePageData } from '@/lib/site/changelog';
import { pageProps, READER_REVALIDATE_SECONDS } from '@/lib/site/static';
import { ReleasePage } from '@/lib/site/ui/ReleasePage';

export const getStaticPaths: GetStaticPaths = async () => ({ paths: [], fallback: 'blocking' });

export const getStaticProps: GetStaticProps<ReleasePageData> = async ({ params }) => {
  const tag = Array.isArray(params?.tag) ? params.tag.join('/') : String(params?.tag);
  return pageProps(await loadReleasePage(String(params?.owner), String(params?.repo), tag), READER_REVALIDATE_SECONDS);
};

export default ReleasePage;
