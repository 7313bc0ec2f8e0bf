// No secret — GITHUB_TOKEN, the webhook secrets (global, previous, per project), the admin token, API
// token secrets after their one-time display, the server's internal secret — appears in any response
// (API, errors, feeds, exports, the stream, pages), in the pages the server writes at run time, in
// .next/static, or in the server's log. The bench-only route does not exist without SHIPLOG_BENCH=1.
// (A build made with these secrets in its environment is checked by e2e/soak/secrets-build.soak.ts.)
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { sign } from '../../lib/github/signature';
import { createTestDatabase, dropTestDatabase } from '../../lib/test/db';
import { fakeReleases, startFakeGitHub, type FakeGitHub } from '../harness/fake-github';
import { root, startServer, tempDataDir, type RunningServer } from '../harness/server';
import { raw } from './raw';

const canary = (label: string) => `${label}_${randomBytes(18).toString('hex')}`;
const SECRETS = {
  GITHUB_TOKEN: canary('ghp_canary'),
  GITHUB_WEBHOOK_SECRET: canary('whsec_canary'),
  GITHUB_WEBHOOK_SECRETS_PREVIOUS: canary('whsec_prev_canary'),
  SHIPLOG_ADMIN_TOKEN: canary('admin_canary'),
  projectWebhookSecret: canary('projsec_canary'),
};
const INTERNAL = /int_[A-Za-z0-9_-]{40,}/;

let github: FakeGitHub;
let server: RunningServer;
let storage: { dataDir?: string; databaseUrl?: string };
let apiToken: { id: number; token: string };
const pg = process.env.TEST_DATABASE_URL;
const auth = { authorization: `Bearer ${SECRETS.SHIPLOG_ADMIN_TOKEN}` };

function leaks(text: string, allow: string[] = []): string[] {
  const found = Object.entries({ ...SECRETS, apiToken: apiToken?.token ?? '\u0000' })
    .filter(([, v]) => !allow.includes(v) && text.includes(v))
    .map(([k]) => k);
  if (INTERNAL.test(text)) found.push('internal secret');
  return found;
}

beforeAll(async () => {
  github = await startFakeGitHub({ token: SECRETS.GITHUB_TOKEN, repos: { 'leak/app': fakeReleases('leak', 'app', 30, 870_000_000) } });
  storage = pg ? { databaseUrl: await createTestDatabase(pg, 'shiplog_leak') } : { dataDir: tempDataDir() };
  server = await startServer({
    ...storage,
    env: {
      SHIPLOG_SEED_DEMO: '1',
      SHIPLOG_LOG_LEVEL: 'info',
      GITHUB_API_URL: github.url,
      GITHUB_TOKEN: SECRETS.GITHUB_TOKEN,
      GITHUB_WEBHOOK_SECRET: SECRETS.GITHUB_WEBHOOK_SECRET,
      GITHUB_WEBHOOK_SECRETS_PREVIOUS: SECRETS.GITHUB_WEBHOOK_SECRETS_PREVIOUS,
      SHIPLOG_ADMIN_TOKEN: SECRETS.SHIPLOG_ADMIN_TOKEN,
    },
  });
});

afterAll(async () => {
  await server?.stop();
  await github?.close();
  if (storage?.dataDir) fs.rmSync(path.dirname(storage.dataDir), { recursive: true, force: true });
  if (pg && storage?.databaseUrl) await dropTestDatabase(pg, storage.databaseUrl);
});

