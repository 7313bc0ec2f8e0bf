import fs from 'node:fs';
import path from 'node:path';
import { dropTestDatabase } from '../../lib/test/db';

export default async function globalTeardown(): Promise<void> {
  const server = globalThis.__shiplogServer;
  if (server) {
    await server.stop();
    // The shared server's log, for when a test failed on it (e2e/artifacts is not committed).
    const artifacts = path.join(__dirname, '..', 'artifacts');
    fs.mkdirSync(artifacts, { recursive: true });
    fs.writeFileSync(path.join(artifacts, `global-server-${server.databaseUrl ? 'postgres' : 'pglite'}.log`), server.output());
    if (server.dataDir) fs.rmSync(path.dirname(server.dataDir), { recursive: true, force: true });
  }
  const url = globalThis.__shiplogTestDatabaseUrl;
  if (url && process.env.TEST_DATABASE_URL) await dropTestDatabase(process.env.TEST_DATABASE_URL, url);
}
