import { createTestDatabase } from '../../lib/test/db';
import { resolveChromium } from './chromium';
import { buildOnce, startServer, waitForFreshHome, type RunningServer } from './server';

declare global {
  var __shiplogServer: RunningServer | undefined;
  var __shiplogTestDatabaseUrl: string | undefined;
}

/**
 * Builds once (skipped when the sources have not changed), then starts one `next start` for the
 * integration tests: a fresh temporary PGlite directory, or with TEST_DATABASE_URL a fresh PostgreSQL
 * database that teardown drops. Tests read SHIPLOG_TEST_URL and SHIPLOG_TEST_ADMIN_TOKEN.
 */
export default async function globalSetup(): Promise<void> {
  // Unpacks the browser tests' Chromium once, before the workers start (see ./chromium); when there
  // is none, say so once here; the browser tests then fail with the same line (never skipped).
  await resolveChromium().catch((err: Error) => process.stderr.write(`\n${err.message}\n`));
  buildOnce();
  let databaseUrl: string | undefined;
  if (process.env.TEST_DATABASE_URL) {
    databaseUrl = await createTestDatabase(process.env.TEST_DATABASE_URL, 'shiplog_it');
    globalThis.__shiplogTestDatabaseUrl = databaseUrl;
  }
  const server = await startServer({ databaseUrl });
  await waitForFreshHome(server.url);
  globalThis.__shiplogServer = server;
  process.env.SHIPLOG_TEST_URL = server.url;
  process.env.SHIPLOG_TEST_ADMIN_TOKEN = server.adminToken;
  process.env.SHIPLOG_TEST_ENGINE = databaseUrl ? 'postgres' : 'pglite';
  if (databaseUrl) process.env.SHIPLOG_TEST_DATABASE_URL = databaseUrl;
}
