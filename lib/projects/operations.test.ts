import { eq, sql } from 'drizzle-orm';
import { resetConfig } from '../config';
import { projects, releaseReactions, releases, type ReleaseRow } from '../db/schema';
import { seedDemo } from '../db/seed';
import { dispatchCommitted } from '../events/bus';
import { useTestDatabase } from '../test/db';
import { invoke } from '../test/http';
import collection from '../../pages/api/[version]/projects/index';
import item from '../../pages/api/[version]/projects/[owner]/[repo]/index';

process.env.SHIPLOG_RATE_LIMIT_READ = '0';
process.env.SHIPLOG_RATE_LIMIT_WRITE = '0';
const TOKEN = 'unit-admin-token-0123456789';
const SECRET = 'whsec-unit-0123456789-abcdef';
const t = useTestDatabase();

// The route files themselves (pages/api/[version]/projects/**): the mounted operations.

interface Call {
  body?: unknown;
  type?: string;
  headers?: Record<string, string>;
  token?: string | null;
}

/** `/api/{version}/projects[/{owner}/{repo}]` with Next's req.query; GETs anonymous, writes with the admin token by default. */
async function api(method: string, url: string, o: Call = {}) {
  const [path = '', search] = url.split('?');
  const [version = '', , owner, repo] = path.split('/').slice(2).map(decodeURIComponent);
  const query = { ...Object.fromEntries(new URLSearchParams(search)), version, ...(owner ? { owner, repo: repo ?? '' } : {}) };
  const token = o.token === undefined ? (method === 'GET' ? null : TOKEN) : o.token;
  const body = o.body === undefined ? undefined : JSON.stringify(o.body);
  const headers = { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': o.type ?? 'application/json' } : {}), ...o.headers };
  return invoke(owner ? item : collection, { method, url, headers, body, query });
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const P = '/api/v1/projects';
const merge = (url: string, body: unknown, headers: Record<string, string> = {}) => api('PATCH', url, { body, type: 'application/merge-patch+json', headers });
const names = (items: Json[]) => items.map((p) => p.fullName as string);
const list = async (query: string) => names((await api('GET', `${P}?${query}`)).json<Json[]>());
const isPublic = (r: ReleaseRow) => !r.draft && !r.hidden && r.publishedAt !== null;
const byNewest = (a: ReleaseRow, b: ReleaseRow) => b.publishedAt!.getTime() - a.publishedAt!.getTime();

async function projectRow(owner: string, repo: string) {
  const [row] = await t
    .db()
    .select()
    .from(projects)
    .where(sql`lower(${projects.owner}) = lower(${owner}) and lower(${projects.repo}) = lower(${repo})`);
  return row;
}
/** Public releases of a project, newest first, from the database. */
async function publicReleases(owner: string, repo: string): Promise<ReleaseRow[]> {
  const p = await projectRow(owner, repo);
  return (await t.db().select().from(releases).where(eq(releases.projectId, p!.id))).filter(isPublic).sort(byNewest);
}

beforeAll(async () => {
  process.env.SHIPLOG_ADMIN_TOKEN = TOKEN;
  resetConfig();
  await seedDemo(t.db());
  // The seed writes every project in one transaction (equal updatedAt): give them distinct ones.
  for (const [repo, day] of [
    ['rocket', 3],
    ['ui', 1],
    ['ledger', 4],
    ['hello-api', 2],
  ] as const) {
    await t
      .db()
      .update(projects)
      .set({ updatedAt: new Date(Date.UTC(2026, 0, day)) })
      .where(eq(projects.repo, repo));
  }
  dispatchCommitted();
});

const ALL = ['acme/rocket', 'acme/ui', 'northwind/ledger', 'octo-org/hello-api'];

describe('GET /projects', () => {
  it('v1 lists every project by full name with X-Total-Count', async () => {
    const r = await api('GET', P);
    expect([r.status, r.headers['x-total-count'], names(r.json<Json[]>())]).toEqual([200, '4', ALL]);
  });

  it.each([
    ['owner=ACME', ['acme/rocket', 'acme/ui']],
    ['owner=octo-org', ['octo-org/hello-api']],
    ['q=ledger', ['northwind/ledger']],
    ['q=zero-config', ['acme/rocket']], // in the description
    ['q=acme%2Fu', ['acme/ui']], // in owner/repo
    ['q=%25', []], // a literal %, not a wildcard
    ['owner=acme&q=rocket', ['acme/rocket']],
    ['sort_by=fullName.desc', [...ALL].reverse()],
    ['sort_by=updatedAt.desc', ['northwind/ledger', 'acme/rocket', 'octo-org/hello-api', 'acme/ui']],
    ['sort_by=updatedAt', ['acme/ui', 'octo-org/hello-api', 'acme/rocket', 'northwind/ledger']],
  ])('?%s', async (query, expected) => {
    expect(await list(query)).toEqual(expected);
  });

  it('sort_by=latestReleaseAt.desc orders by the newest public non-prerelease release', async () => {
    const latest = await Promise.all(
      ALL.map(async (n) => {
        const [owner = '', repo = ''] = n.split('/');
        return { n, at: (await publicReleases(owner, repo)).find((r) => !r.prerelease)!.publishedAt!.getTime() };
      }),
    );
    expect(new Set(latest.map((l) => l.at)).size).toBe(4);
    expect(await list('sort_by=latestReleaseAt.desc')).toEqual(latest.sort((a, b) => b.at - a.at).map((l) => l.n));
  });

  it.each([
    ['colour=red', 'colour'],
    ['sort_by=stars', 'sort_by'],
    ['fields=webhookSecret', 'fields'],
    ['owner=', 'owner'],
  ])('?%s → 400 naming the parameter', async (query, parameter) => {
    const r = await api('GET', `${P}?${query}`);
    expect([r.status, r.json<Json>().errors[0].parameter]).toEqual([400, parameter]);
  });

  it('names every bad parameter at once: an unknown one does not hide a bad sort_by, limit or offset', async () => {
    for (const v of ['1', '2']) {
      const r = await api('GET', `/api/v${v}/projects?colour=red&sort_by=stars&limit=0&offset=x`);
      expect(r.status).toBe(400);
      const errors = r.json<{ errors: { parameter: string; detail: string }[] }>().errors;
      expect(errors.sort((a, b) => a.parameter.localeCompare(b.parameter))).toEqual([
        { parameter: 'colour', detail: expect.stringContaining('is not a known parameter') },
        { parameter: 'limit', detail: 'must be a whole number from 1 to 100' },
        { parameter: 'offset', detail: 'must be a whole number from 0 to 1000000' },
        { parameter: 'sort_by', detail: expect.stringContaining('"stars" is not a sort key') },
      ]);
    }
  });
});

describe('GET /projects/{owner}/{repo}', () => {
  // BUG: the releaseCount/latestRelease subqueries (lib/projects/repo.ts) compare r.project_id with an unqualified
  // "id", which binds to r.id: every project reports the releases whose id equals their project id (acme/rocket v0.9.0).
  it('counts public releases (all of them for a token) and shows the latest public non-prerelease', async () => {
    const rows = await publicReleases('acme', 'rocket');
    const newest = rows.find((r) => !r.prerelease)!;
    const r = (await api('GET', `${P}/acme/rocket`)).json<Json>();
    expect(r).toMatchObject({ id: expect.any(Number), owner: 'acme', repo: 'rocket', fullName: 'acme/rocket', name: 'Rocket', releaseCount: 41 });
    expect(r.latestRelease).toEqual({
      id: newest.id,
      project: 'acme/rocket',
      tag: newest.tag,
      name: newest.name,
      publishedAt: newest.publishedAt!.toISOString(),
      prerelease: false,
      url: newest.htmlUrl,
    });
    expect((await api('GET', `${P}/ACME/Rocket`, { token: TOKEN })).json<Json>().releaseCount).toBe(42);
    const listed = (await api('GET', `${P}?owner=acme`)).json<Json[]>();
    expect(listed.map((p) => [p.fullName, p.releaseCount])).toEqual([
      ['acme/rocket', 41],
      ['acme/ui', (await publicReleases('acme', 'ui')).length],
    ]);
  });

  it('the latest release moves when the newest one is hidden (and the cached response is retired)', async () => {
    const [first, second] = (await publicReleases('octo-org', 'hello-api')).filter((r) => !r.prerelease);
    expect((await api('GET', `${P}/octo-org/hello-api`)).json<Json>().latestRelease.tag).toBe(first!.tag);
    await t.db().update(releases).set({ hidden: true }).where(eq(releases.id, first!.id));
    dispatchCommitted();
    const after = (await api('GET', `${P}/octo-org/hello-api`)).json<Json>();
    expect([after.latestRelease.tag, after.releaseCount]).toEqual([second!.tag, (await publicReleases('octo-org', 'hello-api')).length]);
  });

  it('the extended view adds the 10 newest releases as briefs', async () => {
    const r = await api('GET', `${P}/acme/rocket`, { headers: { accept: 'application/vnd.shiplog.project.extended+json' } });
    expect(r.headers['content-type']).toBe('application/vnd.shiplog.project.extended+json; charset=utf-8');
    const expected = (await publicReleases('acme', 'rocket')).slice(0, 10);
    const recent = r.json<Json>().recentReleases as Json[];
    expect(recent.map((x) => x.tag)).toEqual(expected.map((x) => x.tag));
    expect(Object.keys(recent[0]!).sort()).toEqual(['id', 'name', 'prerelease', 'project', 'publishedAt', 'tag', 'url']);
  });

  it('brief view, ETag/304 and 404', async () => {
    const brief = (await api('GET', `${P}/acme/ui?representation=brief`)).json<Json>();
    expect(brief).toEqual({ id: expect.any(Number), owner: 'acme', repo: 'ui', fullName: 'acme/ui', name: expect.any(String) });
    const etag = String((await api('GET', `${P}/acme/ui`)).headers.etag);
    expect((await api('GET', `${P}/acme/ui`, { headers: { 'if-none-match': etag } })).status).toBe(304);
    expect((await api('GET', `${P}/acme/nope`)).status).toBe(404);
  });
});

describe('POST /projects', () => {
  it('creates (201): name defaults to the repo, Location and ETag, no releases yet', async () => {
    const r = await api('POST', P, { body: { owner: 'newco', repo: 'widget' } });
    expect([r.status, r.headers.location, r.headers.etag]).toEqual([201, `${P}/newco/widget`, expect.stringMatching(/^"prj\d+\.v1-/)]);
    expect(r.json<Json>()).toMatchObject({
      owner: 'newco',
      repo: 'widget',
      fullName: 'newco/widget',
      name: 'widget',
      description: null,
      homepage: null,
      releaseCount: 0,
      latestRelease: null,
    });
    expect((await api('GET', String(r.headers.location))).json<Json>()).toEqual(r.json<Json>());
  });

  it('answers a case-insensitive duplicate with 409', async () => {
    const r = await api('POST', P, { body: { owner: 'ACME', repo: 'Rocket' } });
    expect(r.status).toBe(409);
    expect(await list('q=rocket')).toEqual(['acme/rocket']);
  });

  it.each<[string, string, Json]>([
    ['no owner', '/owner', { repo: 'x' }],
    ['an owner starting with a hyphen', '/owner', { owner: '-bad', repo: 'x' }],
    ['an owner with an underscore', '/owner', { owner: 'a_b', repo: 'x' }],
    ['a 40-character owner', '/owner', { owner: 'a'.repeat(40), repo: 'x' }],
    ['repo ..', '/repo', { owner: 'ok', repo: '..' }],
    ['a repo with a slash', '/repo', { owner: 'ok', repo: 'a/b' }],
    ['a homepage that is not a URL', '/homepage', { owner: 'ok', repo: 'x', homepage: 'nope' }],
    ['a short webhook secret', '/webhookSecret', { owner: 'ok', repo: 'x', webhookSecret: 'short' }],
    ['an unknown field', '/stars', { owner: 'ok', repo: 'x', stars: 5 }],
  ])('answers %s with 422 pointing at %s', async (_, pointer, body) => {
    const r = await api('POST', P, { body });
    expect([r.status, r.json<Json>().errors.map((e: Json) => e.pointer)]).toEqual([422, [pointer]]);
  });

  it('needs a write token', async () => {
    expect((await api('POST', P, { body: { owner: 'anon', repo: 'x' }, token: null })).status).toBe(401);
  });
});

describe('the write-only webhookSecret', () => {
  const url = `${P}/secretco/app`;
  const stored = async () => (await projectRow('secretco', 'app'))?.webhookSecret;
  const put = { owner: 'secretco', repo: 'app', name: 'App', description: 'd', homepage: null };

  it('is stored but never appears in any response', async () => {
    const responses = [await api('POST', P, { body: { owner: 'secretco', repo: 'app', webhookSecret: SECRET } })];
    expect(await stored()).toBe(SECRET);
    for (const accept of ['application/json', 'application/vnd.shiplog.project.extended+json', 'application/vnd.shiplog.project.brief+json']) {
      responses.push(await api('GET', url, { headers: { accept }, token: TOKEN }));
    }
    responses.push(await api('GET', `${P}?limit=100`, { token: TOKEN }), await api('GET', '/api/v2/projects?limit=100'));
    responses.push(await api('PUT', url, { body: put }), await merge(url, { description: 'e' }));
    for (const r of responses) {
      expect(r.status).toBeLessThan(300);
      expect(r.text).not.toContain(SECRET);
      expect(r.text).not.toContain('webhookSecret');
    }
  });

  it('PUT without it keeps it; PUT with a value or null replaces it; a merge patch may set it', async () => {
    expect((await api('PUT', url, { body: put })).status).toBe(200);
    expect(await stored()).toBe(SECRET);
    await api('PUT', url, { body: { ...put, webhookSecret: `${SECRET}-2` } });
    expect(await stored()).toBe(`${SECRET}-2`);
    await api('PUT', url, { body: { ...put, webhookSecret: null } });
    expect(await stored()).toBeNull();
    await merge(url, { webhookSecret: `${SECRET}-3` });
    expect(await stored()).toBe(`${SECRET}-3`);
  });
});

describe('PUT, PATCH, DELETE /projects/{owner}/{repo}', () => {
  beforeAll(async () => {
    await api('POST', P, { body: { owner: 'moveco', repo: 'old', name: 'Old', description: 'desc', homepage: 'https://old.example.com' } });
  });

  it('PATCH asking for an answer it cannot have (406) changes nothing', async () => {
    const before = (await api('GET', `${P}/moveco/old`)).json<Record<string, unknown>>();
    const r = await merge(`${P}/moveco/old`, { name: 'Never stored' }, { accept: 'text/html' });
    expect([r.status, r.headers['content-type']]).toEqual([406, 'application/problem+json; charset=utf-8']);
    expect((await api('GET', `${P}/moveco/old`)).json<Record<string, unknown>>()).toEqual(before);
  });

  it('PATCH merge patch changes only what it names', async () => {
    const before = (await api('GET', `${P}/moveco/old`)).json<Json>();
    const r = await merge(`${P}/moveco/old`, { name: 'Renamed name' });
    expect([r.status, r.json<Json>()]).toEqual([200, { ...before, name: 'Renamed name', updatedAt: expect.any(String) }]);
  });

  // BUG: RFC 7396 null removes the member from the PUT document, which then fails PUT validation.
  it('PATCH merge patch null clears description and homepage', async () => {
    const r = await merge(`${P}/moveco/old`, { description: null, homepage: null });
    expect(r.json<Json>().errors ?? []).toEqual([]); // got: 422, /description and /homepage "is required"
    expect(r.json<Json>()).toMatchObject({ description: null, homepage: null });
  });

  it('PUT with another owner/repo moves it: Content-Location, the old path redirects (308); If-Match is checked', async () => {
    const etag = String((await api('GET', `${P}/moveco/old`)).headers.etag);
    await merge(`${P}/moveco/old`, { description: 'bump' });
    const body = { owner: 'moveco', repo: 'new', name: 'New', description: null, homepage: null };
    expect((await api('PUT', `${P}/moveco/old`, { body, headers: { 'if-match': etag } })).status).toBe(412);
    const r = await api('PUT', `${P}/moveco/old`, { body, headers: { 'if-match': '*' } });
    expect([r.status, r.headers['content-location']]).toEqual([200, `${P}/moveco/new`]);
    expect(r.json<Json>()).toMatchObject({ fullName: 'moveco/new', name: 'New', description: null });
    // The old name redirects (308) to the new one, query and all.
    const old = await api('GET', `${P}/moveco/old?fields=name`);
    expect([old.status, old.headers.location]).toEqual([308, `${P}/moveco/new?fields=name`]);
    expect((await api('GET', `${P}/moveco/new`)).json<Json>().name).toBe('New');
    expect((await api('PUT', `${P}/moveco/new`, { body: { ...body, owner: 'Acme', repo: 'UI' } })).status).toBe(409);
  });

  it('PUT without a required field → 422 with its pointer', async () => {
    const r = await api('PUT', `${P}/moveco/new`, { body: { owner: 'moveco', repo: 'new', name: 'New', description: null } });
    expect([r.status, r.json<Json>().errors]).toEqual([422, [{ pointer: '/homepage', detail: 'is required' }]]);
  });

  it('DELETE removes the project with its releases and their reactions (204, then 404)', async () => {
    const p = await projectRow('moveco', 'new');
    const made = await t
      .db()
      .insert(releases)
      .values([1, 2, 3].map((i) => ({ projectId: p!.id, tag: `v${i}`, publishedAt: new Date() })))
      .returning();
    await t.db().insert(releaseReactions).values({ releaseId: made[0]!.id, content: 'heart', count: 2 });
    dispatchCommitted();
    expect(await t.db().select().from(releases).where(eq(releases.projectId, p!.id))).toHaveLength(3);
    const r = await api('DELETE', `${P}/moveco/new`);
    expect([r.status, r.text]).toEqual([204, '']);
    expect(await t.db().select().from(releases).where(eq(releases.projectId, p!.id))).toEqual([]);
    expect(await t.db().select().from(releaseReactions).where(eq(releaseReactions.releaseId, made[0]!.id))).toEqual([]);
    expect((await api('GET', `${P}/moveco/new`)).status).toBe(404);
    expect((await api('DELETE', `${P}/moveco/new`)).status).toBe(404);
  });
});

describe('one validation for project writes', () => {
  it('refuses a javascript: homepage with 422 naming /homepage, and removes control characters from names', async () => {
    const bad = await api('POST', P, { body: { owner: 'valid', repo: 'homepage', homepage: 'javascript:alert(1)' } });
    expect(bad.status).toBe(422);
    expect(bad.json<Json>().errors.map((e: Json) => e.pointer)).toContain('/homepage');
    const ok = await api('POST', P, { body: { owner: 'valid', repo: 'controls', name: 'Name\u0001 here\u000b', description: 'd\fe' } });
    expect(ok.status).toBe(201);
    expect(ok.json<Json>()).toMatchObject({ name: 'Name here', description: 'de' });
  });
});
