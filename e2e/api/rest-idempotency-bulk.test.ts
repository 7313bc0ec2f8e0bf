// Writes over real HTTP on a project of our own: Idempotency-Key on POSTs, reactions and the bulk
// "hide" PATCH on a filtered collection.
import {
  adminToken,
  api,
  createProject,
  createRelease,
  createToken,
  deleteProject,
  getJson,
  MERGE,
  problem,
  releaseUrl,
  revokeToken,
  tags,
  unique,
  type CreatedToken,
  type Json,
  type TestProject,
} from './rest-helpers';

let p: TestProject;
let reader: CreatedToken;
beforeAll(async () => {
  p = await createProject();
  reader = await createToken(['read']);
});
afterAll(async () => {
  await deleteProject(p);
  await revokeToken(reader);
});

const newTag = () => unique('v');

describe('Idempotency-Key', () => {
  it('same key, same body: both 201, one release, the second replayed with the same body and Location', async () => {
    const key = unique('idem');
    const doc = { tag: newTag(), name: 'once' };
    const send = () => api(`/api/v1${p.path}/releases`, { method: 'POST', token: adminToken(), headers: { 'Idempotency-Key': key }, json: doc });
    const first = await send();
    const second = await send();
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.headers.get('location')).toBe(first.headers.get('location'));
    expect(second.headers.get('etag')).toBe(first.headers.get('etag'));
    expect(await second.json()).toEqual(await first.json());
    const { body } = await getJson<Json[]>(`/api/v1${p.path}/releases?tag_prefix=${doc.tag}`, { token: adminToken() });
    expect(body).toHaveLength(1);
  });

  it('same key, different body → 422 and nothing created', async () => {
    const key = unique('idem');
    const a = newTag();
    const b = newTag();
    const first = await api(`/api/v1${p.path}/releases`, { method: 'POST', token: adminToken(), headers: { 'Idempotency-Key': key }, json: { tag: a } });
    expect(first.status).toBe(201);
    const second = await api(`/api/v1${p.path}/releases`, { method: 'POST', token: adminToken(), headers: { 'Idempotency-Key': key }, json: { tag: b } });
    expect(await problem(second, 422)).toMatchObject({ type: '/problems/idempotency-key-reused', errors: [{ header: 'Idempotency-Key' }] });
    await problem(await api(releaseUrl('1', p, b), { token: adminToken() }), 404);
  });

  it('a failed request frees its key for a corrected retry', async () => {
    const key = unique('idem');
    const tag = newTag();
    const bad = await api(`/api/v1${p.path}/releases`, { method: 'POST', token: adminToken(), headers: { 'Idempotency-Key': key }, json: { tag: 'latest' } });
    await problem(bad, 422);
    const res = await api(`/api/v1${p.path}/releases`, { method: 'POST', token: adminToken(), headers: { 'Idempotency-Key': key }, json: { tag } });
    expect(res.status).toBe(201);
  });

  it.each([
    ['with a space', 'a b'],
    ['too long', 'x'.repeat(256)],
    ['not ASCII', 'clé'],
  ])('a malformed key (%s) → 400 naming the header, nothing created', async (_n, key) => {
    const tag = newTag();
    const res = await api(`/api/v1${p.path}/releases`, { method: 'POST', token: adminToken(), headers: { 'Idempotency-Key': key }, json: { tag } });
    expect((await problem(res, 400)).errors).toEqual([expect.objectContaining({ header: 'Idempotency-Key' })]);
    await problem(await api(releaseUrl('1', p, tag), { token: adminToken() }), 404);
  });

  it('a reaction POSTed twice with the same key counts once', async () => {
    const tag = newTag();
    await createRelease(p, { tag });
    const key = unique('idem');
    const send = () => api(`${releaseUrl('1', p, tag)}/reactions`, { method: 'POST', token: adminToken(), headers: { 'Idempotency-Key': key }, json: { content: 'heart' } });
    const [a, b] = [await send(), await send()];
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(b.headers.get('idempotent-replayed')).toBe('true');
    const { body } = await getJson(`${releaseUrl('1', p, tag)}/reactions`);
    expect(body).toMatchObject({ heart: 1, total: 1 });
  });
});

