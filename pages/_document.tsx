import { Head, Html, Main, NextScript, type DocumentProps } from 'next/document';
import { inlineReaderProps } from '@/lib/site/inline-props';
import { LOGO_DATA_URI } from '@/lib/site/ui/Logo';

export default function Document({ __NEXT_DATA__: data }: DocumentProps) {
  // The page is rendered by now: what NextScript serializes as `__NEXT_DATA__` leaves out the notes'
  // HTML the page already holds (lib/site/inline-props.ts). The object is this render's own (Next.js
  // builds it per render; the props themselves, also written as the page's JSON, are not touched).
  data.props = inlineReaderProps(data.page, data.props);
  return (
    <Html lang="en">
      <Head>
        <meta name="color-scheme" content="light dark" />
        <link rel="icon" type="image/svg+xml" href={LOGO_DATA_URI} />
      </Head>
      <body>
        <Main />
        <NextScript />
      </body>
    </Html>
  );
}
