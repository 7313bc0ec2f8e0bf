// Pages follow changes within about a second (on-demand revalidation from the outbox), and the live
// stream delivers release events with outbox ids, resumes with Last-Event-ID, filters by project,
// heartbeats, and (on PostgreSQL) reaches every instance through LISTEN/NOTIFY.
import fs from 'node:fs';
import path from 'node:path';
import { createTestDatabase, dropTestDatabase } from '../../lib/test/db';
import { startServer, type RunningServer } from '../harness/server';
import { sseFrames, type SseFrame } from '../harness/sse';

const base = () => process.env.SHIPLOG_TEST_URL!;
const auth = () => ({ authorization: `Bearer ${process.env.SHIPLOG_TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' });
const owner = 'live';
const repo = `site-${Date.now().toString(36)}`;
const api = `/api/v1/projects/${owner}/${repo}`;

async function until(check: () => Promise<boolean>, timeoutMs = 5_000): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (await check()) return Date.now() - started;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`not within ${timeoutMs} ms`);
}

const html = async (p: string) => (await fetch(`${base()}${p}`)).text();
const status = async (p: string) => (await fetch(`${base()}${p}`)).status;

/** Reads an SSE stream into frames until `stop` says so. */
async function readStream(url: string, headers: Record<string, string>, stop: (frames: SseFrame[]) => boolean, timeoutMs = 8_000) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const res = await fetch(url, { headers, signal: controller.signal });
  const frames: SseFrame[] = [];
  try {
    for await (const frame of sseFrames(res.body)) {
      frames.push(frame);
      if (stop(frames)) break;
    }
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  return { res, frames };
}

beforeAll(async () => {
  expect((await fetch(`${base()}/api/v1/projects`, { method: 'POST', headers: auth(), body: JSON.stringify({ owner, repo, name: 'Live Site' }) })).status).toBe(201);
});

describe('on-demand revalidation', () => {
  it('shows a new release on the static project, release and home pages about a second after it is published', async () => {
    expect(await status(`/${owner}/${repo}`)).toBe(200); // generate the page first, so it is cached
    const created = await fetch(`${base()}${api}/releases`, { method: 'POST', headers: auth(), body: JSON.stringify({ tag: 'v1.0.0', body: '## Hello **world**' }) });
    expect(created.status).toBe(201);
    const ms = await until(async () => (await html(`/${owner}/${repo}`)).includes('data-tag="v1.0.0"'), 3_000);
    console.log(`publish → visible on the static project page: ${ms} ms`);
    expect(await html(`/${owner}/${repo}/releases/v1.0.0`)).toContain('<h2 id="user-content-hello-world">Hello <strong>world</strong><a class="anchor"');
    await until(async () => (await html('/')).includes(`data-tag="v1.0.0"`), 3_000);
  });

  it('follows edits, hiding and deletion', async () => {
    await fetch(`${base()}${api}/releases`, { method: 'POST', headers: auth(), body: JSON.stringify({ tag: 'v1.1.0', name: 'First name' }) });
    await until(async () => (await html(`/${owner}/${repo}/releases/v1.1.0`)).includes('First name'));
    await fetch(`${base()}${api}/releases/v1.1.0`, {
      method: 'PATCH',
      headers: { ...auth(), 'content-type': 'application/merge-patch+json' },
      body: JSON.stringify({ name: 'Second name' }),
    });
    await until(async () => (await html(`/${owner}/${repo}/releases/v1.1.0`)).includes('Second name'));
    await fetch(`${base()}${api}/releases?tag_prefix=v1.1`, {
      method: 'PATCH',
      headers: { ...auth(), 'content-type': 'application/merge-patch+json' },
      body: JSON.stringify({ hidden: true }),
    });
    await until(async () => (await status(`/${owner}/${repo}/releases/v1.1.0`)) === 404);
    // The project page follows too, but not necessarily first: a regeneration that began just before the
    // commit (the local accelerator's) can finish after the release page's, and the commit's own
    // catch-up regenerates the project page again right after.
    await until(async () => !(await html(`/${owner}/${repo}`)).includes('data-tag="v1.1.0"'));
    await fetch(`${base()}${api}/releases/v1.0.0`, { method: 'DELETE', headers: auth() });
    await until(async () => (await status(`/${owner}/${repo}/releases/v1.0.0`)) === 404);
  });

  it('lets operators revalidate paths by hand (admin token)', async () => {
    const res = await fetch(`${base()}/api/revalidate`, { method: 'POST', headers: auth(), body: JSON.stringify({ paths: [`/${owner}/${repo}`] }) });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ revalidated: [`/${owner}/${repo}`], failed: [] });
  });
});

describe('GET /api/v1/stream', () => {
  it('delivers release events with outbox ids, for the project asked for only, and resumes with Last-Event-ID', async () => {
    const url = `${base()}/api/v1/stream?project=${owner}/${repo}`;
    const reading = readStream(url, {}, (f) => f.filter((x) => x.event).length >= 2);
    await new Promise((r) => setTimeout(r, 500));
    // An event of another project, which this subscriber must not see (a project of this test's own:
    // the demo data is read by other tests and stays untouched).
    await fetch(`${base()}/api/v1/projects`, { method: 'POST', headers: auth(), body: JSON.stringify({ owner, repo: `${repo}-other` }) });
    await fetch(`${base()}/api/v1/projects/${owner}/${repo}-other/releases`, { method: 'POST', headers: auth(), body: JSON.stringify({ tag: 'v9.9.9' }) });
    await fetch(`${base()}${api}/releases`, { method: 'POST', headers: auth(), body: JSON.stringify({ tag: 'v2.0.0', body: 'two' }) });
    await fetch(`${base()}${api}/releases/v2.0.0`, {
      method: 'PATCH',
      headers: { ...auth(), 'content-type': 'application/merge-patch+json' },
      body: JSON.stringify({ name: 'Two' }),
    });
    const { res, frames } = await reading;
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-cache, no-transform');
    const events = frames.filter((f) => f.event);
    expect(events.map((e) => e.event)).toEqual(['release.published', 'release.updated']);
    const data = events.map((e) => JSON.parse(e.data!) as { project: string; tag: string; release: { name: string; html: string } });
    expect(data.every((d) => d.project === `${owner}/${repo}`)).toBe(true);
    expect(data[0]!.release.html).toBe('<p>two</p>');
    expect(data[1]!.release.name).toBe('Two');
    const [firstId, secondId] = events.map((e) => Number(e.id));
    expect(secondId).toBeGreaterThan(firstId!);
    // Resume after the first: the second arrives again, nothing else is lost.
    const resumed = await readStream(url, { 'last-event-id': String(firstId) }, (f) => f.some((x) => x.event));
    const again = resumed.frames.filter((f) => f.event);
    expect(again[0]).toMatchObject({ id: String(secondId), event: 'release.updated' });
  });

  it('tells anonymous readers nothing about drafts and hidden releases, live or replayed, and replays each id as it was', async () => {
    const secret = `${repo}-secret`;
    await fetch(`${base()}/api/v1/projects`, { method: 'POST', headers: auth(), body: JSON.stringify({ owner, repo: secret }) });
    const url = `${base()}/api/v1/stream?project=${owner}/${secret}`;
    const sentinel = (f: { event?: string; data?: string }[]) => f.some((x) => x.data?.includes('"tag":"v-end"'));
    const reading = readStream(url, {}, sentinel, 20_000);
    await new Promise((r) => setTimeout(r, 500));
    const rel = `${base()}/api/v1/projects/${owner}/${secret}/releases`;
    const merge = { ...auth(), 'content-type': 'application/merge-patch+json' };
    await fetch(rel, { method: 'POST', headers: auth(), body: JSON.stringify({ tag: 'v9.9.9-draft', draft: true }) });
    await fetch(`${rel}/v9.9.9-draft`, { method: 'PATCH', headers: merge, body: JSON.stringify({ name: 'Still a draft' }) });
    await fetch(rel, { method: 'POST', headers: auth(), body: JSON.stringify({ tag: 'v8-hidden', hidden: true }) });
    await fetch(`${rel}/v8-hidden`, { method: 'PATCH', headers: merge, body: JSON.stringify({ name: 'Still hidden' }) });
    await fetch(`${rel}/v9.9.9-draft`, { method: 'DELETE', headers: auth() });
    await fetch(rel, { method: 'POST', headers: auth(), body: JSON.stringify({ tag: 'v1', name: 'One' }) });
    await fetch(`${rel}/v1`, { method: 'DELETE', headers: auth() });
    await fetch(rel, { method: 'POST', headers: auth(), body: JSON.stringify({ tag: 'v-end' }) });
    const live = (await reading).frames.filter((f) => f.event);
    expect(live.map((f) => `${f.event} ${JSON.parse(f.data!).tag}`)).toEqual(['release.published v1', 'release.deleted v1', 'release.published v-end']);
    expect(JSON.parse(live[0]!.data!).release.name).toBe('One');
    // A replay from before all of it says exactly what was said live (v1's publication still names it).
    const firstId = Number(live[0]!.id);
    const replayed = (await readStream(url, { 'last-event-id': String(firstId - 20) }, sentinel, 20_000)).frames.filter((f) => f.event);
    expect(replayed.map((f) => [f.id, f.event, f.data])).toEqual(live.map((f) => [f.id, f.event, f.data]));
  });

  it('sends a heartbeat comment', async () => {
    const server = await startServer({ env: { SHIPLOG_SSE_HEARTBEAT_MS: '300', SHIPLOG_SEED_DEMO: '0' } });
    try {
      const { frames } = await readStream(`${server.url}/api/v1/stream`, {}, (f) => f.some((x) => x.comment), 5_000);
      expect(frames.some((f) => f.comment)).toBe(true);
    } finally {
      await server.stop();
      if (server.dataDir) fs.rmSync(path.dirname(server.dataDir), { recursive: true, force: true });
    }
  });

  (process.env.TEST_DATABASE_URL ? it : it.skip)('reaches every instance on one PostgreSQL through LISTEN/NOTIFY', async () => {
    const admin = process.env.TEST_DATABASE_URL!;
    const databaseUrl = await createTestDatabase(admin, 'shiplog_fanout');
    const servers: RunningServer[] = [];
    try {
      servers.push(await startServer({ databaseUrl, env: { SHIPLOG_SEED_DEMO: '0' } }));
      servers.push(await startServer({ databaseUrl, env: { SHIPLOG_SEED_DEMO: '0' } }));
      const [a, b] = servers as [RunningServer, RunningServer];
      await fetch(`${a.url}/api/v1/projects`, {
        method: 'POST',
        headers: { authorization: `Bearer ${a.adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ owner: 'fan', repo: 'out' }),
      });
      const listening = [a, b].map((s) => readStream(`${s.url}/api/v1/stream`, {}, (f) => f.some((x) => x.event), 8_000));
      await new Promise((r) => setTimeout(r, 700));
      await fetch(`${a.url}/api/v1/projects/fan/out/releases`, {
        method: 'POST',
        headers: { authorization: `Bearer ${a.adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ tag: 'v1' }),
      });
      for (const { frames } of await Promise.all(listening)) {
        expect(frames.find((f) => f.event)).toMatchObject({ event: 'release.published' });
      }
      // The other instance's pages follow too (its revalidator heard the NOTIFY).
      await until(async () => (await (await fetch(`${b.url}/fan/out`)).text()).includes('data-tag="v1"'), 5_000);
    } finally {
      for (const s of servers) await s.stop();
      await dropTestDatabase(admin, databaseUrl);
    }
  });
});
