import { sql } from 'drizzle-orm';
import { MARKDOWN_RENDERER_VERSION, renderContextOf, renderStoredMarkdown } from '../markdown';
import { demoProjects } from './demo-data';
import type { Db } from './index';
import { emit, lockOutbox } from './outbox';
import { projects, releases } from './schema';

const SEED_LOCK = 7_450_002;

export interface SeedResult {
  skipped: boolean;
  projects: number;
  releases: number;
}

/**
 * Loads the demo data (4 projects, 30+ releases each) with rendered notes and outbox events, in one
 * transaction. `ifEmpty` makes it a no-op on a database that already has projects; concurrent
 * instances are serialised by an advisory lock, so two servers starting together seed once.
 */
export async function seedDemo(db: Db, options: { ifEmpty?: boolean } = {}): Promise<SeedResult> {
  if (options.ifEmpty && (await db.select({ id: projects.id }).from(projects).limit(1)).length > 0) return { skipped: true, projects: 0, releases: 0 };
  // Notes are rendered (in parallel, on the worker pool when long) before the transaction, never while it holds the outbox.
  // Keyed by repository and body: autolinks (#12, @user, SHAs) point at each project's repository.
  const keyOf = (demo: { owner: string; repo: string }, body: string) => `${demo.owner}/${demo.repo}\0${body}`;
  const pairs = new Map(demoProjects().flatMap((demo) => demo.releases.map((r) => [keyOf(demo, r.body), { demo, body: r.body }] as const)));
  const html = new Map(await Promise.all([...pairs].map(async ([key, { demo, body }]) => [key, await renderStoredMarkdown(body, renderContextOf(demo))] as const)));
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${SEED_LOCK})`);
    await lockOutbox(tx);
    if (options.ifEmpty) {
      const existing = await tx.select({ id: projects.id }).from(projects).limit(1);
      if (existing.length > 0) return { skipped: true, projects: 0, releases: 0 };
    }
    let projectCount = 0;
    let releaseCount = 0;
    for (const demo of demoProjects()) {
      const [project] = await tx
        .insert(projects)
        .values({ owner: demo.owner, repo: demo.repo, name: demo.name, description: demo.description, homepage: demo.homepage })
        .onConflictDoNothing()
        .returning();
      if (!project) continue; // already there (seeding a non-empty database without ifEmpty)
      projectCount++;
      const fullName = `${project.owner}/${project.repo}`;
      await emit(tx, { type: 'project.created', projectId: project.id, payload: { project: fullName } });
      const ordered = [...demo.releases].sort((a, b) => a.publishedAt.getTime() - b.publishedAt.getTime());
      const inserted = await tx
        .insert(releases)
        .values(
          ordered.map((r) => ({
            projectId: project.id,
            tag: r.tag,
            githubId: r.githubId,
            name: r.name,
            body: r.body,
            bodyHtml: html.get(keyOf(demo, r.body))!,
            bodyHtmlRenderer: MARKDOWN_RENDERER_VERSION,
            publishedAt: r.draft ? null : r.publishedAt,
            createdAt: r.createdAt,
            updatedAt: r.draft ? r.createdAt : r.publishedAt,
            prerelease: r.prerelease,
            draft: r.draft,
            authorLogin: r.author?.login ?? null,
            authorAvatarUrl: r.author?.avatarUrl ?? null,
            authorUrl: r.author?.url ?? null,
            htmlUrl: r.htmlUrl,
            source: 'github' as const,
          })),
        )
        .returning({ id: releases.id, tag: releases.tag, draft: releases.draft });
      for (const r of inserted) {
        await emit(tx, {
          type: r.draft ? 'release.created' : 'release.published',
          projectId: project.id,
          payload: { project: fullName, tag: r.tag, releaseId: r.id },
        });
      }
      releaseCount += inserted.length;
    }
    return { skipped: false, projects: projectCount, releases: releaseCount };
  });
}
