import type { GetStaticPropsResult } from 'next';
import { config } from '../config';
import type { PageMeta } from './meta';

/** On-demand revalidation is the real refresh; this long window only covers a missed event. */
export const READER_REVALIDATE_SECONDS = 3600;

/** Props, or the 404 page (never a 500) when the data does not exist. */
export function pageProps<T extends object>(data: T | undefined, revalidate: number): GetStaticPropsResult<T> {
  return data ? { props: data, revalidate } : { notFound: true, revalidate };
}

/**
 * A reader page's data with its `meta` (title, description, canonical, cards: lib/site/meta.ts), built
 * with the site's public URL; pages/_app.tsx renders it (lib/site/ui/PageHead.tsx).
 */
export function withMeta<T extends object>(data: T | undefined, build: (origin: string, data: T) => PageMeta): (T & { meta: PageMeta }) | undefined {
  return data ? { ...data, meta: build(config().siteUrl, data) } : undefined;
}
