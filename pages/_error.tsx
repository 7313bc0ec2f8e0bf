import type { NextPageContext } from 'next';
import Head from 'next/head';
import Link from 'next/link';
import { answerApiErrorPage, pageErrorStatus } from '@/lib/http/error-page';

interface Props {
  statusCode: number;
}

/**
 * Errors Next.js renders itself (a URL it cannot decode is a 400 before any route runs). Under /api
 * the answer is problem+json, as everywhere in the API; elsewhere a plain page.
 */
export default function ShiplogError({ statusCode }: Props) {
  return (
    <section className="empty">
      <Head>
        <title>{`Error ${statusCode} · Shiplog`}</title>
      </Head>
      {statusCode === 503 ? (
        <>
          <h1>Back in a moment</h1>
          <p>The changelog cannot reach its database right now. Nothing is lost: try again in a minute.</p>
        </>
      ) : (
        <>
          <h1>{statusCode === 400 ? 'That address is malformed' : 'Something went wrong'}</h1>
          <p>Error {statusCode}.</p>
        </>
      )}
      <p>
        <Link href="/">Back to all changelogs</Link>
      </p>
    </section>
  );
}

ShiplogError.getInitialProps = ({ req, res, err }: NextPageContext): Props => {
  const statusCode = pageErrorStatus(res, err, res?.statusCode ?? err?.statusCode ?? 500);
  answerApiErrorPage(req, res, statusCode);
  return { statusCode };
};
