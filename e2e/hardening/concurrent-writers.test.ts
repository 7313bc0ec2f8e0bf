// 50 concurrent writers on one release, each reading it and writing back with If-Match: every answer
// is 2xx or 412, the successful writes form one unbroken chain of versions (each built on the one
// before), the final state is the last successful write, and the outbox holds exactly one event per
// successful write — nothing lost, nothing doubled.
import http from 'node:http';
import { api, base, createProject, createToken, deleteProject, getJson, releaseUrl, revokeToken, type CreatedToken, type Json, type TestProject } from '../api/rest-helpers';

const WRITERS = 50;
const versionOf = (etag: string) => Number(/^"[a-z]+\d+\.v(\d+)-/.exec(etag)?.[1]);
let p: TestProject;
let writer: CreatedToken;

beforeAll(async () => {
  writer = await createToken(['read', 'write']);
  p = await createProject(writer.token);
});
afterAll(async () => {
  await deleteProject(p, writer.token);
  await revokeToken(writer);
});

/** Collects the live stream's event ids and types for one tag until stopped. */
function listen(project: TestProject, tag: string): { ready: Promise<void>; stop(): { id: number; event: string }[] } {
  const seen: { id: number; event: string }[] = [];
  let buffer = '';
  let req: http.ClientRequest;
  const ready = new Promise<void>((resolve, reject) => {
    req = http.get(`${base()}/api/v1/stream?project=${project.owner}/${project.repo}`, (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let i;
        while ((i = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, i);
          buffer = buffer.slice(i + 2);
          if (block.startsWith('retry:')) resolve();
          const id = /^id: (\d+)$/m.exec(block)?.[1];
          const event = /^event: (.+)$/m.exec(block)?.[1];
          const data = /^data: (.+)$/m.exec(block)?.[1];
          if (id && event && data && (JSON.parse(data) as { tag: string }).tag === tag) seen.push({ id: Number(id), event });
        }
      });
    });
    req.on('error', reject);
  });
  return {
    ready,
    stop: () => {
      req.destroy();
      return seen;
    },
  };
}

it(`${WRITERS} concurrent read-modify-writes with If-Match: 2xx or 412 each, one unbroken chain, nothing lost`, async () => {
  const tag = `race-${Date.now().toString(36)}`;
  const created = await api(`/api/v1${p.path}/releases`, { method: 'POST', token: writer.token, json: { tag, name: 'start', body: 'base' } });
  expect(created.status).toBe(201);
  const startVersion = versionOf(created.headers.get('etag')!);
  await created.arrayBuffer();
  const stream = listen(p, tag);
  await stream.ready;
  await new Promise((r) => setTimeout(r, 300)); // subscribed (the preamble is written before subscribing)

  const url = releaseUrl('1', p, tag);
  const results = await Promise.all(
    Array.from({ length: WRITERS }, async (_, i) => {
      await new Promise((r) => setTimeout(r, Math.random() * 60)); // spread the reads, so some writes build on others
      const got = await api(url, { token: writer.token });
      expect(got.status).toBe(200);
      const etag = got.headers.get('etag')!;
      const current = (await got.json()) as Json;
      const marker = `w${i}`;
      // Half merge-patch the changed fields; half PUT the whole document back.
      const res =
        i % 2
          ? await api(url, {
              method: 'PATCH',
              token: writer.token,
              headers: { 'Content-Type': 'application/merge-patch+json', 'If-Match': etag },
              body: JSON.stringify({ name: marker, body: `${current.body as string}|${marker}` }),
            })
          : await api(url, {
              method: 'PUT',
              token: writer.token,
              headers: { 'If-Match': etag },
              json: {
                tag,
                name: marker,
                body: `${current.body as string}|${marker}`,
                url: null,
                publishedAt: current.publishedAt,
                prerelease: false,
                draft: false,
                hidden: false,
                author: null,
              },
            });
      const body = (await res.json()) as Json;
      return { i, marker, read: versionOf(etag), status: res.status, version: res.status === 200 ? versionOf(res.headers.get('etag')!) : undefined, body };
    }),
  );

  // Every writer got a success or a clean precondition failure.
  for (const r of results) {
    expect([200, 412]).toContain(r.status);
    if (r.status === 412) expect(r.body).toMatchObject({ status: 412, type: '/problems/precondition-failed' });
  }
  const wins = results.filter((r) => r.status === 200).sort((a, b) => a.version! - b.version!);
  expect(wins.length).toBeGreaterThanOrEqual(1);
  // One unbroken chain: versions startVersion+1 … startVersion+wins, each write made on the version before it.
  expect(wins.map((w) => w.version)).toEqual(wins.map((_, k) => startVersion + 1 + k));
  for (const w of wins) expect(w.read).toBe(w.version! - 1);

  // The final state is the last successful write, and holds every successful writer's change in order.
  const last = wins[wins.length - 1]!;
  const { res, body } = await getJson(url, { token: writer.token });
  expect(versionOf(res.headers.get('etag')!)).toBe(last.version);
  expect(body).toMatchObject({ name: last.marker, body: ['base', ...wins.map((w) => w.marker)].join('|') });
  expect(body).toEqual(last.body);

  // The outbox: exactly one release.updated per successful write, in commit order.
  await new Promise((r) => setTimeout(r, 1_000));
  const events = stream.stop().filter((e) => e.event === 'release.updated');
  expect(events).toHaveLength(wins.length);
  expect(events.map((e) => e.id)).toEqual([...events.map((e) => e.id)].sort((a, b) => a - b));
});
