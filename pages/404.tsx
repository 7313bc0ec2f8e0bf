import Head from 'next/head';
import Link from 'next/link';

export default function NotFound() {
  return (
    <section className="empty">
      <Head>
        <title>Not found · Shiplog</title>
      </Head>
      <h1>Nothing here</h1>
      <p>That project or release does not exist (or is not public yet).</p>
      <p>
        <Link href="/">Back to all changelogs</Link>
      </p>
    </section>
  );
}
