// Backfill from a fake GitHub REST API served over loopback: 250 releases over 3 pages, a second
// run creates nothing, an import killed half way resumes with no duplicates, rate limits are waited
// out or reported, the token goes only to GitHub, and the CLI does the same from a terminal.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { createTestDatabase, dropTestDatabase } from '../../lib/test/db';
import { fakeReleases, startFakeGitHub, type FakeGitHub } from '../harness/fake-github';
import { root, startServer, tempDataDir, type RunningServer } from '../harness/server';

const TOKEN = 'ghp_faketoken_for_tests_only_0123456789';
const pg = process.env.TEST_DATABASE_URL;
const run = promisify(execFile);

interface ImportView {
  state: string;
  pagesDone: number;
  pagesTotal: number | null;
  created: number;
  updated: number;
  skipped: number;
  message: string | null;
}

let github: FakeGitHub;
const cleanup: (() => Promise<void>)[] = [];

async function server(extra: Record<string, string> = {}, storage?: { dataDir?: string; databaseUrl?: string }): Promise<RunningServer> {
  const s = await startServer({ ...storage, env: { GITHUB_API_URL: github.url, GITHUB_TOKEN: TOKEN, SHIPLOG_SEED_DEMO: '0', ...extra } });
  return s;
}

async function storage(): Promise<{ dataDir?: string; databaseUrl?: string }> {
  if (pg) {
    const databaseUrl = await createTestDatabase(pg, 'shiplog_imp');
    cleanup.push(() => dropTestDatabase(pg, databaseUrl));
    return { databaseUrl };
  }
  const dataDir = tempDataDir();
  cleanup.push(async () => fs.rmSync(path.dirname(dataDir), { recursive: true, force: true }));
  return { dataDir };
}

const auth = (s: RunningServer) => ({ authorization: `Bearer ${s.adminToken}`, 'content-type': 'application/json' });

async function createProject(s: RunningServer, owner: string, repo: string) {
  const res = await fetch(`${s.url}/api/v1/projects`, { method: 'POST', headers: auth(s), body: JSON.stringify({ owner, repo }) });
  expect(res.status).toBe(201);
}

async function startImport(s: RunningServer, owner: string, repo: string): Promise<string> {
  const res = await fetch(`${s.url}/api/v1/projects/${owner}/${repo}/imports`, { method: 'POST', headers: auth(s) });
  expect(res.status).toBe(202);
  return res.headers.get('location')!;
}

