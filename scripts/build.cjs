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
function buildIfNeeded({ force = false, env = process.env, stdio = 'inherit' } = {}) {
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