it('shows no secret in any response, run-time page, static file or log line', async () => {
  const seen: { what: string; text: string; allow?: string[] }[] = [];
  const get = async (p: string, headers: Record<string, string> = {}) => {
    const res = await raw(server.url, { method: 'GET', path: p, headers });
    seen.push({ what: `GET ${p}`, text: `${JSON.stringify(res.headers)}\n${res.body}` });
    return res;
  };
  const send = async (method: string, p: string, body: unknown, headers: Record<string, string> = {}, allow: string[] = []) => {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    const res = await raw(server.url, { method, path: p, headers: { 'content-type': 'application/json', ...headers }, body: text });
    seen.push({ what: `${method} ${p}`, text: `${JSON.stringify(res.headers)}\n${res.body}`, allow });
    return res;
  };

  // Set up: a project with its own webhook secret, an API token (its secret is shown once, at creation),
  // an import from GitHub with the token, signed deliveries with each secret, and failed attempts.
  expect((await send('POST', '/api/v1/projects', { owner: 'leak', repo: 'app', webhookSecret: SECRETS.projectWebhookSecret }, auth)).status).toBe(201);
  const minted = await raw(server.url, {
    method: 'POST',
    path: '/api/v1/tokens',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'leak-check', scopes: ['read', 'write'] }),
  });
  expect(minted.status).toBe(201);
  apiToken = JSON.parse(minted.body) as { id: number; token: string };
  seen.push({ what: 'POST /api/v1/tokens (creation: shows its own secret once, by design)', text: minted.body, allow: [apiToken.token] });
  const imported = await send('POST', '/api/v1/projects/leak/app/imports', '', auth);
  expect(imported.status).toBe(202);
  const location = imported.headers.location!;
  for (let i = 0; i < 100 && !/"state":"(succeeded|failed)"/.test((await get(location, auth)).body); i++) await new Promise((r) => setTimeout(r, 100));
  const payload = (tag: string, id: number) =>
    JSON.stringify({
      action: 'published',
      release: { id, tag_name: tag, name: tag, body: 'x', draft: false, prerelease: false, published_at: '2026-01-02T00:00:00Z' },
      repository: { name: 'app', full_name: 'leak/app', owner: { login: 'leak' } },
    });
  for (const [i, secret] of [SECRETS.projectWebhookSecret, SECRETS.GITHUB_WEBHOOK_SECRET, SECRETS.GITHUB_WEBHOOK_SECRETS_PREVIOUS, 'wrong'].entries()) {
    const body = payload(`hook-${i}`, 880_000_000 + i);
    await send('POST', '/api/webhooks/github', body, { 'x-github-event': 'release', 'x-github-delivery': `leak-${i}-${Date.now()}`, 'x-hub-signature-256': sign(secret, body) });
  }
  await send('POST', '/api/v1/projects/leak/app/releases', { tag: 'manual-1', body: 'by token' }, { authorization: `Bearer ${apiToken.token}` });
  await get('/api/v1/projects', { authorization: `Bearer ${SECRETS.SHIPLOG_ADMIN_TOKEN}x` });
  await get('/api/v1/tokens', { authorization: `Bearer ${apiToken.token.slice(0, -2)}` });
  await send('PATCH', '/api/v1/projects/leak/app', { webhookSecret: SECRETS.projectWebhookSecret }, { ...auth, 'content-type': 'application/merge-patch+json' });
  await send('POST', '/api/revalidate', { paths: ['/', '/leak/app'] }, auth);

  // Everything a client can read, with and without the admin token.
  const reads = [
    '/api/health',
    '/api/openapi.json',
    '/api/v1/projects',
    '/api/v2/projects?representation=extended',
    '/api/v1/projects/leak/app',
    '/api/v2/projects/leak/app?representation=extended',
    '/api/v1/releases',
    '/api/v2/releases?limit=50',
    '/api/v1/projects/leak/app/releases?limit=100',
    '/api/v1/projects/leak/app/changelog?format=ndjson',
    '/api/v1/projects/leak/app/changelog?format=markdown',
    '/api/feed',
    '/api/feed/leak',
    '/api/feed/leak/app?format=json',
    '/api/feed/leak/app?format=rss',
    '/api/v1/deliveries?limit=100',
    '/api/v1/projects/leak/app/imports',
    location,
    '/api/v1/tokens',
    `/api/v1/tokens/${apiToken.id}`,
    '/api/nope',
    '/',
    '/leak/app',
    '/leak/app/releases/hook-0',
    '/docs/api',
    '/leak/app/feed.atom',
  ];
  for (const p of reads) {
    await get(p);
    await get(p, auth);
  }
  const deliveries = JSON.parse((await get('/api/v1/deliveries?limit=100', auth)).body) as { id: number }[];
  expect(deliveries.length).toBeGreaterThan(0);
  for (const d of deliveries) await get(`/api/v1/deliveries/${d.id}`, auth);
  // The live stream's first bytes.
  const stream = await fetch(`${server.url}/api/v1/stream?lastEventId=0`, { signal: AbortSignal.timeout(10_000) });
  const reader = stream.body!.getReader();
  const first = await reader.read();
  await reader.cancel();
  seen.push({ what: 'GET /api/v1/stream?lastEventId=0', text: new TextDecoder().decode(first.value) });

  const leaked = seen.map((s) => ({ what: s.what, leaks: leaks(s.text, s.allow) })).filter((s) => s.leaks.length);
  expect(leaked).toEqual([]);

  // The token did reach GitHub (so it was really in use), and only GitHub.
  expect(github.requests.some((r) => r.authorized)).toBe(true);

  // Files: what the build shipped to browsers, and the pages this server wrote at run time.
  const files: string[] = [];
  const walk = (dir: string) => {
    if (!fs.existsSync(dir)) return;
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(js|css|html|json|rsc|txt|map)$/.test(e.name)) files.push(p);
    }
  };
  walk(path.join(root, '.next', 'static'));
  walk(path.join(root, '.next', 'server', 'pages'));
  expect(files.length).toBeGreaterThan(10);
  const inFiles = files.flatMap((f) => leaks(fs.readFileSync(f, 'utf8')).map((l) => `${path.relative(root, f)}: ${l}`));
  expect(inFiles).toEqual([]);

  // The server's own log (JSON lines at info level): secrets are redacted or never logged.
  expect(leaks(server.output(), [])).toEqual([]);
});

it('has no bench route unless SHIPLOG_BENCH=1', async () => {
  for (const p of ['/api/bench/bare', '/api/bench/dynamic', '/api/bench/deep/v1/projects/a/b/releases/c']) {
    const res = await raw(server.url, { method: 'GET', path: p });
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
  }
});
