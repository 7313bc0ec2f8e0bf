import { and, eq } from 'drizzle-orm';
import { resetConfig } from '../config';
import { projects, releases, type ReleaseRow } from '../db/schema';
import { seedDemo } from '../db/seed';
import { dispatchCommitted } from '../events/bus';
import { useTestDatabase } from '../test/db';
import { invoke } from '../test/http';
import collection from '../../pages/api/[version]/projects/[owner]/[repo]/releases/index';
import item from '../../pages/api/[version]/projects/[owner]/[repo]/releases/[...tag]';
import latest from '../../pages/api/[version]/projects/[owner]/[repo]/releases/latest';
import all from '../../pages/api/[version]/releases/index';

process.env.SHIPLOG_RATE_LIMIT_READ = '0';
process.env.SHIPLOG_RATE_LIMIT_WRITE = '0';
const TOKEN = 'unit-admin-token-0123456789';
const t = useTestDatabase();

// The route files themselves (pages/api/[version]/…/releases/**): the mounted operations.

interface Call {
  body?: unknown;
  type?: string;
  headers?: Record<string, string>;
  token?: string | null;
}

/**
 * Calls the route a path maps to, with `req.query` built the way Next builds it: the query string plus
 * the path parameters, each segment percent-decoded (the tag catch-all as an array). GETs are anonymous
 * and writes use the admin token unless `token` says otherwise.
 */
