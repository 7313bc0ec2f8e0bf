import { randomUUID } from 'node:crypto';
import { waitUntil } from '@vercel/functions';
import type { NextApiResponse } from 'next';
import { and, asc, desc, eq, gt, lt, sql } from 'drizzle-orm';
import { getDb, rows, type Db } from '../db';
import { events, projects, releases, type EventRow } from '../db/schema';
import { log } from '../log';
import { publicRelease } from '../releases/visibility';
import { ownerPagePath, PAGE_SIZE, projectPagePath, releasePagePath } from './changelog';
import { wasRendered } from './rendered';

/**
 * Keeps the static pages current without a background process. The outbox is the source of truth and
 * `revalidation_cursor` (one row in the database) records how far its events have had their pages
 * regenerated, contiguously. After every request that committed a change, the route calls `catchUp`
 * through `waitUntil` (the response is not delayed; on Vercel the function stays alive for it), which
 * claims the cursor, regenerates the pages of the events after it with `res.revalidate` in this
 * process, and advances it. Whatever an invocation could not finish (a crash, a time budget, a page
 * that failed) is finished by the next write or by `GET /api/cron/drain`.
 */

/** Regenerates one page of this deployment (the real path, e.g. `/acme/rocket/releases/v1.0.0`). */
export type RevalidateFn = (path: string) => Promise<void>;

export interface PathFailure {
  path: string;
  error: string;
}

export interface CatchUpReport {
  /** The cursor before and after this call (every event up to `to` has its pages regenerated). */
  from: number;
  to: number;
  /** The outbox head seen at the end. */
  head: number;
  events: number;
  paths: number;
  failed: PathFailure[];
  /** Another invocation held the cursor: it regenerates these events. */
  busy: boolean;
  /** No revalidate function in this process yet (no request has come in): nothing was done. */
  skipped?: 'no-revalidator';
}

const LEASE_MS = 60_000;
const BATCH = 100;
const MAX_DEEP_PAGES = 5;
const DEFAULT_BUDGET = { maxEvents: 2_000, ms: 20_000 };

interface State {
  fn?: RevalidateFn;
  running?: Promise<CatchUpReport>;
  again: boolean;
  startRefresh?: Promise<void>;
  pagesReady: boolean;
  /** Told when this process regenerated the pages of events (from, to] (the local accelerator). */
  onRevalidated?: (from: number, to: number) => void;
}

const g = globalThis as typeof globalThis & { __shiplogRevalidation?: State };
const state = (g.__shiplogRevalidation ??= { again: false, pagesReady: false });

/**
 * `res.revalidate` of a Next.js API response: renders the page now, cached or not. Not with
 * `unstable_onlyGenerated`: Next.js joins a reader's first request for a page to a revalidation of it
 * in flight, and an "only if generated" one that finds nothing hands that request no page at all (a 500,
 * "cache entry required but not generated"). Undefined outside Next.js.
 */
export function revalidatorOf(res: NextApiResponse): RevalidateFn | undefined {
  if (typeof (res as Partial<NextApiResponse>).revalidate !== 'function') return undefined;
  return (path) => res.revalidate(path);
}

/** The revalidate function of the last request this process served (for work no request started). */
export function currentRevalidator(): RevalidateFn | undefined {
  return state.fn;
}

export function setRevalidatedListener(listener: (from: number, to: number) => void): void {
  state.onRevalidated = listener;
}

/** Whether this process refreshed `/`, which `next build` rendered without data (reported by /api/health). */
export function pagesReady(): boolean {
  return state.pagesReady;
}

/**
 * Called by the route wrapper before every API request: remembers how to regenerate pages (for work
 * no request started: import steps, the local accelerator) and refreshes `/` once per process.
 */
export function beforeRequest(res: NextApiResponse): void {
  const fn = revalidatorOf(res);
  if (!fn) return;
  state.fn = fn;
  if (!state.startRefresh) {
    const refresh = (state.startRefresh = revalidatePaths(fn, ['/']).then((r) => {
      if (r.failed.length) {
        state.startRefresh = undefined; // the next request tries again
        return;
      }
      state.pagesReady = true;
    }));
    waitUntil(refresh);
  }
}

/**
 * Called by the route wrapper after every API request: when it committed a change, regenerates the
 * pages that change affects through `waitUntil` (after the response, inside this invocation).
 */
export function afterRequest(res: NextApiResponse, committed: boolean): void {
  if (!committed) return;
  const fn = revalidatorOf(res);
  if (fn) waitUntil(catchUp(fn));
}

/** Work after a commit outside a request's route (import steps): regenerates with the last known function. */
export function revalidateAfterCommit(): Promise<CatchUpReport | undefined> {
  return state.fn ? catchUp(state.fn) : Promise.resolve(undefined);
}

/**
 * Lets timers and sockets run between pages. Rendering in-process on the embedded database can be
 * a long chain of promises that never returns to the event loop; without a break, keep-alive timers
 * fire late and reset the connections of requests that waited meanwhile.
 */
const yieldToLoop = () => new Promise<void>((r) => setImmediate(r));

