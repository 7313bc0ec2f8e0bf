// Database CLI: `npm run db:migrate`, `npm run db:seed` (add `-- --if-empty` to skip a non-empty database).
// On the embedded database it refuses to run while the server has the data directory open.
process.env.SHIPLOG_ROLE = 'cli';

import { config } from '../lib/config';
import { closeDb, currentEngine, getDb } from '../lib/db';
import { seedDemo } from '../lib/db/seed';
import { refreshUnderived } from '../lib/releases/derive';

async function main(): Promise<number> {
  const [command, ...flags] = process.argv.slice(2);
  if (command !== 'migrate' && command !== 'seed') {
    console.error('usage: tsx scripts/db.ts <migrate|seed> [--if-empty]');
    return 2;
  }
  const where = currentEngine() === 'postgres' ? 'PostgreSQL (DATABASE_URL)' : `PGlite (${config().SHIPLOG_DATA_DIR})`;
  const db = await getDb(); // opening runs the migrations
  if (command === 'migrate') {
    console.log(`migrations are up to date on ${where}`);
    return 0;
  }
  const result = await seedDemo(db, { ifEmpty: flags.includes('--if-empty') });
  // Package, version and level of the seeded releases (lib/packages), as a write would have stored them.
  while ((await refreshUnderived({ maxProjects: 50 })).more);
  console.log(result.skipped ? `the database already has projects; nothing seeded (${where})` : `seeded ${result.projects} projects and ${result.releases} releases into ${where}`);
  if (!result.skipped) {
    console.log('a running server shows them after its pages refresh (POST /api/revalidate, or restart it)');
  }
  return 0;
}

main()
  .then(async (code) => {
    await closeDb();
    process.exit(code);
  })
  .catch(async (err: Error) => {
    console.error(`error: ${err.message}`);
    await closeDb().catch(() => {});
    process.exit(1);
  });
