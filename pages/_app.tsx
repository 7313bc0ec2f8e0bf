import type { AppProps } from 'next/app';
import Head from 'next/head';
import Link from 'next/link';
import type { AdminPageProps } from '@/lib/admin/page';
import { AdminLayout } from '@/lib/admin/ui/AdminLayout';
import type { PageMeta } from '@/lib/site/meta';
import { PageHead } from '@/lib/site/ui/PageHead';
import '@/lib/site/styles.css';
import { Logo } from '@/lib/site/ui/Logo';
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
      <a className="skip-link" href="#content">
        Skip to content
      </a>
      <header className="site-header">
        <div className="site-header-inner">
          <Link href="/" className="brand">
            <Logo />
            <span>Shiplog</span>
          </Link>
          <nav aria-label="Site">
            <Link href="/">Changelogs</Link>
            <a href="/docs/api">API</a>
            <a href="/api/health">Status</a>
          </nav>
        </div>
      </header>
      <main id="content" tabIndex={-1}>
        <Component {...pageProps} />
      </main>
      {/* After the page, so its title and description win over the page's own (next/head keeps the last). */}
      {(pageProps as { meta?: PageMeta }).meta ? <PageHead meta={(pageProps as { meta: PageMeta }).meta} /> : null}
      <footer className="site-footer">
        <p>
          <Logo size={16} /> Shiplog · release notes that publish themselves.
        </p>
      </footer>
    </>
  );
}
