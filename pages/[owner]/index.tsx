import type { GetStaticPaths, GetStaticProps } from 'next';
import { loadOwnerPage, type OwnerPageData } from '@/lib/site/changelog';
import { ownerMeta } from '@/lib/site/meta';
import { pageProps, READER_REVALIDATE_SECONDS, withMeta } from '@/lib/site/static';
import { OwnerPage } from '@/lib/site/ui/OwnerPage';

// Rendered on first request and then served statically; every change to the owner's projects
// revalidates it on demand. Other spellings of the owner redirect to the stored one.
export const getStaticPaths: GetStaticPaths = async () => ({ paths: [], fallback: 'blocking' });

export const getStaticProps: GetStaticProps<OwnerPageData> = async ({ params }) => {
  const asked = String(params?.owner);
  const data = withMeta(await loadOwnerPage(asked), ownerMeta);
  if (data && data.owner !== asked) return { redirect: { destination: `/${data.owner}`, permanent: true }, revalidate: READER_REVALIDATE_SECONDS };
  return pageProps(data, READER_REVALIDATE_SECONDS);
};

export default OwnerPage;
