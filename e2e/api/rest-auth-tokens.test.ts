// Bearer tokens over real HTTP: 401 without or with an unknown token, 403 for a read-only token on
// writes (which still sees drafts), and the token lifecycle: create, list, use, revoke.
import {
  adminToken,
  api,
  createProject,
  createRelease,
  createToken,
  deleteProject,
  getJson,
  problem,
  releaseUrl,
  revokeToken,
  unique,
  type CreatedToken,
  type Json,
  type TestProject,
} from './rest-helpers';

let p: TestProject;
let tag: string;
let reader: CreatedToken;
let writer: CreatedToken;

beforeAll(async () => {
  p = await createProject();
  tag = unique('v');
  await createRelease(p, { tag, name: 'auth target' });
  reader = await createToken(['read']);
  writer = await createToken(['write']);
});
afterAll(async () => {
  await deleteProject(p);
  await revokeToken(reader);
  await revokeToken(writer);
});

const MERGE = 'application/merge-patch+json';
/** Every write the API has, against our own project. */
const writes = (): [string, string, string, string][] => [
  ['POST release', 'POST', `/api/v1${p.path}/releases`, JSON.stringify({ tag: unique('v') })],
  ['PUT release', 'PUT', releaseUrl('1', p, tag), JSON.stringify({ tag })],
  ['PATCH release', 'PATCH', releaseUrl('2', p, tag), JSON.stringify({ name: 'x' })],
  ['DELETE release', 'DELETE', releaseUrl('1', p, tag), ''],
  ['POST reaction', 'POST', `${releaseUrl('1', p, tag)}/reactions`, JSON.stringify({ content: 'eyes' })],
  ['bulk PATCH', 'PATCH', `/api/v1${p.path}/releases?prerelease=true`, JSON.stringify({ hidden: true })],
  ['POST project', 'POST', '/api/v1/projects', JSON.stringify({ owner: unique('it'), repo: 'x' })],
  ['PATCH project', 'PATCH', `/api/v2${p.path}`, JSON.stringify({ description: 'x' })],
  ['DELETE project', 'DELETE', `/api/v2${p.path}`, ''],
];
const WRITE_NAMES = ['POST release', 'PUT release', 'PATCH release', 'DELETE release', 'POST reaction', 'bulk PATCH', 'POST project', 'PATCH project', 'DELETE project'];
const write = (name: string) => writes().find((w) => w[0] === name)!;
const send = (method: string, path: string, body: string, headers: Record<string, string>) =>
  api(path, { method, headers: { 'Content-Type': method === 'PATCH' ? MERGE : 'application/json', ...headers }, ...(body ? { body } : {}) });

describe('writes need a bearer token with the write scope', () => {
  it.each(WRITE_NAMES)('%s without a token → 401 + WWW-Authenticate: Bearer', async (name) => {
    const [, method, path, body] = write(name);
    const res = await send(method, path, body, {});
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm="shiplog", scope="write"$/);
    const prob = await problem(res, 401);
    expect(prob.type).toBe('/problems/unauthorized');
  });

  it.each(WRITE_NAMES)('%s with an unknown token → 401 invalid_token', async (name) => {
    const [, method, path, body] = write(name);
    const res = await send(method, path, body, { Authorization: 'Bearer shp_this-token-does-not-exist' });
    expect(res.headers.get('www-authenticate')).toContain('error="invalid_token"');
    await problem(res, 401);
  });

  it.each(WRITE_NAMES)('%s with a read-only token → 403 insufficient_scope', async (name) => {
    const [, method, path, body] = write(name);
    const res = await send(method, path, body, { Authorization: `Bearer ${reader.token}` });
    expect(res.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
    expect((await problem(res, 403)).type).toBe('/problems/forbidden');
  });

  it('none of those attempts changed anything', async () => {
    const { body } = await getJson<Json[]>(`/api/v1${p.path}/releases`, { token: adminToken() });
    expect(body.map((r) => r.tag)).toEqual([tag]);
    expect(body[0]).toMatchObject({ name: 'auth target', hidden: false, reactions: expect.objectContaining({ total: 0 }) });
    expect((await getJson(`/api/v1${p.path}`)).body.description).toBeNull();
  });

  it('a malformed Authorization header → 401 invalid_request', async () => {
    const res = await send('POST', `/api/v1${p.path}/releases`, '{"tag":"x"}', { Authorization: 'Token abc' });
    expect(res.headers.get('www-authenticate')).toContain('error="invalid_request"');
    expect((await problem(res, 401)).errors).toEqual([expect.objectContaining({ header: 'Authorization' })]);
  });

  it('a write token writes', async () => {
    const created = await api(`/api/v1${p.path}/releases`, { method: 'POST', token: writer.token, json: { tag: unique('w') } });
    expect(created.status).toBe(201);
    const { tag: t } = (await created.json()) as { tag: string };
    const del = await api(releaseUrl('1', p, t), { method: 'DELETE', token: writer.token });
    expect(del.status).toBe(204);
  });
});

