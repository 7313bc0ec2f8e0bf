// A storm of concurrent webhook deliveries — 5 per release: publish, edit, unpublish, delete — with
// duplicates and in shuffled order: every delivery is applied exactly once, deleted releases stay
// deleted (late publishes and edits included), the delivery log accounts for every request, and
// nothing answers 5xx. webhook-storm.test.ts: 500 deliveries across 100 releases, all at once;
// e2e/soak/storm-long.soak.ts: many more.
import { randomBytes, randomUUID } from 'node:crypto';
import { sign } from '../../lib/github/signature';
import { TEST_WEBHOOK_SECRET } from '../harness/server';

export interface StormTarget {
  url: string;
  adminToken: string;
}

let target: () => StormTarget = () => ({ url: process.env.SHIPLOG_TEST_URL!, adminToken: process.env.SHIPLOG_TEST_ADMIN_TOKEN! });
const base = () => target().url;
const admin = () => ({ authorization: `Bearer ${target().adminToken}` });
const owner = `storm-${randomBytes(3).toString('hex')}`;
const repo = 'app';
let RELEASES = 100;
/** Most deliveries in flight at once (default: all of a wave). */
let CONCURRENCY = Infinity;
const idBase = 600_000_000 + Math.floor(Math.random() * 10_000_000);

type Kind = 'keep' | 'edited' | 'unpublished' | 'deleted';
const kindOf = (i: number): Kind => (['keep', 'edited', 'unpublished', 'deleted'] as const)[i % 4]!;
const tagOf = (i: number) => `v3.${Math.floor(i / 10)}.${i % 10}`;

interface Delivery {
  guid: string;
  action: string;
  i: number;
  body: string;
}

function delivery(action: string, i: number, extra: Record<string, unknown> = {}, guid = randomUUID()): Delivery {
  const release = {
    id: idBase + i,
    tag_name: tagOf(i),
    name: `Release ${i}`,
    body: `Notes ${i}`,
    draft: false,
    prerelease: false,
    html_url: `https://github.com/${owner}/${repo}/releases/tag/${tagOf(i)}`,
    published_at: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
    author: { login: 'octocat' },
    ...extra,
  };
  const payload = { action, release, repository: { name: repo, full_name: `${owner}/${repo}`, owner: { login: owner } } };
  return { guid, action, i, body: JSON.stringify(payload) };
}

function shuffle<T>(xs: T[]): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
  return xs;
}

interface Answer {
  d: Delivery;
  status: number;
  body: { status?: string; outcome?: string; deliveryId?: number };
}

async function send(ds: Delivery[]): Promise<Answer[]> {
  if (ds.length > CONCURRENCY) {
    const out: Answer[] = [];
    for (let i = 0; i < ds.length; i += CONCURRENCY) out.push(...(await send(ds.slice(i, i + CONCURRENCY))));
    return out;
  }
  return Promise.all(
    ds.map(async (d) => {
      const res = await fetch(`${base()}/api/webhooks/github`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-github-event': 'release', 'x-github-delivery': d.guid, 'x-hub-signature-256': sign(TEST_WEBHOOK_SECRET, d.body) },
        body: d.body,
      });
      const text = await res.text();
      return { d, status: res.status, body: JSON.parse(text) as Answer['body'] };
    }),
  );
}

