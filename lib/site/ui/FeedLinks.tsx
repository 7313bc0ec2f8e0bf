import Head from 'next/head';

/** `<link rel="alternate">` for feed readers, and visible links for people. */
export function FeedHead({ base, title }: { base: string; title: string }) {
  return (
    <Head>
      <link rel="alternate" type="application/atom+xml" title={`${title} (Atom)`} href={`${base}.atom`} />
      <link rel="alternate" type="application/rss+xml" title={`${title} (RSS)`} href={`${base}.rss`} />
      <link rel="alternate" type="application/feed+json" title={`${title} (JSON Feed)`} href={`${base}.json`} />
    </Head>
  );
}

export function FeedLinks({ base }: { base: string }) {
  return (
    <p className="feeds">
      Subscribe: <a href={`${base}.atom`}>Atom</a> · <a href={`${base}.rss`}>RSS</a> · <a href={`${base}.json`}>JSON Feed</a>
    </p>
  );
}
