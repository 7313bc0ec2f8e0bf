import fs from 'node:fs';
import path from 'node:path';
import { resetConfig } from '../../lib/config';
import { closeDb, getDb, type Db } from '../../lib/db';
import { createTestDatabase, dropTestDatabase } from '../../lib/test/db';
import { tempDataDir } from './server';

export type Engine = 'pglite' | 'postgres';

/** A database for servers of one test (or benchmark): a PGlite directory or a PostgreSQL database. */
export interface Storage {
  engine: Engine;
  dataDir?: string;
  databaseUrl?: string;
  dispose(): Promise<void>;
}

/** The PostgreSQL server tests and benchmarks create (and drop) their own databases on. */
export function postgresAdminUrl(): string | undefined {
  return process.env.TEST_DATABASE_URL;
}

/**
 * Opens the storage in this process (migrating it), runs `work`, and closes it — while no server has
 * it open (PGlite serves one process). How bulk data goes in, and how a stopped (or killed) server's
 * database is inspected; a killed server's stale PGlite lock is taken over.
 */
export async function withDatabase<T>(storage: Pick<Storage, 'dataDir' | 'databaseUrl'>, work: (db: Db) => Promise<T>): Promise<T> {
  const saved = { ...process.env };
  process.env.SHIPLOG_ROLE = 'cli';
  process.env.SHIPLOG_LOG_LEVEL = 'warn';
  if (storage.databaseUrl) process.env.DATABASE_URL = storage.databaseUrl;
  else {
    delete process.env.DATABASE_URL;
    process.env.SHIPLOG_DATA_DIR = storage.dataDir!;
  }
  resetConfig();
  try {
    return await work(await getDb());
  } finally {
    await closeDb();
    process.env = saved;
    resetConfig();
  }
}

/**
 * A fresh database, created and migrated here: a temporary PGlite directory, or a new database on the
 * PostgreSQL server at `adminUrl`. Servers then open an existing database, as in production.
 */
export async function newStorage(engine: Engine, label: string, adminUrl = postgresAdminUrl()): Promise<Storage> {
  let storage: Storage;
  if (engine === 'postgres') {
    if (!adminUrl) throw new Error('PostgreSQL storage needs TEST_DATABASE_URL');
    const databaseUrl = await createTestDatabase(adminUrl, `shiplog_${label}`);
    storage = { engine, databaseUrl, dispose: () => dropTestDatabase(adminUrl, databaseUrl) };
  } else {
    const dataDir = tempDataDir();
    storage = { engine, dataDir, dispose: async () => fs.rmSync(path.dirname(dataDir), { recursive: true, force: true }) };
  }
  await withDatabase(storage, async () => {});
  return storage;
}
