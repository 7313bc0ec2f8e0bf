import type { AppProps } from 'next/app';
import Head from 'next/head';
import Link from 'next/link';
import '@/lib/site/styles.css';

export default function ShiplogApp({ Component, pageProps }: AppProps) {
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
          <a href="/api/health">API status</a>
        </nav>
      </header>
      <main id="content">
        <Component {...pageProps} />
      </main>
      <footer className="site-footer">Release notes that publish themselves.</footer>
    </>
  );
}
