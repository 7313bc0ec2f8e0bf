import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import { Client, Pool, type PoolClient } from 'pg';
import { config, isBuildPhase } from '../config';
import { log } from '../log';
import { listenPglite, listenPostgres } from './listen';
import { acquireLock } from './lock';
import * as schema from './schema';

export { schema };
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
/** Either the database or an open transaction: most queries accept both. */
export type Executor = Db | Tx;

export type Engine = 'pglite' | 'postgres';

/** The database cannot be used right now (unreachable, busy, or not opened during the build). */
export class DatabaseUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DatabaseUnavailableError';
  }
}

interface Handle {
  db: Db;
  engine: Engine;
  close(): Promise<void>;
  /** Runs `work` holding a session-level advisory lock, or returns undefined when another holds it. */
  exclusive<T>(key: number, id: number, work: () => Promise<T>): Promise<T | undefined>;
}

type Role = 'server' | 'cli' | 'test';
const g = globalThis as typeof globalThis & { __shiplogDb?: Promise<Handle> };

const MIGRATIONS_LOCK = 7_450_001; // pg_advisory_lock key shared by every Shiplog instance

export function migrationsFolder(): string {
  return path.join(process.cwd(), 'drizzle');
}

export function role(): Role {
  const r = process.env.SHIPLOG_ROLE;
  return r === 'cli' || r === 'test' ? r : 'server';
}

/**
 * A pooled client whose query timed out (`query_timeout`) still waits for that query's answer, and
 * everything sent after it queues behind: in a network partition the answer never comes. Such a
 * client is cut at once, so the pool replaces it and nothing else waits on it.
 */
function cutOnQueryTimeout(client: PoolClient): void {
  const original = client.query.bind(client) as (...args: unknown[]) => unknown;
  const cut = (err: unknown) => {
    if (err instanceof Error && err.message === 'Query read timeout') (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
  };
  (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
    const last = args[args.length - 1];
    if (typeof last === 'function') {
      return original(...args.slice(0, -1), (err: unknown, res: unknown) => {
        if (err) cut(err);
        (last as (e: unknown, r: unknown) => void)(err, res);
      });
    }
    const result = original(...args);
    if (result && typeof (result as Promise<unknown>).then === 'function') (result as Promise<unknown>).then(undefined, cut);
    return result;
  };
}

async function openPostgres(url: string): Promise<Handle> {
  const cfg = config();
  // Migrations get their own connection with no query deadline (building an index may take a while).
  const migrator = new Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  try {
    await migrator.connect();
    await migrator.query('select pg_advisory_lock($1)', [MIGRATIONS_LOCK]);
    try {
      await migratePg(drizzlePg({ client: migrator }), { migrationsFolder: migrationsFolder() });
    } finally {
      await migrator.query('select pg_advisory_unlock($1)', [MIGRATIONS_LOCK]);
    }
  } catch (err) {
    throw new DatabaseUnavailableError(`PostgreSQL is not reachable: ${(err as Error).message}`, { cause: err });
  } finally {
    await migrator.end().catch(() => {});
  }
  // Every request's queries have deadlines: connecting (waiting for a free client included) and each
  // query. When the database is stopped or unreachable, requests fail within seconds (503) instead of
  // hanging, and the pool reconnects by itself when it is back.
  const pool = new Pool({
    connectionString: url,
    max: cfg.DATABASE_POOL_MAX,
    connectionTimeoutMillis: 5_000,
    // The server's requests only: CLIs and tests may run long bulk statements.
    query_timeout: role() === 'server' ? cfg.DATABASE_QUERY_TIMEOUT_MS : undefined,
    // A write that waits for a lock (the outbox head every write takes, a row another write holds) gives
    // up on the server before the query deadline: 55P03, answered 503 "busy, retry", not "unavailable",
    // and no backend is left queued behind a client that stopped waiting.
    lock_timeout: role() === 'server' ? Math.max(100, Math.floor(cfg.DATABASE_QUERY_TIMEOUT_MS * 0.8)) : undefined,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
  });
  pool.on('error', (err) => log().warn({ err: err.message }, 'idle postgres client failed'));
  pool.on('connect', cutOnQueryTimeout);
  const db = drizzlePg({ client: pool, schema }) as unknown as Db;
  const unlisten = role() === 'server' ? listenPostgres(url) : async () => {};
  return {
    db,
    engine: 'postgres',
    close: async () => {
      await unlisten();
      await pool.end();
    },
    // The lock lives as long as the connection: a process that dies (even kill -9) drops it at once.
    exclusive: async (key, id, work) => {
      const client = await pool.connect();
      try {
        const { rows: got } = await client.query<{ ok: boolean }>('select pg_try_advisory_lock($1, $2) as ok', [key, id]);
        if (!got[0]?.ok) return undefined;
        try {
          return await work();
        } finally {
          await client.query('select pg_advisory_unlock($1, $2)', [key, id]).catch(() => {});
        }
      } finally {
        client.release();
      }
    },
  };
}

async function openPglite(dataDir: string): Promise<Handle> {
  if (isBuildPhase()) {
    throw new DatabaseUnavailableError('The embedded database is not opened during `next build`');
  }
  const memory = dataDir === 'memory://' || dataDir.startsWith('memory://');
  let release = () => {};
  if (!memory) {
    fs.mkdirSync(path.dirname(dataDir), { recursive: true }); // PGlite creates only the last folder
    release = acquireLock(dataDir, role());
  }
  try {
    const [{ PGlite }, { drizzle }, { migrate }] = await Promise.all([
      import('@electric-sql/pglite'),
      import('drizzle-orm/pglite'),
      import('drizzle-orm/pglite/migrator'),
    ]);
    const client = memory ? await PGlite.create() : await PGlite.create(dataDir);
    const db = drizzle({ client, schema });
    await migrate(db, { migrationsFolder: migrationsFolder() });
    if (role() === 'server') await listenPglite(client);
    let closing: Promise<void> | undefined;
    const close = () =>
      (closing ??= client
        .close()
        .catch(() => {})
        .finally(release));
    if (role() === 'server') {
      for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void close());
    }
    const held = new Set<string>();
    return {
      db: db as unknown as Db,
      engine: 'pglite',
      close,
      // One process owns the embedded database: an in-process set is the whole lock.
      exclusive: async (key, id, work) => {
        const name = `${key}:${id}`;
        if (held.has(name)) return undefined;
        held.add(name);
        try {
          return await work();
        } finally {
          held.delete(name);
        }
      },
    };
  } catch (err) {
    release();
    // A data directory that cannot be opened (corrupt, unreadable, not a directory) leaves the
    // database unavailable: a 503 for requests, with the cause in the log, not a 500.
    if (err instanceof DatabaseUnavailableError) throw err;
    const cause = err instanceof Error ? err.message : typeof err === 'object' && err ? JSON.stringify(err) : String(err);
    throw new DatabaseUnavailableError(`The embedded database at ${dataDir} could not be opened: ${cause}`, { cause: err });
  }
}

