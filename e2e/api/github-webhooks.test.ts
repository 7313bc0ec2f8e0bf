// GitHub webhooks over real HTTP against `next start`: signed deliveries land in the API at once,
// bad signatures store nothing, repeated delivery ids are processed once, deletes beat late publishes,
// and stored deliveries replay through the same path.
import examples from '@octokit/webhooks-examples';
import { randomUUID } from 'node:crypto';
import { sign } from '../../lib/github/signature';
import { repositoryIdFor } from '../harness/releases';
import { TEST_WEBHOOK_SECRET } from '../harness/server';

const base = () => process.env.SHIPLOG_TEST_URL!;
const admin = () => ({ authorization: `Bearer ${process.env.SHIPLOG_TEST_ADMIN_TOKEN}` });
const suffix = Date.now().toString(36);
const owner = 'hooks';
const repo = `app-${suffix}`;

const published = (examples as { name: string; examples: Record<string, unknown>[] }[]).find((e) => e.name === 'release')!.examples.find((e) => e.action === 'published')!;

let nextId = 700_000_000 + Math.floor(Math.random() * 1_000_000);
function releasePayload(action: string, tag: string, id = nextId++, extra: Record<string, unknown> = {}) {
  const release = { ...(published.release as object), id, tag_name: tag, name: `Release ${tag}`, body: `Notes for **${tag}**`, draft: false, prerelease: false, ...extra };
  const repository = {
    ...(published.repository as object),
    id: repositoryIdFor(owner, repo),
    name: repo,
    full_name: `${owner}/${repo}`,
    owner: { ...(published.repository as { owner: object }).owner, login: owner },
  };
  return { ...published, action, release, repository };
}

async function post(event: string, payload: unknown, options: { guid?: string; secret?: string; raw?: string } = {}) {
  const body = options.raw ?? JSON.stringify(payload);
  return fetch(`${base()}/api/webhooks/github`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': event,
      'x-github-delivery': options.guid ?? randomUUID(),
      'x-hub-signature-256': sign(options.secret ?? TEST_WEBHOOK_SECRET, body),
    },
    body,
  });
}

const release = (tag: string) => fetch(`${base()}/api/v1/projects/${owner}/${repo}/releases/${encodeURIComponent(tag)}`);
const deliveries = async (query = '') =>
  (await (await fetch(`${base()}/api/v1/deliveries?project=${owner}/${repo}&limit=100${query}`, { headers: admin() })).json()) as {
    id: number;
    guid: string;
    status: string;
    outcome: string;
    duplicates: number;
  }[];

beforeAll(async () => {
  const res = await fetch(`${base()}/api/v1/projects`, { method: 'POST', headers: { ...admin(), 'content-type': 'application/json' }, body: JSON.stringify({ owner, repo }) });
  expect(res.status).toBe(201);
});

describe('POST /api/webhooks/github', () => {
  it('publishes a signed release.published at once', async () => {
    const res = await post('release', releasePayload('published', 'v1.0.0'));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'processed', outcome: 'created' });
    const r = await release('v1.0.0');
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({ tag: 'v1.0.0', source: 'github', name: 'Release v1.0.0' });
  });

  it('answers the same bytes with a wrong signature 401 and stores nothing', async () => {
    const before = (await deliveries()).length;
    const res = await post('release', releasePayload('published', 'v1.1.0'), { secret: 'wrong-secret' });
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect((await release('v1.1.0')).status).toBe(404);
    expect((await deliveries()).length).toBe(before);
  });

  it('processes a delivery id once, however often it arrives', async () => {
    const guid = randomUUID();
    const payload = releasePayload('published', 'v1.2.0');
    const answers = await Promise.all([1, 2, 3].map(() => post('release', payload, { guid })));
    const bodies = (await Promise.all(answers.map((a) => a.json()))) as { status: string }[];
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(bodies.filter((b) => b.status === 'processed')).toHaveLength(1);
    expect(bodies.filter((b) => b.status === 'duplicate')).toHaveLength(2);
    const log = (await deliveries()).filter((d) => d.guid === guid);
    expect(log).toHaveLength(1);
    expect(log[0]?.duplicates).toBe(2);
  });

  it('keeps a release deleted on GitHub gone when a late published arrives', async () => {
    const id = nextId++;
    await post('release', releasePayload('published', 'v2.0.0', id));
    expect((await release('v2.0.0')).status).toBe(200);
    expect(await (await post('release', releasePayload('deleted', 'v2.0.0', id))).json()).toMatchObject({ outcome: 'deleted' });
    expect(await (await post('release', releasePayload('published', 'v2.0.0', id))).json()).toMatchObject({ outcome: 'tombstoned' });
    expect(await (await post('release', releasePayload('edited', 'v2.0.0', id))).json()).toMatchObject({ outcome: 'tombstoned' });
    expect((await release('v2.0.0')).status).toBe(404);
  });

  it('moves a renamed tag (same GitHub id) instead of duplicating it', async () => {
    const id = nextId++;
    await post('release', releasePayload('published', 'v3.0.0-typo', id));
    await post('release', releasePayload('edited', 'v3.0.0', id));
    expect((await release('v3.0.0-typo')).status).toBe(404);
    expect((await release('v3.0.0')).status).toBe(200);
  });

  it('never shows a draft; unpublished takes a release off the site', async () => {
    const id = nextId++;
    await post('release', releasePayload('created', 'v4.0.0', id, { draft: true, published_at: null }));
    expect((await release('v4.0.0')).status).toBe(404);
    await post('release', releasePayload('published', 'v4.0.0', id));
    expect((await release('v4.0.0')).status).toBe(200);
    await post('release', releasePayload('unpublished', 'v4.0.0', id, { draft: true }));
    expect((await release('v4.0.0')).status).toBe(404);
  });

  it('answers other events 202 "ignored"', async () => {
    const res = await post('star', { action: 'created', repository: releasePayload('x', 'x').repository });
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ status: 'ignored' });
  });

  it('answers a body over 25 MB with 413 problem+json', async () => {
    const raw = JSON.stringify({ pad: 'x'.repeat(26 * 1024 * 1024) });
    const res = await post('release', undefined, { raw });
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  });
});

describe('the delivery log', () => {
  it('lists, filters and shows deliveries with their payload (admin only)', async () => {
    expect((await fetch(`${base()}/api/v1/deliveries`)).status).toBe(401);
    const processed = await deliveries('&status=processed&event=release');
    expect(processed.length).toBeGreaterThan(3);
    expect(processed.every((d) => d.status === 'processed')).toBe(true);
    const one = (await (await fetch(`${base()}/api/v1/deliveries/${processed[0]!.id}`, { headers: admin() })).json()) as { payload: { action: string } };
    expect(one.payload.action).toBeDefined();
  });

  it('replays a stored delivery through the same code path', async () => {
    const id = nextId++;
    const guid = randomUUID();
    await post('release', releasePayload('published', 'v5.0.0', id), { guid });
    const res = await fetch(`${base()}/api/v1/projects/${owner}/${repo}/releases/v5.0.0`, { method: 'DELETE', headers: admin() });
    expect(res.status).toBe(204);
    const stored = (await deliveries()).find((d) => d.guid === guid)!;
    const replay = await fetch(`${base()}/api/v1/deliveries/${stored.id}/replay`, { method: 'POST', headers: admin() });
    expect(replay.status).toBe(200);
    expect(await replay.json()).toMatchObject({ deliveryId: stored.id, status: 'processed', outcome: 'created' });
    expect((await release('v5.0.0')).status).toBe(200);
  });
});
