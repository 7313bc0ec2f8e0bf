import type { GetServerSideProps } from 'next';
import { loadSearchPage, type SearchPageData } from '@/lib/site/search';
import { SearchPage } from '@/lib/site/ui/SearchPage';

// One project's releases, searched; rendered per request, works without JavaScript.
export const getServerSideProps: GetServerSideProps<SearchPageData> = async ({ params, query, res }) => {
  const result = await loadSearchPage(query, { owner: String(params?.owner), repo: String(params?.repo) });
  if (result.kind === 'not-found') return { notFound: true };
  if (result.kind === 'moved') return { redirect: { destination: result.to, permanent: true } };
  res.statusCode = result.status;
  return { props: result.data };
};

export default SearchPage;