/** Next.js answered the path with a redirect or a 404/410: nothing to regenerate (a 5xx or an exception is a failure). */
const isNotAPage = (err: unknown) => /Invalid response (?:30[1278]|404|410)\b/.test((err as Error)?.message ?? '');

/**
 * Regenerates the paths one by one. A path that is not a page (Next.js answers 404 or a redirect and
 * `res.revalidate` throws) has nothing to regenerate and counts as done (unless `notAPageFails`: an
 * operator who named it is told); other errors are reported.
 */
export async function revalidatePaths(
  fn: RevalidateFn,
  paths: readonly string[],
  options: { notAPageFails?: boolean } = {},
): Promise<{ revalidated: string[]; failed: PathFailure[] }> {
  const out = { revalidated: [] as string[], failed: [] as PathFailure[] };
  for (const path of [...new Set(paths)]) {
    await yieldToLoop();
    try {
      await fn(path);
      out.revalidated.push(path);
    } catch (err) {
      if (isNotAPage(err) && !options.notAPageFails) out.revalidated.push(path);
      else out.failed.push({ path, error: (err as Error).message });
    }
  }
  return out;
}

type ProjectMemo = Map<string, { id: number | undefined; pages: string[] }>;

async function projectInfo(db: Db, memo: ProjectMemo, owner: string, repo: string): Promise<{ id: number | undefined; pages: string[] }> {
  const key = `${owner}/${repo}`.toLowerCase();
  const known = memo.get(key);
  if (known) return known;
  const [p] = await db
    .select({ id: projects.id })
    .from(projects)
    .where(and(sql`lower(${projects.owner}) = lower(${owner})`, sql`lower(${projects.repo}) = lower(${repo})`));
  const pages = [projectPagePath(owner, repo)];
  if (p) {
    const [count] = await db
      .select({ n: sql<number>`count(*)::int` })
      .from(releases)
      .where(and(eq(releases.projectId, p.id), publicRelease));
    const last = Math.ceil(Number(count?.n ?? 0) / PAGE_SIZE) + 1; // +1: the page a removal just emptied
    for (let n = 2; n <= last; n++) {
      const page = projectPagePath(owner, repo, n);
      if (n <= MAX_DEEP_PAGES || wasRendered(page)) pages.push(page);
    }
  }
  const info = { id: p?.id, pages };
  memo.set(key, info);
  return info;
}

async function neighbourPaths(db: Db, projectId: number | undefined, owner: string, repo: string, at: string | undefined): Promise<string[]> {
  if (!at || projectId === undefined) return [];
  const stamp = sql`${at}::timestamptz`;
  const base = and(eq(releases.projectId, projectId), publicRelease);
  const [older] = await db
    .select({ tag: releases.tag })
    .from(releases)
    .where(and(base, lt(releases.publishedAt, stamp)))
    .orderBy(desc(releases.publishedAt))
    .limit(1);
  const [newer] = await db
    .select({ tag: releases.tag })
    .from(releases)
    .where(and(base, gt(releases.publishedAt, stamp)))
    .orderBy(asc(releases.publishedAt))
    .limit(1);
  return [older, newer].filter((r): r is { tag: string } => !!r).map((r) => releasePagePath(owner, repo, r.tag));
}

/** The pages one event changes (project lookups shared through `memo` within a batch). */
export async function pathsForEvent(row: EventRow, memo: ProjectMemo = new Map()): Promise<string[]> {
  const p = row.payload as { project?: string; previousProject?: string; tag?: string; previousTag?: string; at?: string };
  if (!p.project || row.type.startsWith('token.')) return [];
  const [owner, repo] = p.project.split('/') as [string, string];
  if (row.type === 'release.reacted') return p.tag ? [releasePagePath(owner, repo, p.tag)] : [];
  const db = await getDb();
  const info = await projectInfo(db, memo, owner, repo);
  const out = ['/', ownerPagePath(owner), ...info.pages];
  if (p.previousProject) {
    const [o, r] = p.previousProject.split('/') as [string, string];
    out.push(projectPagePath(o, r), ownerPagePath(o));
  }
  if (p.tag) {
    out.push(releasePagePath(owner, repo, p.tag));
    out.push(...(await neighbourPaths(db, info.id, owner, repo, p.at)));
  }
  if (p.previousTag) out.push(releasePagePath(owner, repo, p.previousTag));
  return out;
}

/** The pages a list of events changes. */
export async function pathsFor(list: EventRow[]): Promise<string[]> {
  const memo: ProjectMemo = new Map();
  const out = new Set<string>();
  for (const row of list) for (const path of await pathsForEvent(row, memo)) out.add(path);
  return [...out];
}

const leaseInterval = (ms: number) => sql`now() + ${ms} * interval '1 millisecond'`;

/** Claims the cursor unless another invocation holds an unexpired lease on it; answers where it stands. */
async function claim(db: Db, token: string): Promise<number | undefined> {
  const [row] = await rows<{ last_id: number | string }>(
    db,
    sql`
    update revalidation_cursor set lease_token = ${token}, lease_until = ${leaseInterval(LEASE_MS)}
    where id = (select id from revalidation_cursor where id = 1 and (lease_until is null or lease_until < now()) for update skip locked)
    returning last_id`,
  );
  return row ? Number(row.last_id) : undefined;
}

