import { config } from './config';
import type { Db, Engine } from './db';
import { seedDemo } from './db/seed';
import { log } from './log';

/**
 * Runs once in the server process, right after the database is open and migrated: seeds an empty
 * database when asked to (`npm start` asks), then starts the background work that keeps the site
 * current (the page revalidator, which also refreshes the pages `next build` rendered without data)
 * and resumes imports a crash or restart interrupted.
 */
export async function onServerDatabaseOpen(db: Db, engine: Engine): Promise<void> {
  if (config().SHIPLOG_SEED_DEMO) {
    const result = await seedDemo(db, { ifEmpty: true });
    if (!result.skipped) log().info({ engine, ...result }, 'seeded the empty database with demo data');
  }
  // After this open resolves: both use the database and call this server over HTTP.
  setTimeout(() => {
    import('./site/revalidator')
      .then((m) => m.startRevalidator())
      .catch((err: Error) => log().error({ err: err.message }, 'could not start the page revalidator'));
    import('./github/imports')
      .then((m) => m.resumeImports())
      .catch((err: Error) => log().error({ err: err.message }, 'could not resume imports'));
  }, 0).unref();
}
