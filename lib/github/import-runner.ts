import { randomUUID } from 'node:crypto';
import { waitUntil } from '@vercel/functions';
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { config, serverless } from '../config';
import { getDb, rows } from '../db';
import { githubEtags, imports, projects, type ImportRow } from '../db/schema';
import { write } from '../db/write';
import { ApiError } from '../http/errors';
import { log } from '../log';
import { renderContextOf, warmMarkdown } from '../markdown';
import { revalidateAfterCommit } from '../site/revalidation-cursor';
import type { ProjectRef } from '../releases/repo';
import { upsertGitHubRelease } from './apply';
import { fetchReleasesPage, releasesUrl } from './client';
import { GitHubRelease } from './payload';

/** Longest wait for a rate-limit reset before stopping with a "retry after" message. */
const maxWaitMs = () => config().SHIPLOG_IMPORT_MAX_WAIT_MS;
const leaseMs = () => config().SHIPLOG_IMPORT_LEASE_SECONDS * 1000;
const stepMs = () => config().SHIPLOG_IMPORT_STEP_SECONDS * 1000;
const g = globalThis as typeof globalThis & { __shiplogImports?: Map<number, Promise<ImportRow>> };
const running = (g.__shiplogImports ??= new Map());

export type Progress = (row: ImportRow) => void;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const later = (ms: number) => sql`now() + ${Math.max(0, Math.round(ms))} * interval '1 millisecond'`;

async function row(id: number): Promise<ImportRow> {
  const [r] = await (await getDb()).select().from(imports).where(eq(imports.id, id));
  if (!r) throw ApiError.notFound(`There is no import ${id}.`);
  return r;
}

/** Another runner took the import over (our lease ran out): stop without writing anything more. */
class LeaseLost extends Error {}

/**
 * Claims an unfinished import nobody holds (no lease, or an expired one: its runner died) with
 * `FOR UPDATE SKIP LOCKED`, so two runners never claim the same row. `id` picks one; without it the
 * oldest waiting import is taken (the cron drain).
 */
async function claim(id?: number): Promise<{ id: number; token: string } | undefined> {
  const token = randomUUID();
  const [r] = await rows<{ id: number }>(
    await getDb(),
    sql`
    update imports set state = 'running', lease_token = ${token}, lease_until = ${later(leaseMs())},
      message = null, retry_at = null, finished_at = null, updated_at = now()
    where id = (
      select id from imports
      where state in ('queued', 'running') and (lease_until is null or lease_until < now()) ${id === undefined ? sql`` : sql`and id = ${id}`}
      order by id limit 1 for update skip locked)
    returning id`,
  );
  return r ? { id: Number(r.id), token } : undefined;
}

/** Extends the lease by `ms` (plus the usual lease); throws LeaseLost when another runner holds it now. */
async function renew(id: number, token: string, ms = 0): Promise<void> {
  const r = await rows<{ id: number }>(await getDb(), sql`update imports set lease_until = ${later(ms + leaseMs())} where id = ${id} and lease_token = ${token} returning id`);
  if (!r.length) throw new LeaseLost();
}

/** Hands the import back unfinished: anyone may go on after `notBefore` ms (a wait for GitHub's rate limit). */
async function handBack(id: number, token: string, notBefore = 0): Promise<void> {
  await (
    await getDb()
  ).execute(sql`
    update imports set lease_token = null, lease_until = ${notBefore > 0 ? later(notBefore) : null}, updated_at = now()
    where id = ${id} and lease_token = ${token}`);
}

async function finish(id: number, token: string, state: ImportRow['state'], message: string, extra: Partial<ImportRow> = {}): Promise<void> {
  await write((tx) =>
    tx
      .update(imports)
      .set({ state, message, updatedAt: new Date(), finishedAt: state === 'rate_limited' ? null : new Date(), leaseToken: null, leaseUntil: null, ...extra })
      .where(and(eq(imports.id, id), eq(imports.leaseToken, token))),
  );
}

interface StepOptions {
  /** When to hand the import back unfinished (Infinity: run to the end). */
  deadline: number;
  onProgress?: Progress;
}

/**
 * Pages through GET /repos/{o}/{r}/releases?per_page=100 following `Link: rel="next"`, while holding
 * the import's lease. Each page's releases commit together with the import's progress (only while the
 * lease is ours), so a run killed half way resumes at the next page, and upserts keyed by GitHub's id
 * never duplicate. The first page is conditional (stored ETag): a 304 means nothing changed since the
 * last import. Stops at `deadline`, handing the import back for the next step.
 */
