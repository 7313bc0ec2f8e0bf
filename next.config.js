// @ts-check
const { version } = require('./package.json');

/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  // Where `next build` writes and `next start` reads: `.next`, unless SHIPLOG_DIST_DIR names another
  // folder inside the project (e2e/soak/secrets-build.soak.ts builds into its own, leaving `.next` alone).
  distDir: process.env.SHIPLOG_DIST_DIR || '.next',
  poweredByHeader: false,
  // Strong ETags name exact bytes: `next start` would gzip the body under the same ETag. Compression
  // belongs to the proxy or CDN in front (which also keeps SSE unbuffered).
  compress: false,
  // PGlite ships WASM + data files that must be loaded from node_modules at run time, not bundled.
  serverExternalPackages: ['@electric-sql/pglite', 'pg'],
  // Migrations are read from disk at run time; make sure serverless tracing ships them.
  outputFileTracingIncludes: { '/api/**': ['./drizzle/**'], '/': ['./drizzle/**'] },
  env: { SHIPLOG_VERSION: version },
  experimental: {
    // Regenerated pages live in this process's memory, not in .next/server/pages: a restart (or another
    // process on the same build, on another database) never serves a page an earlier process wrote.
    // Pages render on first request (fallback: 'blocking') and the revalidator keeps them current.
    isrFlushToDisk: false,
  },
  async rewrites() {
    return [
      // Friendly feed URLs: /feed.atom, /acme/feed.rss, /acme/rocket/feed.json → the feed API.
      { source: '/feed.:format(atom|rss|json)', destination: '/api/feed?format=:format' },
      { source: '/:owner/feed.:format(atom|rss|json)', destination: '/api/feed/:owner?format=:format' },
      { source: '/:owner/:repo/feed.:format(atom|rss|json)', destination: '/api/feed/:owner/:repo?format=:format' },
      // The embeddable widget: <script src="https://shiplog.example/widget.js" data-project="owner/repo" async>
      { source: '/widget.js', destination: '/api/widget' },
    ];
  },
};

module.exports = nextConfig;
