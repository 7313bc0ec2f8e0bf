import Head from 'next/head';
import { useEffect, useState } from 'react';
import { ApiReference, referenceTheme, type ReferenceTheme } from '@/lib/site/ui/ApiReference';

/**
 * /docs/api — the API reference, rendered in the browser from the OpenAPI document the API serves
 * (/api/openapi.json) by RapiDoc, a framework-free web component: it does not depend on React's
 * internals, so React upgrades cannot break it. Its script is bundled from node_modules and served
 * by this server, and its web fonts are off (the site's own font stack is used): the page loads
 * nothing from another origin. "Try" sends requests to this same origin.
 */
export default function ApiReferencePage() {
  const [theme, setTheme] = useState<ReferenceTheme | undefined>(undefined);
  useEffect(() => {
    let live = true;
    const dark = window.matchMedia('(prefers-color-scheme: dark)');
    const follow = () => setTheme(referenceTheme(dark.matches));
    // Registers <rapi-doc>; the element is rendered only once it is defined, with the site's colours.
    void import('rapidoc').then(() => {
      if (live) follow();
    });
    dark.addEventListener('change', follow);
    return () => {
      live = false;
      dark.removeEventListener('change', follow);
    };
  }, []);
  return (
    <>
      <Head>
        <title>API reference · Shiplog</title>
        <meta name="description" content="Shiplog REST API reference (OpenAPI 3.1): projects, releases, imports, deliveries and tokens; v2 and the deprecated v1." />
      </Head>
      <div className="api-reference">
        {theme ? <ApiReference specUrl="/api/openapi.json" theme={theme} /> : <p className="muted" data-loading="true">Loading the API reference…</p>}
      </div>
    </>
  );
}