async function advance(id: number, token: string, project: ProjectRef, options: StepOptions): Promise<ImportRow> {
  // The lease is renewed while this runner works (a slow GitHub page included) and runs out soon
  // after it dies. The beat lives only as long as this call (inside the request's waitUntil when serverless).
  const beat = setInterval(() => void renew(id, token).catch(() => {}), Math.max(500, leaseMs() / 3));
  try {
    return await advanceHeld(id, token, project, options);
  } finally {
    clearInterval(beat);
  }
}

async function advanceHeld(id: number, token: string, project: ProjectRef, options: StepOptions): Promise<ImportRow> {
  let current = await row(id);
  const first = releasesUrl(project.owner, project.repo);
  let url: string | null = current.nextUrl ?? (current.pagesDone === 0 ? first : null);
  let attempts = 0;
  let pages: Promise<unknown> = Promise.resolve();
  options.onProgress?.(current);
  /** Waits `ms` unless that passes the deadline: then hands the import back, not to be retried before. */
  const pause = async (ms: number): Promise<boolean> => {
    if (Date.now() + ms > options.deadline) {
      await handBack(id, token, ms);
      return false;
    }
    await renew(id, token, ms);
    await sleep(ms);
    return true;
  };
  try {
    while (url) {
      if (Date.now() >= options.deadline) {
        await handBack(id, token);
        return row(id);
      }
      await renew(id, token);
      const conditional = url === first && current.pagesDone === 0;
      const [stored] = conditional ? await (await getDb()).select().from(githubEtags).where(eq(githubEtags.url, url)) : [];
      let page;
      try {
        page = await fetchReleasesPage(url, stored?.etag);
      } catch (err) {
        page = undefined;
        if (++attempts <= 3) {
          if (!(await pause(500 * 2 ** attempts))) return row(id);
          continue;
        }
        await finish(id, token, 'failed', `GitHub could not be reached: ${(err as Error).message}. Start the import again to resume.`, {
          errors: [...current.errors, (err as Error).message],
        });
        return row(id);
      }
      if (page.limitedUntil) {
        const wait = page.limitedUntil.getTime() - Date.now();
        if (wait <= maxWaitMs()) {
          log().info({ importId: id, waitMs: wait }, 'GitHub rate limit: waiting for the reset');
          if (!(await pause(Math.max(wait, 0) + 250))) return row(id);
          continue;
        }
        await finish(
          id,
          token,
          'rate_limited',
          `GitHub's rate limit is used up until ${page.limitedUntil.toISOString()}. Start the import again after that; it resumes where it stopped.`,
          { retryAt: page.limitedUntil },
        );
        return row(id);
      }
      if (page.status === 304) {
        await finish(id, token, 'succeeded', 'Nothing changed on GitHub since the last import.');
        return row(id);
      }
      if (page.status !== 200) {
        const hint = page.status === 404 ? ' Check the repository name and that GITHUB_TOKEN can read it.' : page.status === 401 ? ' Check GITHUB_TOKEN.' : '';
        if (page.status >= 500 && ++attempts <= 3) {
          if (!(await pause(500 * 2 ** attempts))) return row(id);
          continue;
        }
        await finish(id, token, 'failed', `GitHub answered ${page.status}.${hint}`, { errors: [...current.errors, `${page.status}: ${page.errorText ?? ''}`.trim()] });
        return row(id);
      }
      attempts = 0;
      const thisUrl = url;
      const next = page.next ?? null;
      // Notes render (on the worker pool) before the transaction that stores them.
      await warmMarkdown(
        page.releases.map((r) => (r as { body?: unknown } | null)?.body),
        renderContextOf(project),
      );
      current = await write(async (tx) => {
        let created = 0;
        let updated = 0;
        let skipped = 0;
        const errors: string[] = [];
        for (const raw of page.releases) {
          // Rendering 100 releases' markdown on the embedded database is one long chain of promises:
          // let timers and sockets run between releases (other requests' queries wait for this transaction).
          await new Promise<void>((r) => setImmediate(r));
          const gh = GitHubRelease.safeParse(raw);
          if (!gh.success) {
            skipped++;
            errors.push(`release ${(raw as { id?: unknown }).id ?? '?'}: ${gh.error.issues[0]?.message ?? 'invalid'}`);
            continue;
          }
          const outcome = await upsertGitHubRelease(tx, project, gh.data);
          if (outcome === 'created') created++;
          else if (outcome === 'updated') updated++;
          else skipped++;
        }
        if (conditional && page.etag) {
          await tx
            .insert(githubEtags)
            .values({ url: thisUrl, etag: page.etag })
            .onConflictDoUpdate({ target: githubEtags.url, set: { etag: page.etag, updatedAt: new Date() } });
        }
        const [r] = await tx
          .update(imports)
          .set({
            pagesDone: sql`${imports.pagesDone} + 1`,
            pagesTotal: page.lastPage ?? (next ? undefined : sql`${imports.pagesDone} + 1`),
            created: sql`${imports.created} + ${created}`,
            updated: sql`${imports.updated} + ${updated}`,
            skipped: sql`${imports.skipped} + ${skipped}`,
            errors: errors.length ? sql`${imports.errors} || ${JSON.stringify(errors)}::jsonb` : undefined,
            nextUrl: next,
            updatedAt: new Date(),
            leaseUntil: later(leaseMs()),
          })
          .where(and(eq(imports.id, id), eq(imports.leaseToken, token)))
          .returning();
        if (!r) throw new LeaseLost(); // rolls the page back: the runner that holds the lease imports it
        return r;
      });
      // The page's releases are committed: regenerate their pages (awaited before this step ends).
      pages = revalidateAfterCommit();
      options.onProgress?.(current);
      if (page.rateLimit.remaining === 0 && next && page.rateLimit.resetAt) {
        const wait = page.rateLimit.resetAt.getTime() - Date.now();
        if (wait > maxWaitMs()) {
          await finish(
            id,
            token,
            'rate_limited',
            `GitHub's rate limit is used up until ${page.rateLimit.resetAt.toISOString()}. Start the import again after that; it resumes where it stopped.`,
            { retryAt: page.rateLimit.resetAt },
          );
          return row(id);
        }
        if (!(await pause(Math.max(wait, 0) + 250))) return row(id);
      }
      url = next;
    }
    await finish(id, token, 'succeeded', `Imported ${current.pagesDone} page(s): ${current.created} created, ${current.updated} updated, ${current.skipped} unchanged.`);
    const done = await row(id);
    options.onProgress?.(done);
    return done;
  } catch (err) {
    if (err instanceof LeaseLost) {
      log().info({ importId: id }, 'import taken over by another runner (lease expired)');
      return row(id);
    }
    throw err;
  } finally {
    await pages;
  }
}

