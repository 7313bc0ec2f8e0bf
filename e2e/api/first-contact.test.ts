// First contact, tried as a new user would: `npm start` (scripts/start.mjs, as `npm start` runs it) on
// a fresh database prints a way into the console that works in a browser; bad settings and a taken port
// stop it at once; `npm run token` and `npm run import` say what they do and leave nothing misleading.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import type { Browser } from 'playwright-core';
import { apiTokens, projects } from '../../lib/db/schema';
import { hashToken } from '../../lib/auth/tokens';
import { launchBrowser, until } from '../harness/browser';
import { freePort, root } from '../harness/server';
import { newStorage, withDatabase, type Storage } from '../harness/storage';

const engine = process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite';
const START = path.join(root, 'scripts', 'start.mjs');
const TSX = path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');

/** The environment of a user's shell: none of the test server's settings. */
function userEnv(storage: Storage | undefined, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: Record<string, string | undefined> = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TMPDIR: process.env.TMPDIR,
    NEXT_TELEMETRY_DISABLED: '1',
    SHIPLOG_LOG_LEVEL: 'warn',
  };
  if (storage?.databaseUrl) env.DATABASE_URL = storage.databaseUrl;
  else if (storage?.dataDir) env.SHIPLOG_DATA_DIR = storage.dataDir;
  return { ...env, ...extra } as NodeJS.ProcessEnv;
}

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function start(env: NodeJS.ProcessEnv): Started {
  const child = spawn(process.execPath, [START], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function stop(s: Started): Promise<void> {
  if (s.child.exitCode !== null || s.child.signalCode !== null) return;
  process.kill(s.child.pid!, 'SIGTERM');
  const timer = setTimeout(() => {
    try {
      process.kill(-s.child.pid!, 'SIGKILL');
    } catch {
      /* gone */
    }
  }, 20_000);
  await s.exited;
  clearTimeout(timer);
}

function cli(script: string, args: string[], env: NodeJS.ProcessEnv) {
  const r = spawnSync(process.execPath, [TSX, path.join(root, 'scripts', script), ...args], { cwd: root, env, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('npm start refuses to start rather than misbehave', () => {
  it('a bad setting stops it at once, naming the variable, the rule and an example', async () => {
    const s = start(userEnv(undefined, { SHIPLOG_ADMIN_TOKEN: 'secret', SHIPLOG_RATE_LIMIT_READ: 'abc' }));
    expect(await s.exited).toBe(1);
    expect(s.output()).toContain('SHIPLOG_ADMIN_TOKEN must be at least 16 characters, for example SHIPLOG_ADMIN_TOKEN=');
    expect(s.output()).toContain('SHIPLOG_RATE_LIMIT_READ must be a whole number from 0 to 1000000000, for example SHIPLOG_RATE_LIMIT_READ=3000');
    expect(s.output()).not.toContain('waiting for the database');
  });

  it('a port in use is named and exits non-zero, never "ready"', async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as net.AddressInfo).port;
    try {
      const s = start(userEnv(undefined, { PORT: String(port) }));
      expect(await s.exited).toBe(1);
      expect(s.output()).toContain(`port ${port} is already in use`);
      expect(s.output()).not.toContain('Shiplog is ready');
    } finally {
      taken.close();
    }
  });
});

describe('the way into the console after the quick start', () => {
  let storage: Storage;
  let browser: Browser;
  beforeAll(async () => {
    storage = await newStorage(engine, 'first');
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await storage?.dispose();
  });

  it('npm start prints a one-time sign-in link that opens /admin; npm run token makes tokens without touching a running PGlite', async () => {
    const port = await freePort();
    const s = start(userEnv(storage, { PORT: String(port) }));
    let link: string;
    try {
      link = await until(
        async () => {
          if (s.child.exitCode !== null) throw new Error(`npm start exited:\n${s.output()}`);
          return /^>\s+(http:\/\/localhost:\d+\/admin\/login\?link=sil_\S+)$/m.exec(s.output())?.[1];
        },
        240_000,
        'the sign-in link',
        250,
      );
      expect(s.output()).toMatch(/No admin token exists yet/);

      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(link);
      await Promise.all([page.waitForURL(/\/admin\/tokens$/), page.click('button[type=submit]')]);
      await page.locator('[data-flash="success"]').waitFor();
      await page.goto(`http://localhost:${port}/admin`);
      expect(new URL(page.url()).pathname).toBe('/admin');
      await page.locator('h1', { hasText: 'Projects' }).waitFor();

      // The link works once.
      const other = await (await browser.newContext()).newPage();
      await other.goto(link);
      expect(await other.locator('[data-flash="error"]').textContent()).toMatch(/already used or has expired/);
      expect(await other.locator('#no-token').textContent()).toContain('npm run token -- create');
      await context.close();

      const tokenEnv = userEnv(storage, { PORT: String(port) });
      const made = cli('token.ts', ['create', '--name', 'ci', '--scopes', 'write'], tokenEnv);
      if (engine === 'pglite') {
        // The running server owns the embedded database: refused, with what to do instead.
        expect(made.status).toBe(1);
        expect(made.stderr).toContain(`A Shiplog server is running at http://127.0.0.1:${port}`);
        expect(made.stderr).toContain('/admin/tokens');
      } else {
        expect([made.status, made.stdout.trim()]).toEqual([0, expect.stringMatching(/^shp_[A-Za-z0-9_-]{43}$/)]);
      }
    } finally {
      await stop(s);
    }
    // With no server running, the command opens the database itself; the secret is printed once and stored hashed.
    const made = cli('token.ts', ['create', '--name', 'deploy', '--scopes', 'write,admin'], userEnv(storage, { PORT: String(port) }));
    expect(made.status).toBe(0);
    const secret = made.stdout.trim();
    expect(secret).toMatch(/^shp_[A-Za-z0-9_-]{43}$/);
    expect(made.stderr).toContain('created token');
    const stored = await withDatabase(storage, (db) =>
      db
        .select()
        .from(apiTokens)
        .where(eq(apiTokens.tokenHash, hashToken(secret))),
    );
    expect(stored.map((t) => [t.name, t.scopes])).toEqual([['deploy', ['write', 'admin']]]);
    const bad = cli('token.ts', ['create', '--name', 'x', '--scopes', 'root'], userEnv(storage));
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--scopes');
  });
});

describe('npm run import without network', () => {
  it('warns that GITHUB_TOKEN is unset and leaves no empty project behind', async () => {
    const storage = await newStorage(engine, 'imp');
    try {
      const closed = await freePort();
      const r = cli(
        'import.ts',
        ['octo/unreachable'],
        userEnv(storage, { GITHUB_API_URL: `http://127.0.0.1:${closed}`, SHIPLOG_URL: `http://127.0.0.1:${closed}`, SHIPLOG_IMPORT_MAX_WAIT_MS: '0' }),
      );
      expect(r.status).not.toBe(0);
      expect(r.stderr).toContain('GITHUB_TOKEN is not set');
      expect(r.stdout).toContain('removed the project octo/unreachable again');
      const left = await withDatabase(storage, (db) =>
        db
          .select()
          .from(projects)
          .where(and(eq(projects.owner, 'octo'), eq(projects.repo, 'unreachable'))),
      );
      expect(left).toEqual([]);
    } finally {
      await storage.dispose();
    }
  });
});
