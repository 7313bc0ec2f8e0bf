// Migrations are expand/contract: the code released just before the newest migration keeps working on
// the schema that migration leaves (a rolling deploy runs old instances on the new schema). This test
// finds the newest migration in drizzle/meta/_journal.json, takes the code of the commit before the
// one that added it (git history), builds it in a temporary directory, runs it against a database
// migrated to the newest schema and checks that its reads and writes still work.
// SHIPLOG_EXPAND_CONTRACT_MIGRATION=<tag> checks another migration instead (e.g. 0005_outbox_gapless).
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { root, startServer, type RunningServer } from '../harness/server';
import { newStorage, type Storage } from '../harness/storage';

const pg = process.env.TEST_DATABASE_URL;

function migrationUnderTest(): string {
  const wanted = process.env.SHIPLOG_EXPAND_CONTRACT_MIGRATION;
  if (wanted) return wanted;
  const journal = JSON.parse(fs.readFileSync(path.join(root, 'drizzle/meta/_journal.json'), 'utf8')) as { entries: { idx: number; tag: string }[] };
  const newest = journal.entries.reduce((a, b) => (b.idx > a.idx ? b : a));
  return newest.tag;
}

const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();

/** The commit just before the one that added `drizzle/<tag>.sql`; undefined while it is not committed yet. */
function codeBefore(tag: string): string | undefined {
  const added = git('log', '--diff-filter=A', '--format=%H', '--', `drizzle/${tag}.sql`).split('\n').filter(Boolean);
  const first = added[added.length - 1];
  return first ? git('rev-parse', `${first}~1`) : undefined;
}

(pg ? describe : describe.skip)('the code from before the newest migration, on the newest schema', () => {
  const tag = migrationUnderTest();
  let dir: string;
  let storage: Storage;
  let old: RunningServer;
  let commit: string | undefined;

  beforeAll(async () => {
    commit = codeBefore(tag);
    // Committed migrations only (CI's clone): a migration still being written has no "before" yet.
    if (!commit) throw new Error(`drizzle/${tag}.sql is not in the git history: commit it first`);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shiplog-previous-'));
    execFileSync('bash', ['-c', `git -C "$1" archive "$2" | tar -x -C "$3"`, '_', root, commit, dir]);
    // This checkout's packages, as a real folder inside the old tree (hard links: quick, no extra space;
    // a copy where links cannot be made), so the old code is built the way it was, with Turbopack. (Webpack
    // cannot build every commit: it compiles instrumentation.ts's server-only import for the edge too.)
    execFileSync('bash', ['-c', 'cp -al "$1" "$2" 2>/dev/null || cp -a "$1" "$2"', '_', path.join(root, 'node_modules'), path.join(dir, 'node_modules')]);
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1' };
    delete env.DATABASE_URL;
    const built = spawnSync(process.execPath, [path.join(dir, 'node_modules/next/dist/bin/next'), 'build'], { cwd: dir, env, encoding: 'utf8' });
    if (built.status !== 0) throw new Error(`building ${commit} failed:\n${built.stdout}\n${built.stderr}`);
    // The database gets every migration of this checkout (the newest schema), then the old code runs on it.
    storage = await newStorage('postgres', 'expand_contract');
    old = await startServer({ ...storage, cwd: dir, env: { SHIPLOG_SEED_DEMO: '1', SHIPLOG_RATE_LIMIT_WRITE: '0' } });
  }, 900_000);

  afterAll(async () => {
    await old?.stop();
    await storage?.dispose();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reads and writes through the API and serves pages', async () => {
    const client = new Client({ connectionString: storage.databaseUrl });
    await client.connect();
    try {
      // The database really has the newest migration, which the old code does not know.
      const applied = await client.query<{ n: string }>('select count(*)::int as n from drizzle.__drizzle_migrations');
      const journal = JSON.parse(fs.readFileSync(path.join(root, 'drizzle/meta/_journal.json'), 'utf8')) as { entries: unknown[] };
      expect(Number(applied.rows[0]!.n)).toBe(journal.entries.length);
      expect(fs.existsSync(path.join(dir, 'drizzle', `${tag}.sql`))).toBe(false);
    } finally {
      await client.end();
    }

    const h = { authorization: `Bearer ${old.adminToken}`, 'content-type': 'application/json' };
    const api = (p: string, init: RequestInit = {}) => fetch(`${old.url}${p}`, { ...init, headers: { ...h, ...(init.headers as Record<string, string>) } });

    // Reads: the demo data the old code seeded, lists and a page.
    const projects = await api('/api/v1/projects');
    expect(projects.status).toBe(200);
    const listed = (await projects.json()) as unknown[] | { data: unknown[] };
    expect((Array.isArray(listed) ? listed : listed.data).length).toBeGreaterThan(0);
    expect((await api('/api/v1/releases')).status).toBe(200);
    expect((await fetch(`${old.url}/`)).status).toBe(200);

    // Writes: create a project and a release, change it, delete it.
    const created = await api('/api/v1/projects', { method: 'POST', body: JSON.stringify({ owner: 'rolling', repo: 'deploy' }) });
    expect(created.status).toBe(201);
    const release = await api('/api/v1/projects/rolling/deploy/releases', {
      method: 'POST',
      body: JSON.stringify({ tag: 'v1.0.0', body: 'Written by the previous release', publishedAt: '2026-03-01T00:00:00Z' }),
    });
    expect(release.status).toBe(201);
    const etag = release.headers.get('etag');
    const patched = await api('/api/v1/projects/rolling/deploy/releases/v1.0.0', {
      method: 'PATCH',
      headers: { 'content-type': 'application/merge-patch+json', ...(etag ? { 'if-match': etag } : {}) },
      body: JSON.stringify({ name: 'Renamed by the previous release' }),
    });
    expect(patched.status).toBe(200);
    const read = await api('/api/v1/projects/rolling/deploy/releases/v1.0.0');
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({ tag: 'v1.0.0', name: 'Renamed by the previous release' });
    expect((await fetch(`${old.url}/rolling/deploy`)).status).toBe(200);
    const second = await api('/api/v1/projects/rolling/deploy/releases', { method: 'POST', body: JSON.stringify({ tag: 'v1.1.0', body: 'Another' }) });
    expect(second.status).toBe(201);
    expect((await api('/api/v1/projects/rolling/deploy/releases/v1.1.0', { method: 'DELETE' })).status).toBe(204);
  });
});
