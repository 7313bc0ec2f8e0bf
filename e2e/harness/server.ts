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

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

const handedOut = new Set<number>();

/**
 * A port that is free now, for a server about to start. Not the kernel's pick (port 0): that comes
 * from the ephemeral range every process on the machine draws from, in near sequence, so parallel
 * test workers (and other checkouts' tests) racing between "free" and "bound" collide. A random port
 * below the ephemeral range, never handed out twice by this process, makes that rare; startServer
 * then checks the server really is listening on it (and retries if not).
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 10_000 + Math.floor(Math.random() * 22_000);
    if (handedOut.has(port)) continue;
    if (await canBind(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error('no free port found');
}

/** Whether `pid` holds the listening socket on 127.0.0.1:port (Linux /proc; true where that cannot be checked). */
export function listensOn(pid: number, port: number): boolean {
  let table: string;
  try {
    table = fs.readFileSync('/proc/net/tcp', 'utf8');
  } catch {
    return true;
  }
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const inodes = new Set<string>();
  for (const line of table.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f[1]?.endsWith(`:${hexPort}`) && f[3] === '0A') inodes.add(f[9]!);
  }
  try {
    for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
      const link = fs.readlinkSync(`/proc/${pid}/fd/${fd}`);
      const m = /^socket:\[(\d+)\]$/.exec(link);
      if (m && inodes.has(m[1]!)) return true;
    }
  } catch {
    return true;
  }
  return false;
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
  port?: number;
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

/**
 * Starts `next start` on a free port against the given database; resolves when it serves. A port
 * another process took in the meantime (the server exits: address in use) means another port.
 */
export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOn(options.port ?? (await freePort()), options);
    } catch (err) {
      if (options.port || attempt >= 3 || !/EADDRINUSE/.test((err as Error).message)) throw err;
    }
  }
}

async function startOn(port: number, options: ServerOptions): Promise<RunningServer> {
  const adminToken = `adm_${randomBytes(24).toString('hex')}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    PORT: String(port),
    SHIPLOG_ADMIN_TOKEN: adminToken,
    SHIPLOG_SEED_DEMO: '1',
    SHIPLOG_LOG_LEVEL: 'warn',
    GITHUB_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
    ...options.env,
  };
  delete env.SHIPLOG_ROLE;
  if (options.databaseUrl) env.DATABASE_URL = options.databaseUrl;
  else {
    delete env.DATABASE_URL;
    env.SHIPLOG_DATA_DIR = options.dataDir ?? tempDataDir();
  }
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), nextBin(), 'start', '-p', String(port), '-H', '127.0.0.1'], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
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
    // Talk to it only once it holds the port: an answer from whatever else listens there is not its.
    if (!listensOn(child.pid!, port)) {
      await sleep(200);
      continue;
    }
    try {
      const res = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(5_000) });
      if (options.waitHealthy === false || res.ok) {
        await res.arrayBuffer();
        return server;
      }
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