describe('reactions', () => {
  it('POST increments the counts, visible on …/reactions and on the release (tags with slashes too)', async () => {
    const tag = `pkg/${newTag()}`;
    await createRelease(p, { tag });
    const url = `/api/v2${p.path}/releases/${tag}/reactions`;
    const first = await api(url, { method: 'POST', token: adminToken(), json: { content: 'rocket' } });
    expect(first.status).toBe(201);
    expect(await first.json()).toEqual({ content: 'rocket', reactions: { '+1': 0, laugh: 0, hooray: 0, heart: 0, rocket: 1, eyes: 0, total: 1 } });
    for (const content of ['rocket', '+1']) {
      expect((await api(url, { method: 'POST', token: adminToken(), json: { content } })).status).toBe(201);
    }
    expect((await getJson(url)).body).toEqual({ '+1': 1, laugh: 0, hooray: 0, heart: 0, rocket: 2, eyes: 0, total: 3 });
    expect((await getJson(releaseUrl('2', p, tag))).body.reactions).toEqual({ '+1': 1, laugh: 0, hooray: 0, heart: 0, rocket: 2, eyes: 0, total: 3 });
  });

  it.each<[string, unknown, number]>([
    ['an unknown reaction', { content: 'thumbsdown' }, 422],
    ['an extra member', { content: 'eyes', extra: 1 }, 422],
  ])('%s → %i', async (_n, body, status) => {
    const tag = newTag();
    await createRelease(p, { tag });
    await problem(await api(`${releaseUrl('1', p, tag)}/reactions`, { method: 'POST', token: adminToken(), json: body }), status);
  });

  it('a draft takes no reactions (404)', async () => {
    const tag = newTag();
    await createRelease(p, { tag, draft: true });
    await problem(await api(`${releaseUrl('1', p, tag)}/reactions`, { method: 'POST', token: adminToken(), json: { content: 'eyes' } }), 404);
  });
});

describe('bulk PATCH on the collection', () => {
  it('hides every prerelease: {matched, changed}; hidden releases 404 anonymously, show to a read token; again → changed 0', async () => {
    const q = await createProject();
    try {
      const pre = [newTag(), newTag()];
      const stable = newTag();
      for (const tag of pre) await createRelease(q, { tag, prerelease: true });
      await createRelease(q, { tag: stable });
      const bulk = () => api(`/api/v1${q.path}/releases?prerelease=true`, { method: 'PATCH', token: adminToken(), headers: MERGE, body: JSON.stringify({ hidden: true }) });
      const res = await bulk();
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ matched: 2, changed: 2 });
      for (const tag of pre) {
        await problem(await api(releaseUrl('1', q, tag)), 404);
        expect((await getJson(releaseUrl('1', q, tag), { token: reader.token })).body).toMatchObject({ tag, hidden: true });
      }
      expect(tags((await getJson<Json[]>(`/api/v1${q.path}/releases`)).body)).toEqual([stable]);
      expect(tags((await getJson<Json[]>(`/api/v1${q.path}/releases?hidden=true&sort_by=tag`, { token: reader.token })).body)).toEqual([...pre].sort());
      const again = await bulk();
      expect(await again.json()).toEqual({ matched: 2, changed: 0 });
    } finally {
      await deleteProject(q);
    }
  });

  it.each<[string, string, Record<string, string>, string, number]>([
    ['application/json', '?prerelease=true', { 'Content-Type': 'application/json' }, '{"hidden":true}', 415],
    ['an empty change', '?prerelease=true', MERGE, '{}', 422],
    ['an unknown member', '', MERGE, '{"name":"x"}', 422],
    ['an unknown filter', '?colour=red', MERGE, '{"hidden":true}', 400],
  ])('%s → %i', async (_n, query, headers, body, status) => {
    const res = await api(`/api/v1${p.path}/releases${query}`, { method: 'PATCH', token: adminToken(), headers, body });
    await problem(res, status);
    if (status === 415) expect(res.headers.get('accept-patch')).toBe('application/merge-patch+json');
  });
});
