import examples from '@octokit/webhooks-examples';
import { count, eq } from 'drizzle-orm';
import { resetConfig } from '../config';
import { projects, releases, webhookDeliveries } from '../db/schema';
import { write } from '../db/write';
import { methodRouter } from '../http/method-router';
import { createProject } from '../projects/repo';
import { useTestDatabase } from '../test/db';
import { invoke } from '../test/http';
import { sign } from './signature';
import { postGitHubWebhook } from './webhook';

const t = useTestDatabase();
const hook = methodRouter({ POST: postGitHubWebhook }, { bodyLimit: '25mb' });
const GLOBAL = 'global-webhook-secret';
const PROJECT_SECRET = 'project-webhook-secret-123';

type Example = { action?: string; release?: { id: number; tag_name: string; draft: boolean; prerelease: boolean }; repository?: { full_name: string } };
const byName = (name: string) => (examples as { name: string; examples: Example[] }[]).find((e) => e.name === name)!.examples;
const releaseExample = (action: string) => byName('release').find((e) => e.action === action)!;
let n = 0;
/** The example with one extra member, so its bytes (and digest) are new: a real new delivery, not a replay. */
const fresh = <T extends object>(example: T): T => ({ ...example, delivery_nonce: ++n });

function deliver(event: string, payload: unknown, options: { secret?: string | null; guid?: string; signature?: string } = {}) {
  const body = JSON.stringify(payload);
  // Codertocat/Hello-World (every example's repository) has its own secret: only it is accepted.
  const secret = options.secret === undefined ? PROJECT_SECRET : options.secret;
  return invoke(hook, {
    method: 'POST',
    url: '/api/webhooks/github',
    headers: {
      'content-type': 'application/json',
      'x-github-event': event,
      'x-github-delivery': options.guid ?? `guid-${++n}-${Date.now()}`,
      ...(options.signature !== undefined ? { 'x-hub-signature-256': options.signature } : secret ? { 'x-hub-signature-256': sign(secret, body) } : {}),
    },
    body,
  });
}

const deliveryCount = async () => Number((await t.db().select({ n: count() }).from(webhookDeliveries))[0]?.n);

beforeAll(async () => {
  process.env.GITHUB_WEBHOOK_SECRET = GLOBAL;
  delete process.env.SHIPLOG_AUTO_REGISTER;
  resetConfig();
  await write((tx) => createProject(tx, { owner: 'Codertocat', repo: 'Hello-World', name: 'Hello World', description: null, homepage: null, webhookSecret: PROJECT_SECRET }));
});
afterAll(() => {
  delete process.env.GITHUB_WEBHOOK_SECRET;
  delete process.env.SHIPLOG_AUTO_REGISTER;
  resetConfig();
});

