// kill -9 of the server during a GitHub import and during a burst of signed webhook deliveries, then a
// restart on the same database: the import resumes and the deliveries are sent again (as GitHub
// redelivers), and afterwards there are no duplicate releases, no half-written release, a delivery log
// that accounts for every delivery, an outbox (`events`) whose ids are exactly 1..N with an event for
// every committed release change, and project pages that show every release the API has.
// crash.test.ts (npm test) runs small ones; e2e/soak/crash-long.soak.ts bigger ones, killed more often.
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { rows } from '../../lib/db';
import { sign } from '../../lib/github/signature';
import { fakeReleases, startFakeGitHub, type FakeGitHub, type FakeRelease } from '../harness/fake-github';
import { startServer, TEST_WEBHOOK_SECRET, type RunningServer } from '../harness/server';
import { newStorage, withDatabase, type Engine, type Storage } from '../harness/storage';

const engine: Engine = process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite';
const TOKEN = 'ghp_crash_tests_only_0123456789abcdef';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface CrashOptions {
  /** Releases the fake GitHub lists for the import (100 a page). */
  importReleases: number;
  /** How many times the import is killed (each time after at least one more page committed). */
  importKills: number;
  /** Releases published by webhook; each delivery is sent twice in the first burst. */
  webhookReleases: number;
  /** How many bursts are killed (each restart re-sends every delivery, and all but the last are killed too). */
  webhookKills: number;
  /** Deliveries in flight at once. */
  concurrency: number;
  /** Jest timeout of each scenario. */
  timeoutMs: number;
}

// --- helpers ---------------------------------------------------------------------------------------

const auth = (s: RunningServer) => ({ authorization: `Bearer ${s.adminToken}` });

async function json<T>(s: RunningServer, path: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(`${s.url}${path}`, { ...init, headers: { ...auth(s), ...(init.headers as Record<string, string>) } });
  const text = await res.text();
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${path} → ${res.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

/** An error that ends the polling at once (others are retried until the deadline). */
class Fatal extends Error {}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const got = await probe();
      if (got !== undefined) return got;
    } catch (err) {
      if (err instanceof Fatal) throw err;
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`${what}: not reached within ${timeoutMs / 1000} s${last ? ` (last error: ${(last as Error).message})` : ''}`);
    await sleep(150);
  }
}

interface ApiRelease {
  id: number;
  tag: string;
  name: string | null;
  body: string;
  url: string | null;
  publishedAt: string | null;
  draft: boolean;
  prerelease: boolean;
}

/** Every release of the project through the API (admin: drafts included). */
async function allReleases(s: RunningServer, project: string, asAdmin = true): Promise<ApiRelease[]> {
  const out: ApiRelease[] = [];
  for (let offset = 0; ; offset += 100) {
    const res = await fetch(`${s.url}/api/v1/projects/${project}/releases?limit=100&offset=${offset}`, { headers: asAdmin ? auth(s) : {} });
    if (res.status !== 200) throw new Error(`listing ${project}'s releases → ${res.status}: ${await res.text()}`);
    const page = (await res.json()) as ApiRelease[];
    out.push(...page);
    if (page.length < 100) return out;
  }
}

/** Tags linked from the project's changelog pages (/{owner}/{repo}, /{owner}/{repo}/page/n), each page fetched once. */
async function tagsOnPages(s: RunningServer, project: string, pages: number): Promise<Set<string>> {
  const tags = new Set<string>();
  const link = new RegExp(`href="/${project}/releases/([^"?#]+)"`, 'g');
  for (let n = 1; n <= pages; n++) {
    const res = await fetch(`${s.url}/${project}${n === 1 ? '' : `/page/${n}`}`);
    const html = await res.text();
    if (res.status !== 200) continue;
    for (const m of html.matchAll(link)) tags.add(m[1]!.split('/').map(decodeURIComponent).join('/'));
  }
  return tags;
}

