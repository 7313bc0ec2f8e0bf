// Concurrent writers over real HTTP: optimistic concurrency with If-Match loses no update, atomic
// reaction counters, and concurrent retries with one Idempotency-Key create one release.
// Uses its own write token so its burst of writes has its own rate-limit bucket.
import {
  api,
  createProject,
  createRelease,
  createToken,
  deleteProject,
  getJson,
  MERGE,
  releaseUrl,
  revokeToken,
  unique,
  type CreatedToken,
  type Json,
  type TestProject,
} from './rest-helpers';

let p: TestProject;
let writer: CreatedToken;

beforeAll(async () => {
  writer = await createToken(['write']);
  p = await createProject(writer.token);
});
afterAll(async () => {
  await deleteProject(p, writer.token);
  await revokeToken(writer);
});

const versionOf = (etag: string) => Number(/^"[a-z]+\d+\.v(\d+)-/.exec(etag)?.[1]);

describe('50 concurrent PATCHes holding the same ETag', () => {
  it('exactly one wins (200), the other 49 get 412, and the winner’s change is the one stored', async () => {
    const tag = unique('race');
    const { etag } = await createRelease(p, { tag, name: 'start', body: 'untouched' }, writer.token);
    const results = await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        const res = await api(releaseUrl('1', p, tag), {
          method: 'PATCH',
          token: writer.token,
          headers: { ...MERGE, 'If-Match': etag },
          body: JSON.stringify({ name: `c${i}` }),
        });
        const body = (await res.json()) as Json;
        return { i, status: res.status, body, etag: res.headers.get('etag') };
      }),
    );
    const winners = results.filter((r) => r.status === 200);
    const losers = results.filter((r) => r.status === 412);
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(49);
    for (const l of losers) expect(l.body).toMatchObject({ status: 412, type: '/problems/precondition-failed' });
    const winner = winners[0]!;
    const { res, body } = await getJson(releaseUrl('1', p, tag), { token: writer.token });
    expect(body).toMatchObject({ name: `c${winner.i}`, body: 'untouched' });
    expect(versionOf(res.headers.get('etag')!)).toBe(versionOf(etag) + 1);
    expect(versionOf(winner.etag!)).toBe(versionOf(etag) + 1);
  });
});

describe('20 clients each GET + PATCH with If-Match, retrying on 412', () => {
  it('every client’s marker ends up in the body exactly once', async () => {
    const tag = unique('loop');
    await createRelease(p, { tag, body: 'base' }, writer.token);
    const url = releaseUrl('1', p, tag);
    let attempts = 0;
    const client = async (i: number) => {
      for (let tries = 0; tries < 200; tries++) {
        const got = await api(url, { token: writer.token });
        expect(got.status).toBe(200);
        const etag = got.headers.get('etag')!;
        const current = ((await got.json()) as Json).body as string;
        attempts++;
        const res = await api(url, {
          method: 'PATCH',
          token: writer.token,
          headers: { ...MERGE, 'If-Match': etag },
          body: JSON.stringify({ body: `${current}|c${i}` }),
        });
        await res.arrayBuffer();
        if (res.status === 200) return tries;
        expect(res.status).toBe(412);
      }
      throw new Error(`client ${i} never got its write in`);
    };
    const retries = await Promise.all(Array.from({ length: 20 }, (_, i) => client(i)));
    const { res, body } = await getJson(url, { token: writer.token });
    const parts = (body.body as string).split('|');
    expect(parts[0]).toBe('base');
    expect(parts.slice(1).sort()).toEqual(Array.from({ length: 20 }, (_, i) => `c${i}`).sort());
    expect(versionOf(res.headers.get('etag')!)).toBe(21); // created as v1, then exactly 20 successful writes
    expect(attempts).toBe(20 + retries.reduce((a, b) => a + b, 0));
    expect(Math.max(...retries)).toBeGreaterThan(0); // they really did collide
  });
});

describe('concurrent counters and idempotent retries', () => {
  it('30 concurrent reactions are all counted', async () => {
    const tag = unique('react');
    await createRelease(p, { tag }, writer.token);
    const contents = ['+1', 'rocket', 'eyes'];
    const statuses = await Promise.all(
      Array.from({ length: 30 }, async (_, i) => {
        const res = await api(`${releaseUrl('2', p, tag)}/reactions`, { method: 'POST', token: writer.token, json: { content: contents[i % 3] } });
        await res.arrayBuffer();
        return res.status;
      }),
    );
    expect(statuses).toEqual(Array(30).fill(201));
    const { body } = await getJson(`${releaseUrl('2', p, tag)}/reactions`);
    expect(body).toMatchObject({ '+1': 10, rocket: 10, eyes: 10, total: 30 });
  });

  it('10 concurrent POSTs with one Idempotency-Key create one release; the others replay it or ask to retry', async () => {
    const key = unique('idem');
    const tag = unique('once');
    const responses = await Promise.all(
      Array.from({ length: 10 }, async () => {
        const res = await api(`/api/v1${p.path}/releases`, { method: 'POST', token: writer.token, headers: { 'Idempotency-Key': key }, json: { tag } });
        return { status: res.status, replayed: res.headers.get('idempotent-replayed'), retryAfter: res.headers.get('retry-after'), body: (await res.json()) as Json };
      }),
    );
    const created = responses.filter((r) => r.status === 201);
    expect(created.length).toBeGreaterThanOrEqual(1);
    expect(created.filter((r) => r.replayed === null)).toHaveLength(1);
    for (const r of responses.filter((x) => x.status !== 201)) {
      expect(r).toMatchObject({ status: 409, retryAfter: '1', body: { type: '/problems/idempotency-in-progress' } });
    }
    const ids = new Set(created.map((r) => r.body.id));
    expect(ids.size).toBe(1);
    const { body } = await getJson<Json[]>(`/api/v1${p.path}/releases?tag_prefix=${tag}`, { token: writer.token });
    expect(body).toHaveLength(1);
  });
});
