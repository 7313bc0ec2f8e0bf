import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { resetConfig } from '../config';
import { closeDb, getDb, type Db } from '../db';

/** Creates a database with a random name through TEST_DATABASE_URL's server; returns its URL. */
export async function createTestDatabase(adminUrl: string, prefix = 'shiplog_t'): Promise<string> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function dropTestDatabase(adminUrl: string, url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`refusing to drop ${name}`);
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`drop database if exists ${name} with (force)`);
  } finally {
    await admin.end();
  }
}

/**
 * A fresh, migrated database for the current test file: in-memory PGlite, or (TEST_DATABASE_URL set)
 * a new PostgreSQL database dropped afterwards. Call at the top level of a test file.
 */
/** Opening and migrating a database takes seconds on a loaded 2-core machine, not jest's default 5. */
const SETUP_MS = 120_000;

export function useTestDatabase(): { db: () => Db } {
  let db: Db | undefined;
  let url: string | undefined;
  const adminUrl = process.env.TEST_DATABASE_URL;
  beforeAll(async () => {
    if (adminUrl) {
      url = await createTestDatabase(adminUrl);
      process.env.DATABASE_URL = url;
    } else {
      delete process.env.DATABASE_URL;
      process.env.SHIPLOG_DATA_DIR = 'memory://';
    }
    resetConfig();
    db = await getDb();
  }, SETUP_MS);
  afterAll(async () => {
    await closeDb();
    if (adminUrl && url) await dropTestDatabase(adminUrl, url);
    delete process.env.DATABASE_URL;
    resetConfig();
  }, SETUP_MS);
  return {
    db: () => {
      if (!db) throw new Error('the test database is not open yet (use it inside a test)');
      return db;
    },
  };
}