async function open(): Promise<Handle> {
  const cfg = config();
  const handle = cfg.DATABASE_URL ? await openPostgres(cfg.DATABASE_URL) : await openPglite(dataDirFromConfig());
  if (role() === 'server') {
    try {
      const { onServerDatabaseOpen } = await import('../startup');
      await onServerDatabaseOpen(handle.db, handle.engine);
    } catch (err) {
      await handle.close();
      throw err;
    }
  }
  return handle;
}

function dataDirFromConfig(): string {
  const raw = config().SHIPLOG_DATA_DIR;
  return raw.startsWith('memory://') ? raw : config().dataDir;
}

function handle(): Promise<Handle> {
  if (!g.__shiplogDb) {
    const opening = open();
    g.__shiplogDb = opening;
    // A failed open is not cached: the next request tries again, so a database that comes back recovers by itself.
    opening.catch(() => {
      if (g.__shiplogDb === opening) g.__shiplogDb = undefined;
    });
  }
  return g.__shiplogDb;
}

/** The database, opened and migrated on first use (never at import time). */
export async function getDb(): Promise<Db> {
  return (await handle()).db;
}

/** Runs `work` while holding a cluster-wide lock on (key, id); undefined when someone else holds it. */
export async function exclusive<T>(key: number, id: number, work: () => Promise<T>): Promise<T | undefined> {
  return (await handle()).exclusive(key, id, work);
}

export function currentEngine(): Engine {
  return config().DATABASE_URL ? 'postgres' : 'pglite';
}

export async function closeDb(): Promise<void> {
  const current = g.__shiplogDb;
  g.__shiplogDb = undefined;
  if (current) await (await current.catch(() => undefined))?.close();
}

function withDeadline<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DatabaseUnavailableError(message)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

/**
 * `select 1` with deadlines, so health checks answer quickly even when the database hangs. Opening
 * (migrations, a first-start seed) gets longer than the query itself.
 */
export async function pingDb(queryTimeoutMs = 3_000, openTimeoutMs = 15_000): Promise<void> {
  const db = await withDeadline(getDb(), openTimeoutMs, `The database did not open within ${openTimeoutMs} ms`);
  await withDeadline(db.execute(sql`select 1`), queryTimeoutMs, `The database did not answer within ${queryTimeoutMs} ms`);
}

/** Rows of a raw SQL query, on either engine. */
export async function rows<T>(db: Executor, query: ReturnType<typeof sql>): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}