/** Polls until the pages show exactly the public releases the API lists (the revalidator caught up). */
async function expectPagesCurrent(s: RunningServer, project: string): Promise<void> {
  const api = (await allReleases(s, project, false)).map((r) => r.tag).sort();
  expect(api.length).toBeGreaterThan(0);
  const pages = Math.ceil(api.length / 20);
  let shown: string[] = [];
  try {
    await until(
      `the pages of ${project} showing all ${api.length} releases`,
      async () => {
        shown = [...(await tagsOnPages(s, project, pages))].sort();
        return JSON.stringify(shown) === JSON.stringify(api) ? true : undefined;
      },
      60_000,
    );
  } catch (err) {
    const missing = api.filter((t) => !shown.includes(t));
    const extra = shown.filter((t) => !api.includes(t));
    throw new Error(
      `${(err as Error).message}; the pages miss ${missing.length} (${missing.slice(0, 10).join(', ')}) and show ${extra.length} the API does not have (${extra.slice(0, 10).join(', ')})`,
    );
  }
}

/** How outbox ids (in id order) depart from exactly 1..N: missing ranges, repeats, a wrong start. */
function outboxProblems(ids: number[]): string[] {
  const problems: string[] = [];
  let expected = 1;
  for (const id of ids) {
    if (id > expected) problems.push(id - 1 === expected ? `id ${expected} missing` : `ids ${expected}..${id - 1} missing`);
    else if (id < expected) problems.push(`id ${id} out of order or repeated`);
    expected = id + 1;
  }
  return problems;
}

interface DbRelease {
  id: number;
  tag: string;
  github_id: string | number | null;
  name: string | null;
  body: string;
  body_html: string;
  published_at: Date | string | null;
  draft: boolean;
  prerelease: boolean;
  html_url: string | null;
  source: string;
  version: number;
}

interface DbEvent {
  id: string | number;
  type: string;
  release_id: string | null;
  tag: string | null;
}

/** Reads the stopped server's database directly: its releases and the whole outbox. */
async function readDatabase(storage: Storage, project: string): Promise<{ releases: DbRelease[]; events: DbEvent[]; projectId: number }> {
  const [owner, repo] = project.split('/') as [string, string];
  return withDatabase(storage, async (db) => {
    const [p] = await rows<{ id: number }>(db, sql`select id from projects where owner = ${owner} and repo = ${repo}`);
    if (!p) throw new Error(`the database has no project ${project}`);
    const releases = await rows<DbRelease>(
      db,
      sql`select id, tag, github_id, name, body, body_html, published_at, draft, prerelease, html_url, source, version from releases where project_id = ${p.id} order by id`,
    );
    const events = await rows<DbEvent>(db, sql`select id, type, payload->>'releaseId' as release_id, payload->>'tag' as tag from events order by id`);
    return { releases, events, projectId: p.id };
  });
}

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

/**
 * What the database must hold after a crash and a recovery in which every release was created once
 * and never changed: the expected releases exactly (each complete), the outbox ids 1..N, and one
 * creation event per release and none for a release that does not exist.
 */
