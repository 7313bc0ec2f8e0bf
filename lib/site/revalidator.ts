import { and, asc, desc, eq, gt, lt, sql } from 'drizzle-orm';
import { getDb } from '../db';
import { events, projects, releases, type EventRow } from '../db/schema';
import { onCommittedEvent } from '../events/bus';
import { log } from '../log';
import { publicRelease } from '../releases/repo';
import { ownerPagePath, PAGE_SIZE, projectPagePath, releasePagePath } from './changelog';
import { revalidateSelf } from './revalidate';
import { wasRendered } from './rendered';

/**
 * Keeps the static pages current: every committed outbox event (API write, webhook, import, replay,
 * hide, delete; from this instance or another, via NOTIFY) is turned into exactly the paths it affects,
 * which this server regenerates with `res.revalidate` about a second after the change. Regenerated
 * pages live in this process's memory (next.config.js isrFlushToDisk), so after a start nothing is
 * cached but the build's `/`: that is refreshed, and reading the outbox starts from its head.
 * Failures are retried (back-off, and again on every later event) and logged.
 */
const BATCH = 500;
const RETRY_MS = 30_000;
const MAX_DEEP_PAGES = 5;

interface State {
  cursor: number;
  running: Promise<void> | undefined;
  again: boolean;
  timer?: NodeJS.Timeout;
}

const g = globalThis as typeof globalThis & { __shiplogRevalidator?: State; __shiplogPagesReady?: boolean };

/** Whether the start-up refresh is done (reported by /api/health; `npm start` waits for it). */
export function pagesReady(): boolean {
  return g.__shiplogPagesReady === true;
}

async function projectPaths(owner: string, repo: string): Promise<string[]> {
  const db = await getDb();
  const [p] = await db.select({ id: projects.id }).from(projects).where(and(sql`lower(${projects.owner}) = lower(${owner})`, sql`lower(${projects.repo}) = lower(${repo})`));
  const out = [projectPagePath(owner, repo)];
  if (!p) return out;
  const [count] = await db.select({ n: sql<number>`count(*)::int` }).from(releases).where(and(eq(releases.projectId, p.id), publicRelease));
  const pages = Math.ceil(Number(count?.n ?? 0) / PAGE_SIZE) + 1; // +1: the page a removal just emptied
  for (let n = 2; n <= pages; n++) {
    const page = projectPagePath(owner, repo, n);
    if (n <= MAX_DEEP_PAGES || wasRendered(page)) out.push(page);
  }
  return out;
}

async function neighbourPaths(owner: string, repo: string, at: string | undefined): Promise<string[]> {
  if (!at) return [];
  const db = await getDb();
  const [p] = await db.select({ id: projects.id }).from(projects).where(and(sql`lower(${projects.owner}) = lower(${owner})`, sql`lower(${projects.repo}) = lower(${repo})`));
  if (!p) return [];
  const stamp = sql`${at}::timestamptz`;
  const base = and(eq(releases.projectId, p.id), publicRelease);
  const [older] = await db.select({ tag: releases.tag }).from(releases).where(and(base, lt(releases.publishedAt, stamp))).orderBy(desc(releases.publishedAt)).limit(1);
  const [newer] = await db.select({ tag: releases.tag }).from(releases).where(and(base, gt(releases.publishedAt, stamp))).orderBy(asc(releases.publishedAt)).limit(1);
  return [older, newer].filter((r): r is { tag: string } => !!r).map((r) => releasePagePath(owner, repo, r.tag));
}

/** The pages an event changes. */
export async function pathsFor(rows: EventRow[]): Promise<string[]> {
  const paths = new Set<string>();
  const projectsSeen = new Set<string>();
  for (const row of rows) {
    const p = row.payload as { project?: string; previousProject?: string; tag?: string; previousTag?: string; at?: string };
    if (!p.project || row.type.startsWith('token.')) continue;
    const [owner, repo] = p.project.split('/') as [string, string];
    if (row.type === 'release.reacted') {
      if (p.tag) paths.add(releasePagePath(owner, repo, p.tag));
      continue;
    }
    paths.add('/');
    paths.add(ownerPagePath(owner));
    if (!projectsSeen.has(p.project)) {
      projectsSeen.add(p.project);
      for (const x of await projectPaths(owner, repo)) paths.add(x);
    }
    if (p.previousProject) {
      const [o, r] = p.previousProject.split('/') as [string, string];
      paths.add(projectPagePath(o, r));
      paths.add(ownerPagePath(o));
    }
    if (p.tag) {
      paths.add(releasePagePath(owner, repo, p.tag));
      for (const x of await neighbourPaths(owner, repo, p.at)) paths.add(x);
    }
    if (p.previousTag) paths.add(releasePagePath(owner, repo, p.previousTag));
  }
  return [...paths];
}

async function drain(s: State): Promise<void> {
  const db = await getDb();
  for (;;) {
    const rows = await db.select().from(events).where(gt(events.id, s.cursor)).orderBy(asc(events.id)).limit(BATCH);
    if (!rows.length) return;
    const paths = await pathsFor(rows);
    if (paths.length) {
      const result = await revalidateSelf(paths);
      if (!result || result.failed.length) {
        log().warn({ failed: result?.failed ?? paths }, 'page revalidation failed; retrying later');
        s.timer ??= setTimeout(() => {
          s.timer = undefined;
          wake(s);
        }, RETRY_MS).unref();
        return;
      }
      log().debug({ paths: paths.length, through: rows[rows.length - 1]!.id }, 'pages revalidated');
    }
    s.cursor = rows[rows.length - 1]!.id;
  }
}

function wake(s: State): void {
  if (s.running) {
    s.again = true;
    return;
  }
  s.running = (async () => {
    do {
      s.again = false;
      try {
        await drain(s);
      } catch (err) {
        log().warn({ err: (err as Error).message }, 'page revalidator failed; retrying on the next event');
      }
    } while (s.again);
  })().finally(() => {
    s.running = undefined;
  });
}

/** Starts the revalidator in the server process and refreshes `/`, which the build rendered without data. */
export async function startRevalidator(): Promise<void> {
  if (g.__shiplogRevalidator) return;
  const db = await getDb();
  const [max] = await db.select({ id: sql<number | string | null>`max(${events.id})` }).from(events);
  const s: State = { cursor: Number(max?.id ?? 0), running: undefined, again: false };
  g.__shiplogRevalidator = s;
  onCommittedEvent(() => wake(s));
  await revalidateSelf(['/']);
  wake(s);
  await s.running;
  g.__shiplogPagesReady = true;
}
