#!/usr/bin/env node
// `npm start`: build when the sources changed, start `next start`, warm it up (migrations, demo seed
// on an empty database, refresh of the pages the build rendered without data) and say where it is.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { buildIfNeeded, nextBin, root } = require('./build.cjs');

const port = process.env.PORT ?? '3000';
const host = process.env.SHIPLOG_HOST;
const local = `http://${host && host !== '0.0.0.0' && host !== '::' ? host : '127.0.0.1'}:${port}`;

try {
  const { built } = buildIfNeeded({ env: { ...process.env, NODE_ENV: 'production' } });
  if (built) console.log('> Shiplog: build complete');
} catch (err) {
  console.error(`> Shiplog: ${err.message}`);
  process.exit(1);
}

const env = { ...process.env, NODE_ENV: 'production', SHIPLOG_SEED_DEMO: process.env.SHIPLOG_SEED_DEMO ?? '1' };
const args = [nextBin(), 'start', '-p', port, ...(host ? ['-H', host] : [])];
const server = spawn(process.execPath, args, { cwd: root, env, stdio: 'inherit' });

let exiting = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    exiting = true;
    server.kill(signal);
  });
}
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function warmUp() {
  const deadline = Date.now() + 120_000;
  let lastProblem = '';
  while (Date.now() < deadline && !exiting) {
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
  while (Date.now() < deadline && !exiting) {
    try {
      const health = await (await fetch(`${local}/api/health`, { signal: AbortSignal.timeout(10_000) })).json();
      if (health.pages === 'ready') {
        console.log(`> Shiplog is ready on http://localhost:${port} (API: http://localhost:${port}/api/health)`);
        return;
      }
    } catch {
      /* keep trying */
    }
    await sleep(300);
  }
  if (!exiting) console.error('> Shiplog: the server started but did not become ready within 2 minutes; see the log above.');
}

warmUp();