describe('a read token sees what anonymous readers do not', () => {
  it('drafts and hidden releases, singly and in lists (with private caching)', async () => {
    const draft = unique('d');
    await createRelease(p, { tag: draft, draft: true });
    await problem(await api(releaseUrl('1', p, draft)), 404);
    const single = await getJson(releaseUrl('1', p, draft), { token: reader.token });
    expect(single.body).toMatchObject({ tag: draft, draft: true });
    expect(single.res.headers.get('cache-control')).toBe('no-store');

    const anon = await getJson<Json[]>(`/api/v1/projects/acme/rocket/releases?limit=100`);
    const all = await getJson<Json[]>(`/api/v1/projects/acme/rocket/releases?limit=100`, { token: reader.token });
    expect(anon.res.headers.get('x-total-count')).toBe('41');
    expect(all.res.headers.get('x-total-count')).toBe('42');
    expect(all.body.filter((r) => r.draft).map((r) => r.tag)).toEqual(['v3.6.0']);
    expect(anon.res.headers.get('etag')).not.toBe(all.res.headers.get('etag'));
    expect(anon.res.headers.get('cache-control')).toMatch(/^public/);
    // The anonymous response is not served to the token holder from a cache, nor the other way round.
    expect((await getJson<Json[]>(`/api/v1/projects/acme/rocket/releases?limit=100`)).body).toHaveLength(41);
  });

  it('a revoked read token no longer reads (401), even for cached resources', async () => {
    const t = await createToken(['read']);
    expect((await api('/api/v1/projects/acme/rocket/releases/v3.6.0', { token: t.token })).status).toBe(200);
    await revokeToken(t);
    await problem(await api('/api/v1/projects/acme/rocket/releases/v3.6.0', { token: t.token }), 401);
  });
});