async function api(method: string, url: string, o: Call = {}) {
  const [path = '', search] = url.split('?');
  const seg = path.split('/').slice(2).map(decodeURIComponent); // v1, projects, owner, repo, releases, ...tag
  const query: Record<string, string | string[]> = { ...Object.fromEntries(new URLSearchParams(search)), version: seg[0] ?? '' };
  let handler = all;
  if (seg[1] === 'projects') {
    Object.assign(query, { owner: seg[2] ?? '', repo: seg[3] ?? '' });
    const tag = seg.slice(5);
    handler = collection;
    if (tag.length === 1 && tag[0] === 'latest') handler = latest;
    // Next hands the whole catch-all to [...tag].ts, which routes a trailing /reactions itself.
    else if (tag.length) [handler, query.tag] = [item, tag];
  }
  const token = o.token === undefined ? (method === 'GET' ? null : TOKEN) : o.token;
  const body = o.body === undefined ? undefined : typeof o.body === 'string' ? o.body : JSON.stringify(o.body);
  const headers = { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': o.type ?? 'application/json' } : {}), ...o.headers };
  return invoke(handler, { method, url, headers, body, query });
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const merge = (url: string, body: unknown, headers: Record<string, string> = {}) => api('PATCH', url, { body, type: 'application/merge-patch+json', headers });
const tags = (items: Json[]) => items.map((r) => r.tag as string);
const ROCKET = '/api/v1/projects/acme/rocket/releases';
const HELLO = '/api/v1/projects/octo-org/hello-api/releases';
const isPublic = (r: ReleaseRow) => !r.draft && !r.hidden && r.publishedAt !== null;
const byNewest = (a: ReleaseRow, b: ReleaseRow) => b.publishedAt!.getTime() - a.publishedAt!.getTime();

/** The project's releases straight from the database: the oracle the API is compared with. */
async function stored(owner: string, repo: string): Promise<ReleaseRow[]> {
  const rows = await t
    .db()
    .select({ r: releases })
    .from(releases)
    .innerJoin(projects, eq(projects.id, releases.projectId))
    .where(and(eq(projects.owner, owner), eq(projects.repo, repo)));
  return rows.map((x) => x.r);
}
const publicTags = async (owner: string, repo: string, keep: (r: ReleaseRow) => boolean = () => true) =>
  (await stored(owner, repo))
    .filter((r) => isPublic(r) && keep(r))
    .sort(byNewest)
    .map((r) => r.tag);

beforeAll(async () => {
  process.env.SHIPLOG_ADMIN_TOKEN = TOKEN;
  resetConfig();
  await seedDemo(t.db());
  // Ties on purpose, to check secondary sort keys and cursors across equal values.
  const [p] = await t.db().insert(projects).values({ owner: 'sortco', repo: 'multi', name: 'Multi' }).returning();
  const day = (d: number) => new Date(Date.UTC(2026, 0, d));
  await t
    .db()
    .insert(releases)
    .values(
      [
        { tag: 'b', name: 'Zeta', publishedAt: day(2) },
        { tag: 'a', name: 'alpha', publishedAt: day(2) },
        { tag: 'd', name: null, publishedAt: day(1) },
        { tag: 'c', name: 'Beta', publishedAt: day(1) },
        { tag: 'e', name: 'gamma', publishedAt: day(3) },
      ].map((r) => ({ ...r, projectId: p!.id })),
    );
  await t.db().insert(projects).values({ owner: 'empty', repo: 'none', name: 'None' });
  dispatchCommitted();
}, 120_000); // the demo seed renders 137 notes: seconds on a loaded machine

describe('GET …/releases (list)', () => {
  it('v1: a JSON array of public releases, newest first, with X-Total-Count, Link and deprecation headers', async () => {
    const r = await api('GET', ROCKET);
    expect([r.status, r.headers['x-total-count'], r.headers['api-version']]).toEqual([200, '41', '1']);
    expect(tags(r.json<Json[]>())).toEqual((await publicTags('acme', 'rocket')).slice(0, 20));
    expect(String(r.headers.link).split(', ')).toEqual([
      '</api/v2/projects/acme/rocket/releases>; rel="successor-version"',
      `<${ROCKET}?offset=0>; rel="first"`,
      `<${ROCKET}?offset=20>; rel="next"`,
      `<${ROCKET}?offset=40>; rel="last"`,
    ]);
    expect(r.headers.deprecation).toMatch(/^@\d+$/);
  });

  it('offset/limit pages with prev and next links; the last page has no next', async () => {
    const expected = await publicTags('acme', 'rocket');
    const middle = await api('GET', `${ROCKET}?limit=15&offset=15`);
    expect(tags(middle.json<Json[]>())).toEqual(expected.slice(15, 30));
    expect(middle.headers.link).toContain(`<${ROCKET}?limit=15&offset=0>; rel="prev", <${ROCKET}?limit=15&offset=30>; rel="next"`);
    const last = await api('GET', `${ROCKET}?limit=15&offset=30`);
    expect(tags(last.json<Json[]>())).toEqual(expected.slice(30));
    expect(last.headers.link).not.toContain('rel="next"');
  });

  it.each<[string, string, string, (r: ReleaseRow) => boolean]>([
    ['prerelease=true', 'acme', 'rocket', (r) => r.prerelease],
    ['prerelease=false', 'acme', 'rocket', (r) => !r.prerelease],
    ['since=2025-01-01', 'acme', 'rocket', (r) => r.publishedAt! >= new Date('2025-01-01T00:00:00Z')],
    ['until=2024-12-31T23:59:59Z', 'acme', 'rocket', (r) => r.publishedAt! <= new Date('2024-12-31T23:59:59Z')],
    ['since=2025-03-01&until=2025-09-30T00:00:00Z', 'acme', 'rocket', (r) => r.publishedAt! >= new Date('2025-03-01') && r.publishedAt! <= new Date('2025-09-30')],
    // Full-text (lib/search): the word in tags, names and notes, not "beta" inside the rc notes' compare URLs.
    ['q=BETA', 'acme', 'rocket', (r) => r.tag.includes('beta')],
    ['tag_prefix=%40acme%2Ficons%40', 'acme', 'ui', (r) => r.tag.startsWith('@acme/icons@')],
    ['author=LENA-park', 'acme', 'rocket', (r) => r.authorLogin === 'lena-park'],
    ['source=github&prerelease=true', 'northwind', 'ledger', (r) => r.prerelease],
    ['package=%40acme%2Ficons', 'acme', 'ui', (r) => r.tag.startsWith('@acme/icons@')],
    // the first @acme/ui release (1.8.0) is major against 0.0.0, then every X.0.0
    ['package=%40acme%2Fui&level=major', 'acme', 'ui', (r) => r.tag === '@acme/ui@1.8.0' || /^@acme\/ui@\d+\.0\.0$/.test(r.tag)],
    ['level=prerelease', 'acme', 'rocket', (r) => /-/.test(r.tag)],
  ])('filters with %s', async (query, owner, repo, keep) => {
    const expected = await publicTags(owner, repo, keep);
    expect(expected.length).toBeGreaterThan(0);
    const r = await api('GET', `/api/v1/projects/${owner}/${repo}/releases?${query}&limit=100`);
    expect([r.status, r.headers['x-total-count']]).toEqual([200, String(expected.length)]);
    expect(tags(r.json<Json[]>())).toEqual(expected);
  });

  it('filters across projects on /releases with project=owner/repo,…', async () => {
    const r = await api('GET', '/api/v1/releases?project=acme/ui,ACME/Rocket&prerelease=true&limit=100');
    const expected = [...(await stored('acme', 'ui')), ...(await stored('acme', 'rocket'))].filter((x) => isPublic(x) && x.prerelease).sort(byNewest);
    expect(tags(r.json<Json[]>())).toEqual(expected.map((x) => x.tag));
  });

  it('sorts with sort_by=version in semver order within each package (1.10.0 after 1.9.0, 2.0.0-rc.1 before 2.0.0)', async () => {
    const r = await api('GET', '/api/v1/projects/acme/ui/releases?package=%40acme%2Fui&sort_by=version&limit=100');
    const got = tags(r.json<Json[]>());
    expect(got.length).toBeGreaterThan(3);
    const semver = await import('semver');
    expect(got).toEqual([...got].sort((a, b) => semver.compare(a.split('@').pop()!, b.split('@').pop()!)));
    const bad = await api('GET', '/api/v1/projects/acme/ui/releases?level=huge');
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('level');
  });

  it.each([
    ['publishedAt.desc,tag.asc', ['e', 'a', 'b', 'c', 'd']],
    ['publishedAt.desc,tag.desc', ['e', 'b', 'a', 'd', 'c']],
    ['publishedAt.asc,name.desc', ['d', 'c', 'b', 'a', 'e']],
    ['name', ['a', 'c', 'd', 'e', 'b']], // lower(coalesce(name, tag))
    ['tag.desc', ['e', 'd', 'c', 'b', 'a']],
  ])('sorts with sort_by=%s', async (sortBy, expected) => {
    const r = await api('GET', `/api/v1/projects/sortco/multi/releases?sort_by=${sortBy}`);
    expect(tags(r.json<Json[]>())).toEqual(expected);
  });

  it('v2: an envelope whose cursors page forward and back, across ties, and round trip', async () => {
    const base = '/api/v2/projects/sortco/multi/releases?sort_by=publishedAt.desc,tag.asc&limit=2';
    const get = async (url: string) => (await api('GET', url)).json<Json>();
    const p1 = await get(base);
    expect(p1).toMatchObject({ meta: { limit: 2 }, links: { self: base, prev: null, next: expect.stringContaining('cursor=') } });
    const p2 = await get(p1.links.next);
    const p3 = await get(p2.links.next);
    expect([p1, p2, p3].map((p) => tags(p.data))).toEqual([['e', 'a'], ['b', 'c'], ['d']]);
    expect(p3.links.next).toBeNull();
    const back2 = await get(p3.links.prev);
    const back1 = await get(back2.links.prev);
    expect([back2, back1].map((p) => tags(p.data))).toEqual([
      ['b', 'c'],
      ['e', 'a'],
    ]);
    expect(back1.links.prev).toBeNull();
  });

  it('v2: walking every next cursor yields the offset order; Prefer: count=exact adds meta.total', async () => {
    const seen: string[] = [];
    let url: string | null = '/api/v2/projects/acme/rocket/releases?limit=15';
    while (url) {
      const page: Json = (await api('GET', url)).json<Json>();
      seen.push(...tags(page.data));
      url = page.links.next;
    }
    expect(seen).toEqual(await publicTags('acme', 'rocket'));
    const counted = await api('GET', '/api/v2/projects/acme/rocket/releases?limit=1', { headers: { prefer: 'count=exact' } });
    expect(counted.json<Json>().meta).toEqual({ limit: 1, total: 41 });
    expect(counted.headers['preference-applied']).toBe('count=exact');
    expect(counted.headers.deprecation).toBeUndefined();
  });

  it('fields= keeps only the named members, in that order', async () => {
    const items = (await api('GET', `${ROCKET}?fields=tag,publishedAt&limit=3`)).json<Json[]>();
    expect(items.map((i) => Object.keys(i))).toEqual(Array(3).fill(['tag', 'publishedAt']));
  });

  it.each([
    ['colour=red', 'colour'],
    ['limit=0', 'limit'],
    ['limit=101', 'limit'],
    ['offset=-1', 'offset'],
    ['sort_by=stars', 'sort_by'],
    ['fields=tag,secret', 'fields'],
    ['prerelease=yes', 'prerelease'],
    ['since=yesterday', 'since'],
    ['source=gitlab', 'source'],
    ['q=a&q=b', 'q'],
    ['cursor=abc', 'cursor'],
  ])('answers ?%s with 400 naming the parameter', async (query, parameter) => {
    const r = await api('GET', `${ROCKET}?${query}`);
    expect(r.json<Json>()).toMatchObject({ status: 400, errors: expect.arrayContaining([expect.objectContaining({ parameter })]) });
  });

  it('v2 rejects a cursor reused with another sort_by, and a cursor combined with offset', async () => {
    const next = (await api('GET', '/api/v2/projects/sortco/multi/releases?limit=2')).json<Json>().links.next as string;
    const cursor = new URL(next, 'http://x').searchParams.get('cursor');
    const resorted = await api('GET', `/api/v2/projects/sortco/multi/releases?sort_by=tag&cursor=${cursor}`);
    expect(resorted.json<Json>().errors).toEqual([expect.objectContaining({ parameter: 'cursor', detail: expect.stringContaining('publishedAt.desc') })]);
    const offset = await api('GET', `/api/v2/projects/sortco/multi/releases?offset=2&cursor=${cursor}`);
    expect(offset.json<Json>().errors).toEqual([expect.objectContaining({ parameter: 'offset' })]);
  });

  it('shows drafts to a token only; 404 for an unknown project or API version', async () => {
    expect((await api('GET', `${ROCKET}?limit=100`)).json<Json[]>().map((r) => r.tag)).not.toContain('v3.6.0');
    const authed = await api('GET', `${ROCKET}?limit=100`, { token: TOKEN });
    expect(tags(authed.json<Json[]>())).toContain('v3.6.0');
    expect(authed.headers['x-total-count']).toBe('42');
    expect(authed.headers['cache-control']).toBe('no-store');
    expect((await api('GET', '/api/v1/projects/acme/nope/releases')).status).toBe(404);
    expect((await api('GET', '/api/v3/projects/acme/rocket/releases')).status).toBe(404);
  });
});

describe('GET …/releases/{tag}', () => {
  it('v1 has the markdown as body; v2 has notes.markdown and notes.html', async () => {
    const row = (await stored('acme', 'rocket')).find((r) => r.tag === 'v1.0.0');
    const v1 = (await api('GET', `${ROCKET}/v1.0.0`)).json<Json>();
    expect(v1).toMatchObject({ tag: 'v1.0.0', project: 'acme/rocket', body: row!.body, draft: false, source: 'github' });
    const v2 = (await api('GET', '/api/v2/projects/acme/rocket/releases/v1.0.0')).json<Json>();
    expect(v2).toMatchObject({ notes: { markdown: row!.body, html: row!.bodyHtml }, publishedAt: row!.publishedAt!.toISOString() });
    expect([v1.notes, v2.body]).toEqual([undefined, undefined]);
  });

  it('finds a tag with slashes and @ sent as one %2F-encoded segment or as several segments', async () => {
    const encoded = await api('GET', '/api/v1/projects/acme/ui/releases/%40acme%2Fui%402.0.0');
    const split = await api('GET', '/api/v1/projects/acme/ui/releases/@acme/ui@2.0.0');
    expect(encoded.json<Json>().tag).toBe('@acme/ui@2.0.0');
    expect(split.text).toBe(encoded.text);
  });

  it.each([
    [{ accept: 'application/vnd.shiplog.release.brief+json' }, '', 'application/vnd.shiplog.release.brief+json'],
    [{}, '?representation=brief', 'application/vnd.shiplog.release.brief+json'],
  ])('brief view (Accept %j, query "%s")', async (headers, query, type) => {
    const r = await api('GET', `${ROCKET}/v2.0.0${query}`, { headers });
    expect(r.headers['content-type']).toBe(`${type}; charset=utf-8`);
    expect(Object.keys(r.json<Json>()).sort()).toEqual(['id', 'name', 'prerelease', 'project', 'publishedAt', 'tag', 'url']);
  });

  it('extended view adds the project, bodyHtml (v1) and the public neighbours by publication time', async () => {
    const order = (await publicTags('acme', 'rocket')).reverse();
    const at = order.indexOf('v2.0.0');
    for (const [headers, query] of [
      [{ accept: 'application/vnd.shiplog.release.extended+json' }, ''],
      [{}, '?representation=extended'],
    ] as const) {
      const r = (await api('GET', `${ROCKET}/v2.0.0${query}`, { headers })).json<Json>();
      expect(r.previous.tag).toBe(order[at - 1]);
      expect(r.next.tag).toBe(order[at + 1]);
      expect(r.project).toMatchObject({ owner: 'acme', repo: 'rocket', fullName: 'acme/rocket', name: 'Rocket' });
      expect(r.bodyHtml).toMatch(/<h[23] id="user-content-/);
    }
  });

  it('answers 406 listing the offers when nothing in Accept is available', async () => {
    const r = await api('GET', `${ROCKET}/v2.0.0`, { headers: { accept: 'text/html' } });
    expect([r.status, r.json<Json>().available]).toEqual([406, expect.arrayContaining(['application/vnd.shiplog.release.brief+json'])]);
  });

  it('sends a strong ETag and answers a matching If-None-Match with an empty 304', async () => {
    const r = await api('GET', `${ROCKET}/v2.0.0`);
    const etag = String(r.headers.etag);
    expect([etag, r.headers['cache-control']]).toEqual([expect.stringMatching(/^"rel\d+\.v\d+-[A-Za-z0-9_-]{22}"$/), expect.stringContaining('public')]);
    for (const inm of [etag, `"x", W/${etag}`, '*']) {
      const again = await api('GET', `${ROCKET}/v2.0.0`, { headers: { 'if-none-match': inm } });
      expect([again.status, again.text, again.headers.etag]).toEqual([304, '', etag]);
    }
    const brief = await api('GET', `${ROCKET}/v2.0.0`, { headers: { 'if-none-match': etag, accept: 'application/vnd.shiplog.release.brief+json' } });
    expect([brief.status, brief.headers.etag === etag]).toEqual([200, false]);
  });

  // BUG: the single GET validates its query only when `fields` is present (?fields=tag&colour=red is a 400).
  it('answers an unknown query parameter with 400, as lists do', async () => {
    const r = await api('GET', `${ROCKET}/v1.0.0?colour=red`);
    expect(r.status).toBe(400); // got 200
    expect(r.json<Json>().errors).toEqual([expect.objectContaining({ parameter: 'colour' })]);
  });

  it('hides a draft from anonymous readers (404) and shows it to a token', async () => {
    expect((await api('GET', `${ROCKET}/v3.6.0`)).status).toBe(404);
    const r = await api('GET', `${ROCKET}/v3.6.0`, { token: TOKEN });
    expect([r.status, r.json<Json>()]).toEqual([200, expect.objectContaining({ tag: 'v3.6.0', draft: true, publishedAt: null })]);
  });

  it('redirects releases/latest (307) to the newest public non-prerelease, keeping the query', async () => {
    const [rocket] = await publicTags('acme', 'rocket', (r) => !r.prerelease);
    const r = await api('GET', `${ROCKET}/latest?representation=brief`);
    expect([r.status, r.headers.location]).toEqual([307, `${ROCKET}/${rocket}?representation=brief`]);
    const [ledger] = await publicTags('northwind', 'ledger', (x) => !x.prerelease);
    const slashed = await api('GET', '/api/v2/projects/northwind/ledger/releases/latest');
    expect(slashed.headers.location).toBe(`/api/v2/projects/northwind/ledger/releases/${encodeURIComponent(ledger!)}`);
    expect(ledger).toMatch(/^release\//);
    expect((await api('GET', '/api/v1/projects/empty/none/releases/latest')).status).toBe(404);
  });
});

describe('POST …/releases', () => {
  it('creates (201) with Location (%2F-encoded tag), ETag and the GET representation', async () => {
    const r = await api('POST', HELLO, { body: { tag: 'feature/x-1', name: 'X', body: '**bold**', author: { login: 'me', avatarUrl: null, url: null } } });
    expect([r.status, r.headers.location, r.headers.etag]).toEqual([201, `${HELLO}/feature%2Fx-1`, expect.stringMatching(/^"rel\d+\.v1-/)]);
    expect(r.json<Json>()).toMatchObject({ tag: 'feature/x-1', name: 'X', body: '**bold**', source: 'manual', draft: false, author: { login: 'me' } });
    expect(Date.now() - Date.parse(r.json<Json>().publishedAt)).toBeLessThan(60_000);
    const read = await api('GET', String(r.headers.location));
    expect([read.json<Json>(), read.headers.etag]).toEqual([r.json<Json>(), r.headers.etag]);
    expect(tags((await api('GET', `${HELLO}?source=manual`)).json<Json[]>())).toEqual(['feature/x-1']);
  });

  it('v2 takes notes.markdown and answers with rendered notes.html', async () => {
    const r = await api('POST', '/api/v2/projects/octo-org/hello-api/releases', { body: { tag: 'v2-notes', notes: { markdown: '**hi**' } } });
    expect([r.status, r.json<Json>().notes]).toEqual([201, { markdown: '**hi**', html: expect.stringContaining('<strong>hi</strong>') }]);
  });

  it('v2 answers a v1 `body` (POST, PUT, merge PATCH) with a 422 that points at notes.markdown, and changes nothing', async () => {
    const V2 = '/api/v2/projects/octo-org/hello-api/releases';
    const hint = { pointer: '/body', detail: expect.stringContaining('notes.markdown') };
    const post = await api('POST', V2, { body: { tag: 'v2-body', body: '**hi**' } });
    expect([post.status, post.json<Json>().errors]).toEqual([422, [hint]]);
    expect(post.json<Json>().detail).toContain('/body: is the v1 name of the notes; v2 takes the Markdown as notes.markdown');
    expect((await api('GET', `${V2}/v2-body`, { token: TOKEN })).status).toBe(404);
    const before = (await api('GET', `${V2}/1.0.1`)).json<Json>();
    expect(before.notes.markdown).toEqual(expect.any(String));
    const patch = await merge(`${V2}/1.0.1`, { body: 'changed' });
    expect([patch.status, patch.json<Json>().errors]).toEqual([422, [hint]]);
    const put: Json = { body: 'changed' };
    for (const k of ['tag', 'name', 'url', 'publishedAt', 'prerelease', 'draft', 'hidden', 'author']) put[k] = before[k];
    const whole = await api('PUT', `${V2}/1.0.1`, { body: put });
    expect(whole.status).toBe(422);
    expect(whole.json<Json>().errors).toEqual(expect.arrayContaining([hint, { pointer: '/notes', detail: 'is required' }]));
    expect((await api('GET', `${V2}/1.0.1`)).json<Json>().notes).toEqual(before.notes);
    // v1 still takes body; other unknown members stay "not a known field".
    const v1 = await api('POST', HELLO, { body: { tag: 'v1-body', body: '**hi**', colour: 'red' } });
    expect([v1.status, v1.json<Json>().errors]).toEqual([422, [{ pointer: '/colour', detail: 'is not a known field' }]]);
  });

  it('answers a duplicate tag with 409 pointing at /tag', async () => {
    const r = await api('POST', HELLO, { body: { tag: '1.0.0' } });
    expect(r.json<Json>()).toMatchObject({ status: 409, type: '/problems/tag-taken', errors: [{ pointer: '/tag' }] });
  });

  it.each<[string, unknown, string[]]>([
    ['no tag', { name: 'x' }, ['/tag']],
    ['the reserved tag latest', { tag: 'latest' }, ['/tag']],
    ['padded tag and bad url', { tag: ' v9 ', url: 'not a url' }, ['/tag', '/url']],
    ['wrong types', { tag: 'v9', prerelease: 'yes', hidden: 1 }, ['/prerelease', '/hidden']],
    ['an incomplete author', { tag: 'v9', author: { login: 'a' } }, ['/author/avatarUrl', '/author/url']],
    ['an unknown field (v1 has no notes)', { tag: 'v9', notes: { markdown: 'm' } }, ['/notes']],
    ['a draft with a publication time', { tag: 'v9', draft: true, publishedAt: '2026-01-01T00:00:00Z' }, ['/publishedAt']],
  ])('answers %s with 422 and JSON pointers', async (_, body, pointers) => {
    const r = await api('POST', HELLO, { body });
    expect(r.status).toBe(422);
    expect(
      r
        .json<{ errors: { pointer: string }[] }>()
        .errors.map((e) => e.pointer)
        .sort(),
    ).toEqual(pointers.sort());
  });

  it('answers 415 for text/plain, 400 for broken JSON, 413 past the 1mb limit, 401 without a token, 404 for no project', async () => {
    expect((await api('POST', HELLO, { body: '{"tag":"v9"}', type: 'text/plain' })).status).toBe(415);
    expect((await api('POST', HELLO, { body: '{"tag":' })).json<Json>().type).toBe('/problems/malformed-json');
    expect((await api('POST', HELLO, { body: JSON.stringify({ tag: 'big', body: 'x'.repeat(1024 * 1024) }) })).status).toBe(413);
    const anonymous = await api('POST', HELLO, { body: { tag: 'v9' }, token: null });
    expect([anonymous.status, anonymous.headers['www-authenticate']]).toEqual([401, expect.stringContaining('scope="write"')]);
    expect((await api('POST', '/api/v1/projects/octo-org/nope/releases', { body: { tag: 'v9' } })).status).toBe(404);
    expect(tags(await stored('octo-org', 'hello-api'))).not.toContain('big');
  });

  it('replays an Idempotency-Key retry, rejects its reuse for another body (422) and a malformed key (400)', async () => {
    const headers = { 'idempotency-key': 'create-v9-0001' };
    const first = await api('POST', HELLO, { body: { tag: 'v9-idem' }, headers });
    const retry = await api('POST', HELLO, { body: { tag: 'v9-idem' }, headers });
    expect([first.status, first.headers['idempotent-replayed'], retry.status, retry.headers['idempotent-replayed']]).toEqual([201, undefined, 201, 'true']);
    expect([retry.text, retry.headers.location, retry.headers.etag]).toEqual([first.text, first.headers.location, first.headers.etag]);
    expect(tags(await stored('octo-org', 'hello-api')).filter((x) => x === 'v9-idem')).toHaveLength(1);
    const reused = await api('POST', HELLO, { body: { tag: 'v9-other' }, headers });
    expect([reused.status, reused.json<Json>().type]).toEqual([422, '/problems/idempotency-key-reused']);
    const malformed = await api('POST', HELLO, { body: { tag: 'v9-bad' }, headers: { 'idempotency-key': 'has space' } });
    expect([malformed.status, malformed.json<Json>().errors]).toEqual([400, [expect.objectContaining({ header: 'Idempotency-Key' })]]);
  });
});

describe('PUT, PATCH, DELETE …/releases/{tag}', () => {
  const doc = (o: Json = {}): Json => ({
    tag: '1.0.1',
    name: 'Put',
    url: 'https://example.com/r',
    publishedAt: '2025-05-05T05:05:05.000Z',
    prerelease: false,
    draft: false,
    hidden: false,
    author: null,
    body: 'put body',
    ...o,
  });

  it.each(Object.keys(doc()))('PUT without %s → 422 pointing at it', async (field) => {
    const { [field]: _, ...rest } = doc();
    const r = await api('PUT', `${HELLO}/1.0.1`, { body: rest });
    expect([r.status, r.json<Json>().errors]).toEqual([422, [{ pointer: `/${field}`, detail: 'is required' }]]);
  });

  it('PUT replaces every field; a new tag renames it (Content-Location) and frees the old one', async () => {
    const r = await api('PUT', `${HELLO}/1.0.1`, { body: doc() });
    expect([r.status, r.headers['content-location']]).toEqual([200, undefined]);
    expect(r.json<Json>()).toMatchObject({ name: 'Put', body: 'put body', url: 'https://example.com/r', publishedAt: '2025-05-05T05:05:05.000Z', author: null });
    const moved = await api('PUT', `${HELLO}/1.0.1`, { body: doc({ tag: 'renamed/1.0.1' }) });
    expect([moved.headers['content-location'], moved.headers.etag]).toEqual([`${HELLO}/renamed%2F1.0.1`, expect.stringMatching(/^"rel\d+\.v\d+-/)]);
    expect((await api('GET', `${HELLO}/1.0.1`)).status).toBe(404);
    const renamed = await api('GET', `${HELLO}/renamed%2F1.0.1`);
    // The write's ETag is the one a read of the new URL has: If-Match with it passes.
    expect([renamed.json<Json>().name, renamed.headers.etag]).toEqual(['Put', moved.headers.etag]);
    expect((await api('PUT', `${HELLO}/renamed%2F1.0.1`, { body: doc({ tag: '1.0.0' }) })).status).toBe(409);
  });

  it('PUT or PATCH asking for an answer it cannot have (406, 400) changes nothing', async () => {
    const before = (await api('GET', `${HELLO}/1.1.0`)).json<Json>();
    const html = await merge(`${HELLO}/1.1.0`, { name: 'Never stored' }, { accept: 'text/html' });
    expect([html.status, html.headers['content-type']]).toEqual([406, 'application/problem+json; charset=utf-8']);
    const bogus = await api('PATCH', `${HELLO}/1.1.0?representation=bogus`, { body: { name: 'Never stored' }, type: 'application/merge-patch+json' });
    expect(bogus.status).toBe(400);
    const put = await api('PUT', `${HELLO}/1.1.0`, { body: { ...before, name: 'Never stored' }, headers: { accept: 'application/xml' } });
    expect(put.status).toBe(406);
    expect((await api('GET', `${HELLO}/1.1.0`)).json<Json>()).toEqual(before);
  });

  it('PATCH merge patch changes only what it names; draft takes it off the site, un-drafting publishes now', async () => {
    const before = (await api('GET', `${HELLO}/1.1.0`)).json<Json>();
    const r = await merge(`${HELLO}/1.1.0`, { name: 'Merged' });
    expect([r.status, r.json<Json>()]).toEqual([200, { ...before, name: 'Merged', updatedAt: expect.any(String) }]);
    const draft = await merge(`${HELLO}/1.1.0`, { draft: true });
    expect(draft.json<Json>()).toMatchObject({ draft: true, publishedAt: null });
    expect((await api('GET', `${HELLO}/1.1.0`)).status).toBe(404);
    const back = await merge(`${HELLO}/1.1.0`, { draft: false });
    expect(Date.now() - Date.parse(back.json<Json>().publishedAt)).toBeLessThan(60_000);
  });

  it('PATCH merge patch naming __proto__, constructor or prototype → 400 naming the member, nothing changed', async () => {
    const before = (await api('GET', `${HELLO}/1.1.0`)).json<Json>();
    const bodies: [string, string][] = [
      ['{"__proto__":{"name":"polluted"},"name":"Lost"}', '/__proto__'],
      ['{"name":"Lost","constructor":{"prototype":{"x":1}}}', '/constructor'],
      ['{"author":{"prototype":{}},"name":"Lost"}', '/author/prototype'],
    ];
    for (const [body, pointer] of bodies) {
      const r = await api('PATCH', `${HELLO}/1.1.0`, { body, type: 'application/merge-patch+json' });
      expect([r.status, r.headers['content-type']]).toEqual([400, 'application/problem+json; charset=utf-8']);
      expect(r.json<Json>().errors).toEqual([{ pointer, detail: expect.any(String) }]);
      expect(r.json<Json>().detail).toContain(pointer.split('/').pop());
    }
    // Bulk PATCH (a merge patch too) refuses it the same way.
    const bulk = await api('PATCH', `${HELLO}?prerelease=true`, { body: '{"__proto__":{},"hidden":true}', type: 'application/merge-patch+json' });
    expect([bulk.status, bulk.json<Json>().errors]).toEqual([400, [{ pointer: '/__proto__', detail: expect.any(String) }]]);
    expect((await api('GET', `${HELLO}/1.1.0`)).json<Json>()).toEqual(before);
  });

  // BUG: RFC 7396 null removes the member from the PUT document, which then fails PUT validation.
  it('PATCH merge patch null clears a nullable field (name, url, author)', async () => {
    const r = await merge(`${HELLO}/1.1.1`, { name: null, url: null, author: null });
    expect(r.json<Json>().errors ?? []).toEqual([]); // got: [{ pointer: '/name', detail: 'is required' }, …] and a 422
    expect(r.status).toBe(200);
    expect(r.json<Json>()).toMatchObject({ tag: '1.1.1', name: null, url: null, author: null });
  });

  it('PATCH JSON Patch applies ops; a failing test → 409, an invalid op or result → 422, JSON → 415', async () => {
    const jp = (ops: unknown) => api('PATCH', `${HELLO}/1.2.0`, { body: ops, type: 'application/json-patch+json' });
    const ok = await jp([
      { op: 'test', path: '/prerelease', value: false },
      { op: 'replace', path: '/name', value: 'Patched' },
    ]);
    expect([ok.status, ok.json<Json>().name]).toEqual([200, 'Patched']);
    const failed = await jp([
      { op: 'test', path: '/name', value: 'Other' },
      { op: 'replace', path: '/name', value: 'Never' },
    ]);
    expect([failed.status, failed.json<Json>().type, failed.json<Json>().errors]).toEqual([409, '/problems/patch-test-failed', [{ pointer: '/0', detail: 'test failed' }]]);
    const badOp = await jp([
      { op: 'replace', path: '/name', value: 'x' },
      { op: 'frobnicate', path: '/name' },
    ]);
    expect([badOp.status, badOp.json<Json>().errors[0].pointer]).toEqual([422, '/1']);
    const badResult = await jp([{ op: 'replace', path: '/prerelease', value: 'maybe' }]);
    expect([badResult.status, badResult.json<Json>().errors[0].pointer]).toEqual([422, '/prerelease']);
    const json = await api('PATCH', `${HELLO}/1.2.0`, { body: { name: 'x' } });
    expect([json.status, json.headers['accept-patch']]).toEqual([415, 'application/merge-patch+json, application/json-patch+json']);
    expect((await api('GET', `${HELLO}/1.2.0`)).json<Json>().name).toBe('Patched');
  });

  it('If-Match: a stale ETag → 412 (nothing written); *, or any representation of the current version, passes', async () => {
    const url = `${HELLO}/1.3.0`;
    const named = (headers: Record<string, string>, name: string) => merge(url, { name }, headers);
    const e1 = String((await api('GET', url)).headers.etag);
    const first = await named({ 'if-match': e1 }, 'one');
    const stale = await named({ 'if-match': e1 }, 'two');
    expect([stale.status, stale.json<Json>().errors]).toEqual([412, [{ header: 'If-Match', detail: expect.any(String) }]]);
    expect([first.status, (await named({ 'if-match': `W/${String(first.headers.etag)}` }, 'weak')).status]).toEqual([200, 412]);
    expect((await api('DELETE', url, { headers: { 'if-match': e1 } })).status).toBe(412);
    const brief = String((await api('GET', `${url}?representation=brief`)).headers.etag);
    expect((await named({ 'if-match': brief }, 'three')).status).toBe(200);
    expect((await named({ 'if-match': '*' }, 'four')).status).toBe(200);
    expect((await api('GET', url)).json<Json>().name).toBe('four');
  });

  it('DELETE → 204, then 404 for GET and DELETE', async () => {
    const r = await api('DELETE', `${HELLO}/1.3.1`);
    expect([r.status, r.text]).toEqual([204, '']);
    expect((await api('GET', `${HELLO}/1.3.1`)).status).toBe(404);
    expect((await api('DELETE', `${HELLO}/1.3.1`)).status).toBe(404);
    expect(tags(await stored('octo-org', 'hello-api'))).not.toContain('1.3.1');
  });
});

describe('bulk PATCH …/releases and reactions', () => {
  const UI = '/api/v1/projects/acme/ui/releases';
  it('applies one change to every match and reports {matched, changed}', async () => {
    const pre = (await stored('acme', 'ui')).filter((r) => r.prerelease).length;
    const bulk = () => merge(`${UI}?prerelease=true`, { hidden: true });
    expect((await bulk()).json<Json>()).toEqual({ matched: pre, changed: pre });
    expect((await bulk()).json<Json>()).toEqual({ matched: pre, changed: 0 });
    expect((await api('GET', `${UI}?prerelease=true`)).json<Json>()).toEqual([]);
    expect((await api('GET', `${UI}?prerelease=true&hidden=true`, { token: TOKEN })).json<Json[]>()).toHaveLength(pre);
    expect((await merge(UI, {})).status).toBe(422);
    expect((await merge(`${UI}?colour=red`, { hidden: true })).json<Json>().errors[0].parameter).toBe('colour');
    expect((await api('PATCH', UI, { body: { hidden: true } })).headers['accept-patch']).toBe('application/merge-patch+json');
  });

  it('POST …/reactions counts each reaction; GET and the release show the counts', async () => {
    const url = `${HELLO}/1.4.0/reactions`;
    for (const content of ['rocket', 'heart']) expect((await api('POST', url, { body: { content } })).status).toBe(201);
    const r = await api('POST', url, { body: { content: 'rocket' } });
    expect(r.headers.location).toBe(url);
    const counts = { '+1': 0, laugh: 0, hooray: 0, heart: 1, rocket: 2, eyes: 0, total: 3 };
    expect(r.json<Json>()).toEqual({ content: 'rocket', reactions: counts });
    expect((await api('GET', url)).json<Json>()).toEqual(counts);
    expect((await api('GET', `${HELLO}/1.4.0`)).json<Json>().reactions).toEqual(counts);
  });

  it('rejects an unknown reaction (422), a draft release (404) and anonymous callers (401)', async () => {
    const bad = await api('POST', `${HELLO}/1.4.0/reactions`, { body: { content: 'thumbsup' } });
    expect([bad.status, bad.json<Json>().errors[0].pointer]).toEqual([422, '/content']);
    expect((await api('POST', `${HELLO}/2.10.0/reactions`, { body: { content: 'eyes' } })).status).toBe(404);
    expect((await api('POST', `${HELLO}/1.4.0/reactions`, { body: { content: 'eyes' }, token: null })).status).toBe(401);
  });
});

describe('one validation and one normalisation for API writes', () => {
  it.each([['x/reactions'], ['latest'], ['a/../b'], ['v1/'], ['v1\uD800'], ['v1\uFFFF']])('refuses tag %j with 422 naming /tag', async (tag) => {
    const r = await api('POST', ROCKET, { body: { tag } });
    expect(r.status).toBe(422);
    expect(r.json<Json>().errors.map((e: Json) => e.pointer)).toContain('/tag');
  });

  it.each([
    ['url', { url: 'javascript:alert(1)' }],
    ['author.avatarUrl', { author: { login: 'x', avatarUrl: 'data:text/html,x', url: null } }],
    ['author.url', { author: { login: 'x', avatarUrl: null, url: 'javascript:alert(1)' } }],
  ])('refuses a non-http(s) %s with 422', async (_field, extra) => {
    const r = await api('POST', ROCKET, { body: { tag: `v-url-${Math.random().toString(36).slice(2)}`, ...extra } });
    expect(r.status).toBe(422);
  });

  it('refuses notes over 125,000 characters, as webhooks do', async () => {
    const r = await api('POST', ROCKET, { body: { tag: 'v-long', body: 'x'.repeat(125_001) } });
    expect(r.status).toBe(422);
    expect(r.json<Json>().errors.map((e: Json) => e.pointer)).toContain('/body');
  });

  it('removes characters XML 1.0 forbids from names and notes before storing them', async () => {
    const r = await api('POST', ROCKET, { body: { tag: 'v-controls', name: 'A\u0001B\u000c', body: 'one\u0008two\fthree\ttab' } });
    expect(r.status).toBe(201);
    expect(r.json<Json>()).toMatchObject({ name: 'AB', body: 'onetwothree\ttab' });
  });
});
