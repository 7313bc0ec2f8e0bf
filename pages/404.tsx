import Link from 'next/link';
import { notFoundMeta } from '@/lib/site/meta';
import { PageHead } from '@/lib/site/ui/PageHead';

// No getStaticProps here: with one, Next.js regenerates the 404 page for any unknown path and
// `res.revalidate('/no/such/page')` succeeds, so POST /api/revalidate could no longer tell an operator
// that a path they named is not a page (207). The meta (not indexed, no canonical) is constant.

export default function NotFound() {
  return (
    <section className="empty">
      <PageHead meta={notFoundMeta()} />
      <h1>Nothing here</h1>
      <p className="lede">That project or release does not exist (or is not public yet).</p>
      <p>
        <Link href="/">Back to all changelogs</Link>
      </p>
    </section>
  );
}
