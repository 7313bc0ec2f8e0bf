// Writes over real HTTP on a project of our own: POST/PUT validation, merge patch and JSON Patch,
// If-Match, renames, conflicts and DELETE.
import { adminToken, api, createProject, createRelease, deleteProject, getJson, MERGE, problem, releaseUrl, tags, unique, type Json, type TestProject } from './rest-helpers';

const JSON_PATCH = { 'Content-Type': 'application/json-patch+json' };

let p: TestProject;
beforeAll(async () => {
  p = await createProject();
});
afterAll(() => deleteProject(p));

const fullV1 = (tag: string): Json => ({
  tag,
  name: `Release ${tag}`,
  url: `https://example.com/${encodeURIComponent(tag)}`,
  publishedAt: '2026-02-03T04:05:06.000Z',
  prerelease: false,
  draft: false,
  hidden: false,
  author: { login: 'octocat', avatarUrl: null, url: 'https://github.com/octocat' },
  body: `Notes for **${tag}**`,
});
const newTag = () => unique('v');
const patch = (tag: string, body: unknown, headers: Record<string, string> = MERGE, version: '1' | '2' = '1') =>
  api(releaseUrl(version, p, tag), { method: 'PATCH', token: adminToken(), headers, body: JSON.stringify(body) });

describe('POST a release', () => {
  it('201 with Location, ETag and the full representation; the Location serves the same ETag', async () => {
    const tag = `it/${newTag()}`;
    const res = await api(`/api/v1${p.path}/releases`, { method: 'POST', token: adminToken(), json: fullV1(tag) });
    expect(res.status).toBe(201);
    const body = (await res.json()) as Json;
    expect(body).toMatchObject({ ...fullV1(tag), project: `${p.owner}/${p.repo}`, source: 'manual', reactions: expect.objectContaining({ total: 0 }) });
    expect(res.headers.get('location')).toBe(releaseUrl('1', p, tag));
    const got = await api(res.headers.get('location')!, { token: adminToken() });
    expect(got.status).toBe(200);
    expect(got.headers.get('etag')).toBe(res.headers.get('etag'));
  });

  it('only tag is required: defaults to published now, not a draft, not hidden', async () => {
    const before = Date.now();
    const { body } = await createRelease(p, { tag: newTag() });
    expect(body).toMatchObject({ name: null, body: '', prerelease: false, draft: false, hidden: false, author: null, url: null });
    expect(Date.parse(body.publishedAt as string)).toBeGreaterThanOrEqual(before - 5_000);
  });

  it.each<[string, number, unknown, Record<string, string>, string | undefined]>([
    ['a draft with publishedAt', 422, { tag: 'd1', draft: true, publishedAt: '2026-01-01T00:00:00Z' }, {}, '/publishedAt'],
    ['the reserved tag "latest"', 422, { tag: 'latest' }, {}, '/tag'],
    ['no tag', 422, { name: 'x' }, {}, '/tag'],
    ['an unknown field', 422, { tag: 'u1', colour: 'red' }, {}, '/colour'],
    ['a bad url', 422, { tag: 'u2', url: 'not a url' }, {}, '/url'],
    // A tag of "." or ".." could never be addressed: URL normalisation turns …/releases/. into …/releases.
    ['the tag "."', 422, { tag: '.' }, {}, '/tag'],
    ['the tag ".."', 422, { tag: '..' }, {}, '/tag'],
    ['malformed JSON', 400, '{"tag":', {}, undefined],
    ['text/plain', 415, 'tag=x', { 'Content-Type': 'text/plain' }, undefined],
  ])('%s → %i', async (_n, status, body, headers, pointer) => {
    const payload = typeof body === 'string' ? body : JSON.stringify(body);
    const res = await api(`/api/v1${p.path}/releases`, { method: 'POST', token: adminToken(), headers: { 'Content-Type': 'application/json', ...headers }, body: payload });
    const prob = await problem(res, status);
    if (pointer) expect(prob.errors!.map((e) => e.pointer)).toContain(pointer);
  });

  it('v2 takes notes.markdown and answers notes.html', async () => {
    const tag = newTag();
    const res = await api(`/api/v2${p.path}/releases`, { method: 'POST', token: adminToken(), json: { tag, notes: { markdown: '**bold**' } } });
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe(releaseUrl('2', p, tag));
    expect(await res.json()).toMatchObject({ tag, notes: { markdown: '**bold**', html: expect.stringContaining('<strong>bold</strong>') } });
    expect((await getJson(releaseUrl('1', p, tag))).body.body).toBe('**bold**');
  });

  it('a tag already taken → 409', async () => {
    const tag = newTag();
    await createRelease(p, { tag });
    const res = await api(`/api/v1${p.path}/releases`, { method: 'POST', token: adminToken(), json: { tag } });
    expect(await problem(res, 409)).toMatchObject({ type: '/problems/tag-taken', errors: [{ pointer: '/tag' }] });
  });

  it('POST to an unknown project → 404', async () => {
    await problem(await api('/api/v1/projects/nobody-here/none/releases', { method: 'POST', token: adminToken(), json: { tag: 'v1' } }), 404);
  });
});

