// Pure: imported by pages/_document.tsx (no database).

type Props = Record<string, unknown>;

const withoutHtml = (release: unknown): unknown => {
  if (!release || typeof release !== 'object' || !('html' in release)) return release;
  const { html: _html, ...rest } = release as Props;
  return rest;
};

/** The reader pages that show notes (routes as Next.js names them); other pages' props are left alone. */
const READER_PAGES = new Set(['/[owner]/[repo]', '/[owner]/[repo]/page/[n]', '/[owner]/[repo]/releases/[...tag]']);

/**
 * A reader page's props as the page's HTML carries them inline (`__NEXT_DATA__`): without the notes'
 * HTML, which the page already holds rendered (a body would otherwise travel twice, the larger part of
 * the page). Hydration keeps the rendered notes (ReleaseArticle renders an absent `html` as "leave the
 * server's markup"); client-side navigations fetch the page's `/_next/data` JSON, which keeps them.
 */
export function inlineReaderProps<T>(page: string, props: T): T {
  if (!READER_PAGES.has(page)) return props;
  const pageProps = (props as { pageProps?: unknown } | undefined)?.pageProps;
  if (!pageProps || typeof pageProps !== 'object') return props;
  const shown = pageProps as Props;
  if (!('release' in shown) && !Array.isArray(shown.releases)) return props;
  const slim: Props = { ...shown };
  if ('release' in slim) slim.release = withoutHtml(slim.release);
  if (Array.isArray(slim.releases)) slim.releases = slim.releases.map(withoutHtml);
  return { ...(props as Props), pageProps: slim } as T;
}
