import { and, desc, eq, inArray, or, sql } from 'drizzle-orm';
import { exclusive, getDb } from '../db';
import { githubEtags, imports, type ImportRow } from '../db/schema';
import { write } from '../db/write';
import { config } from '../config';
import { ApiError } from '../http/errors';
import { log } from '../log';
import type { ProjectRef } from '../releases/repo';
import { upsertGitHubRelease } from './apply';
import { fetchReleasesPage, releasesUrl } from './client';
import { GitHubRelease } from './payload';

/** Longest wait for a rate-limit reset before stopping with a "retry after" message. */
const maxWaitMs = () => config().SHIPLOG_IMPORT_MAX_WAIT_MS;
const g = globalThis as typeof globalThis & { __shiplogImports?: Map<number, Promise<ImportRow>> };
const running = (g.__shiplogImports ??= new Map());

export type Progress = (row: ImportRow) => void;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function row(id: number): Promise<ImportRow> {
  const [r] = await (await getDb()).select().from(imports).where(eq(imports.id, id));
  if (!r) throw ApiError.notFound(`There is no import ${id}.`);
  return r;
}

const IMPORT_LOCK = 7_450_003;

/** Marks an unfinished import as running (the caller holds its lock). */
async function claim(id: number): Promise<boolean> {
  const db = await getDb();
  const claimed = await db
    .update(imports)
    .set({ state: 'running', updatedAt: new Date(), message: null, retryAt: null, finishedAt: null })
    .where(and(eq(imports.id, id), inArray(imports.state, ['queued', 'running', 'rate_limited', 'failed'])))
    .returning({ id: imports.id });
  return claimed.length > 0;
}

async function finish(id: number, state: ImportRow['state'], message: string, extra: Partial<ImportRow> = {}): Promise<void> {
  await write((tx) => tx.update(imports).set({ state, message, updatedAt: new Date(), finishedAt: state === 'rate_limited' ? null : new Date(), ...extra }).where(eq(imports.id, id)));
}

/**
 * Pages through GET /repos/{o}/{r}/releases?per_page=100 following `Link: rel="next"`. Each page's
 * releases commit together with the import's progress, so a run killed half way resumes at the next
 * page, and upserts keyed by GitHub's id never duplicate. The first page is conditional (stored ETag):
 * a 304 means nothing changed since the last import.
 */
async function run(id: number, project: ProjectRef, onProgress?: Progress): Promise<ImportRow> {
  let current = await row(id);
  const first = releasesUrl(project.owner, project.repo);
  let url: string | null = current.nextUrl ?? (current.pagesDone === 0 ? first : null);
  let attempts = 0;
  onProgress?.(current);
  while (url) {
    const conditional = url === first && current.pagesDone === 0;
    const [stored] = conditional ? await (await getDb()).select().from(githubEtags).where(eq(githubEtags.url, url)) : [];
    let page;
    try {
      page = await fetchReleasesPage(url, stored?.etag);
    } catch (err) {
      page = undefined;
      if (++attempts <= 3) {
        await sleep(500 * 2 ** attempts);
        continue;
      }
      await finish(id, 'failed', `GitHub could not be reached: ${(err as Error).message}. Start the import again to resume.`, { errors: [...current.errors, (err as Error).message] });
      return row(id);
    }
    if (page.limitedUntil) {
      const wait = page.limitedUntil.getTime() - Date.now();
      if (wait <= maxWaitMs()) {
        log().info({ importId: id, waitMs: wait }, 'GitHub rate limit: waiting for the reset');
        await sleep(Math.max(wait, 0) + 250);
        continue;
      }
      await finish(id, 'rate_limited', `GitHub's rate limit is used up until ${page.limitedUntil.toISOString()}. Start the import again after that; it resumes where it stopped.`, { retryAt: page.limitedUntil });
      return row(id);
    }
    if (page.status === 304) {
      await finish(id, 'succeeded', 'Nothing changed on GitHub since the last import.');
      return row(id);
    }
    if (page.status !== 200) {
      const hint = page.status === 404 ? ' Check the repository name and that GITHUB_TOKEN can read it.' : page.status === 401 ? ' Check GITHUB_TOKEN.' : '';
      if (page.status >= 500 && ++attempts <= 3) {
        await sleep(500 * 2 ** attempts);
        continue;
      }
      await finish(id, 'failed', `GitHub answered ${page.status}.${hint}`, { errors: [...current.errors, `${page.status}: ${page.errorText ?? ''}`.trim()] });
      return row(id);
    }
    attempts = 0;
    const thisUrl = url;
    const next = page.next ?? null;
    current = await write(async (tx) => {
      let created = 0;
      let updated = 0;
      let skipped = 0;
      const errors: string[] = [];
      for (const raw of page.releases) {
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
        await tx.insert(githubEtags).values({ url: thisUrl, etag: page.etag }).onConflictDoUpdate({ target: githubEtags.url, set: { etag: page.etag, updatedAt: new Date() } });
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
        })
        .where(eq(imports.id, id))
        .returning();
      return r!;
    });
    onProgress?.(current);
    if (page.rateLimit.remaining === 0 && next && page.rateLimit.resetAt) {
      const wait = page.rateLimit.resetAt.getTime() - Date.now();
      if (wait > maxWaitMs()) {
        await finish(id, 'rate_limited', `GitHub's rate limit is used up until ${page.rateLimit.resetAt.toISOString()}. Start the import again after that; it resumes where it stopped.`, { retryAt: page.rateLimit.resetAt });
        return row(id);
      }
      await sleep(Math.max(wait, 0) + 250);
    }
    url = next;
  }
  await finish(id, 'succeeded', `Imported ${current.pagesDone} page(s): ${current.created} created, ${current.updated} updated, ${current.skipped} unchanged.`);
  const done = await row(id);
  onProgress?.(done);
  return done;
}

