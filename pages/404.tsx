import Head from 'next/head';
import Link from 'next/link';
import { notFoundMeta } from '@/lib/site/meta';

// Rendered once, by `next build`: pages/_app.tsx renders the meta (not indexed, no canonical).
export const getStaticProps = () => ({ props: { meta: notFoundMeta() } });

export default function NotFound() {
  return (
    <section className="empty">
      <Head>
        <title>Not found · Shiplog</title>
      </Head>
      <h1>Nothing here</h1>
      <p className="lede">That project or release does not exist (or is not public yet).</p>
      <p>
        <Link href="/">Back to all changelogs</Link>
      </p>
    </section>
  );
}
