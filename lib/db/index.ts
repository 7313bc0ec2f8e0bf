import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import { Client, Pool, type PoolClient } from 'pg';
import { config, isBuildPhase, serverless } from '../config';
import { log } from '../log';
import { EVENTS_CHANNEL, listenPglite, listenPostgres } from './listen';
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
/** Work a server process does once its database is open and migrated, before the first query runs on it. */
export type OpenHook = (db: Db, engine: Engine) => Promise<void>;
// On globalThis: Next bundles instrumentation.ts and each route separately, each with its own copy of this module.
const g = globalThis as typeof globalThis & { __shiplogDb?: Promise<Handle>; __shiplogOpenHooks?: Map<string, OpenHook> };

/**
 * Registers `hook` (under `name`: registering a name again replaces it) to run in a server process
 * (SHIPLOG_ROLE=server) right after the database is open and migrated; a hook that fails fails the open.
 * The app registers its startup from instrumentation.ts, so this layer never imports the app.
 */
export function onServerDatabaseOpen(name: string, hook: OpenHook): void {
  (g.__shiplogOpenHooks ??= new Map()).set(name, hook);
}

const MIGRATIONS_LOCK = 7_450_001; // pg_advisory_lock key shared by every Shiplog instance

export function migrationsFolder(): string {
  return path.join(process.cwd(), 'drizzle');
}

export function role(): Role {
  return config().SHIPLOG_ROLE;
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

async function openPostgres(url: string, directUrl: string | undefined): Promise<Handle> {
  const cfg = config();
  await migrateTo(directUrl ?? url);
  // Every request's queries have deadlines: connecting (waiting for a free client included) and each
  // query. When the database is stopped or unreachable, requests fail within seconds (503) instead of
  // hanging, and the pool reconnects by itself when it is back.
  const pool = new Pool({
    connectionString: url,
    max: cfg.DATABASE_POOL_MAX,
    connectionTimeoutMillis: 5_000,
    // The server's requests only: CLIs and tests may run long bulk statements.
    query_timeout: role() === 'server' ? cfg.DATABASE_QUERY_TIMEOUT_MS : undefined,
    // No startup parameters (statement_timeout, lock_timeout, options): a transaction pooler such as
    // stock PgBouncer refuses them. Writes set their lock_timeout with SET LOCAL (`writeLockTimeoutMs`).
    idleTimeoutMillis: 30_000,
    keepAlive: true,
  });
  pool.on('error', (err) => log().warn({ err: err.message }, 'idle postgres client failed'));
  pool.on('connect', cutOnQueryTimeout);
  const db = drizzlePg({ client: pool, schema }) as unknown as Db;
  // LISTEN needs a session of its own: on a transaction pooler it receives nothing, so it goes to the
  // direct URL when there is one (and proves itself with a NOTIFY either way; see listen.ts).
  const notify = async (payload: string) => {
    await pool.query('select pg_notify($1, $2)', [EVENTS_CHANNEL, payload]);
  };
  // Serverless: no LISTEN connection at all (nothing would hold it open; freshness never depends on it).
  const unlisten = role() === 'server' && !serverless() ? listenPostgres(directUrl ?? url, notify) : async () => {};
  return {
    db,
    engine: 'postgres',
    close: async () => {
      await unlisten();
      await pool.end();
    },
    // A transaction-level advisory lock on a connection held for the whole work: it works through a
    // transaction pooler (which pins the server connection for the transaction; a session lock would
    // stay behind on whatever server connection took it), and a process that dies (even kill -9)
    // drops it with its connection.
    exclusive: async (key, id, work) => {
      const client = await pool.connect();
      let broken = false;
      try {
        await client.query('begin');
        const { rows: got } = await client.query<{ ok: boolean }>('select pg_try_advisory_xact_lock($1, $2) as ok', [key, id]);
        if (!got[0]?.ok) return undefined;
        return await work();
      } catch (err) {
        broken = true;
        throw err;
      } finally {
        await client.query(broken ? 'rollback' : 'commit').catch(() => {
          broken = true;
        });
        client.release(broken ? true : undefined);
      }
    },
  };
}

/**
 * Applies the migrations once across every instance: a transaction-level advisory lock held on one
 * connection while another runs the migrations (both work through a transaction pooler, though
 * DATABASE_DIRECT_URL is the place for them). No query deadline: building an index may take a while.
 */
async function migrateTo(url: string): Promise<void> {
  const locker = new Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  const migrator = new Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  try {
    await locker.connect();
    await migrator.connect();
    await locker.query('begin');
    await locker.query('select pg_advisory_xact_lock($1)', [MIGRATIONS_LOCK]);
    await migratePg(drizzlePg({ client: migrator }), { migrationsFolder: migrationsFolder() });
    await locker.query('commit');
  } catch (err) {
    throw new DatabaseUnavailableError(`PostgreSQL is not reachable: ${(err as Error).message}`, { cause: err });
  } finally {
    await migrator.end().catch(() => {});
    await locker.end().catch(() => {});
  }
}

async function openPglite(dataDir: string): Promise<Handle> {
  const memory = dataDir === 'memory://' || dataDir.startsWith('memory://');
  let release = () => {};
  if (!memory) {
    fs.mkdirSync(path.dirname(dataDir), { recursive: true }); // PGlite creates only the last folder
    release = acquireLock(dataDir, role());
  }
  try {
    const [{ PGlite }, { drizzle }, { migrate }] = await Promise.all([import('@electric-sql/pglite'), import('drizzle-orm/pglite'), import('drizzle-orm/pglite/migrator')]);
    const client = memory ? await PGlite.create() : await PGlite.create(dataDir);
    const db = drizzle({ client, schema });
    await migrate(db, { migrationsFolder: migrationsFolder() });
    if (role() === 'server' && !serverless()) await listenPglite(client);
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
  // `next build` renders the home page without data and never opens a database: no migration runs
  // inside a build (`npm run db:migrate` is the release step), and no database is baked into it.
  if (isBuildPhase()) throw new DatabaseUnavailableError('The database is not opened during `next build`');
  const cfg = config();
  const handle = cfg.DATABASE_URL ? await openPostgres(cfg.DATABASE_URL, cfg.DATABASE_DIRECT_URL) : await openPglite(dataDirFromConfig());
  if (role() === 'server') {
    try {
      for (const hook of g.__shiplogOpenHooks?.values() ?? []) await hook(handle.db, handle.engine);
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

/**
 * How long a server's write may wait for a lock (the outbox head every write takes, a row another
 * write holds) before PostgreSQL gives up: 80 % of the query deadline, so it fails on the server as
 * 55P03 (answered 503 "other writes are in progress; retry") rather than as a client-side timeout that
 * leaves a backend queued. Set per transaction (SET LOCAL), never as a startup parameter.
 * Undefined for the embedded database and for CLIs and tests (they may wait).
 */
export function writeLockTimeoutMs(): number | undefined {
  if (role() !== 'server' || currentEngine() !== 'postgres') return undefined;
  return Math.max(100, Math.floor(config().DATABASE_QUERY_TIMEOUT_MS * 0.8));
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