/** Defines the storm test: `releases` releases, 5 deliveries each, against `server` (the shared one by default). */
export function defineStorm(options: { releases?: number; concurrency?: number; server?: () => StormTarget } = {}): void {
  RELEASES = options.releases ?? 100;
  CONCURRENCY = options.concurrency ?? Infinity;
  if (options.server) target = options.server;

  beforeAll(async () => {
    const res = await fetch(`${base()}/api/v1/projects`, { method: 'POST', headers: { ...admin(), 'content-type': 'application/json' }, body: JSON.stringify({ owner, repo }) });
    expect(res.status).toBe(201);
  });

  afterAll(async () => {
    await fetch(`${base()}/api/v1/projects/${owner}/${repo}`, { method: 'DELETE', headers: admin() });
  });

  it(`applies ${RELEASES * 5} concurrent, duplicated, shuffled deliveries across ${RELEASES} releases exactly once (in three waves: publish; change and redeliver; late publishes of deleted releases)`, async () => {
    const range = Array.from({ length: RELEASES }, (_, i) => i);
    // Storm 1: every release published, each delivery also arriving a second time (same delivery id).
    const published = range.map((i) => delivery('published', i));
    const storm1 = shuffle([...published, ...published]);
    // Storm 2: edits, unpublishes and deletes (each twice), and every storm-1 delivery once more
    // (GitHub redelivering): none of those may be applied again. Storm 3: late publishes and edits of
    // the deleted releases, which must not bring them back.
    const changes: Delivery[] = [];
    for (const i of range) {
      const kind = kindOf(i);
      if (kind === 'edited') changes.push(delivery('edited', i, { name: `Release ${i} (edited)`, body: `Edited notes ${i}` }));
      if (kind === 'unpublished') changes.push(delivery('unpublished', i, { draft: true }));
      if (kind === 'deleted') changes.push(delivery('deleted', i));
    }
    const late = range.filter((i) => kindOf(i) === 'deleted').flatMap((i) => [delivery('published', i), delivery('edited', i, { name: 'resurrected?' })]);
    const storm2 = shuffle([...changes, ...changes, ...published]);
    const storm3 = shuffle(late);
    expect(storm1.length + storm2.length + storm3.length).toBe(RELEASES * 5);

    const answers = [...(await send(storm1)), ...(await send(storm2)), ...(await send(storm3))];

    // Nothing failed: every answer is 200, processed or a duplicate.
    const bad = answers.filter((a) => a.status !== 200 || !['processed', 'duplicate'].includes(a.body.status ?? ''));
    expect(bad.map((a) => `${a.d.action} ${a.d.i} → ${a.status} ${JSON.stringify(a.body)}`)).toEqual([]);

    // Exactly one send of each delivery id was processed; the others were answered as duplicates.
    const byGuid = new Map<string, Answer[]>();
    for (const a of answers) byGuid.set(a.d.guid, [...(byGuid.get(a.d.guid) ?? []), a]);
    for (const [guid, sends] of byGuid) {
      expect({ guid, processed: sends.filter((s) => s.body.status === 'processed').length }).toEqual({ guid, processed: 1 });
    }
    const outcome = (d: Delivery) => byGuid.get(d.guid)!.find((s) => s.body.status === 'processed')!.body.outcome;
    // Each release was created exactly once; deleted releases' late deliveries met their tombstone.
    expect(published.map(outcome)).toEqual(published.map(() => 'created'));
    for (const d of late) expect(outcome(d)).toBe('tombstoned');

    // The delivery log holds one row per delivery id, counting every duplicate send.
    const logged: { guid: string; status: string; duplicates: number }[] = [];
    for (let offset = 0; ; offset += 100) {
      const res = await fetch(`${base()}/api/v1/deliveries?project=${owner}/${repo}&limit=100&offset=${offset}`, { headers: admin() });
      expect(res.status).toBe(200);
      const page = (await res.json()) as typeof logged;
      logged.push(...page);
      if (page.length < 100) break;
    }
    expect(logged).toHaveLength(byGuid.size);
    for (const row of logged) {
      expect(row.status).toBe('processed');
      expect(row.duplicates).toBe(byGuid.get(row.guid)!.length - 1);
    }
    expect(logged.reduce((n, r) => n + 1 + r.duplicates, 0)).toBe(RELEASES * 5);

    // Final states: kept and edited releases public with the right content, unpublished ones drafts
    // (hidden from readers), deleted ones gone for everyone.
    const get = async (i: number, auth: boolean) => fetch(`${base()}/api/v1/projects/${owner}/${repo}/releases/${tagOf(i)}`, { headers: auth ? admin() : {} });
    for (const i of range) {
      const kind = kindOf(i);
      const seen = await get(i, true);
      if (kind === 'deleted') {
        expect({ i, status: seen.status }).toEqual({ i, status: 404 });
        await seen.arrayBuffer();
        continue;
      }
      expect({ i, status: seen.status }).toEqual({ i, status: 200 });
      const r = (await seen.json()) as { name: string; body: string; draft: boolean };
      if (kind === 'keep') expect(r).toMatchObject({ name: `Release ${i}`, body: `Notes ${i}`, draft: false });
      if (kind === 'edited') expect(r).toMatchObject({ name: `Release ${i} (edited)`, body: `Edited notes ${i}`, draft: false });
      if (kind === 'unpublished') {
        expect(r.draft).toBe(true);
        expect((await get(i, false)).status).toBe(404);
      }
    }
    // And no release exists twice.
    const list: { tag: string }[] = [];
    for (let offset = 0; ; offset += 100) {
      const page = (await (await fetch(`${base()}/api/v1/projects/${owner}/${repo}/releases?limit=100&offset=${offset}&fields=tag`, { headers: admin() })).json()) as {
        tag: string;
      }[];
      list.push(...page);
      if (page.length < 100) break;
    }
    expect(list).toHaveLength(RELEASES * 0.75);
    expect(new Set(list.map((r) => r.tag)).size).toBe(list.length);
  });
}
