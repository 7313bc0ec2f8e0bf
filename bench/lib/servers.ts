import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { sql, type SQL } from 'drizzle-orm';
import { Client } from 'pg';
import type { Db } from '../../lib/db';
import { newStorage as newHarnessStorage, withDatabase, type Storage } from '../../e2e/harness/storage';
import { freePort, root, startServer, TEST_WEBHOOK_SECRET, type RunningServer } from '../../e2e/harness/server';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { buildIfNeeded } = require('../../scripts/build.cjs') as { buildIfNeeded(o: { env: NodeJS.ProcessEnv; stdio: 'pipe' | 'inherit' }): { built: boolean } };

export { TEST_WEBHOOK_SECRET, type RunningServer };
export type Engine = 'pglite' | 'postgres';

export const TMP = path.join(root, 'bench', '.tmp');

/** The PostgreSQL server the bench creates (and drops) its own databases on. */
export function postgresAdminUrl(): string {
  return process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
}

export async function postgresVersion(): Promise<string | undefined> {
  const client = new Client({ connectionString: postgresAdminUrl(), connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    const { rows } = await client.query<{ v: string }>("select current_setting('server_version') as v");
    return rows[0]?.v;
  } catch {
    return undefined;
  } finally {
    await client.end().catch(() => {});
  }
}

export { withDatabase, type Storage };

/** A fresh, migrated database on either engine (see e2e/harness/storage.ts). */
export function newStorage(engine: Engine, label = 'bench'): Promise<Storage> {
  return newHarnessStorage(engine, label, postgresAdminUrl());
}

/** Inserts `count` published releases into a new project, straight in SQL (as an import would leave them). */
export async function seedReleases(db: Db, owner: string, repo: string, count: number, startMinute = 0): Promise<void> {
  await db.execute(sql`insert into projects (owner, repo, name) values (${owner}, ${repo}, ${`Bench ${owner}/${repo}`}) on conflict do nothing`);
  const seed: SQL = sql`
    insert into releases (project_id, tag, name, body, body_html, published_at, source, author_login)
    select p.id, 'v' || g, 'Release ' || g,
           '## Changes in ' || g || E'\n\n- Fixed a bug in the widget frobnicator (#' || g || E')\n- Improved startup time by ' || (g % 97) || E'%\n- Updated dependencies\n',
           '<h2>Changes in ' || g || '</h2><ul><li>Fixed a bug in the widget frobnicator (#' || g || ')</li><li>Improved startup time by ' || (g % 97) || '%</li><li>Updated dependencies</li></ul>',
           timestamptz '2020-01-01' + make_interval(mins => ${startMinute}::int + g::int), 'manual', 'octocat'
    from projects p, generate_series(1, ${count}::int) g
    where lower(p.owner) = lower(${owner}) and lower(p.repo) = lower(${repo})`;
  await db.execute(seed);
  await db.execute(sql`analyze`);
}

export interface BenchServerOptions {
  env?: Record<string, string>;
  /** Load the demo data into the empty database (default true). */
  demo?: boolean;
  /** The file the bare route answers with (SHIPLOG_BENCH_BODY). */
  bareBody?: string;
}

/**
 * `next start` for benchmarks: SHIPLOG_BENCH=1 (the bare route exists), rate limits off unless the
 * caller sets them, warnings-only logging. BENCH_SERVER_NODE_ARGS (e.g.
 * `--cpu-prof --cpu-prof-dir=bench/.tmp/prof`) are passed to the server's node: that is how to profile it.
 */
export async function benchServer(storage: Storage, options: BenchServerOptions = {}): Promise<RunningServer> {
  const env: Record<string, string> = {
    SHIPLOG_BENCH: '1',
    SHIPLOG_BENCH_BODY: options.bareBody ?? path.join(TMP, `bare-${storage.engine}.json`),
    SHIPLOG_RATE_LIMIT_READ: '0',
    SHIPLOG_RATE_LIMIT_WRITE: '0',
    SHIPLOG_SEED_DEMO: options.demo === false ? '0' : '1',
    SHIPLOG_LOG_LEVEL: 'warn',
    ...options.env,
  };
  const nodeArgs = process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean);
  return startServer({ dataDir: storage.dataDir, databaseUrl: storage.databaseUrl, env, nodeArgs });
}

/** Stops the server (SIGTERM, so a --cpu-prof profile is written) and drops its database. */
export async function stopAll(server: RunningServer | undefined, storage: Storage | undefined): Promise<void> {
  if (server) await server.stop('SIGTERM');
  if (storage) await storage.dispose().catch((err: Error) => console.error(`  could not remove the bench database: ${err.message}`));
}

export const engineName = (engine: Engine): string => (engine === 'pglite' ? 'PGlite' : 'PostgreSQL');

/**
 * One suite's run on one engine: a fresh database (seeded in SQL first if asked), a bench server on it,
 * then `run`; the server is stopped and the database dropped whatever happens.
 */
export async function onFreshServer<T>(
  engine: Engine,
  label: string,
  options: BenchServerOptions & { seed?: (db: Db) => Promise<void> },
  run: (server: RunningServer, storage: Storage) => Promise<T>,
): Promise<T> {
  let storage: Storage | undefined;
  let server: RunningServer | undefined;
  try {
    storage = await newStorage(engine, label);
    if (options.seed) await withDatabase(storage, options.seed);
    server = await benchServer(storage, options);
    return await run(server, storage);
  } finally {
    await stopAll(server, storage);
  }
}

/** `next build` when the sources changed (as the tests do); true when it built. */
export function build(): boolean {
  fs.mkdirSync(TMP, { recursive: true });
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'production' };
  delete env.DATABASE_URL;
  return buildIfNeeded({ env, stdio: 'pipe' }).built;
}

/** The raw `node:http` server (bench/raw-server.cjs) in its own process: the machine's ceiling. */
export interface RawServer {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

export async function startRawServer(bodyFile: string): Promise<RawServer> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [path.join(root, 'bench', 'raw-server.cjs'), String(port), bodyFile], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`raw server exited with ${code}`)));
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}

/** `git describe`-like identity of what was measured. */
export function gitRevision(): string {
  try {
    const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: root, encoding: 'utf8' }).trim();
    return dirty ? `${sha} (with uncommitted changes)` : sha;
  } catch {
    return 'unknown';
  }
}

/** POST JSON with the server's admin token. */
export async function adminPost(server: RunningServer, p: string, body: unknown): Promise<Response> {
  return fetch(`${server.url}${p}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

export async function createProject(server: RunningServer, owner: string, repo: string): Promise<void> {
  const res = await adminPost(server, '/api/v1/projects', { owner, repo, name: `${owner}/${repo}` });
  if (res.status !== 201) throw new Error(`creating ${owner}/${repo}: ${res.status} ${await res.text()}`);
  await res.arrayBuffer();
}
