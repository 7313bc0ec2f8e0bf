// Shared by `npm start` and the test harness: build once, rebuild only when the sources changed.
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.resolve(__dirname, '..');
const INPUTS = ['pages', 'lib', 'middleware.ts', 'next.config.js', 'tsconfig.json', 'package-lock.json', 'package.json', 'drizzle'];
const STAMP = path.join(root, '.next', 'shiplog-source-stamp');

function walk(target, out) {
  let stat;
  try {
    stat = fs.statSync(target);
  } catch {
    return;
  }
  if (stat.isDirectory()) {
    for (const entry of fs.readdirSync(target).sort()) walk(path.join(target, entry), out);
  } else if (!/\.test\.tsx?$/.test(target)) {
    out.push(`${path.relative(root, target)}:${stat.size}:${stat.mtimeMs}`);
  }
}

/** A fingerprint of everything that goes into `next build`. */
function sourceStamp() {
  const files = [];
  for (const input of INPUTS) walk(path.join(root, input), files);
  return createHash('sha256').update(files.join('\n')).digest('hex');
}

function needsBuild() {
  if (!fs.existsSync(path.join(root, '.next', 'BUILD_ID'))) return true;
  try {
    return fs.readFileSync(STAMP, 'utf8') !== sourceStamp();
  } catch {
    return true;
  }
}

function nextBin() {
  return require.resolve('next/dist/bin/next', { paths: [root] });
}

/**
 * Runs `next build` when needed. The build never opens the embedded database (it renders pages
 * without data and the server refreshes them at start), so it is safe while no server runs.
 */
const LOCK = path.join(root, '.next-build.lock');

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

/** One build at a time across processes (npm start, test runs): others wait, then reuse its output. */
function withBuildLock(work) {
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    try {
      fs.mkdirSync(path.dirname(LOCK), { recursive: true });
      fs.writeFileSync(LOCK, String(process.pid), { flag: 'wx' });
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      const owner = Number(fs.readFileSync(LOCK, 'utf8')) || 0;
      if (!owner || !alive(owner)) {
        fs.rmSync(LOCK, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`another build (pid ${owner}) holds ${LOCK}`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
    }
  }
  try {
    return work();
  } finally {
    fs.rmSync(LOCK, { force: true });
  }
}

function buildIfNeeded(options = {}) {
  if (!options.force && !needsBuild()) return { built: false };
  return withBuildLock(() => build(options));
}

function build({ force = false, env = process.env, stdio = 'inherit' } = {}) {
  if (!force && !needsBuild()) return { built: false };
  const stamp = sourceStamp();
  const result = spawnSync(process.execPath, [nextBin(), 'build'], { cwd: root, env, stdio });
  if (result.status !== 0) {
    const output = stdio === 'pipe' ? `\n${result.stdout}\n${result.stderr}` : '';
    throw new Error(`next build failed (exit ${result.status})${output}`);
  }
  fs.writeFileSync(STAMP, stamp);
  return { built: true };
}

module.exports = { buildIfNeeded, needsBuild, sourceStamp, nextBin, root };
