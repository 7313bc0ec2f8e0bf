import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { freePort } from './server';

/**
 * A stock PgBouncer (Debian's `pgbouncer` package) in transaction pool mode, in front of the
 * PostgreSQL server of TEST_DATABASE_URL: what Neon, Supabase and most hosts hand out as the pooled
 * URL. No `ignore_startup_parameters`, nothing relaxed: a client that sends a startup parameter
 * PgBouncer does not know is refused, as it would be in production, and LISTEN receives nothing.
 *
 * It refuses to run as root, so when the tests run as root it runs as `nobody`, with its files in a
 * temporary directory that user can read. `CI=true` turns "PgBouncer cannot be had" into a failure.
 */
export interface PgBouncer {
  port: number;
  /** The pooled URL for `database` (any database on the upstream server; PgBouncer's `*` entry). */
  url(database: string): string;
  /** The pooled twin of a direct `postgres://…/name` URL. */
  pooled(directUrl: string): string;
  output(): string;
  stop(): Promise<void>;
}

const CANDIDATES = ['/usr/sbin/pgbouncer', '/usr/bin/pgbouncer', '/usr/local/bin/pgbouncer'];

/** The pgbouncer binary, or undefined (say why with `pgbouncerMissingReason`). */
export function pgbouncerBinary(): string | undefined {
  const found = CANDIDATES.find((p) => fs.existsSync(p));
  if (found) return found;
  const which = spawnSync('sh', ['-c', 'command -v pgbouncer'], { encoding: 'utf8' });
  const p = which.stdout.trim();
  return which.status === 0 && p ? p : undefined;
}

export const pgbouncerMissingReason = 'PgBouncer is not installed (Debian: apt-get install pgbouncer; `.ci/run` installs it): the PgBouncer tests are skipped';

/**
 * Whether the PgBouncer tests can run here. In CI (CI=true) a missing PgBouncer is an error, not a
 * skip; locally the reason is printed once.
 */
export function pgbouncerAvailable(): boolean {
  if (pgbouncerBinary()) return true;
  if (process.env.CI === 'true' || process.env.CI === '1') {
    throw new Error(`CI needs PgBouncer for these tests, and it is not installed (${CANDIDATES.join(', ')}); .ci/run installs it with apt-get`);
  }
  console.warn(pgbouncerMissingReason);
  return false;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts PgBouncer on a free loopback port, pointing at the upstream of `upstreamUrl` (the server of
 * TEST_DATABASE_URL by default; trust authentication, as on the test machine). Resolves once a query
 * through it answers.
 */
export async function startPgBouncer(options: { upstreamUrl?: string; poolSize?: number } = {}): Promise<PgBouncer> {
  const binary = pgbouncerBinary();
  if (!binary) throw new Error(pgbouncerMissingReason);
  const upstream = new URL(options.upstreamUrl ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test');
  const user = decodeURIComponent(upstream.username || 'postgres');
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shiplog-pgbouncer-'));
  fs.chmodSync(dir, 0o755);
  const authFile = path.join(dir, 'userlist.txt');
  fs.writeFileSync(authFile, `"${user}" "${decodeURIComponent(upstream.password ?? '')}"\n`, { mode: 0o644 });
  const ini = path.join(dir, 'pgbouncer.ini');
  fs.writeFileSync(
    ini,
    [
      '[databases]',
      `* = host=${upstream.hostname} port=${upstream.port || '5432'}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = trust',
      `auth_file = ${authFile}`,
      'pool_mode = transaction',
      'max_client_conn = 1000',
      `default_pool_size = ${options.poolSize ?? 20}`,
      'admin_users = ',
      'log_connections = 0',
      'log_disconnections = 0',
      '',
    ].join('\n'),
    { mode: 0o644 },
  );
  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const child: ChildProcess = spawn(binary, [ini], {
    stdio: ['ignore', 'pipe', 'pipe'],
    // PgBouncer will not run as root.
    ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
    cwd: dir,
  });
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const base = new URL(upstream.toString());
  base.hostname = '127.0.0.1';
  base.port = String(port);
  const url = (database: string) => {
    const u = new URL(base.toString());
    u.pathname = `/${database}`;
    return u.toString();
  };
  const bouncer: PgBouncer = {
    port,
    url,
    pooled: (directUrl) => url(new URL(directUrl).pathname.slice(1)),
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  const deadline = Date.now() + 15_000;
  let lastError = '';
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      fs.rmSync(dir, { recursive: true, force: true });
      throw new Error(`pgbouncer exited with ${child.exitCode}:\n${output}`);
    }
    const probe = new Client({ connectionString: url(upstream.pathname.slice(1) || 'postgres'), connectionTimeoutMillis: 2_000 });
    try {
      await probe.connect();
      await probe.query('select 1');
      await probe.end();
      return bouncer;
    } catch (err) {
      lastError = (err as Error).message;
      await probe.end().catch(() => {});
    }
    await sleep(100);
  }
  await bouncer.stop();
  throw new Error(`pgbouncer did not answer within 15 s (${lastError}):\n${output}`);
}
