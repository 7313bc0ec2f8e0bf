#!/usr/bin/env node
// `npm start`: check the settings and the port, build when the sources changed, start `next start`,
// warm it up (migrations, demo seed on an empty database, refresh of the pages the build rendered
// without data) and say where it is.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import net from 'node:net';
import { tsImport } from 'tsx/esm/api';

const require = createRequire(import.meta.url);
const { buildIfNeeded, nextBin, root } = require('./build.cjs');

// Settings first: a bad one stops here, naming the variable, the rule and an example (lib/config.ts),
// instead of a server that starts and then fails every request. The .env files count too: `next start`
// loads them the same way (production mode).
require('@next/env').loadEnvConfig(root, false, { info: () => {}, error: (...a) => console.error(...a) });
// The launch key lets this launcher (and nothing else) ask the server for the first-start sign-in link.
const launchKey = randomBytes(32).toString('base64url');
const env = { ...process.env, NODE_ENV: 'production', SHIPLOG_SEED_DEMO: process.env.SHIPLOG_SEED_DEMO ?? '1', SHIPLOG_LAUNCH_KEY: launchKey };
const { configProblems, formatProblems } = await tsImport('../lib/config.ts', import.meta.url);
const problems = configProblems(env);
if (problems.length > 0) {
  console.error(`> Shiplog cannot start. ${formatProblems(problems)}`);
  process.exit(1);
}
const port = env.PORT || '3000';
const host = env.SHIPLOG_HOST || undefined;
const local = `http://${host && host !== '0.0.0.0' && host !== '::' ? host : '127.0.0.1'}:${port}`;

/** Resolves with the listen error's code (EADDRINUSE, EACCES, ...) or undefined when the port is free. */
function portProblem() {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', (err) => resolve(err.code ?? err.message));
    probe.listen({ port: Number(port), host, exclusive: true }, () => probe.close(() => resolve(undefined)));
  });
}

const taken = await portProblem();
if (taken) {
  const where = `port ${port}${host ? ` on ${host}` : ''}`;
  console.error(
    taken === 'EADDRINUSE'
      ? `> Shiplog cannot start: ${where} is already in use (by another Shiplog or another program). Stop it, or pick another port: PORT=${Number(port) + 1} npm start`
      : `> Shiplog cannot start: cannot listen on ${where} (${taken}). Pick another port: PORT=3000 npm start`,
  );
  process.exit(1);
}

try {
  const { built } = buildIfNeeded({ env: { ...process.env, NODE_ENV: 'production' } });
  if (built) console.log('> Shiplog: build complete');
} catch (err) {
  console.error(`> Shiplog: ${err.message}`);
  process.exit(1);
}

const args = [nextBin(), 'start', '-p', port, ...(host ? ['-H', host] : [])];
const server = spawn(process.execPath, args, { cwd: root, env, stdio: 'inherit' });

let exiting = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    exiting = true;
    server.kill(signal);
  });
}
let serverGone = false;
server.on('exit', (code, signal) => {
  serverGone = true;
  // Exited on its own before being asked to (e.g. the port was taken after all): a failure.
  if (!exiting && !code) process.exit(1);
  process.exit(code ?? (signal ? 0 : 1));
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function warmUp() {
  const deadline = Date.now() + 120_000;
  let lastProblem = '';
  while (Date.now() < deadline && !exiting && !serverGone) {
    try {
      const res = await fetch(`${local}/api/health`, { signal: AbortSignal.timeout(10_000) });
      if (res.ok) break;
      const problem = await res.json().catch(() => ({}));
      if (problem.detail && problem.detail !== lastProblem) {
        lastProblem = problem.detail;
        console.error(`> Shiplog: waiting for the database: ${problem.detail}`);
      }
    } catch {
      /* not listening yet */
    }
    await sleep(300);
  }
  // Health says `pages: ready` once the server has refreshed the pages the build (or an earlier run on
  // another database) cached; until then a reader could see a stale page.
  while (Date.now() < deadline && !exiting && !serverGone) {
    try {
      const health = await (await fetch(`${local}/api/health`, { signal: AbortSignal.timeout(10_000) })).json();
      if (health.pages === 'ready') {
        console.log(`> Shiplog is ready on http://localhost:${port} (API: http://localhost:${port}/api/health)`);
        await wayIn();
        return;
      }
    } catch {
      /* keep trying */
    }
    await sleep(300);
  }
  if (!exiting && !serverGone) console.error('> Shiplog: the server started but did not become ready within 2 minutes; see the log above.');
}

/**
 * The way into the console: while the server has no admin credential it hands this launcher a one-time
 * sign-in link (stored hashed, expires, works once), printed here and nowhere else (never logged).
 */
async function wayIn() {
  const console_ = `http://localhost:${port}/admin`;
  try {
    const res = await fetch(`${local}/api/session/link`, { method: 'POST', headers: { authorization: `Bearer ${launchKey}` }, signal: AbortSignal.timeout(10_000) });
    if (res.status === 200) {
      const { path, expiresAt } = await res.json();
      const minutes = Math.round((Date.parse(expiresAt) - Date.now()) / 60_000);
      console.log(`> No admin token exists yet. Sign in to the console with this one-time link (works once, for ${minutes} minutes):`);
      console.log(`>   http://localhost:${port}${path}`);
      console.log('>   Then create the tokens you keep under /admin/tokens (or: npm run token -- create --name me --scopes admin).');
      return;
    }
    if (res.status === 204) {
      console.log(`> Console: ${console_} (sign in with SHIPLOG_ADMIN_TOKEN or a token with the write or admin scope; npm run token -- create makes one)`);
      return;
    }
    console.error(`> Shiplog: could not get a sign-in link for the console (HTTP ${res.status}); create a token: npm run token -- create --name me --scopes admin`);
  } catch (err) {
    console.error(`> Shiplog: could not get a sign-in link for the console (${err.message}); create a token: npm run token -- create --name me --scopes admin`);
  }
}

warmUp();