/** Moves the cursor from `from` to `to` while this holder's lease stands (never skips, never goes twice). */
async function advance(db: Db, token: string, from: number, to: number): Promise<boolean> {
  const moved = await rows<{ id: number }>(
    db,
    sql`
    update revalidation_cursor set last_id = ${to}, lease_until = ${leaseInterval(LEASE_MS)}, updated_at = now()
    where id = 1 and lease_token = ${token} and last_id = ${from}
    returning id`,
  );
  return moved.length > 0;
}

async function release(db: Db, token: string): Promise<void> {
  await db.execute(sql`update revalidation_cursor set lease_token = null, lease_until = null where id = 1 and lease_token = ${token}`);
}

async function outboxHead(db: Db): Promise<number> {
  const [row] = await rows<{ last_id: number | string }>(db, sql`select last_id from outbox_head where id = 1`);
  return Number(row?.last_id ?? 0);
}

/** One claim of the cursor: regenerates events after it, in order, within the budget. */
async function pass(fn: RevalidateFn, budget: { maxEvents: number; deadline: number }, report: CatchUpReport): Promise<'done' | 'busy' | 'stopped'> {
  const db = await getDb();
  const token = randomUUID();
  const start = await claim(db, token);
  if (start === undefined) return 'busy';
  let cursor = start;
  if (report.events === 0 && report.from < 0) report.from = start;
  try {
    for (;;) {
      if (report.events >= budget.maxEvents || Date.now() >= budget.deadline) return 'stopped';
      const batch = await db.select().from(events).where(gt(events.id, cursor)).orderBy(asc(events.id)).limit(BATCH);
      if (!batch.length) return 'done';
      // The batch's pages at once, each once (a burst of writes to one project shares most of them):
      // regenerated after every event of the batch committed, so one render covers them all. A failure
      // leaves the cursor before the batch, for the next write or the drain to retry.
      const paths = await pathsFor(batch);
      const result = await revalidatePaths(fn, paths);
      report.paths += result.revalidated.length;
      const failed = result.failed.length > 0;
      if (failed) report.failed.push(...result.failed);
      const through = failed ? cursor : batch[batch.length - 1]!.id;
      if (!failed) report.events += batch.length;
      if (through > cursor) {
        if (!(await advance(db, token, cursor, through))) return 'stopped'; // the lease ran out: another holder goes on
        state.onRevalidated?.(cursor, through);
        cursor = through;
        report.to = through;
      }
      if (failed) {
        log().warn({ failed: report.failed, cursor }, 'page revalidation failed; the next write or /api/cron/drain retries');
        return 'stopped';
      }
    }
  } finally {
    await release(db, token).catch(() => {});
  }
}

async function catchUpOnce(fn: RevalidateFn, options: { maxEvents?: number; ms?: number }): Promise<CatchUpReport> {
  const budget = { maxEvents: options.maxEvents ?? DEFAULT_BUDGET.maxEvents, deadline: Date.now() + (options.ms ?? DEFAULT_BUDGET.ms) };
  const report: CatchUpReport = { from: -1, to: -1, head: 0, events: 0, paths: 0, failed: [], busy: false };
  try {
    const db = await getDb();
    for (;;) {
      const outcome = await pass(fn, budget, report);
      report.head = await outboxHead(db);
      if (outcome === 'busy') {
        report.busy = true;
        break;
      }
      if (outcome === 'stopped') break;
      // Released: an event committed while we held the cursor (its writer found it busy) is seen here.
      const [row] = await rows<{ last_id: number | string }>(db, sql`select last_id from revalidation_cursor where id = 1`);
      const cursor = Number(row?.last_id ?? 0);
      if (report.to < 0) report.to = cursor;
      if (report.from < 0) report.from = cursor;
      if (report.head <= cursor) break;
    }
  } catch (err) {
    log().warn({ err: (err as Error).message }, 'page revalidation could not run; the next write or /api/cron/drain retries');
    report.failed.push({ path: '*', error: (err as Error).message });
  }
  if (report.to < report.from) report.to = report.from;
  return report;
}

/** Resolves when no catch-up runs in this process. */
export async function catchUpSettled(): Promise<void> {
  while (state.running) await state.running;
}

/**
 * Regenerates the pages of every event after the durable cursor, within a budget (events, time).
 * Never rejects. Calls in one process are coalesced: a call while a catch-up runs makes it go once
 * more, and answers when that pass is done.
 */
export function catchUp(fn: RevalidateFn, options: { maxEvents?: number; ms?: number } = {}): Promise<CatchUpReport> {
  if (state.running) {
    state.again = true;
    return state.running;
  }
  const running = (async () => {
    let last: CatchUpReport;
    do {
      state.again = false;
      last = await catchUpOnce(fn, options);
    } while (state.again && !last.busy);
    state.running = undefined;
    return last;
  })();
  state.running = running;
  return running;
}
