import dynamic from 'next/dynamic';
import Head from 'next/head';
import 'swagger-ui-react/swagger-ui.css';

interface SwaggerUIProps {
  url: string;
  docExpansion?: 'list' | 'full' | 'none';
  deepLinking?: boolean;
  defaultModelsExpandDepth?: number;
  displayOperationId?: boolean;
  filter?: boolean | string;
  persistAuthorization?: boolean;
  tryItOutEnabled?: boolean;
}

/**
 * Swagger UI touches `window` and the DOM as it loads: render it in the browser only. Everything it
 * needs (scripts, styles, icons) is bundled from node_modules, so the page works offline.
 */
const SwaggerUI = dynamic<SwaggerUIProps>(
  // @ts-expect-error -- swagger-ui-react ships no type declarations (its props are typed above)
  () => import('swagger-ui-react'),
  { ssr: false, loading: () => <p>Loading the API reference…</p> },
);

/** /docs/api — the API reference, rendered from the OpenAPI document the API serves. */
export default function ApiReferencePage() {
  return (
    <>
      <Head>
        <title>API reference · Shiplog</title>
        <meta name="description" content="Shiplog REST API reference (OpenAPI 3.1): projects, releases and tokens, v1 and v2." />
      </Head>
      <SwaggerUI url="/api/openapi.json" docExpansion="list" deepLinking filter persistAuthorization displayOperationId={false} />
    </>
  );
}