describe('PUT replaces the whole release', () => {
  const required = Object.keys(fullV1('x'));
  it.each(required)('without %s → 422 with a pointer to it', async (field) => {
    const tag = newTag();
    await createRelease(p, fullV1(tag));
    const doc = fullV1(tag);
    delete doc[field];
    const res = await api(releaseUrl('1', p, tag), { method: 'PUT', token: adminToken(), json: doc });
    expect((await problem(res, 422)).errors).toEqual([{ pointer: `/${field}`, detail: 'is required' }]);
  });

  it('an empty object names every missing field (v2 names notes)', async () => {
    const tag = newTag();
    await createRelease(p, { tag });
    const res = await api(releaseUrl('2', p, tag), { method: 'PUT', token: adminToken(), json: {} });
    const pointers = (await problem(res, 422)).errors!.map((e) => e.pointer).sort();
    expect(pointers).toEqual(['/author', '/draft', '/hidden', '/name', '/notes', '/prerelease', '/publishedAt', '/tag', '/url']);
  });

  it('a full document → 200, every field replaced; a draft with publishedAt → 422', async () => {
    const tag = newTag();
    await createRelease(p, { tag, name: 'old', body: 'old body' });
    const doc = { ...fullV1(tag), name: 'new', body: 'new body', prerelease: true, author: null };
    const res = await api(releaseUrl('1', p, tag), { method: 'PUT', token: adminToken(), json: doc });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject(doc);
    const draft = await api(releaseUrl('1', p, tag), { method: 'PUT', token: adminToken(), json: { ...doc, draft: true } });
    expect((await problem(draft, 422)).errors).toEqual([expect.objectContaining({ pointer: '/publishedAt' })]);
  });
});

