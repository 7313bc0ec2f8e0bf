import { and, eq } from 'drizzle-orm';
import type { Tx } from '../db';
import { releases, releaseTombstones } from '../db/schema';
import { cleanReleaseWrite, createRelease, deleteRelease, findRelease, updateRelease, type ProjectRef, type ReleaseRecord } from '../releases/repo';
import type { ReleaseWrite } from '../releases/schema';
import { fromGitHub, type GitHubRelease } from './payload';

export type ApplyOutcome = 'created' | 'updated' | 'unchanged' | 'deleted' | 'already-deleted' | 'tombstoned';

async function byGithubId(tx: Tx, project: ProjectRef, githubId: number): Promise<ReleaseRecord | undefined> {
  const [row] = await tx.select({ tag: releases.tag }).from(releases).where(and(eq(releases.projectId, project.id), eq(releases.githubId, githubId)));
  return row ? findRelease(tx, project.id, row.tag, true, true) : undefined;
}

function same(r: ReleaseRecord, w: ReleaseWrite): boolean {
  return (
    r.tag === w.tag &&
    r.name === w.name &&
    r.body === w.body &&
    r.htmlUrl === w.url &&
    r.prerelease === w.prerelease &&
    r.draft === w.draft &&
    (r.publishedAt?.getTime() ?? null) === (w.publishedAt?.getTime() ?? null) &&
    r.authorLogin === (w.author?.login ?? null) &&
    r.authorAvatarUrl === (w.author?.avatarUrl ?? null)
  );
}

/**
 * Upserts a GitHub release, keyed by GitHub's release id (a renamed tag moves the release instead
 * of duplicating it). A release deleted on GitHub stays deleted: its tombstone wins over any late
 * delivery. Shiplog's own `hidden` flag survives GitHub's edits. Used by webhooks, replay and imports.
 */
export async function upsertGitHubRelease(tx: Tx, project: ProjectRef, gh: GitHubRelease, options: { forceDraft?: boolean } = {}): Promise<ApplyOutcome> {
  const [tomb] = await tx.select().from(releaseTombstones).where(and(eq(releaseTombstones.projectId, project.id), eq(releaseTombstones.githubId, gh.id)));
  if (tomb) return 'tombstoned';
  const source = options.forceDraft ? { ...gh, draft: true } : gh;
  let current = await byGithubId(tx, project, gh.id);
  // A release with this tag but no GitHub id (typed in by hand, or seeded) is adopted, not duplicated.
  if (!current) {
    const byTag = await findRelease(tx, project.id, gh.tag_name, true, true);
    if (byTag && (byTag.githubId === null || byTag.githubId !== gh.id)) current = byTag;
  }
  if (!current) {
    await createRelease(tx, project, fromGitHub(source), 'github', gh.id);
    return 'created';
  }
  const w = cleanReleaseWrite(fromGitHub(source, current.hidden));
  if (current.githubId === gh.id && same(current, w)) return 'unchanged';
  if (current.githubId !== gh.id) {
    await tx.update(releases).set({ githubId: gh.id, source: 'github' }).where(eq(releases.id, current.id));
  }
  await updateRelease(tx, project, current, w);
  return 'updated';
}

/** Deletes by GitHub id and leaves a tombstone, so a late or replayed `published` cannot bring it back. */
export async function deleteGitHubRelease(tx: Tx, project: ProjectRef, gh: Pick<GitHubRelease, 'id' | 'tag_name'>): Promise<ApplyOutcome> {
  const current = await byGithubId(tx, project, gh.id);
  await tx.insert(releaseTombstones).values({ githubId: gh.id, projectId: project.id, tag: gh.tag_name }).onConflictDoNothing();
  if (!current) return 'already-deleted';
  await deleteRelease(tx, project, current);
  return 'deleted';
}
