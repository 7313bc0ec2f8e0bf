import type { AppProps } from 'next/app';
import Head from 'next/head';
import Link from 'next/link';
import type { AdminPageProps } from '@/lib/admin/page';
import { AdminLayout } from '@/lib/admin/ui/AdminLayout';
import type { PageMeta } from '@/lib/site/meta';
import { PageHead } from '@/lib/site/ui/PageHead';
import '@/lib/site/styles.css';
import '@wooorm/starry-night/style/both'; // its package exports style/*.css without the extension
import '@/lib/markdown/notes.css';
import '@/lib/admin/ui/admin.css';

export default function ShiplogApp({ Component, pageProps, router }: AppProps) {
  if (router.pathname === '/admin' || router.pathname.startsWith('/admin/')) {
    const { session, forbidden } = pageProps as Partial<AdminPageProps>;
    return (
      <>
        <Head>
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>Shiplog Admin</title>
        </Head>
        <AdminLayout session={session} forbidden={forbidden}>
          <Component {...pageProps} />
        </AdminLayout>
      </>
    );
  }
  return (
    <>
      <Head>
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>Shiplog</title>
      </Head>
      <header className="site-header">
        <Link href="/" className="brand">
          <span aria-hidden="true">⛵</span> Shiplog
        </Link>
        <nav aria-label="Site">
          <a href="/docs/api">API reference</a>
          <a href="/api/health">API status</a>
        </nav>
      </header>
      <main id="content">
        <Component {...pageProps} />
      </main>
      {/* After the page, so its title and description win over the page's own (next/head keeps the last). */}
      {(pageProps as { meta?: PageMeta }).meta ? <PageHead meta={(pageProps as { meta: PageMeta }).meta} /> : null}
      <footer className="site-footer">Release notes that publish themselves.</footer>
    </>
  );
}
