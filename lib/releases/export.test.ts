// The changelog export builds each line in SQL. These tests hold those lines to the JavaScript
// renderers the rest of the API uses (`releaseFull`, `markdownEntry`), on awkward data and across
// batch boundaries with tied timestamps, on PGlite and on PostgreSQL.
import { sql } from 'drizzle-orm';
import { resetConfig } from '../config';
import { projects, releaseReactions, releases } from '../db/schema';
import { dispatchCommitted } from '../events/bus';
import type { ApiVersion } from '../http/api-versions';
import { useTestDatabase } from '../test/db';
import { invoke } from '../test/http';
import route from '../../pages/api/[version]/projects/[owner]/[repo]/changelog';
import { markdownEntry } from './export';
import { releaseFull } from './present';
import { listReleases, type ReleaseRecord } from './repo';

process.env.SHIPLOG_RATE_LIMIT_READ = '0';
const TOKEN = 'unit-admin-token-export-0123456789';
const t = useTestDatabase();
let projectId = 0;

const UNICODE_SPACE = '\u00a0\u2003\u3000\ufeff\u2028\v\f';

beforeAll(async () => {
  process.env.SHIPLOG_ADMIN_TOKEN = TOKEN;
  resetConfig();
  const [p] = await t.db().insert(projects).values({ owner: 'odd', repo: 'data', name: 'Odd "data" \\ co' }).returning();
  projectId = p!.id;
  const at = (minute: number, micro = 0) => new Date(Date.UTC(2026, 0, 1, 0, minute) + micro);
  const awkward = [
    { tag: 'v1.0.0', name: 'v1.0.0', body: '  plain  ', publishedAt: at(1), htmlUrl: 'https://github.com/odd/data/releases/tag/v1.0.0' },
    { tag: 'quotes', name: 'He said "hi" \\ back', body: 'tab\there\nnew line "quoted" \\ \u0001 \u001f </script>', publishedAt: at(2), htmlUrl: '' },
    { tag: 'emoji-🚀', name: '', body: `${UNICODE_SPACE}ünïcødé 😀 \u2028 inside${UNICODE_SPACE}`, publishedAt: at(3), prerelease: true },
    { tag: 'no-name', name: null, body: '', publishedAt: at(4), authorLogin: 'octo', authorAvatarUrl: null, authorUrl: 'https://github.com/octo' },
    { tag: 'draft', name: 'Draft', body: 'not yet', publishedAt: null, draft: true },
    { tag: 'hidden', name: 'Hidden', body: 'secret-ish', publishedAt: at(5), hidden: true },
    { tag: 'old', name: 'Year 5', body: 'ancient', publishedAt: new Date(Date.UTC(5, 0, 2, 3, 4, 5, 500)) },
  ];
  await t
    .db()
    .insert(releases)
    .values(awkward.map((r) => ({ projectId, bodyHtml: `<p>${r.body}</p>`, source: 'manual' as const, ...r })));
  // Sub-millisecond timestamps (toISOString truncates to milliseconds; so must the SQL) and a batch
  // boundary (500) crossed inside runs of equal timestamps, so the keyset must break ties by id.
  const bulk = Array.from({ length: 1_234 }, (_, i) => ({
    projectId,
    tag: `bulk-${i}`,
    name: `Bulk ${i}`,
    body: `Body ${i}`,
    bodyHtml: `<p>Body ${i}</p>`,
    publishedAt: new Date(Date.UTC(2025, 0, 1) + Math.floor(i / 7) * 60_000),
  }));
  await t.db().insert(releases).values(bulk);
  await t
    .db()
    .execute(
      sql`update releases set published_at = published_at + interval '123.456 microseconds', created_at = created_at + interval '999 microseconds' where tag like 'bulk-1%'`,
    );
  const [quotes] = await t
    .db()
    .select({ id: releases.id })
    .from(releases)
    .where(sql`${releases.tag} = 'quotes'`);
  await t
    .db()
    .insert(releaseReactions)
    .values([
      { releaseId: quotes!.id, content: '+1', count: 3 },
      { releaseId: quotes!.id, content: 'rocket', count: 2 },
    ]);
  dispatchCommitted();
});