async function waitFor(s: RunningServer, location: string, done: (v: ImportView) => boolean, timeoutMs = 60_000): Promise<ImportView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const view = (await (await fetch(`${s.url}${location}`, { headers: auth(s) })).json()) as ImportView;
    if (done(view)) return view;
    if (Date.now() > deadline) throw new Error(`import did not get there: ${JSON.stringify(view)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const finished = (v: ImportView) => ['succeeded', 'failed', 'rate_limited'].includes(v.state);

async function tags(s: RunningServer, owner: string, repo: string): Promise<string[]> {
  const out: string[] = [];
  for (let offset = 0; ; offset += 100) {
    const page = (await (await fetch(`${s.url}/api/v1/projects/${owner}/${repo}/releases?limit=100&offset=${offset}&fields=tag`, { headers: auth(s) })).json()) as {
      tag: string;
    }[];
    out.push(...page.map((p) => p.tag));
    if (page.length < 100) return out;
  }
}

beforeAll(async () => {
  github = await startFakeGitHub({
    token: TOKEN,
    repos: {
      'octo/big': fakeReleases('octo', 'big', 250),
      'octo/slow': fakeReleases('octo', 'slow', 250, 800_000_000),
      'octo/limited': fakeReleases('octo', 'limited', 120, 810_000_000),
      'octo/cli': fakeReleases('octo', 'cli', 150, 820_000_000),
    },
  });
});

afterAll(async () => {
  await github.close();
  for (const c of cleanup.reverse()) await c();
});

describe('imports from the GitHub REST API', () => {
  it('imports 250 releases over 3 pages, then 0 new on a second run, sending the token only to GitHub', async () => {
    const s = await server({}, await storage());
    try {
      await createProject(s, 'octo', 'big');
      const first = await waitFor(s, await startImport(s, 'octo', 'big'), finished);
      expect(first).toMatchObject({ state: 'succeeded', pagesDone: 3, pagesTotal: 3, created: 250, updated: 0 });
      const all = await tags(s, 'octo', 'big');
      expect(all).toHaveLength(250);
      expect(new Set(all).size).toBe(250);
      const second = await waitFor(s, await startImport(s, 'octo', 'big'), finished);
      expect(second).toMatchObject({ state: 'succeeded', created: 0 });
      expect(github.requests.filter((r) => r.url.includes('/octo/big/')).every((r) => r.authorized)).toBe(true);
      expect(github.requests.some((r) => r.url.includes('/octo/big/') && r.conditional && r.status === 304)).toBe(true);
      const view = await (await fetch(`${s.url}/api/v1/projects/octo/big/imports`, { headers: auth(s) })).text();
      expect(view).not.toContain(TOKEN);
    } finally {
      await s.stop();
    }
  });

  it('resumes an import killed half way, ending with every release exactly once', async () => {
    const store = await storage();
    github.options.delayMs = 700;
    let s = await server({}, store);
    let location: string;
    try {
      await createProject(s, 'octo', 'slow');
      location = await startImport(s, 'octo', 'slow');
      await waitFor(s, location, (v) => v.pagesDone >= 1);
    } finally {
      await s.stop('SIGKILL');
    }
    github.options.delayMs = 0;
    s = await server({}, store);
    try {
      const done = await waitFor(s, location, finished);
      expect(done.state).toBe('succeeded');
      const all = await tags(s, 'octo', 'slow');
      expect(all).toHaveLength(250);
      expect(new Set(all).size).toBe(250);
    } finally {
      await s.stop();
    }
  });

  it('waits out a short secondary rate limit (403 + retry-after) and finishes', async () => {
    github.options.secondaryLimitOnPages = [2];
    github.options.retryAfterSeconds = 1;
    const s = await server({}, await storage());
    try {
      await createProject(s, 'octo', 'limited');
      const done = await waitFor(s, await startImport(s, 'octo', 'limited'), finished);
      expect(done).toMatchObject({ state: 'succeeded', created: 120 });
      expect(github.requests.some((r) => r.url.includes('/octo/limited/') && r.status === 403)).toBe(true);
    } finally {
      github.options.secondaryLimitOnPages = undefined;
      await s.stop();
    }
  });

  it('stops with a clear "retry after" when the rate limit resets too far away', async () => {
    github.options.secondaryLimitOnPages = [1];
    github.options.retryAfterSeconds = 3600;
    const s = await server({}, await storage());
    try {
      await createProject(s, 'octo', 'limited');
      const done = await waitFor(s, await startImport(s, 'octo', 'limited'), finished);
      expect(done.state).toBe('rate_limited');
      expect(done.message).toMatch(/rate limit is used up until \d{4}-\d\d-\d\dT/);
    } finally {
      github.options.secondaryLimitOnPages = undefined;
      await s.stop();
    }
  });
});

describe('edited deliveries with GITHUB_TOKEN', () => {
  it("take GitHub's current state, which settles racing edits, and a release GitHub no longer has is deleted", async () => {
    const { sign } = await import('../../lib/github/signature');
    const { TEST_WEBHOOK_SECRET } = await import('../harness/server');
    const releases = fakeReleases('octo', 'edits', 2, 830_000_000);
    github.options.repos!['octo/edits'] = releases;
    const s = await server({}, await storage());
    try {
      await createProject(s, 'octo', 'edits');
      const deliver = async (action: string, release: object) => {
        const body = JSON.stringify({ action, release, repository: { name: 'edits', full_name: 'octo/edits', owner: { login: 'octo' } } });
        const res = await fetch(`${s.url}/api/webhooks/github`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-github-event': 'release',
            'x-github-delivery': `d-${Math.random()}`,
            'x-hub-signature-256': sign(TEST_WEBHOOK_SECRET, body),
          },
          body,
        });
        expect(res.status).toBe(200);
        return (await res.json()) as { outcome: string };
      };
      const [newer, older] = releases as [(typeof releases)[0], (typeof releases)[0]];
      await deliver('published', newer);
      // An out-of-date `edited` (arriving late) must not win over what GitHub holds now.
      expect((await deliver('edited', { ...newer, name: 'stale name from an old edit' })).outcome).toBe('unchanged');
      const stored = (await (await fetch(`${s.url}/api/v1/projects/octo/edits/releases/${newer.tag_name}`)).json()) as { name: string };
      expect(stored.name).toBe(newer.name);
      // GitHub answers 404 for a release it no longer has: the edit deletes it and leaves a tombstone.
      await deliver('published', { ...older, id: 839_999_999 });
      expect((await deliver('edited', { ...older, id: 839_999_999 })).outcome).toBe('deleted');
      expect((await fetch(`${s.url}/api/v1/projects/octo/edits/releases/${older.tag_name}`)).status).toBe(404);
    } finally {
      await s.stop();
    }
  });
});

describe('npm run import', () => {
  const cli = (args: string[], env: Record<string, string>) =>
    run(path.join(root, 'node_modules', '.bin', 'tsx'), ['scripts/import.ts', ...args], {
      cwd: root,
      env: { ...process.env, GITHUB_API_URL: github.url, GITHUB_TOKEN: TOKEN, SHIPLOG_URL: 'http://127.0.0.1:9', ...env },
    }).then(
      (r) => ({ code: 0, out: r.stdout + r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr }),
    );

  it('imports from a terminal (creating the project), and a re-run adds nothing', async () => {
    const store = await storage();
    const env: Record<string, string> = store.databaseUrl ? { DATABASE_URL: store.databaseUrl } : { SHIPLOG_DATA_DIR: store.dataDir! };
    if (!store.databaseUrl) env.DATABASE_URL = '';
    const first = await cli(['octo/cli'], env);
    expect(first.out).toContain('created project octo/cli');
    expect(first.out).toMatch(/page 2\/2: 150 new/);
    expect(first.out).toContain('succeeded');
    expect(first.code).toBe(0);
    const again = await cli(['octo/cli'], env);
    expect(again.code).toBe(0);
    expect(again.out).not.toMatch(/[1-9]\d* new/);
  });

  it('explains the usage', async () => {
    const r = await cli(['not-a-repo'], {});
    expect(r.code).toBe(2);
    expect(r.out).toContain('usage: npm run import -- owner/repo');
  });
});
