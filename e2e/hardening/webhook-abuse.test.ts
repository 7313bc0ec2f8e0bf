// The webhook route tried from outside as an attacker would: big unsigned bodies, floods of badly
// signed deliveries, captured bodies replayed, and GitHub renames followed by repository id
// (old page and API URLs answer 308).
import examples from '@octokit/webhooks-examples';
import { randomUUID } from 'node:crypto';
import { sign } from '../../lib/github/signature';
import { createProject, repositoryIdFor } from '../harness/releases';
import { startServer, TEST_WEBHOOK_SECRET, type RunningServer } from '../harness/server';

const shared = () => process.env.SHIPLOG_TEST_URL!;
const admin = () => ({ authorization: `Bearer ${process.env.SHIPLOG_TEST_ADMIN_TOKEN}` });
const suffix = Date.now().toString(36);

const template = (examples as unknown as { name: string; examples: { action: string; release: object; repository: { owner: object } }[] }[])
  .find((e) => e.name === 'release')!
  .examples.find((e) => e.action === 'published')!;

let releaseId = 720_000_000 + Math.floor(Math.random() * 1_000_000);
function payload(action: string, repo: { id: number; owner: string; name: string }, release: Record<string, unknown>, repository: Record<string, unknown> = {}) {
  return {
    ...template,
    action,
    release: { ...template.release, draft: false, prerelease: false, ...release },
    repository: {
      ...template.repository,
      id: repo.id,
      name: repo.name,
      full_name: `${repo.owner}/${repo.name}`,
      owner: { ...template.repository.owner, login: repo.owner },
      ...repository,
    },
  };
}

function deliver(base: string, body: string, secret: string | null) {
  return fetch(`${base}/api/webhooks/github`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': 'release',
      'x-github-delivery': randomUUID(),
      ...(secret ? { 'x-hub-signature-256': sign(secret, body) } : {}),
    },
    body,
  });
}

describe('unsigned and badly signed deliveries (dedicated server, refusals limited to 8 a minute)', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({ env: { SHIPLOG_WEBHOOK_REFUSAL_LIMIT: '8', SHIPLOG_SEED_DEMO: '0' }, databaseUrl: process.env.SHIPLOG_TEST_DATABASE_URL });
  });
  afterAll(async () => server?.stop());

  it('answers four concurrent unsigned 24 MB bodies 401 (or 429) while /api/health keeps answering', async () => {
    const big = JSON.stringify({ action: 'published', pad: 'x'.repeat(24 * 1024 * 1024) });
    let sending = true;
    const health: number[] = [];
    const probe = (async () => {
      while (sending) {
        health.push((await fetch(`${server.url}/api/health`)).status);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const answers = await Promise.all([1, 2, 3, 4].map(() => deliver(server.url, big, 'not-the-secret')));
    sending = false;
    await probe;
    for (const a of answers) {
      expect([401, 429]).toContain(a.status);
      expect(a.headers.get('content-type')).toContain('application/problem+json');
    }
    expect(health.length).toBeGreaterThan(0);
    expect(health.every((s) => s === 200)).toBe(true);
  });

  it('refuses an address past its refused deliveries with 429 problem+json and Retry-After, without reading the body', async () => {
    let last: Response | undefined;
    for (let i = 0; i < 12 && last?.status !== 429; i++) last = await deliver(server.url, '{"action":"published"}', 'not-the-secret');
    expect(last?.status).toBe(429);
    expect(last?.headers.get('content-type')).toContain('application/problem+json');
    expect(Number(last?.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe('replayed bodies and renames (shared server)', () => {
  const repo = { id: repositoryIdFor('abuse', `before-${suffix}`), owner: 'abuse', name: `before-${suffix}` };
  const moved = { ...repo, owner: 'abuse-org', name: `after-${suffix}` };

  beforeAll(async () => {
    await createProject(repo.owner, repo.name);
  });

  it('a captured body replayed under a new delivery id does not revert newer content', async () => {
    const id = releaseId++;
    const old = JSON.stringify(payload('published', repo, { id, tag_name: 'v1.0.0', name: 'v1', body: 'old notes' }, { updated_at: '2026-01-01T00:00:00Z' }));
    expect((await deliver(shared(), old, TEST_WEBHOOK_SECRET)).status).toBe(200);
    const edit = JSON.stringify(payload('edited', repo, { id, tag_name: 'v1.0.0', name: 'v1', body: 'new notes' }, { updated_at: '2026-01-02T00:00:00Z' }));
    expect((await deliver(shared(), edit, TEST_WEBHOOK_SECRET)).status).toBe(200);
    const replay = await deliver(shared(), old, TEST_WEBHOOK_SECRET);
    expect(replay.status).toBe(202);
    expect(await replay.json()).toMatchObject({ status: 'ignored', outcome: 'stale' });
    const now = (await (await fetch(`${shared()}/api/v1/projects/${repo.owner}/${repo.name}/releases/v1.0.0`)).json()) as { body: string };
    expect(now.body).toBe('new notes');
  });

  it('a rename delivered as GitHub sends it moves the project; old page and API URLs answer 308; later edits and deletes apply', async () => {
    const id = releaseId++;
    expect((await deliver(shared(), JSON.stringify(payload('published', repo, { id, tag_name: 'v2.0.0', name: 'v2', body: 'two' })), TEST_WEBHOOK_SECRET)).status).toBe(200);
    const edited = await deliver(shared(), JSON.stringify(payload('edited', moved, { id, tag_name: 'v2.0.0', name: 'v2 renamed', body: 'two' })), TEST_WEBHOOK_SECRET);
    expect(edited.status).toBe(200);
    expect(await edited.json()).toMatchObject({ outcome: 'updated', release: { project: `${moved.owner}/${moved.name}` } });

    const api = await fetch(`${shared()}/api/v1/projects/${repo.owner}/${repo.name}/releases/v2.0.0?fields=name`, { redirect: 'manual' });
    expect(api.status).toBe(308);
    expect(api.headers.get('location')).toBe(`/api/v1/projects/${moved.owner}/${moved.name}/releases/v2.0.0?fields=name`);
    // The old page may have been rendered before the rename: it redirects once revalidation has run.
    let page = await fetch(`${shared()}/${repo.owner}/${repo.name}`, { redirect: 'manual' });
    for (let i = 0; i < 120 && page.status !== 308; i++) {
      await new Promise((r) => setTimeout(r, 500));
      page = await fetch(`${shared()}/${repo.owner}/${repo.name}`, { redirect: 'manual' });
    }
    expect(page.status).toBe(308);
    expect(new URL(page.headers.get('location')!, shared()).pathname).toBe(`/${moved.owner}/${moved.name}`);
    const followed = await fetch(`${shared()}/api/v1/projects/${repo.owner}/${repo.name}/releases/v2.0.0`);
    expect(((await followed.json()) as { name: string }).name).toBe('v2 renamed');

    const deleted = await deliver(shared(), JSON.stringify(payload('deleted', moved, { id, tag_name: 'v2.0.0' })), TEST_WEBHOOK_SECRET);
    expect(await deleted.json()).toMatchObject({ outcome: 'deleted' });
    expect((await fetch(`${shared()}/api/v1/projects/${moved.owner}/${moved.name}/releases/v2.0.0`, { headers: admin() })).status).toBe(404);
  });
});
