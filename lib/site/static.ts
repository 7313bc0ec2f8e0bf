import type { GetStaticPropsResult } from 'next';

/** On-demand revalidation is the real refresh; this long window only covers a missed event. */
export const READER_REVALIDATE_SECONDS = 3600;

/** Props, or the 404 page (never a 500) when the data does not exist. */
export function pageProps<T extends object>(data: T | undefined, revalidate: number): GetStaticPropsResult<T> {
  return data ? { props: data, revalidate } : { notFound: true, revalidate };
}
