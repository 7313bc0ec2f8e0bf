import { config, ConfigError, isBuildPhase, serverless } from './config';
import { onServerDatabaseOpen, type Db, type Engine } from './db';
import { seedDemo } from './db/seed';
import { log } from './log';

/**
 * Runs once in the server process, right after the database is open and migrated (instrumentation.ts
 * registers it with lib/db): seeds an empty database when asked to (`npm start` asks), then, in a
 * long-lived server, starts the accelerators:
 * the local page revalidator (pages of other instances' writes), the resumption of imports a crash
 * or restart interrupted, and the rendering again of notes an older renderer stored. Correctness needs
 * none of them: writes regenerate their pages themselves and the cron drain finishes the rest.
 */
export async function startServer(db: Db, engine: Engine): Promise<void> {
  if (config().SHIPLOG_SEED_DEMO) {
    const result = await seedDemo(db, { ifEmpty: true });
    if (!result.skipped) log().info({ engine, ...result }, 'seeded the empty database with demo data');
  }
  // Serverless: nothing runs outside a request (imports advance on polls and the cron drain).
  if (serverless()) return;
  // After this open resolves (both use the database).
  setTimeout(() => {
    import('./site/revalidation-accelerator').then((m) => m.startRevalidator()).catch((err: Error) => log().error({ err: err.message }, 'could not start the page revalidator'));
    import('./github/import-runner').then((m) => m.resumeImports()).catch((err: Error) => log().error({ err: err.message }, 'could not resume imports'));
    import('./markdown/refresh').then((m) => m.startRefreshingNotes()).catch((err: Error) => log().error({ err: err.message }, 'could not render stored notes again'));
    import('./releases/derive').then((m) => m.startDerivingReleases()).catch((err: Error) => log().error({ err: err.message }, 'could not derive package versions'));
  }, 0).unref();
}

/**
 * Called by instrumentation.ts when a Next.js server process starts. Checks the settings first: a bad one
 * stops the process (exit status 1) with the message `npm start` gives, naming the variable, the rule and
 * an example, instead of a server whose every request fails.
 */
export function registerServerStartup(): void {
  if (!isBuildPhase()) {
    try {
      config();
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      console.error(`> Shiplog cannot start. ${err.message}`);
      process.exit(1);
    }
  }
  onServerDatabaseOpen('shiplog.startup', startServer);
}