function checkDatabase(found: Awaited<ReturnType<typeof readDatabase>>, expected: Map<string, FakeRelease>): void {
  const { releases, events } = found;
  // No duplicates: one row per tag and per GitHub id, and exactly the releases sent.
  expect(releases.length).toBe(expected.size);
  expect(new Set(releases.map((r) => r.tag)).size).toBe(releases.length);
  expect(new Set(releases.map((r) => String(r.github_id))).size).toBe(releases.length);
  // No half-written release: every column as GitHub sent it, the rendered notes present, created once.
  const wrong: string[] = [];
  for (const r of releases) {
    const gh = expected.get(r.tag);
    if (!gh) {
      wrong.push(`${r.tag}: not a release that was sent`);
      continue;
    }
    const want = {
      github_id: String(gh.id),
      name: gh.name,
      body: gh.body,
      published_at: gh.published_at,
      draft: gh.draft,
      prerelease: gh.prerelease,
      html_url: gh.html_url,
      source: 'github',
      version: 1,
    };
    const got = {
      github_id: String(r.github_id),
      name: r.name,
      body: r.body,
      published_at: iso(r.published_at),
      draft: r.draft,
      prerelease: r.prerelease,
      html_url: r.html_url,
      source: r.source,
      version: r.version,
    };
    if (JSON.stringify(got) !== JSON.stringify(want)) wrong.push(`${r.tag}: ${JSON.stringify(got)} ≠ ${JSON.stringify(want)}`);
    if (!r.body_html.includes(gh.body.split('\n')[0]!.replace(/^#+\s*/, '')))
      wrong.push(`${r.tag}: body_html ${JSON.stringify(r.body_html.slice(0, 80))} does not render the body`);
  }
  expect(wrong.slice(0, 10)).toEqual([]);
  // The outbox: every committed release has exactly one creation event, and no event names a release
  // whose transaction did not commit (a release event with no row would be a change that never happened).
  const releaseEvents = events.filter((e) => e.type.startsWith('release.'));
  const byRelease = new Map<string, DbEvent[]>();
  for (const e of releaseEvents) byRelease.set(String(e.release_id), [...(byRelease.get(String(e.release_id)) ?? []), e]);
  const eventProblems: string[] = [];
  for (const r of releases) {
    const mine = byRelease.get(String(r.id)) ?? [];
    if (mine.length !== 1 || !['release.published', 'release.created'].includes(mine[0]!.type) || mine[0]!.tag !== r.tag) {
      eventProblems.push(`release ${r.id} (${r.tag}) has events ${JSON.stringify(mine.map((e) => `${e.id}:${e.type}:${e.tag}`))}`);
    }
    byRelease.delete(String(r.id));
  }
  for (const [id, es] of byRelease) eventProblems.push(`events ${es.map((e) => `${e.id}:${e.type}`).join(', ')} name release ${id}, which does not exist`);
  expect(eventProblems.slice(0, 10)).toEqual([]);
}

/** The outbox check on its own, so the rest is reported whatever the outbox's id allocation does. */
/**
 * After the restart: the API lists each release once, exactly as GitHub has it (`prerelease` compared
 * when the source says it), the pages show them all; then, with the server stopped, the database rows.
 */
async function expectRecovered(s: RunningServer, storage: Storage, project: string, fake: FakeRelease[], o: { prerelease: boolean }) {
  const listed = await allReleases(s, project);
  expect(listed.map((r) => r.tag).sort()).toEqual(fake.map((r) => r.tag_name).sort());
  const byTag = new Map(fake.map((r) => [r.tag_name, r]));
  const off = listed.filter((r) => {
    const gh = byTag.get(r.tag)!;
    return r.name !== gh.name || r.body !== gh.body || r.publishedAt !== gh.published_at || r.draft || (o.prerelease && r.prerelease !== gh.prerelease) || r.url !== gh.html_url;
  });
  expect(off.map((r) => r.tag)).toEqual([]);
  await expectPagesCurrent(s, project);
  await s.stop();
  const found = await readDatabase(storage, project);
  checkDatabase(found, byTag);
  return found;
}

function checkOutboxIds(found: Awaited<ReturnType<typeof readDatabase>>): void {
  const ids = found.events.map((e) => Number(e.id));
  expect(ids.length).toBeGreaterThan(0);
  // Gapless and in commit order: an event id burnt by a transaction the kill rolled back, or a
  // sequence that skipped ahead in crash recovery, shows up here.
  expect({ events: ids.length, last: ids[ids.length - 1], problems: outboxProblems(ids) }).toEqual({ events: ids.length, last: ids.length, problems: [] });
}

// --- the tests -------------------------------------------------------------------------------------

export function defineCrashTests(o: CrashOptions): void {
  let github: FakeGitHub;
  const storages: Storage[] = [];
  const servers: RunningServer[] = [];
  const logs: string[] = [];

  async function start(storage: Storage): Promise<RunningServer> {
    const s = await startServer({ ...storage, env: { GITHUB_API_URL: github.url, GITHUB_TOKEN: TOKEN, SHIPLOG_SEED_DEMO: '0' } });
    servers.push(s);
    return s;
  }

  async function kill(s: RunningServer): Promise<void> {
    await s.stop('SIGKILL');
    logs.push(s.output());
  }

  beforeAll(async () => {
    github = await startFakeGitHub({ token: TOKEN, repos: {} });
  });

  afterAll(async () => {
    for (const s of servers) await s.stop('SIGKILL');
    await github?.close();
    for (const st of storages) await st.dispose().catch(() => {});
  });

  describe(`kill -9 during an import of ${o.importReleases} releases (${o.importKills}× killed, ${engine})`, () => {
    const project = 'crash/imported';
    const fake = fakeReleases('crash', 'imported', o.importReleases, 700_000_000);
    let storage: Storage;
    let found: Awaited<ReturnType<typeof readDatabase>>;

    it(
      'resumes after every kill and finishes with each release exactly once, complete, and the pages current',
      async () => {
        github.options.repos!['crash/imported'] = fake;
        storage = await newStorage(engine, 'crash_imp');
        storages.push(storage);
        // Each page is held a while, so kills land while a page is fetched or being written.
        github.options.delayMs = 250;
        let s = await start(storage);
        await json(s, '/api/v1/projects', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ owner: 'crash', repo: 'imported' }) });
        const started = await fetch(`${s.url}/api/v1/projects/${project}/imports`, { method: 'POST', headers: auth(s) });
        expect(started.status).toBe(202);
        const location = started.headers.get('location')!;
        interface View {
          state: string;
          pagesDone: number;
          pagesTotal: number | null;
          created: number;
          updated: number;
          skipped: number;
          message: string | null;
        }
        let pagesAtKill = 0;
        for (let k = 0; k < o.importKills; k++) {
          const target = pagesAtKill + 1;
          const view = await until(`import page ${target} committed`, async () => {
            const v = await json<View>(s, location);
            if (v.state === 'succeeded' || v.state === 'failed') throw new Fatal(`the import ended before kill ${k + 1}: ${JSON.stringify(v)} (give it more pages)`);
            return v.pagesDone >= target ? v : undefined;
          });
          pagesAtKill = view.pagesDone;
          // Somewhere inside the next page's fetch or its transaction.
          await sleep(Math.floor(Math.random() * 400));
          await kill(s);
          s = await start(storage);
          // Cached now, while the import is (most likely) still resuming: the revalidator must refresh it.
          await fetch(`${s.url}/${project}`).then((r) => r.arrayBuffer());
        }
        github.options.delayMs = 50;
        // The restarted server resumed the interrupted import by itself.
        const done = await until('the resumed import finished', async () => {
          const v = await json<View>(s, location);
          return ['succeeded', 'failed', 'rate_limited'].includes(v.state) ? v : undefined;
        });
        const pages = Math.ceil(o.importReleases / 100);
        expect(done).toMatchObject({ state: 'succeeded', pagesDone: pages, pagesTotal: pages, created: o.importReleases, updated: 0 });

        // Through the API: every release once, as GitHub has it; then the pages and the database.
        found = await expectRecovered(s, storage, project, fake, { prerelease: true });
      },
      o.timeoutMs,
    );

    it('leaves an outbox with ids exactly 1..N', () => {
      if (!found) throw new Error('the crash run above did not get as far as reading the database');
      checkOutboxIds(found);
    });
  });

  describe(`kill -9 during a burst of ${o.webhookReleases * 2} webhook deliveries (${o.webhookKills}× killed, ${engine})`, () => {
    const project = 'crash/hooked';
    const fake = fakeReleases('crash', 'hooked', o.webhookReleases, 710_000_000);
    let storage: Storage;
    let found: Awaited<ReturnType<typeof readDatabase>>;

    interface Sent {
      guid: string;
      tag: string;
      body: string;
    }
    type Answer = { guid: string; round: number } & ({ ok: true; status: number; result: string; outcome?: string } | { ok: false; error: string });

    const deliveries: Sent[] = fake.map((r) => ({
      guid: randomUUID(),
      tag: r.tag_name,
      body: JSON.stringify({ action: 'published', release: r, repository: { name: 'hooked', full_name: project, owner: { login: 'crash' } } }),
    }));

    const shuffle = <T>(xs: T[]): T[] => {
      for (let i = xs.length - 1; i > 0; i--) {
        const j = Math.floor(Math.random() * (i + 1));
        [xs[i], xs[j]] = [xs[j]!, xs[i]!];
      }
      return xs;
    };

    /** Sends `batch` with `concurrency` in flight; calls `onAnswer` after each answer (or failure). */
    async function burst(s: RunningServer, round: number, batch: Sent[], onAnswer: (answered: number) => void): Promise<Answer[]> {
      const answers: Answer[] = [];
      let next = 0;
      const worker = async () => {
        while (next < batch.length) {
          const d = batch[next++]!;
          try {
            const res = await fetch(`${s.url}/api/webhooks/github`, {
              method: 'POST',
              headers: { 'content-type': 'application/json', 'x-github-event': 'release', 'x-github-delivery': d.guid, 'x-hub-signature-256': sign(TEST_WEBHOOK_SECRET, d.body) },
              body: d.body,
              signal: AbortSignal.timeout(30_000),
            });
            const text = await res.text();
            let body: { status?: string; outcome?: string } = {};
            try {
              body = JSON.parse(text);
            } catch {
              body = { status: `not JSON: ${text.slice(0, 100)}` };
            }
            answers.push({ guid: d.guid, round, ok: true, status: res.status, result: body.status ?? '?', outcome: body.outcome });
          } catch (err) {
            answers.push({ guid: d.guid, round, ok: false, error: (err as Error).message });
          }
          onAnswer(answers.length);
        }
      };
      await Promise.all(Array.from({ length: o.concurrency }, worker));
      return answers;
    }

    it(
      'after every kill, redelivery applies each delivery exactly once: no duplicate or half-written release, a complete delivery log, current pages',
      async () => {
        storage = await newStorage(engine, 'crash_hook');
        storages.push(storage);
        let s = await start(storage);
        await json(s, '/api/v1/projects', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ owner: 'crash', repo: 'hooked' }) });
        const answers: Answer[] = [];
        for (let round = 0; round <= o.webhookKills; round++) {
          // The first burst sends each delivery twice; after a restart GitHub redelivers each once more.
          const batch = shuffle(round === 0 ? [...deliveries, ...deliveries] : [...deliveries]);
          const last = round === o.webhookKills;
          const killAt = Math.floor(batch.length * (0.25 + Math.random() * 0.4));
          let killing: Promise<void> | undefined;
          const server = s;
          const got = await burst(server, round, batch, (n) => {
            if (!last && n >= killAt && !killing) killing = kill(server);
          });
          await killing;
          answers.push(...got);
          if (last) break;
          const lost = got.filter((a) => !a.ok).length;
          // Proof the kill hit the burst: some deliveries never got an answer.
          expect(lost).toBeGreaterThan(0);
          s = await start(storage);
          // Cached before the redelivery: the revalidator must refresh it.
          await fetch(`${s.url}/${project}`).then((r) => r.arrayBuffer());
        }

        // The last (unkilled) round: every delivery answered 200, processed or duplicate.
        const final = answers.filter((a) => a.round === o.webhookKills);
        const bad = final.filter((a) => !a.ok || a.status !== 200 || !['processed', 'duplicate'].includes(a.result));
        expect(bad.slice(0, 10)).toEqual([]);
        // Before the kills, whatever got an answer got a good one (the rest were cut off by the kill).
        const badEarly = answers.filter((a) => a.ok && (a.status !== 200 || !['processed', 'duplicate'].includes(a.result)));
        expect(badEarly.slice(0, 10)).toEqual([]);
        // No delivery was processed twice, and a processed one always created its release.
        const byGuid = new Map<string, Answer[]>();
        for (const a of answers) byGuid.set(a.guid, [...(byGuid.get(a.guid) ?? []), a]);
        const twice = [...byGuid].filter(([, as]) => as.filter((a) => a.ok && a.result === 'processed').length > 1).map(([g]) => g);
        expect(twice).toEqual([]);
        const notCreated = answers.filter((a) => a.ok && a.result === 'processed' && a.outcome !== 'created');
        expect(notCreated.slice(0, 10)).toEqual([]);

        // The delivery log: one row per delivery id, processed, creating its release; its duplicate count
        // covers every send that was answered, and no more sends than were made.
        interface Logged {
          guid: string;
          status: string;
          outcome: string | null;
          duplicates: number;
        }
        const logged: Logged[] = [];
        for (let offset = 0; ; offset += 100) {
          const page = await json<Logged[]>(s, `/api/v1/deliveries?project=${project}&limit=100&offset=${offset}`);
          logged.push(...page);
          if (page.length < 100) break;
        }
        expect(logged.map((l) => l.guid).sort()).toEqual(deliveries.map((d) => d.guid).sort());
        const logProblems: string[] = [];
        for (const l of logged) {
          const sends = byGuid.get(l.guid)!;
          const answered = sends.filter((a) => a.ok).length;
          if (l.status !== 'processed' || l.outcome !== 'created') logProblems.push(`${l.guid}: ${l.status}/${l.outcome}`);
          if (1 + l.duplicates < answered || 1 + l.duplicates > sends.length)
            logProblems.push(`${l.guid}: ${l.duplicates} duplicates logged, but ${answered} of ${sends.length} sends were answered`);
        }
        expect(logProblems.slice(0, 10)).toEqual([]);

        // Through the API: each release once, as sent; then the pages and the database.
        found = await expectRecovered(s, storage, project, fake, { prerelease: false });
      },
      o.timeoutMs,
    );

    it('leaves an outbox with ids exactly 1..N', () => {
      if (!found) throw new Error('the crash run above did not get as far as reading the database');
      checkOutboxIds(found);
    });
  });
}
