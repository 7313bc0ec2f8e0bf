// Process-level behaviour: data survives a restart, the CLI refuses an embedded database the server
// holds, and a server whose database is unreachable answers 503 quickly instead of hanging.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { createTestDatabase, dropTestDatabase } from '../../lib/test/db';
import { root, startServer, tempDataDir, waitForFreshHome, type RunningServer } from '../harness/server';

const run = promisify(execFile);
const pg = process.env.TEST_DATABASE_URL;

function cli(args: string[], env: Record<string, string>) {
  const tsx = path.join(root, 'node_modules', '.bin', 'tsx');
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  if (!env.DATABASE_URL) delete childEnv.DATABASE_URL;
  return run(tsx, ['scripts/db.ts', ...args], { cwd: root, env: childEnv }).then(
    (r) => ({ code: 0, out: r.stdout + r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr }),
  );
}

// Every test server shares .next, where the home page's static HTML lives: another server may have
// written it last. Regenerate it from this server's database before counting.
const projectsOnHome = async (server: RunningServer) => {
  await waitForFreshHome(server.url);
  const res = await fetch(`${server.url}/api/revalidate`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ paths: ['/'] }),
  });
  expect(res.status).toBe(200);
  // Distinct projects: a project's card and its entries among the recent releases both name it.
  return new Set((await (await fetch(`${server.url}/`)).text()).match(/data-project="[^"]*"/g) ?? []).size;
};

describe('stopping and starting again keeps the data', () => {
  let databaseUrl: string | undefined;
  let dataDir: string | undefined;
  afterAll(async () => {
    if (pg && databaseUrl) await dropTestDatabase(pg, databaseUrl);
    if (dataDir) fs.rmSync(path.dirname(dataDir), { recursive: true, force: true });
  });

  it('seeds on first start, then serves the same data after a restart without seeding', async () => {
    if (pg) databaseUrl = await createTestDatabase(pg, 'shiplog_life');
    else dataDir = tempDataDir();
    const first = await startServer({ databaseUrl, dataDir });
    try {
      expect(await projectsOnHome(first)).toBe(4);
      if (dataDir) {
        expect(fs.existsSync(`${dataDir}.lock`)).toBe(true);
        const busy = await cli(['migrate'], { SHIPLOG_DATA_DIR: dataDir });
        expect(busy.code).toBe(1);
        expect(busy.out).toMatch(/in use by the Shiplog server \(pid \d+/);
      }
    } finally {
      expect(await first.stop('SIGTERM')).not.toBe(null);
    }
    if (dataDir) expect(fs.existsSync(`${dataDir}.lock`)).toBe(false);

    const second = await startServer({ databaseUrl, dataDir, env: { SHIPLOG_SEED_DEMO: '0' } });
    try {
      expect(await projectsOnHome(second)).toBe(4);
    } finally {
      await second.stop();
    }

    // With the server stopped the CLI may open the database; seeding again is a no-op.
    const env: Record<string, string> = databaseUrl ? { DATABASE_URL: databaseUrl } : { SHIPLOG_DATA_DIR: dataDir! };
    const seeded = await cli(['seed', '--if-empty'], env);
    expect(seeded.out).toContain('already has projects');
    expect(seeded.code).toBe(0);
  });
});

describe('an unreachable database', () => {
  it('makes /api/health answer 503 problem+json quickly while the rest of the API still answers', async () => {
    const server = await startServer({ databaseUrl: 'postgres://postgres@127.0.0.1:1/nowhere', waitHealthy: false });
    try {
      const started = Date.now();
      const res = await fetch(`${server.url}/api/health`);
      expect(res.status).toBe(503);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.headers.get('retry-after')).toBeTruthy();
      expect(Date.now() - started).toBeLessThan(15_000);
      expect((await fetch(`${server.url}/api/nope`)).status).toBe(404);
    } finally {
      await server.stop();
    }
  });
});
