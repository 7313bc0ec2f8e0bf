// @ts-check
const { PHASE_PRODUCTION_SERVER } = require('next/constants');
const fs = require('node:fs');
const path = require('node:path');
const { version } = require('./package.json');

/**
 * Markdown renders on worker threads from lib/markdown/worker.mjs, a file loaded by path at run time:
 * no bundler sees its imports. For serverless bundles, the file and every package it imports (with
 * their own dependencies, found here from the installed packages) are traced in explicitly.
 */
function markdownWorkerFiles() {
  const roots = [
    'unified',
    'remark-parse',
    'remark-gfm',
    'remark-github',
    'remark-gemoji',
    'remark-rehype',
    'rehype-raw',
    'rehype-slug',
    'rehype-sanitize',
    'rehype-github-alert',
    'rehype-starry-night',
    '@wooorm/starry-night',
    'rehype-autolink-headings',
    'rehype-stringify',
  ];
  const seen = new Set();
  const files = ['./lib/markdown/worker.mjs'];
  const find = (name, from) => {
    for (let dir = from; ; dir = path.dirname(dir)) {
      const candidate = path.join(dir, 'node_modules', name);
      if (fs.existsSync(path.join(candidate, 'package.json'))) return candidate;
      if (path.dirname(dir) === dir) return undefined;
    }
  };
  const visit = (name, from) => {
    const dir = find(name, from);
    if (!dir || seen.has(dir)) return;
    seen.add(dir);
    files.push(`./${path.relative(__dirname, dir).split(path.sep).join('/')}/**`);
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
    for (const dep of Object.keys(pkg.dependencies ?? {})) visit(dep, dir);
  };
  for (const root of roots) visit(root, __dirname);
  return files;
}
const markdownWorker = markdownWorkerFiles();

/**
 * Several instances on one PostgreSQL share regenerated pages (lib/isr/cache-handler.cjs, over the
 * database, or Redis when REDIS_URL is set): decided when `next start` reads this file, from its
 * environment. Never inside `next build` (the build opens no database) nor on Vercel (which keeps its
 * own ISR cache); the embedded database (one process) keeps Next.js's in-memory cache.
 * @param {string} phase
 */
function sharedPageCache(phase) {
  const on = phase === PHASE_PRODUCTION_SERVER && Boolean(process.env.DATABASE_URL) && !process.env.VERCEL;
  return on
    ? {
        cacheHandler: require.resolve('./lib/isr/cache-handler.cjs'),
        // Reads go to the shared store (the handler keeps each page for at most a second), not to a
        // per-instance copy that another instance's revalidation cannot reach.
        cacheMaxMemorySize: 0,
      }
    : {};
}

/**
 * Next.js loads this file as plain CommonJS before any of the app's code, so it reads the environment
 * itself (DATABASE_URL, VERCEL, SHIPLOG_DIST_DIR); lib/config.ts validates the same variables when the
 * server starts (instrumentation.ts) and `npm start` before it starts anything.
 * @param {string} phase @returns {import('next').NextConfig}
 */
module.exports = (phase) => ({
  ...sharedPageCache(phase),
  reactStrictMode: true,
  // Where `next build` writes and `next start` reads: `.next`, unless SHIPLOG_DIST_DIR names another
  // folder inside the project (e2e/soak/secrets-build.soak.ts builds into its own, leaving `.next` alone).
  distDir: process.env.SHIPLOG_DIST_DIR || '.next',
  poweredByHeader: false,
  // Strong ETags name exact bytes: `next start` would gzip the body under the same ETag. Compression
  // belongs to the proxy or CDN in front (which also keeps SSE unbuffered).
  compress: false,
  // PGlite ships WASM + data files that must be loaded from node_modules at run time, not bundled.
  // piscina starts its threads from its own files (found next to its code), so it is never bundled.
  serverExternalPackages: ['@electric-sql/pglite', 'pg', 'piscina'],
  // Migrations are read from disk at run time, and the markdown worker is loaded by path: make sure
  // serverless tracing ships them (every route may write releases, seed or preview notes).
  outputFileTracingIncludes: {
    '/api/**': ['./drizzle/**', ...markdownWorker],
    '/': ['./drizzle/**', ...markdownWorker],
    '/**': markdownWorker,
  },
  // With DATABASE_URL (as on Vercel, where the build sees the project's variables) the embedded
  // database is never opened: its WASM and data files (27 MB installed) stay out of every function bundle.
  ...(process.env.DATABASE_URL ? { outputFileTracingExcludes: { '*': ['node_modules/@electric-sql/pglite/**'] } } : {}),
  env: { SHIPLOG_VERSION: version },
  experimental: {
    // Regenerated pages live in this process's memory (or, with DATABASE_URL, in the database: see
    // sharedPageCache), not in .next/server/pages: a restart (or another process on the same build, on
    // another database) never serves a page an earlier process wrote.
    // Pages render on first request (fallback: 'blocking') and the revalidator keeps them current.
    isrFlushToDisk: false,
    // middleware.ts matches /api/webhooks/* (Vercel's 413), and Next.js buffers a matched request's
    // body for it, by default only its first 10 MB: a 10-25 MB delivery reached the route truncated (a
    // 400, even when signed). Up to GitHub's own 25 MB cap, the route gets every byte to check.
    proxyClientMaxBodySize: '26mb',
  },
  async headers() {
    // No page can be framed by another site (clickjacking: the console's buttons under a decoy), nor
    // load plugins or re-base its links. Scripts are left alone here: the embeddable widget is a script
    // served by the API (not framed), and the API reference page under /docs loads its own.
    const reader = "frame-ancestors 'none'; base-uri 'self'; object-src 'none'";
    return [
      {
        source: '/((?!api/|_next/|docs/|widget\\.js$).*)',
        headers: [
          { key: 'Content-Security-Policy', value: reader },
          { key: 'X-Frame-Options', value: 'DENY' },
          { key: 'X-Content-Type-Options', value: 'nosniff' },
        ],
      },
      {
        source: '/admin/:path*',
        headers: [
          { key: 'Content-Security-Policy', value: `${reader}; form-action 'self'` },
          { key: 'Referrer-Policy', value: 'same-origin' },
        ],
      },
      { source: '/docs/:path*', headers: [{ key: 'Content-Security-Policy', value: "frame-ancestors 'self'" }] },
    ];
  },
  async rewrites() {
    return [
      // Friendly feed URLs: /feed.atom, /acme/feed.rss, /acme/rocket/feed.json → the feed API.
      { source: '/feed.:format(atom|rss|json)', destination: '/api/feed?format=:format' },
      { source: '/:owner/feed.:format(atom|rss|json)', destination: '/api/feed/:owner?format=:format' },
      { source: '/:owner/:repo/feed.:format(atom|rss|json)', destination: '/api/feed/:owner/:repo?format=:format' },
      // The embeddable widget: <script src="https://shiplog.example/widget.js" data-project="owner/repo" async>
      { source: '/widget.js', destination: '/api/widget' },
      // For crawlers: /robots.txt and /sitemap.xml (an index of /sitemap-{n}.xml past 10,000 URLs).
      { source: '/robots.txt', destination: '/api/robots' },
      { source: '/sitemap.xml', destination: '/api/sitemap' },
      { source: '/sitemap-:page(\\d+).xml', destination: '/api/sitemap/:page' },
    ];
  },
});
