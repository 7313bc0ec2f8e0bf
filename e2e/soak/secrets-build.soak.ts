// A production build made with secrets in its environment ships none of them: `next build` runs with
// GITHUB_TOKEN, GITHUB_WEBHOOK_SECRET(S_PREVIOUS) and SHIPLOG_ADMIN_TOKEN set to unique canaries, into
// its own folder (SHIPLOG_DIST_DIR, so the shared `.next` other tests serve is left alone). No canary
// may appear in what it ships to browsers (static/), in the pages it prerendered, or in anything a
// server started on that build (with other secrets) answers.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { root, startServer, type RunningServer } from '../harness/server';
import { newStorage, type Storage } from '../harness/storage';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { nextBin } = require('../../scripts/build.cjs') as { nextBin(): string };

jest.setTimeout(600_000);

const canary = (label: string) => `${label}_${randomBytes(18).toString('hex')}`;
const CANARIES = {
  GITHUB_TOKEN: canary('ghp_buildcanary'),
  GITHUB_WEBHOOK_SECRET: canary('whsec_buildcanary'),
  GITHUB_WEBHOOK_SECRETS_PREVIOUS: canary('whsec_prev_buildcanary'),
  SHIPLOG_ADMIN_TOKEN: canary('admin_buildcanary'),
};
const distName = `.next-soak-${randomBytes(4).toString('hex')}`;
const distDir = path.join(root, distName);
/** Files `next build` may rewrite to point at its output folder: restored exactly as they were. */
const TOUCHED = ['next-env.d.ts', 'tsconfig.json'].map((f) => path.join(root, f));
const saved = TOUCHED.map((f) => (fs.existsSync(f) ? { f, text: fs.readFileSync(f), stat: fs.statSync(f) } : { f, text: undefined, stat: undefined }));

let server: RunningServer | undefined;
let storage: Storage | undefined;

function leaks(text: string): string[] {
  return Object.entries(CANARIES)
    .filter(([, v]) => text.includes(v))
    .map(([k]) => k);
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) out.push(p); // symlinks point back into node_modules
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return out;
}

function build(): Promise<string> {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1', SHIPLOG_DIST_DIR: distName, ...CANARIES };
  delete env.DATABASE_URL;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [nextBin(), 'build'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(output) : reject(new Error(`next build into ${distName} failed (exit ${code}):\n${output}`))));
  });
}

beforeAll(async () => {
  try {
    const output = await build();
    // The build's own output (what a CI log would show) names no secret either.
    expect(leaks(output)).toEqual([]);
  } finally {
    for (const s of saved) {
      if (s.text === undefined) fs.rmSync(s.f, { force: true });
      else if (!fs.existsSync(s.f) || !fs.readFileSync(s.f).equals(s.text)) {
        fs.writeFileSync(s.f, s.text);
        fs.utimesSync(s.f, s.stat!.atime, s.stat!.mtime); // the build stamp of `.next` reads mtimes
      }
    }
  }
});

afterAll(async () => {
  await server?.stop();
  await storage?.dispose();
  fs.rmSync(distDir, { recursive: true, force: true });
});

it('ships no secret from the build environment in static/ or the prerendered pages', () => {
  const shipped = filesUnder(path.join(distDir, 'static'));
  expect(shipped.filter((f) => f.endsWith('.js')).length).toBeGreaterThan(5);
  const prerendered = filesUnder(path.join(distDir, 'server', 'pages')).filter((f) => /\.(html|json|rsc|txt)$/.test(f));
  expect(prerendered.some((f) => f.endsWith('.html'))).toBe(true);
  const found = [...shipped, ...prerendered].flatMap((f) => leaks(fs.readFileSync(f, 'latin1')).map((l) => `${path.relative(root, f)}: ${l}`));
  expect(found).toEqual([]);
});

it('keeps every build secret out of the whole build output (server bundles, manifests, traces)', () => {
  const all = filesUnder(distDir).filter((f) => !f.startsWith(path.join(distDir, 'cache') + path.sep));
  expect(all.length).toBeGreaterThan(20);
  const found = all.flatMap((f) => leaks(fs.readFileSync(f, 'latin1')).map((l) => `${path.relative(root, f)}: ${l}`));
  expect(found).toEqual([]);
});

it('serves no build secret from a server started on that build', async () => {
  const engine = process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite';
  storage = await newStorage(engine, 'soak_secrets');
  // Other secrets at run time: only something baked in at build time could show a canary.
  server = await startServer({ ...storage, env: { SHIPLOG_DIST_DIR: distName, SHIPLOG_SEED_DEMO: '1' } });
  const paths = [
    '/',
    '/acme/rocket',
    '/docs/api',
    '/admin/login',
    '/admin',
    '/api/openapi.json',
    '/api/health',
    '/widget.js',
    '/feed.atom',
    '/acme/rocket/feed.json',
    '/nope',
    '/api/nope',
    '/api/v1/projects',
    '/api/v1/releases',
  ];
  const seen: { what: string; text: string }[] = [];
  for (const p of paths) {
    const headerSets: Record<string, string>[] = [{}, { authorization: `Bearer ${server.adminToken}` }];
    for (const headers of headerSets) {
      const res = await fetch(`${server.url}${p}`, { headers, redirect: 'manual' });
      seen.push({ what: `GET ${p}`, text: `${JSON.stringify([...res.headers])}\n${await res.text()}` });
    }
  }
  // Every script and stylesheet the pages load.
  const assets = new Set(seen.flatMap((s) => [...s.text.matchAll(/(?:src|href)="(\/_next\/static\/[^"]+)"/g)].map((m) => m[1]!)));
  expect(assets.size).toBeGreaterThan(0);
  for (const a of assets) {
    const res = await fetch(`${server.url}${a}`);
    expect({ a, status: res.status }).toEqual({ a, status: 200 });
    seen.push({ what: `GET ${a}`, text: await res.text() });
  }
  const leaked = seen.map((s) => ({ what: s.what, leaks: leaks(s.text) })).filter((s) => s.leaks.length);
  expect(leaked).toEqual([]);
  expect(leaks(server.output())).toEqual([]);
});