/**
 * Claims the import and advances it until `deadline` (or the end), unless another runner holds it.
 * Answers the import's row as it stands afterwards. Never rejects for the import's own failures.
 */
async function drive(id: number, project: ProjectRef, options: StepOptions): Promise<ImportRow> {
  const claimed = await claim(id);
  if (!claimed) return row(id);
  try {
    return await advance(id, claimed.token, project, options);
  } catch (err) {
    log().error({ importId: id, err: (err as Error).message }, 'import failed');
    await finish(id, claimed.token, 'failed', `The import stopped: ${(err as Error).message}. Start it again to resume.`).catch(() => {});
    return row(id);
  }
}

/** Runs (or resumes) an import to its end in this process unless it is already running here or elsewhere. */
export function runImport(id: number, project: ProjectRef, onProgress?: Progress): Promise<ImportRow> {
  const existing = running.get(id);
  if (existing) return existing;
  const work = drive(id, project, { deadline: Infinity, onProgress }).finally(() => running.delete(id));
  running.set(id, work);
  return work;
}

/**
 * One bounded step of an import (serverless mode, polls, the cron drain): at most
 * SHIPLOG_IMPORT_STEP_SECONDS of work, then the import is handed back for the next step.
 */
export function stepImport(id: number, project: ProjectRef, ms = stepMs()): Promise<ImportRow> {
  const existing = running.get(id);
  if (existing) return existing;
  const work = drive(id, project, { deadline: Date.now() + ms }).finally(() => running.delete(id));
  running.set(id, work);
  return work;
}

/**
 * Moves an import on from a request (the one that starts it, a poll of its state): in serverless mode
 * one bounded step through `waitUntil`; in a long-lived server the whole run in the background. Does
 * nothing when it is finished or another runner holds it. Never delays the response.
 */
export function nudgeImport(r: ImportRow, project: ProjectRef): void {
  if (r.state !== 'queued' && r.state !== 'running') return;
  if (r.leaseUntil && r.leaseUntil.getTime() > Date.now()) return;
  const work = serverless() ? stepImport(r.id, project) : runImport(r.id, project);
  waitUntil(work.catch((err: Error) => log().warn({ importId: r.id, err: err.message }, 'import step failed')));
}

/**
 * Starts a backfill for the project, or resumes its unfinished one (queued, running, rate limited or
 * failed with pages left). `done` runs it to the end (the CLI waits for it).
 */
