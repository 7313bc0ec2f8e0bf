import { randomBytes } from 'node:crypto';
import { createTestDatabase, dropTestDatabase } from '../../lib/test/db';
import { startPgBouncer, type PgBouncer } from './pgbouncer';
import { startServer, type RunningServer } from './server';

/**
 * Several `next start` instances on one fresh PostgreSQL database (TEST_DATABASE_URL's server),
 * sharing one admin token: `direct` connects them to PostgreSQL, `pgbouncer` gives them a
 * DATABASE_URL through a stock PgBouncer in transaction mode and no DATABASE_DIRECT_URL (so LISTEN
 * cannot work: what a pooled URL alone gives). Used by the multi-instance tests and the bench.
 */
export type Route = 'direct' | 'pgbouncer';

export interface Instances {
  servers: RunningServer[];
  adminToken: string;
  databaseUrl: string;
  bouncer?: PgBouncer;
  stop(): Promise<void>;
}

export async function startInstances(options: { route: Route; count?: number; env?: Record<string, string>; label?: string }): Promise<Instances> {
  const admin = process.env.TEST_DATABASE_URL;
  if (!admin) throw new Error('several instances need TEST_DATABASE_URL (a PostgreSQL server)');
  const databaseUrl = await createTestDatabase(admin, options.label ?? 'shiplog_multi');
  const adminToken = `adm_${randomBytes(24).toString('hex')}`;
  const servers: RunningServer[] = [];
  let bouncer: PgBouncer | undefined;
  const stop = async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await bouncer?.stop();
    await dropTestDatabase(admin, databaseUrl);
  };
  try {
    if (options.route === 'pgbouncer') bouncer = await startPgBouncer({ upstreamUrl: admin });
    const url = bouncer ? bouncer.pooled(databaseUrl) : databaseUrl;
    const env = { SHIPLOG_SEED_DEMO: '0', SHIPLOG_ADMIN_TOKEN: adminToken, ...options.env };
    // One after the other: the first migrates, the others find the schema in place.
    for (let i = 0; i < (options.count ?? 2); i++) servers.push(await startServer({ databaseUrl: url, env }));
  } catch (err) {
    await stop().catch(() => {});
    throw err;
  }
  return { servers, adminToken, databaseUrl, bouncer, stop };
}
