import type { Db, Engine } from './db';
import { seedDemo } from './db/seed';
import { log } from './log';
import { pathsToRefreshOnStart } from './site/home';
import { revalidateSelf } from './site/revalidate';

/**
 * Runs once in the server process, right after the database is open and migrated:
 * seeds an empty database when asked to (`npm start` asks), then regenerates the static pages that
 * `next build` rendered without data, so the first reader never sees a stale home.
 */
export async function onServerDatabaseOpen(db: Db, engine: Engine): Promise<void> {
  if (process.env.SHIPLOG_SEED_DEMO === '1' || process.env.SHIPLOG_SEED_DEMO === 'true') {
    const result = await seedDemo(db, { ifEmpty: true });
    if (!result.skipped) log().info({ engine, ...result }, 'seeded the empty database with demo data');
  }
  setTimeout(() => void revalidateSelf(pathsToRefreshOnStart()), 0).unref();
  // Imports a crash or restart interrupted pick up where they stopped.
  setTimeout(() => {
    import('./github/imports')
      .then((m) => m.resumeImports())
      .catch((err: Error) => log().error({ err: err.message }, 'could not resume imports'));
  }, 0).unref();
}