export async function startImport(project: ProjectRef, onProgress?: Progress): Promise<{ row: ImportRow; done: Promise<ImportRow>; resumed: boolean }> {
  const { row: target, resumed } = await queueImport(project);
  return { row: target, done: runImport(target.id, project, onProgress), resumed };
}

/** Queues a backfill (or the project's unfinished one again) without running it. */
export async function queueImport(project: ProjectRef): Promise<{ row: ImportRow; resumed: boolean }> {
  const db = await getDb();
  const [unfinished] = await db
    .select()
    .from(imports)
    .where(
      and(
        eq(imports.projectId, project.id),
        inArray(imports.state, ['queued', 'running', 'rate_limited', 'failed']),
        sql`${imports.nextUrl} is not null or ${imports.state} in ('queued', 'running')`,
      ),
    )
    .orderBy(desc(imports.id))
    .limit(1);
  if (unfinished) {
    if (unfinished.state === 'rate_limited' || unfinished.state === 'failed') {
      const [again] = await db
        .update(imports)
        .set({ state: 'queued', message: null, retryAt: null, finishedAt: null, updatedAt: new Date() })
        .where(and(eq(imports.id, unfinished.id), inArray(imports.state, ['rate_limited', 'failed'])))
        .returning();
      return { row: again ?? (await row(unfinished.id)), resumed: true };
    }
    return { row: unfinished, resumed: true };
  }
  const created = await write(async (tx) => (await tx.insert(imports).values({ projectId: project.id, state: 'queued' }).returning())[0]!);
  return { row: created, resumed: false };
}

/** Starts (or resumes) an import from a request: queued, then moved on without delaying the response. */
export async function startImportFromRequest(project: ProjectRef): Promise<{ row: ImportRow; resumed: boolean }> {
  const queued = await queueImport(project);
  nudgeImport(queued.row, project);
  return queued;
}

async function projectOf(projectId: number): Promise<ProjectRef | undefined> {
  const [p] = await (await getDb()).select().from(projects).where(eq(projects.id, projectId));
  return p;
}

/**
 * For the cron drain: steps unfinished imports nobody holds (their runner died, or serverless steps
 * that no poll moved on), oldest first, until `deadline`.
 */
export async function drainImports(deadline: number): Promise<ImportRow[]> {
  const out: ImportRow[] = [];
  const seen = new Set<number>();
  while (Date.now() < deadline) {
    const claimed = await claim();
    if (!claimed || seen.has(claimed.id)) {
      if (claimed) await handBack(claimed.id, claimed.token);
      break;
    }
    seen.add(claimed.id);
    const r = await row(claimed.id);
    const project = await projectOf(r.projectId);
    if (!project) {
      await handBack(claimed.id, claimed.token);
      continue;
    }
    const work = advance(claimed.id, claimed.token, project, { deadline }).catch(async (err: Error) => {
      log().error({ importId: claimed.id, err: err.message }, 'import failed');
      await finish(claimed.id, claimed.token, 'failed', `The import stopped: ${err.message}. Start it again to resume.`).catch(() => {});
      return row(claimed.id);
    });
    running.set(claimed.id, work);
    try {
      out.push(await work);
    } finally {
      running.delete(claimed.id);
    }
  }
  return out;
}

/** At the start of a long-lived server: resume imports a crash or restart interrupted (once their lease ends). */
export async function resumeImports(): Promise<void> {
  const db = await getDb();
  const pending = await db
    .select({ row: imports, project: projects })
    .from(imports)
    .innerJoin(projects, eq(projects.id, imports.projectId))
    .where(inArray(imports.state, ['queued', 'running']));
  let soonest = Infinity;
  for (const p of pending) {
    const until = p.row.leaseUntil?.getTime() ?? 0;
    if (until <= Date.now()) void runImport(p.row.id, p.project);
    else soonest = Math.min(soonest, until);
  }
  // A dead runner's lease: look again once it has run out.
  if (soonest < Infinity) setTimeout(() => void resumeImports().catch(() => {}), soonest - Date.now() + 250).unref();
}

export async function getImport(projectId: number, id: number): Promise<ImportRow> {
  const r = await row(id);
  if (r.projectId !== projectId) throw ApiError.notFound(`There is no import ${id} for this project.`);
  return r;
}

export async function listImports(projectId: number): Promise<ImportRow[]> {
  return (await getDb()).select().from(imports).where(eq(imports.projectId, projectId)).orderBy(desc(imports.id)).limit(50);
}
