import Head from 'next/head';
import { OG_IMAGE_HEIGHT, OG_IMAGE_WIDTH, SITE_NAME, type PageMeta } from '../meta';

/**
 * Title, description, canonical URL, Open Graph and Twitter card of a reader page (built by
 * lib/site/meta.ts). Keyed, so a later `<Head>` with the same key replaces rather than repeats it.
 * React escapes every attribute value.
 */
export function PageHead({ meta }: { meta: PageMeta }) {
  return (
    <Head>
      <title key="title">{meta.title}</title>
      <meta key="description" name="description" content={meta.description} />
      {meta.noindex ? <meta key="robots" name="robots" content="noindex" /> : null}
      {meta.canonical ? <link key="canonical" rel="canonical" href={meta.canonical} /> : null}
      <meta key="og:site_name" property="og:site_name" content={SITE_NAME} />
      <meta key="og:type" property="og:type" content={meta.type} />
      <meta key="og:title" property="og:title" content={meta.shareTitle} />
      <meta key="og:description" property="og:description" content={meta.description} />
      {meta.canonical ? <meta key="og:url" property="og:url" content={meta.canonical} /> : null}
      {meta.publishedTime ? <meta key="article:published_time" property="article:published_time" content={meta.publishedTime} /> : null}
      {meta.image ? <meta key="og:image" property="og:image" content={meta.image.url} /> : null}
      {meta.image ? <meta key="og:image:type" property="og:image:type" content="image/png" /> : null}
      {meta.image ? <meta key="og:image:width" property="og:image:width" content={String(OG_IMAGE_WIDTH)} /> : null}
      {meta.image ? <meta key="og:image:height" property="og:image:height" content={String(OG_IMAGE_HEIGHT)} /> : null}
      {meta.image ? <meta key="og:image:alt" property="og:image:alt" content={meta.image.alt} /> : null}
      <meta key="twitter:card" name="twitter:card" content={meta.image ? 'summary_large_image' : 'summary'} />
      <meta key="twitter:title" name="twitter:title" content={meta.shareTitle} />
      <meta key="twitter:description" name="twitter:description" content={meta.description} />
      {meta.image ? <meta key="twitter:image" name="twitter:image" content={meta.image.url} /> : null}
      {meta.image ? <meta key="twitter:image:alt" name="twitter:image:alt" content={meta.image.alt} /> : null}
    </Head>
  );
}