describe('the token lifecycle', () => {
  it('create → 201 with the secret once, Location, prefix; listed without secrets; used; revoked → 401', async () => {
    const name = unique('ci');
    const res = await api('/api/v1/tokens', { method: 'POST', token: adminToken(), json: { name, scopes: ['write'] } });
    expect(res.status).toBe(201);
    const created = (await res.json()) as { id: number; token: string; prefix: string } & Json;
    expect(created).toEqual({
      id: expect.any(Number),
      name,
      scopes: ['write'],
      prefix: expect.any(String),
      createdAt: expect.any(String),
      lastUsedAt: null,
      token: expect.stringMatching(/^shp_[A-Za-z0-9_-]{43}$/),
    });
    expect(created.token.startsWith(created.prefix)).toBe(true);
    expect(res.headers.get('location')).toBe(`/api/v1/tokens/${created.id}`);
    expect(res.headers.get('cache-control')).toBe('no-store');

    // Use it: a write, then it shows as used in the list.
    const made = await api(`/api/v2${p.path}/releases`, { method: 'POST', token: created.token, json: { tag: unique('lc') } });
    expect(made.status).toBe(201);

    const list = await api('/api/v2/tokens', { token: adminToken() });
    expect(list.status).toBe(200);
    const text = await list.text();
    expect(text).not.toContain(created.token);
    expect(text).not.toMatch(/tokenHash|token_hash|"token"/);
    const listed = (JSON.parse(text) as Json[]).find((t) => t.id === created.id)!;
    expect(listed).toEqual({ id: created.id, name, scopes: ['write'], prefix: created.prefix, createdAt: created.createdAt, lastUsedAt: expect.any(String) });

    const del = await api(`/api/v1/tokens/${created.id}`, { method: 'DELETE', token: adminToken() });
    expect(del.status).toBe(204);
    const after = await api(`/api/v2${p.path}/releases`, { method: 'POST', token: created.token, json: { tag: unique('lc') } });
    expect(after.headers.get('www-authenticate')).toContain('invalid_token');
    await problem(after, 401);
    await problem(await api(`/api/v1/tokens/${created.id}`, { method: 'DELETE', token: adminToken() }), 404);
    const again = (await getJson<Json[]>('/api/v1/tokens', { token: adminToken() })).body;
    expect(again.some((t) => t.id === created.id)).toBe(false);
  });

  it('a replayed token POST (same Idempotency-Key) never shows the secret again, and creates no second token', async () => {
    const key = unique('idem');
    const name = unique('replay');
    const send = () => api('/api/v1/tokens', { method: 'POST', token: adminToken(), headers: { 'Idempotency-Key': key }, json: { name, scopes: ['read'] } });
    const first = await send();
    const second = await send();
    expect([first.status, second.status]).toEqual([201, 201]);
    const a = (await first.json()) as Json;
    const b = (await second.json()) as Json;
    expect(a.token).toMatch(/^shp_/);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.headers.get('location')).toBe(first.headers.get('location'));
    expect(b).toMatchObject({ id: a.id, name, prefix: a.prefix, token: null });
    expect(JSON.stringify(b)).not.toContain(a.token as string);
    const listed = (await getJson<Json[]>('/api/v1/tokens', { token: adminToken() })).body.filter((t) => t.name === name);
    expect(listed).toHaveLength(1);
    await revokeToken({ id: a.id as number, token: '', prefix: '', location: '' });
  });

  it.each<[string, string, string, () => string | undefined, number]>([
    ['list, anonymous', 'GET', '/api/v1/tokens', () => undefined, 401],
    ['list, read token', 'GET', '/api/v1/tokens', () => reader.token, 403],
    ['list, write token', 'GET', '/api/v2/tokens', () => writer.token, 403],
    ['create, write token', 'POST', '/api/v1/tokens', () => writer.token, 403],
    ['revoke, write token', 'DELETE', '/api/v1/tokens/1', () => writer.token, 403],
    ['revoke, anonymous', 'DELETE', '/api/v1/tokens/1', () => undefined, 401],
  ])('%s → %i', async (_n, method, path, token, status) => {
    const res = await api(path, { method, token: token(), ...(method === 'POST' ? { json: { name: 'x', scopes: ['admin'] } } : {}) });
    await problem(res, status);
  });

  it.each<[string, unknown, string]>([
    ['an unknown scope', { name: 'x', scopes: ['root'] }, '/scopes/0'],
    ['no scopes', { name: 'x', scopes: [] }, '/scopes'],
    ['a repeated scope', { name: 'x', scopes: ['read', 'read'] }, '/scopes'],
    ['no name', { scopes: ['read'] }, '/name'],
  ])('create with %s → 422 pointing at %s', async (_n, body, pointer) => {
    const res = await api('/api/v1/tokens', { method: 'POST', token: adminToken(), json: body });
    expect((await problem(res, 422)).errors!.map((e) => e.pointer)).toContain(pointer);
  });

  it.each(['abc', '0', '999999999'])('DELETE /tokens/%s → 404', async (id) => {
    await problem(await api(`/api/v1/tokens/${id}`, { method: 'DELETE', token: adminToken() }), 404);
  });
});
