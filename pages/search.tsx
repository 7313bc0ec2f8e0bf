import type { GetServerSideProps } from 'next';
import { loadSearchPage, searchPagePath, type SearchPageData } from '@/lib/site/search';
import { SearchPage } from '@/lib/site/ui/SearchPage';

// Rendered per request (a query is not worth caching as a page); works without JavaScript.
export const getServerSideProps: GetServerSideProps<SearchPageData> = async ({ query, res }) => {
  // A project header's form sends `project=owner/repo`: that project's search page answers it.
  const project = typeof query.project === 'string' ? /^([A-Za-z0-9-]{1,100})\/([A-Za-z0-9._-]{1,100})$/.exec(query.project) : null;
  if (project) return { redirect: { destination: searchPagePath(typeof query.q === 'string' ? query.q : '', 1, { owner: project[1]!, repo: project[2]! }), permanent: false } };
  const result = await loadSearchPage(query);
  if (result.kind !== 'ok') return { notFound: true };
  res.statusCode = result.status;
  return { props: result.data };
};

export default SearchPage;
