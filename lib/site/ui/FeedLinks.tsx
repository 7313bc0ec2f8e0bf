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
      <svg width="14" height="14" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
        <path
          fill="currentColor"
          d="M2 13a1 1 0 1 1 2 0 1 1 0 0 1-2 0Zm0-5.5v-2A8.5 8.5 0 0 1 10.5 14h-2A6.5 6.5 0 0 0 2 7.5Zm0-4v-2A12.5 12.5 0 0 1 14.5 14h-2A10.5 10.5 0 0 0 2 3.5Z"
        />
      </svg>
      <span className="feeds-label">Subscribe:</span> <a href={`${base}.atom`}>Atom</a> · <a href={`${base}.rss`}>RSS</a> · <a href={`${base}.json`}>JSON Feed</a>
    </p>
  );
}