describe('PATCH', () => {
  it('merge patch changes one field and leaves the others', async () => {
    const tag = newTag();
    const { body: before } = await createRelease(p, fullV1(tag));
    const res = await patch(tag, { body: 'changed' });
    expect(res.status).toBe(200);
    const after = (await res.json()) as Json;
    const { body: stored } = await getJson(releaseUrl('1', p, tag), { token: adminToken() });
    for (const doc of [after, stored]) {
      expect(doc).toMatchObject({ ...before, body: 'changed', updatedAt: expect.any(String), reactions: expect.any(Object) });
    }
    expect(stored.updatedAt).not.toBe(before.updatedAt);
  });

  it.each([
    ['name', '1'],
    ['url', '1'],
    ['author', '1'],
    ['name', '2'],
  ] as const)('merge patch null removes the nullable %s (v%s) → 200 with null', async (field, version) => {
    const tag = newTag();
    await createRelease(p, fullV1(tag));
    const res = await patch(tag, { [field]: null }, MERGE, version);
    expect(res.status).toBe(200);
    expect(((await res.json()) as Json)[field]).toBeNull();
    const { body } = await getJson(releaseUrl(version, p, tag), { token: adminToken() });
    expect(body[field]).toBeNull();
    expect(body.tag).toBe(tag);
  });

  it('merge patch null on a project’s nullable description → 200 with null', async () => {
    const q = await createProject();
    try {
      const set = await api(`/api/v1${q.path}`, { method: 'PATCH', token: adminToken(), headers: MERGE, body: '{"description":"temp"}' });
      expect(set.status).toBe(200);
      const res = await api(`/api/v1${q.path}`, { method: 'PATCH', token: adminToken(), headers: MERGE, body: '{"description":null}' });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ description: null, name: `Test ${q.repo}` });
    } finally {
      await deleteProject(q);
    }
  });

  it('merge patch of a nested member (v2 notes.markdown) keeps the rest', async () => {
    const tag = newTag();
    await createRelease(p, fullV1(tag));
    const res = await patch(tag, { notes: { markdown: '# Hello' } }, MERGE, '2');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ name: `Release ${tag}`, notes: { markdown: '# Hello', html: expect.stringContaining('<h2') } });
  });

  it('JSON Patch replace applies; a failing test op → 409 and changes nothing', async () => {
    const tag = newTag();
    await createRelease(p, fullV1(tag));
    const ok = await patch(
      tag,
      [
        { op: 'test', path: '/name', value: `Release ${tag}` },
        { op: 'replace', path: '/name', value: 'Renamed' },
      ],
      JSON_PATCH,
    );
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as Json).name).toBe('Renamed');
    const bad = await patch(
      tag,
      [
        { op: 'test', path: '/name', value: 'Something else' },
        { op: 'replace', path: '/body', value: 'never' },
      ],
      JSON_PATCH,
    );
    expect(await problem(bad, 409)).toMatchObject({ type: '/problems/patch-test-failed', errors: [{ pointer: '/0' }] });
    const { body } = await getJson(releaseUrl('1', p, tag), { token: adminToken() });
    expect(body).toMatchObject({ name: 'Renamed', body: `Notes for **${tag}**` });
  });

  it.each<[string, unknown, number]>([
    ['an invalid operation', [{ op: 'frobnicate', path: '/name' }], 422],
    ['a non-array document', { op: 'replace', path: '/name', value: 'x' }, 422],
    ['removing a required field', [{ op: 'remove', path: '/tag' }], 422],
  ])('JSON Patch with %s → %i', async (_n, body, status) => {
    const tag = newTag();
    await createRelease(p, { tag });
    await problem(await patch(tag, body, JSON_PATCH), status);
  });

  it.each(['text/plain', 'application/json'])('PATCH as %s → 415 with Accept-Patch', async (type) => {
    const tag = newTag();
    await createRelease(p, { tag });
    const res = await patch(tag, { name: 'x' }, { 'Content-Type': type });
    expect(res.headers.get('accept-patch')).toBe('application/merge-patch+json, application/json-patch+json');
    await problem(res, 415);
  });

  it('making it a draft by merge patch unpublishes it (publishedAt null, anonymous 404)', async () => {
    const tag = newTag();
    await createRelease(p, { tag });
    const res = await patch(tag, { draft: true });
    expect(await res.json()).toMatchObject({ draft: true, publishedAt: null });
    await problem(await api(releaseUrl('1', p, tag)), 404);
  });
});

describe('If-Match', () => {
  it('matching → 200 and a new ETag that is current; the old one is then stale → 412', async () => {
    const tag = newTag();
    const { etag } = await createRelease(p, fullV1(tag));
    const res = await patch(tag, { name: 'first' }, { ...MERGE, 'If-Match': etag });
    expect(res.status).toBe(200);
    const next = res.headers.get('etag')!;
    expect(next).toMatch(/^"rel\d+\.v\d+-/);
    expect(next).not.toBe(etag);
    const stale = await patch(tag, { name: 'second' }, { ...MERGE, 'If-Match': etag });
    expect(await problem(stale, 412)).toMatchObject({ errors: [{ header: 'If-Match' }] });
    const get = await api(releaseUrl('1', p, tag), { token: adminToken(), headers: { 'If-None-Match': next } });
    expect(get.status).toBe(304);
    const ok = await patch(tag, { name: 'second' }, { ...MERGE, 'If-Match': next });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as Json).name).toBe('second');
  });

  it.each<[string, number, (etag: string) => string]>([
    ['a weak validator', 412, (e) => `W/${e}`],
    ['garbage', 412, () => 'nonsense'],
    ['*', 200, () => '*'],
    ['a list holding the current ETag second (RFC 9110: any may match)', 200, (e) => `"v999-x", ${e}`],
    ['a list holding the current ETag first', 200, (e) => `${e}, "v999-x"`],
  ])('If-Match with %s → %i', async (_n, status, make) => {
    const tag = newTag();
    const { etag } = await createRelease(p, { tag });
    const res = await patch(tag, { name: 'x' }, { ...MERGE, 'If-Match': make(etag) });
    if (status === 200) expect(res.status).toBe(200);
    else await problem(res, status);
  });

  it('the ETag of any representation (brief) of the current state is good for If-Match', async () => {
    const tag = newTag();
    await createRelease(p, fullV1(tag));
    const brief = await api(releaseUrl('2', p, tag), { headers: { Accept: 'application/vnd.shiplog.release.brief+json' } });
    const res = await patch(tag, { name: 'via brief' }, { ...MERGE, 'If-Match': brief.headers.get('etag')! });
    expect(res.status).toBe(200);
  });

  it('the ETag of another release (same row version) is not a match → 412', async () => {
    const [a, b] = [newTag(), newTag()];
    const { etag: etagOfA } = await createRelease(p, fullV1(a));
    const { etag: etagOfB } = await createRelease(p, fullV1(b));
    expect(etagOfA).not.toBe(etagOfB);
    await problem(await patch(b, { name: 'written with A’s ETag' }, { ...MERGE, 'If-Match': etagOfA }), 412);
    expect((await getJson(releaseUrl('1', p, b))).body.name).toBe(`Release ${b}`);
  });

  it('stale If-Match on PUT and DELETE → 412 and nothing changes', async () => {
    const tag = newTag();
    const { etag } = await createRelease(p, fullV1(tag));
    await (await patch(tag, { name: 'moved on' })).arrayBuffer();
    await problem(await api(releaseUrl('1', p, tag), { method: 'PUT', token: adminToken(), headers: { 'If-Match': etag }, json: fullV1(tag) }), 412);
    await problem(await api(releaseUrl('1', p, tag), { method: 'DELETE', token: adminToken(), headers: { 'If-Match': etag } }), 412);
    expect((await getJson(releaseUrl('1', p, tag), { token: adminToken() })).body.name).toBe('moved on');
  });
});

