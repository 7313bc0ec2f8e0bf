import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { buildIfNeeded, nextBin, root } = require('../../scripts/build.cjs') as {
  buildIfNeeded(o: { env: NodeJS.ProcessEnv; stdio: 'pipe' | 'inherit' }): { built: boolean };
  nextBin(): string;
  root: string;
};

export { root };

/** The global webhook secret every test server is started with. */
export const TEST_WEBHOOK_SECRET = 'it-global-webhook-secret';

export function buildOnce(): void {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'production' };
  delete env.DATABASE_URL; // the build never needs a database
  buildIfNeeded({ env, stdio: 'pipe' });
}

/**
 * A port free at this moment, for servers that must be told a port up front (the bench's raw
 * node:http baseline). `next start` servers never need it: they bind port 0 and report what they got.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export function tempDataDir(): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'shiplog-it-')), 'pglite');
}

export interface ServerOptions {
  /** Embedded data directory (ignored when databaseUrl is set). */
  dataDir?: string;
  databaseUrl?: string;
  env?: Record<string, string>;
  /** Flags for the server's node process (e.g. `--cpu-prof`, which NODE_OPTIONS does not take). */
  nodeArgs?: string[];
  /** Wait until /api/health answers 200 (default true). */
  waitHealthy?: boolean;
  /** A fixed port; by default the OS assigns one (`-p 0`), so concurrent runs can never collide. */
  port?: number;
  /** Another checkout to serve (already built there), e.g. an earlier release's code; default: this one. */
  cwd?: string;
}

export interface RunningServer {
  url: string;
  port: number;
  adminToken: string;
  dataDir: string | undefined;
  databaseUrl: string | undefined;
  process: ChildProcess;
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts `next start` on a free port against the given database; resolves when it serves. */
export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const adminToken = `adm_${randomBytes(24).toString('hex')}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    SHIPLOG_ADMIN_TOKEN: adminToken,
    SHIPLOG_SEED_DEMO: '1',
    SHIPLOG_LOG_LEVEL: 'warn',
    GITHUB_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
    // Every test file reaches a server from the same address, and the fuzzers send many badly signed
    // deliveries on purpose: refusals per address are not limited here (a dedicated server tests that).
    SHIPLOG_WEBHOOK_REFUSAL_LIMIT: '0',
    ...options.env,
  };
  delete env.SHIPLOG_ROLE;
  if (options.databaseUrl) env.DATABASE_URL = options.databaseUrl;
  else {
    delete env.DATABASE_URL;
    env.SHIPLOG_DATA_DIR = options.dataDir ?? tempDataDir();
  }
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), nextBin(), 'start', '-p', String(options.port ?? 0), '-H', '127.0.0.1'], {
    cwd: options.cwd ?? root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  // The port the server actually bound, from its own "- Local: http://127.0.0.1:PORT" line.
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`next start did not report its port:\n${output}`)), 60_000);
    const look = () => {
      const m = /Local:\s+http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        child.stdout?.off('data', look);
        resolve(Number(m[1]));
      }
    };
    child.stdout?.on('data', look);
    child.once('exit', (code) => reject(new Error(`next start exited with ${code}:\n${output}`)));
    look();
  });
  const url = `http://127.0.0.1:${port}`;
  const server: RunningServer = {
    url,
    port,
    adminToken,
    dataDir: options.databaseUrl ? undefined : env.SHIPLOG_DATA_DIR,
    databaseUrl: options.databaseUrl,
    process: child,
    output: () => output,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`next start exited with ${child.exitCode}:\n${output}`);
    try {
      const res = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(5_000) });
      if (options.waitHealthy === false) {
        await res.arrayBuffer();
        return server;
      }
      // Healthy, and the pages cached in .next (shared by every test server) refreshed for this database.
      if (res.ok && ((await res.json()) as { pages?: string }).pages === 'ready') return server;
    } catch {
      /* not listening yet */
    }
    await sleep(200);
  }
  await server.stop('SIGKILL');
  throw new Error(`next start did not become healthy within 60 s:\n${output}`);
}

/** Polls until the page no longer is the build's data-less placeholder (the start-up refresh ran). */
export async function waitForFreshHome(url: string, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let html = '';
  while (Date.now() < deadline) {
    html = await (await fetch(`${url}/`)).text();
    if (!html.includes('data-placeholder="true"')) return html;
    await sleep(200);
  }
  throw new Error('the home page was not refreshed after start');
}
