// Views (brief/full/extended), content negotiation, ETags and conditional GETs, HEAD/OPTIONS/405,
// version selection and deprecation headers, tags with slashes and @, releases/latest, problem documents.
// Reads the seeded demo data only (never writes).
import { api, createToken, getJson, parseLink, problem, revokeToken, tags, type CreatedToken, type Json } from './rest-helpers';

const REL = '/projects/acme/rocket/releases';
const BRIEF = 'application/vnd.shiplog.release.brief+json';
const EXTENDED = 'application/vnd.shiplog.release.extended+json';
const BRIEF_KEYS = ['id', 'name', 'prerelease', 'project', 'publishedAt', 'tag', 'url'];
const ctype = (res: Response) => res.headers.get('content-type');

let reader: CreatedToken;
beforeAll(async () => {
  reader = await createToken(['read']);
});
afterAll(() => revokeToken(reader));

describe('views of a release', () => {
  it.each<[string, Record<string, string>, string, string]>([
    ['Accept brief', { Accept: BRIEF }, '', BRIEF],
    ['Accept extended', { Accept: EXTENDED }, '', EXTENDED],
    ['?representation=brief', {}, '?representation=brief', BRIEF],
    ['?representation=extended', {}, '?representation=extended', EXTENDED],
    ['Accept: application/json', { Accept: 'application/json' }, '', 'application/json'],
    ['no Accept preference', {}, '', 'application/json'],
  ])('%s → the matching view and Content-Type (v1)', async (_n, headers, query, type) => {
    const res = await api(`/api/v1${REL}/v3.4.1${query}`, { headers });
    expect(res.status).toBe(200);
    expect(ctype(res)).toBe(`${type}; charset=utf-8`);
    expect(res.headers.get('vary')).toMatch(/(^|,\s*)Accept(,|$)/);
    const body = (await res.json()) as Json;
    expect(body.tag).toBe('v3.4.1');
    if (type === BRIEF) expect(Object.keys(body).sort()).toEqual(BRIEF_KEYS);
    else expect(body).toHaveProperty('body');
    if (type === EXTENDED) expect(body).toHaveProperty('bodyHtml');
    else expect(body).not.toHaveProperty('bodyHtml');
  });

  it.each<[string, string, string]>([
    ['brief', EXTENDED, BRIEF],
    ['extended', BRIEF, EXTENDED],
  ])('?representation=%s wins over Accept: %s', async (param, accept, expectedType) => {
    const res = await api(`/api/v1${REL}/v3.4.1?representation=${param}`, { headers: { Accept: accept } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Json;
    if (param === 'brief') expect(Object.keys(body).sort()).toEqual(BRIEF_KEYS);
    else expect(body).toHaveProperty('previous');
    expect(ctype(res)).toBe(`${expectedType}; charset=utf-8`);
  });

  it('extended (v1) carries bodyHtml, the project as an object and the neighbours by publication time', async () => {
    const asc = (await getJson<Json[]>(`/api/v1${REL}?sort_by=publishedAt.asc&limit=100`)).body;
    const i = asc.findIndex((r) => r.tag === 'v3.0.0-rc.2');
    const { body } = await getJson(`/api/v1${REL}/v3.0.0-rc.2`, { headers: { Accept: EXTENDED } });
    expect(body.project).toEqual({ id: expect.any(Number), owner: 'acme', repo: 'rocket', fullName: 'acme/rocket', name: 'Rocket' });
    expect(body.bodyHtml).toMatch(/<[a-z]/);
    expect(body.previous).toEqual({
      id: asc[i - 1]!.id,
      project: 'acme/rocket',
      tag: asc[i - 1]!.tag,
      name: asc[i - 1]!.name,
      publishedAt: asc[i - 1]!.publishedAt,
      prerelease: asc[i - 1]!.prerelease,
      url: asc[i - 1]!.url,
    });
    expect((body.next as Json).tag).toBe(asc[i + 1]!.tag);
    expect(Object.keys(body.next as Json).sort()).toEqual(BRIEF_KEYS);
  });

  it.each<[string, string, 'previous' | 'next']>([
    ['the oldest release has no previous', 'v0.9.0', 'previous'],
    ['the newest public release has no next (anonymous)', 'v3.5.0', 'next'],
  ])('extended: %s', async (_n, tag, rel) => {
    const { body } = await getJson(`/api/v2${REL}/${tag}?representation=extended`);
    expect(body[rel]).toBeNull();
    expect(body[rel === 'next' ? 'previous' : 'next']).toMatchObject({ project: 'acme/rocket' });
    expect(body).not.toHaveProperty('bodyHtml'); // v2 has notes.html instead
    expect(body.notes).toEqual({ markdown: expect.any(String), html: expect.stringMatching(/<[a-z]/) });
  });

  it('extended lists: every item has neighbours and the project object', async () => {
    const res = await api(`/api/v1${REL}?limit=3&sort_by=tag.asc`, { headers: { Accept: EXTENDED } });
    expect(ctype(res)).toBe(`${EXTENDED}; charset=utf-8`);
    const items = (await res.json()) as Json[];
    expect(items).toHaveLength(3);
    for (const item of items) {
      expect(item.project).toMatchObject({ fullName: 'acme/rocket' });
      expect(item).toHaveProperty('previous');
      expect(item).toHaveProperty('bodyHtml');
    }
  });

  it('brief lists (v2) hold only brief members', async () => {
    const { res, body } = await getJson<{ data: Json[] }>(`/api/v2${REL}?limit=4`, { headers: { Accept: BRIEF } });
    expect(ctype(res)).toBe(`${BRIEF}; charset=utf-8`);
    for (const item of body.data) expect(Object.keys(item).sort()).toEqual(BRIEF_KEYS);
  });

  it('Accept: application/xml → 406 problem listing the available types', async () => {
    const body = await problem(await api(`/api/v1${REL}/v3.4.1`, { headers: { Accept: 'application/xml' } }), 406);
    expect(body.available).toEqual(['application/json', 'application/vnd.shiplog.release+json', BRIEF, EXTENDED]);
    await problem(await api(`/api/v2${REL}`, { headers: { Accept: 'text/html' } }), 406);
  });

  it('?representation=huge → 400 naming representation', async () => {
    const body = await problem(await api(`/api/v1${REL}/v3.4.1?representation=huge`), 400);
    expect(body.errors).toEqual([expect.objectContaining({ parameter: 'representation' })]);
  });

  it.each(['1', '2'])('fields=tag,name on a single release (v%s) keeps only those members', async (v) => {
    const { body } = await getJson(`/api/v${v}${REL}/v3.4.1?fields=tag,name`);
    expect(Object.keys(body).sort()).toEqual(['name', 'tag']);
    expect(body.tag).toBe('v3.4.1');
    const bad = await problem(await api(`/api/v${v}${REL}/v3.4.1?fields=tag,bogus`), 400);
    expect(bad.errors).toEqual([expect.objectContaining({ parameter: 'fields' })]);
  });

  it.each([
    ['a release', `/api/v1${REL}/v3.4.1?colour=red`],
    ['a release (v2)', `/api/v2${REL}/v3.4.1?colour=red`],
    ['a project', '/api/v1/projects/acme/rocket?colour=red'],
  ])('an unknown query parameter on %s → 400 naming it (as with fields=)', async (_n, url) => {
    const body = await problem(await api(url), 400);
    expect(body.errors).toEqual([expect.objectContaining({ parameter: 'colour' })]);
  });

  it('…whereas next to fields= it is already rejected', async () => {
    const body = await problem(await api(`/api/v1${REL}/v3.4.1?fields=tag&colour=red`), 400);
    expect(body.errors).toEqual([expect.objectContaining({ parameter: 'colour' })]);
  });
});

describe('ETags and conditional requests', () => {
  const strong = /^"[^"]+"$/;

  it.each([
    ['a single release', `/api/v1${REL}/v3.4.1`],
    ['a release list', `/api/v1${REL}?limit=5`],
    ['a v2 release list', `/api/v2${REL}?limit=5`],
    ['the cross-project list', '/api/v2/releases?limit=3'],
    ['a project', '/api/v1/projects/acme/rocket'],
    ['the project list', '/api/v2/projects'],
  ])('%s: strong ETag, distinct per view; If-None-Match → 304 with no body', async (_n, path) => {
    const full = await api(path);
    const brief = await api(path, { headers: { Accept: path.includes('project') && !path.includes('releases') ? 'application/vnd.shiplog.project.brief+json' : BRIEF } });
    const etag = full.headers.get('etag')!;
    expect(full.status).toBe(200);
    expect(etag).toMatch(strong);
    expect(brief.headers.get('etag')).toMatch(strong);
    expect(brief.headers.get('etag')).not.toBe(etag);
    await Promise.all([full.arrayBuffer(), brief.arrayBuffer()]);

    const again = await api(path, { headers: { 'If-None-Match': etag } });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(etag);
    expect(await again.text()).toBe('');
    const other = await api(path, { headers: { 'If-None-Match': '"c-something-else"' } });
    expect(other.status).toBe(200);
    await other.arrayBuffer();
    const listed = await api(path, { headers: { 'If-None-Match': `"x", ${etag}` } });
    expect(listed.status).toBe(304);
  });

  it('the extended view has yet another ETag', async () => {
    const [a, b, c] = await Promise.all(['', '?representation=brief', '?representation=extended'].map((q) => api(`/api/v2${REL}/v3.4.1${q}`)));
    expect(new Set([a, b, c].map((r) => r!.headers.get('etag'))).size).toBe(3);
  });

  it('HEAD answers the GET headers without a body', async () => {
    const get = await api(`/api/v1${REL}/v3.4.1`);
    const head = await api(`/api/v1${REL}/v3.4.1`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('etag')).toBe(get.headers.get('etag'));
    expect(head.headers.get('content-type')).toBe(get.headers.get('content-type'));
    expect(await head.text()).toBe('');
    const listHead = await api(`/api/v1${REL}?limit=2`, { method: 'HEAD' });
    expect(listHead.status).toBe(200);
    expect(listHead.headers.get('x-total-count')).toBe('41');
    expect(await listHead.text()).toBe('');
  });

  it.each([
    [`/api/v1${REL}/v3.4.1`, 'GET, HEAD, PUT, PATCH, DELETE, OPTIONS'],
    [`/api/v2${REL}`, 'GET, HEAD, POST, PATCH, OPTIONS'],
    [`/api/v2${REL}/latest`, 'GET, HEAD, OPTIONS'],
    [`/api/v2${REL}/v3.4.1/reactions`, 'GET, HEAD, POST, OPTIONS'],
    ['/api/v1/releases', 'GET, HEAD, OPTIONS'],
    ['/api/v2/projects', 'GET, HEAD, POST, OPTIONS'],
    ['/api/v2/projects/acme/rocket', 'GET, HEAD, PUT, PATCH, DELETE, OPTIONS'],
    ['/api/v2/tokens', 'GET, HEAD, POST, OPTIONS'],
    ['/api/v2/tokens/1', 'DELETE, OPTIONS'],
  ])('OPTIONS %s → 204, Allow: %s', async (path, allow) => {
    const res = await api(path, { method: 'OPTIONS' });
    expect(res.status).toBe(204);
    expect(res.headers.get('allow')).toBe(allow);
  });

  it.each([
    ['POST', `/api/v1${REL}/v3.4.1`, 'GET, HEAD, PUT, PATCH, DELETE, OPTIONS'],
    ['DELETE', '/api/v2/releases', 'GET, HEAD, OPTIONS'],
    ['PUT', `/api/v2${REL}`, 'GET, HEAD, POST, PATCH, OPTIONS'],
    ['POST', `/api/v2${REL}/latest`, 'GET, HEAD, OPTIONS'],
    ['GET', '/api/v2/tokens/1', 'DELETE, OPTIONS'],
  ])('%s %s → 405 problem with Allow', async (method, path, allow) => {
    const res = await api(path, { method, token: reader.token });
    expect(res.headers.get('allow')).toBe(allow);
    expect((await problem(res, 405)).type).toBe('/problems/method-not-allowed');
  });
});

describe('version selection', () => {
  it.each<[string, Record<string, string>, '1' | '2']>([
    ['API-Version: 1', { 'API-Version': '1' }, '1'],
    ['version: 1', { version: '1' }, '1'],
    ['API-Version: v1', { 'API-Version': 'v1' }, '1'],
    ['Accept: application/vnd.shiplog.v1+json', { Accept: 'application/vnd.shiplog.v1+json' }, '1'],
    ['API-Version: 2', { 'API-Version': '2' }, '2'],
    ['nothing (the default)', {}, '2'],
  ])('/api/releases with %s answers v%s', async (_n, headers, version) => {
    const res = await api('/api/releases?project=acme/rocket&limit=3', { headers });
    expect(res.status).toBe(200);
    expect(res.headers.get('api-version')).toBe(version);
    expect(ctype(res)).toBe('application/json; charset=utf-8');
    const body = (await res.json()) as Json[] | { data: Json[] };
    const items = version === '1' ? (body as Json[]) : (body as { data: Json[] }).data;
    expect(Array.isArray(body)).toBe(version === '1');
    expect(tags(items)).toEqual(['v3.5.0', 'v3.4.1', 'v3.4.0']);
    expect(items[0]).toHaveProperty(version === '1' ? 'body' : 'notes');
  });

  it.each<[string, Record<string, string>, string]>([
    ['API-Version: 9', { 'API-Version': '9' }, 'API-Version'],
    ['version: 0', { version: '0' }, 'version'],
    ['Accept: application/vnd.shiplog.v3+json', { Accept: 'application/vnd.shiplog.v3+json' }, 'Accept'],
  ])('/api/releases with %s → 400 problem naming the header', async (_n, headers, header) => {
    const body = await problem(await api('/api/releases', { headers }), 400);
    expect(body).toMatchObject({ type: '/problems/unknown-version', errors: [{ header }] });
  });

  it.each([['/api/releases?project=acme/rocket&limit=1'], ['/api/projects/acme/rocket/releases/v3.4.1'], ['/api/projects']])(
    'unversioned %s answers per API-Version, so its Vary names API-Version (and Accept)',
    async (path) => {
      const [v1, v2] = await Promise.all([api(path, { headers: { 'API-Version': '1' } }), api(path)]);
      expect(v1.headers.get('api-version')).toBe('1');
      expect(v2.headers.get('api-version')).toBe('2');
      expect(v2.headers.get('cache-control')).toMatch(/^public/); // shareable, so caches must key on the version
      for (const res of [v1, v2]) {
        const vary = (res.headers.get('vary') ?? '').split(',').map((v) => v.trim().toLowerCase());
        expect(vary).toEqual(expect.arrayContaining(['api-version', 'accept']));
      }
    },
  );

  it('unversioned project and token paths are rewritten too', async () => {
    const v1 = await api('/api/projects/acme/rocket/releases/v3.4.1', { headers: { 'API-Version': '1' } });
    expect(v1.headers.get('api-version')).toBe('1');
    expect((await v1.json()) as Json).toHaveProperty('body');
    const tokens = await api('/api/tokens', { token: reader.token });
    expect(tokens.headers.get('api-version')).toBe('2');
    expect((await problem(tokens, 403)).type).toBe('/problems/forbidden');
  });

  it('v1 announces its deprecation, sunset and successor; v2 does not', async () => {
    const v1 = await api(`/api/v1${REL}/v3.4.1`);
    expect(v1.headers.get('api-version')).toBe('1');
    expect(v1.headers.get('deprecation')).toMatch(/^@\d{10}$/);
    const sunset = v1.headers.get('sunset')!;
    expect(new Date(sunset).toUTCString()).toBe(sunset);
    expect(Date.parse(sunset)).toBeGreaterThan(Number(v1.headers.get('deprecation')!.slice(1)) * 1000);
    expect(parseLink(v1.headers.get('link'))['successor-version']).toBe(`/api/v2${REL}/v3.4.1`);
    const v2 = await api(`/api/v2${REL}/v3.4.1`);
    expect(v2.headers.get('api-version')).toBe('2');
    for (const h of ['deprecation', 'sunset', 'link']) expect(v2.headers.get(h)).toBeNull();
  });

  it.each(['/api/v7/releases', '/api/v0/projects/acme/rocket', '/api/vx/projects'])('%s → 404 problem', async (path) => {
    expect((await problem(await api(path), 404)).type).toBe('/problems/not-found');
  });
});

describe('tags with slashes and @', () => {
  it.each([
    ['acme/ui', '@acme/ui@2.0.0'],
    ['acme/ui', '@acme/icons@1.4.0'],
    ['northwind/ledger', 'release/2026-01'],
    ['northwind/ledger', 'release/2025-03-hotfix.1'],
  ])('%s %s is the same resource raw and percent-encoded', async (project, tag) => {
    const raw = await getJson(`/api/v1/projects/${project}/releases/${tag}`);
    const encoded = await getJson(`/api/v1/projects/${project}/releases/${encodeURIComponent(tag)}`);
    expect(raw.body.tag).toBe(tag);
    expect(encoded.body).toEqual(raw.body);
    expect(encoded.res.headers.get('etag')).toBe(raw.res.headers.get('etag'));
  });

  it('a tag that does not exist → 404 problem', async () => {
    await problem(await api('/api/v1/projects/acme/ui/releases/@acme/ui@9.9.9'), 404);
  });
});

describe('releases/latest', () => {
  it.each(['acme/rocket', 'acme/ui', 'northwind/ledger', 'octo-org/hello-api'])(
    '%s → 307 to its newest published non-prerelease (percent-encoded), query kept',
    async (project) => {
      const newest = (await getJson<Json[]>(`/api/v1/projects/${project}/releases?prerelease=false&limit=1`)).body[0]!;
      const res = await api(`/api/v1/projects/${project}/releases/latest?representation=brief`);
      expect(res.status).toBe(307);
      expect(res.headers.get('location')).toBe(`/api/v1/projects/${project}/releases/${encodeURIComponent(newest.tag as string)}?representation=brief`);
      const followed = await getJson(res.headers.get('location')!);
      expect(followed.body).toMatchObject({ tag: newest.tag, prerelease: false });
    },
  );

  it('v2 redirects within v2, and the draft is never latest even for a token', async () => {
    const res = await api('/api/v2/projects/acme/rocket/releases/latest', { token: reader.token });
    expect(res.status).toBe(307);
    expect(res.headers.get('location')).toBe('/api/v2/projects/acme/rocket/releases/v3.5.0');
  });

  it('an unknown project → 404 problem', async () => {
    await problem(await api('/api/v1/projects/acme/nope/releases/latest'), 404);
  });
});

describe('drafts are visible only with a token', () => {
  it('anonymous 404, read token 200', async () => {
    await problem(await api(`/api/v1${REL}/v3.6.0`), 404);
    const { res, body } = await getJson(`/api/v1${REL}/v3.6.0`, { token: reader.token });
    expect(body).toMatchObject({ tag: 'v3.6.0', draft: true, publishedAt: null });
    expect(res.headers.get('cache-control')).toBe('no-store');
  });
});

describe('every error is a problem document with the request id', () => {
  it.each<[string, string, Record<string, string>, number]>([
    ['unknown project', '/api/v1/projects/nobody/nothing', {}, 404],
    ['unknown release', `/api/v2${REL}/v99.0.0`, {}, 404],
    ['bad limit', `/api/v2${REL}?limit=1000`, {}, 400],
    ['not acceptable', `/api/v2${REL}`, { Accept: 'image/png' }, 406],
    ['bad Authorization scheme', `/api/v2${REL}`, { Authorization: 'Basic Zm9vOmJhcg==' }, 401],
    ['unknown token', `/api/v2${REL}`, { Authorization: 'Bearer shp_unknown' }, 401],
    ['unknown version', '/api/projects', { 'API-Version': '5' }, 400],
  ])('%s → %i', async (_n, path, headers, status) => {
    const res = await api(path, { headers });
    await problem(res, status);
    const echoed = await api(path, { headers: { ...headers, 'X-Request-Id': 'rest-it-trace-1' } });
    expect(echoed.headers.get('x-request-id')).toBe('rest-it-trace-1');
    expect(((await problem(echoed, status)) as Json).requestId).toBe('rest-it-trace-1');
  });
});