describe('renaming, conflicts and deletion', () => {
  it('PATCH {tag} renames: 200 + Content-Location; old URL 404, new URL 200', async () => {
    const from = `it/${newTag()}`;
    const to = `it/renamed/${newTag()}`;
    await createRelease(p, fullV1(from));
    const res = await patch(from, { tag: to });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-location')).toBe(releaseUrl('1', p, to));
    expect(((await res.json()) as Json).tag).toBe(to);
    await problem(await api(releaseUrl('1', p, from)), 404);
    expect((await getJson(`/api/v1${p.path}/releases/${to}`)).body).toMatchObject({ tag: to, name: `Release ${from}` });
  });

  it('renaming onto an existing tag → 409, both unchanged', async () => {
    const [a, b] = [newTag(), newTag()];
    await createRelease(p, { tag: a });
    await createRelease(p, { tag: b });
    expect(await problem(await patch(a, { tag: b }), 409)).toMatchObject({ type: '/problems/tag-taken' });
    const { body } = await getJson<Json[]>(`/api/v1${p.path}/releases?tag_prefix=${a}`);
    expect(tags(body)).toEqual([a]);
  });

  it('DELETE → 204, again → 404, GET → 404', async () => {
    const tag = `del/${newTag()}`;
    await createRelease(p, { tag });
    const res = await api(`/api/v1${p.path}/releases/${tag}`, { method: 'DELETE', token: adminToken() });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
    await problem(await api(releaseUrl('2', p, tag), { method: 'DELETE', token: adminToken() }), 404);
    await problem(await api(releaseUrl('2', p, tag)), 404);
  });
});

describe('releases/latest follows the writes', () => {
  it('404 with no release, 404 with only a prerelease, then the newest published stable one — never a draft or hidden one', async () => {
    const q = await createProject();
    try {
      const latest = () => api(`/api/v1${q.path}/releases/latest`);
      await problem(await latest(), 404);
      await createRelease(q, { tag: 'v1.0.0-rc.1', prerelease: true, publishedAt: '2026-01-01T00:00:00Z' });
      await problem(await latest(), 404);
      await createRelease(q, { tag: 'v1.0.0', publishedAt: '2026-01-02T00:00:00Z' });
      await createRelease(q, { tag: 'v1.1.0-rc.1', prerelease: true, publishedAt: '2026-01-03T00:00:00Z' });
      await createRelease(q, { tag: 'v2.0.0', draft: true });
      await createRelease(q, { tag: 'v1.0.1', hidden: true, publishedAt: '2026-01-04T00:00:00Z' });
      const res = await latest();
      expect(res.status).toBe(307);
      expect(res.headers.get('location')).toBe(releaseUrl('1', q, 'v1.0.0'));
      await createRelease(q, { tag: 'pkg/v1.2.0', publishedAt: '2026-01-05T00:00:00Z' });
      expect((await latest()).headers.get('location')).toBe(releaseUrl('1', q, 'pkg/v1.2.0'));
    } finally {
      await deleteProject(q);
    }
  });
});