/** Every release the export should carry, newest first, through the same code as the list endpoint. */
async function expected(seeAll: boolean): Promise<ReleaseRecord[]> {
  const out: ReleaseRecord[] = [];
  let cursor: { after?: unknown[]; sort: string } | undefined;
  for (;;) {
    const page = await listReleases(t.db(), { projectId, filters: {}, seeAll, sort: [{ key: 'publishedAt', dir: 'desc' }], offset: 0, limit: 100, cursor, count: false });
    out.push(...page.items);
    if (!page.hasNext || !page.nextCursor) return out;
    cursor = page.nextCursor;
  }
}

async function exportOf(version: ApiVersion, format: 'ndjson' | 'markdown', admin: boolean) {
  const url = `/api/v${version}/projects/odd/data/changelog?format=${format}`;
  const res = await invoke(route, {
    url,
    headers: admin ? { authorization: `Bearer ${TOKEN}` } : {},
    query: { version: `v${version}`, owner: 'odd', repo: 'data', format },
  });
  if (res.status !== 200) throw new Error(`${res.status}: ${res.text}`);
  return res.text;
}

describe.each([
  ['1', false],
  ['2', false],
  ['2', true],
] as const)('changelog export, API v%s, admin %s', (version, admin) => {
  it('NDJSON: one line per release, each exactly the release’s full representation', async () => {
    const want = await expected(admin);
    const text = await exportOf(version, 'ndjson', admin);
    expect(text.endsWith('\n')).toBe(true);
    const lines = text.slice(0, -1).split('\n');
    expect(lines).toHaveLength(want.length);
    expect(lines).toEqual(want.map((r) => JSON.stringify(releaseFull(r, version))));
    expect(want.some((r) => r.tag === 'draft')).toBe(admin);
  });

  it('Markdown: the intro, then exactly the reference entry of each release', async () => {
    const want = await expected(admin);
    const text = await exportOf(version, 'markdown', admin);
    const intro = '# Changelog\n\nAll notable changes to Odd "data" \\ co (odd/data), newest first.\n\n';
    expect(text.slice(0, intro.length)).toBe(intro);
    expect(text.slice(intro.length)).toBe(want.map(markdownEntry).join(''));
  });
});

it('changes its ETag when a reaction is added (reactions are in every NDJSON line)', async () => {
  const url = '/api/v2/projects/odd/data/changelog?format=ndjson';
  const call = (headers: Record<string, string> = {}) => invoke(route, { url, headers, query: { version: 'v2', owner: 'odd', repo: 'data', format: 'ndjson' } });
  const first = await call();
  const etag = String(first.headers.etag);
  expect((await call({ 'if-none-match': etag })).status).toBe(304);
  const [v1] = await t
    .db()
    .select({ id: releases.id })
    .from(releases)
    .where(sql`${releases.tag} = 'v1.0.0'`);
  await t.db().insert(releaseReactions).values({ releaseId: v1!.id, content: 'heart', count: 1 });
  const after = await call({ 'if-none-match': etag });
  expect(after.status).toBe(200);
  expect(after.text).toContain('"heart":1');
});

it('never puts a repository name stored before names were validated into a header: its path is not a project path (404)', async () => {
  const [p] = await t.db().insert(projects).values({ owner: 'evil', repo: 'x"; filename=evil.html; a="', name: 'Evil' }).returning();
  const repo = p!.repo;
  const res = await invoke(route, {
    url: `/api/v2/projects/evil/${encodeURIComponent(repo)}/changelog?format=ndjson`,
    query: { version: 'v2', owner: 'evil', repo, format: 'ndjson' },
  });
  // The operation validates {repo} like every project path; the export's own file name is still made of safe characters only.
  expect(res.status).toBe(404);
  expect(res.headers['content-disposition']).toBeUndefined();
});
