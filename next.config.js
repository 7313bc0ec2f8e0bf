// @ts-check
const { version } = require('./package.json');

/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // PGlite ships WASM + data files that must be loaded from node_modules at run time, not bundled.
  serverExternalPackages: ['@electric-sql/pglite', 'pg'],
  // Migrations are read from disk at run time; make sure serverless tracing ships them.
  outputFileTracingIncludes: { '/api/**': ['./drizzle/**'], '/': ['./drizzle/**'] },
  env: { SHIPLOG_VERSION: version },
};

module.exports = nextConfig;