describe('POST /api/webhooks/github', () => {
  it('answers ping with the zen', async () => {
    const ping = byName('ping')[0] as { zen: string };
    const r = await deliver('ping', ping, { secret: GLOBAL });
    expect(r.status).toBe(200);
    expect(r.json()).toMatchObject({ status: 'processed', zen: ping.zen });
  });

  it('401s a missing or wrong signature and stores nothing', async () => {
    const before = await deliveryCount();
    const missing = await deliver('release', releaseExample('published'), { secret: null });
    const wrong = await deliver('release', releaseExample('published'), { secret: 'not-the-secret' });
    for (const r of [missing, wrong]) {
      expect(r.status).toBe(401);
      expect(r.headers['content-type']).toContain('application/problem+json');
    }
    expect(await deliveryCount()).toBe(before);
    expect(await t.db().select().from(releases)).toHaveLength(0);
  });

  it("accepts the project's own secret, and not the global one for it", async () => {
    const global = await deliver('release', releaseExample('published'), { secret: GLOBAL });
    expect(global.status).toBe(401);
    const r = await deliver('release', releaseExample('published'), { secret: PROJECT_SECRET });
    expect(r.status).toBe(200);
    expect(r.json()).toMatchObject({ status: 'processed', action: 'published', outcome: 'created', release: { project: 'Codertocat/Hello-World', tag: '0.0.1' } });
  });

  it.each(['created', 'edited', 'prereleased', 'published', 'released'])('applies every real `%s` example', async (action) => {
    for (const example of byName('release').filter((e) => e.action === action)) {
      const r = await deliver('release', fresh(example));
      expect(r.status).toBe(200);
      expect(['created', 'updated', 'unchanged', 'tombstoned']).toContain(r.json<{ outcome: string }>().outcome);
    }
    expect(await t.db().select().from(releases).where(eq(releases.githubId, 17372790))).toHaveLength(1);
  });

  it('answers a repeated delivery id as a duplicate without reprocessing, and counts it', async () => {
    const guid = 'repeat-me';
    const first = await deliver('release', fresh(releaseExample('edited')), { guid });
    const again = await deliver('release', releaseExample('deleted'), { guid });
    expect(first.json()).toMatchObject({ status: 'processed' });
    expect(again.status).toBe(200);
    expect(again.json()).toMatchObject({ status: 'duplicate' });
    expect(await t.db().select().from(releases).where(eq(releases.githubId, 17372790))).toHaveLength(1);
    const [row] = await t.db().select().from(webhookDeliveries).where(eq(webhookDeliveries.guid, guid));
    expect(row?.duplicates).toBe(1);
  });

  it('processes a redelivery (same GUID) of a delivery that failed, instead of answering duplicate', async () => {
    const guid = 'failed-then-redelivered';
    const example = releaseExample('published');
    const payload = {
      ...example,
      release: { ...example.release, id: 990_002, tag_name: 'v-redelivered' },
      repository: { ...example.repository, id: 990_001, full_name: 'later/added', name: 'added', owner: { login: 'later' } },
    };
    const first = await deliver('release', payload, { guid, secret: GLOBAL });
    expect(first.status).toBe(404);
    const [failed] = await t.db().select().from(webhookDeliveries).where(eq(webhookDeliveries.guid, guid));
    expect(failed?.status).toBe('failed');
    // The operator fixes the cause (registers the project), then GitHub redelivers.
    await write((tx) => createProject(tx, { owner: 'later', repo: 'added', name: 'Later', description: null, homepage: null, webhookSecret: null }));
    const again = await deliver('release', payload, { guid, secret: GLOBAL });
    expect(again.status).toBe(200);
    expect(again.json()).toMatchObject({ status: 'processed' });
    const [row] = await t.db().select().from(webhookDeliveries).where(eq(webhookDeliveries.guid, guid));
    expect(row).toMatchObject({ status: 'processed', duplicates: 1 });
    expect(row?.replayedAt).toBeInstanceOf(Date);
    const [project] = await t.db().select().from(projects).where(eq(projects.owner, 'later'));
    expect(await t.db().select().from(releases).where(eq(releases.projectId, project!.id))).toHaveLength(1);
    // Once processed, the same GUID is a duplicate again.
    expect((await deliver('release', payload, { guid, secret: GLOBAL })).json()).toMatchObject({ status: 'duplicate' });
  });

  it('keeps a deleted release deleted when a late published arrives', async () => {
    expect((await deliver('release', releaseExample('deleted'))).json()).toMatchObject({ outcome: 'deleted' });
    const late = await deliver('release', releaseExample('published'));
    expect(late.json()).toMatchObject({ status: 'processed', outcome: 'tombstoned' });
    expect(await t.db().select().from(releases).where(eq(releases.githubId, 17372790))).toHaveLength(0);
  });

  it('ignores other events with 202 and logs them', async () => {
    const push = byName('push')[0];
    const r = await deliver('push', push);
    expect(r.status).toBe(202);
    expect(r.json()).toMatchObject({ status: 'ignored', event: 'push' });
    const [row] = await t.db().select().from(webhookDeliveries).where(eq(webhookDeliveries.event, 'push'));
    expect(row?.status).toBe('ignored');
  });

  it('404s an unknown repository (logged as failed, for a later replay) unless auto-registration is on', async () => {
    const other = {
      ...releaseExample('published'),
      repository: { ...releaseExample('published').repository, id: 999_001, full_name: 'someone/else', name: 'else', owner: { login: 'someone' } },
    };
    const r = await deliver('release', other, { secret: GLOBAL });
    expect(r.status).toBe(404);
    expect(r.json<{ detail: string }>().detail).toContain('SHIPLOG_AUTO_REGISTER');
    process.env.SHIPLOG_AUTO_REGISTER = 'true';
    resetConfig();
    const registered = await deliver('release', other, { secret: GLOBAL });
    expect(registered.status).toBe(200);
    expect(await t.db().select().from(projects).where(eq(projects.owner, 'someone'))).toHaveLength(1);
  });

  it('rejects a body that is not a release payload with 422 and a pointer', async () => {
    const r = await deliver('release', { action: 'published', repository: releaseExample('published').repository });
    expect(r.status).toBe(422);
    expect(r.json<{ errors: { pointer: string }[] }>().errors[0]?.pointer).toBe('/release');
  });

  it('requires the GitHub delivery headers', async () => {
    const r = await invoke(hook, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(r.status).toBe(400);
    expect(r.json<{ errors: { header: string }[] }>().errors.map((e) => e.header)).toEqual(['X-GitHub-Event', 'X-GitHub-Delivery']);
  });
});
