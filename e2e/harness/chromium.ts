// Finds the Chromium the browser tests drive, with nothing to set up beyond `npm install`:
//   1. SHIPLOG_CHROMIUM, when set (it must exist: a wrong path is an error, never a silent fallback);
//   2. Debian's /usr/bin/chromium, when installed;
//   3. the headless Chromium that the npm package @sparticuz/chromium ships (a dev dependency), unpacked
//      from its brotli archives once per version into the temporary directory and reused afterwards.
// When none can be had, the error is one line saying how to get one. Nothing is ever skipped.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const DEBIAN = '/usr/bin/chromium';
const PACKAGE = '@sparticuz/chromium';

export interface ResolvedChromium {
  executablePath: string;
  /** Where it came from, for messages: `SHIPLOG_CHROMIUM`, `Debian` or `@sparticuz/chromium <version>`. */
  source: string;
}

const HOW_TO_GET_ONE =
  `no Chromium for the browser tests: run \`npm install\` (it brings ${PACKAGE}), or \`apt-get install chromium\`, ` + 'or set SHIPLOG_CHROMIUM to a Chromium or Chrome executable';

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The installed @sparticuz/chromium's package directory and version, or undefined when not installed. */
function sparticuzPackage(): { dir: string; version: string } | undefined {
  let entry: string;
  try {
    entry = require.resolve(PACKAGE);
  } catch {
    return undefined;
  }
  // build/cjs/index.cjs → the package root (its `exports` map hides package.json from require).
  for (let dir = path.dirname(entry); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (!fs.existsSync(manifest)) continue;
    const pkg = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string; version?: string };
    if (pkg.name === PACKAGE && pkg.version) return { dir, version: pkg.version };
  }
  return undefined;
}

/**
 * Unpacks @sparticuz/chromium into `<tmp>/shiplog-chromium-<version>/` unless already there. The package
 * inflates into os.tmpdir(), so a child process does it with TMPDIR pointing at a private staging
 * directory, which is then renamed into place: concurrent test workers (or checkouts) never see a
 * half-written binary, and whoever renames second simply uses the first one's copy.
 */
async function unpackSparticuz(pkg: { dir: string; version: string }): Promise<string> {
  const target = path.join(os.tmpdir(), `shiplog-chromium-${pkg.version}`);
  const binary = path.join(target, 'chromium');
  if (isExecutable(binary)) return binary;
  const staging = fs.mkdtempSync(`${target}.partial-`);
  try {
    const script = `require(${JSON.stringify(PACKAGE)}).executablePath().then((p) => process.stdout.write(p))`;
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', script], {
      cwd: pkg.dir,
      env: { ...process.env, TMPDIR: staging },
      maxBuffer: 1 << 20,
    });
    if (path.resolve(stdout.trim()) !== path.join(staging, 'chromium') || !isExecutable(path.join(staging, 'chromium'))) {
      throw new Error(`${PACKAGE} unpacked to an unexpected place: ${stdout.trim()}`);
    }
    try {
      fs.renameSync(staging, target);
    } catch (err) {
      // Another worker won the race: its copy is complete (renamed whole), so use it.
      if (!isExecutable(binary)) throw err;
    }
    return binary;
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/** Looks for a Chromium as the top of this file says; rejects with one actionable line when there is none. */
export async function findChromium(options: { configured?: string; debian?: string } = {}): Promise<ResolvedChromium> {
  const { configured = process.env.SHIPLOG_CHROMIUM, debian = DEBIAN } = options;
  if (configured) {
    if (!isExecutable(configured)) throw new Error(`SHIPLOG_CHROMIUM=${configured} is not an executable file; unset it to use ${DEBIAN} or ${PACKAGE}`);
    return { executablePath: configured, source: 'SHIPLOG_CHROMIUM' };
  }
  if (isExecutable(debian)) return { executablePath: debian, source: 'Debian' };
  const pkg = sparticuzPackage();
  if (!pkg) throw new Error(HOW_TO_GET_ONE);
  try {
    return { executablePath: await unpackSparticuz(pkg), source: `${PACKAGE} ${pkg.version}` };
  } catch (err) {
    throw new Error(`${HOW_TO_GET_ONE} (${PACKAGE} ${pkg.version} could not be unpacked: ${(err as Error).message.split('\n')[0]})`);
  }
}

let pending: Promise<ResolvedChromium> | undefined;

/** findChromium(), once per process. */
export function resolveChromium(): Promise<ResolvedChromium> {
  pending ??= findChromium();
  pending.catch(() => {
    pending = undefined;
  });
  return pending;
}