/** Runs (or resumes) an import in this process unless it is already running here or elsewhere. */
export function runImport(id: number, project: ProjectRef, onProgress?: Progress): Promise<ImportRow> {
  const existing = running.get(id);
  if (existing) return existing;
  const work = (async () => {
    // A cluster-wide lease: only one process runs an import; a crashed runner's lease ends with its connection.
    const result = await exclusive(IMPORT_LOCK, id, async () => {
      if (!(await claim(id))) return row(id);
      try {
        return await run(id, project, onProgress);
      } catch (err) {
        log().error({ importId: id, err: (err as Error).message }, 'import failed');
        await finish(id, 'failed', `The import stopped: ${(err as Error).message}. Start it again to resume.`).catch(() => {});
        return row(id);
      }
    });
    return result ?? row(id);
  })().finally(() => running.delete(id));
  running.set(id, work);
  return work;
}

/**
 * Starts a backfill for the project, or resumes its unfinished one (queued, running, rate limited or
 * failed with pages left). Returns at once; the import runs in the background of this process.
 */
export async function startImport(project: ProjectRef, onProgress?: Progress): Promise<{ row: ImportRow; done: Promise<ImportRow>; resumed: boolean }> {
  const db = await getDb();
  const [unfinished] = await db
    .select()
    .from(imports)
    .where(and(eq(imports.projectId, project.id), inArray(imports.state, ['queued', 'running', 'rate_limited', 'failed']), sql`${imports.nextUrl} is not null or ${imports.state} in ('queued', 'running')`))
    .orderBy(desc(imports.id))
    .limit(1);
  const target = unfinished ?? (await write(async (tx) => (await tx.insert(imports).values({ projectId: project.id, state: 'queued' }).returning())[0]!));
  const done = runImport(target.id, project, onProgress);
  return { row: target, done, resumed: !!unfinished };
}

/** At server start: resume imports a crash or restart interrupted. */
export async function resumeImports(): Promise<void> {
  const db = await getDb();
  const { projects } = await import('../db/schema');
  const pending = await db
    .select({ id: imports.id, project: projects })
    .from(imports)
    .innerJoin(projects, eq(projects.id, imports.projectId))
    .where(inArray(imports.state, ['queued', 'running']));
  for (const p of pending) void runImport(p.id, p.project);
}

export async function getImport(projectId: number, id: number): Promise<ImportRow> {
  const r = await row(id);
  if (r.projectId !== projectId) throw ApiError.notFound(`There is no import ${id} for this project.`);
  return r;
}

export async function listImports(projectId: number): Promise<ImportRow[]> {
  return (await getDb()).select().from(imports).where(eq(imports.projectId, projectId)).orderBy(desc(imports.id)).limit(50);
}
