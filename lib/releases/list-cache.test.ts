// The release list's caches: the response cache and the per-listing total (X-Total-Count), both
// retired by any committed write, and both skipped by a request that says `Cache-Control: no-cache`.
import { resetConfig } from '../config';
import { projects, releases } from '../db/schema';
import { dispatchCommitted } from '../events/bus';
import { useTestDatabase } from '../test/db';
import { invoke } from '../test/http';
import all from '../../pages/api/[version]/releases/index';
import create from '../../pages/api/[version]/projects/[owner]/[repo]/releases/index';

process.env.SHIPLOG_RATE_LIMIT_READ = '0';
process.env.SHIPLOG_RATE_LIMIT_WRITE = '0';
const TOKEN = 'unit-admin-token-listcache-0123456789';
const t = useTestDatabase();
let projectId = 0;

beforeAll(async () => {
  process.env.SHIPLOG_ADMIN_TOKEN = TOKEN;
  resetConfig();
  const [p] = await t.db().insert(projects).values({ owner: 'cache', repo: 'co', name: 'Cache Co' }).returning();
  projectId = p!.id;
  await t
    .db()
    .insert(releases)
    .values(Array.from({ length: 30 }, (_, i) => ({ projectId, tag: `v${i}`, publishedAt: new Date(Date.UTC(2026, 0, 1, 0, i)) })));
  dispatchCommitted();
});

const list = async (query: string, headers: Record<string, string> = {}) => {
  const res = await invoke(all, { url: `/api/v1/releases?${query}`, headers, query: { version: 'v1', ...Object.fromEntries(new URLSearchParams(query)) } });
  expect(res.status).toBe(200);
  return { total: Number(res.headers['x-total-count']), tags: res.json<{ tag: string }[]>().map((r) => r.tag) };
};

/** A row written behind Shiplog's back (no outbox event): only a fresh read can see it. */
const sneak = (tag: string, minute: number) =>
  t
    .db()
    .insert(releases)
    .values({ projectId, tag, publishedAt: new Date(Date.UTC(2030, 0, 2, 0, minute)) });

describe('release list caches', () => {
  it('shares one total across the pages of a listing, and a write retires it', async () => {
    expect((await list('limit=5')).total).toBe(30);
    expect((await list('limit=5&offset=10')).total).toBe(30);
    const res = await invoke(create, {
      method: 'POST',
      url: '/api/v1/projects/cache/co/releases',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ tag: 'v-new', name: 'New', body: 'new', draft: false }),
      query: { version: 'v1', owner: 'cache', repo: 'co' },
    });
    expect(res.status).toBe(201);
    // A page never asked before, and one asked before: both count the new release.
    expect((await list('limit=5&offset=20')).total).toBe(31);
    expect((await list('limit=5')).total).toBe(31);
  });

  it('answers `Cache-Control: no-cache` from the database, page and total', async () => {
    const before = await list('limit=3');
    await sneak('v-sneaked', 1);
    expect(await list('limit=3')).toEqual(before); // cached: the sneaked row is not seen
    expect((await list('limit=3&offset=3')).total).toBe(before.total); // the stored total
    const fresh = await list('limit=3', { 'cache-control': 'no-cache' });
    expect(fresh.total).toBe(before.total + 1);
    expect(fresh.tags[0]).toBe('v-sneaked');
    expect((await list('limit=3&offset=3', { 'cache-control': 'max-age=0, no-cache' })).total).toBe(before.total + 1);
    expect((await list('limit=3', { pragma: 'no-cache' })).tags[0]).toBe('v-sneaked');
  });
});
