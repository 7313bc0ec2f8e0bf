import { and, eq } from 'drizzle-orm';
import type { Principal } from '../auth/principal';
import type { Tx } from '../db';
import { releases, releaseTombstones } from '../db/schema';
import { InvalidError, NotFoundError, StaleError } from '../domain/errors';
import type { ExpectedVersion } from '../domain/expected-version';
import { renderContextOf } from '../markdown';
import { renderSubmittedMarkdown } from '../markdown/submitted';
import { requireProject } from '../projects/repo';
import { settle } from './derive';
import * as repo from './repo';
import type { ProjectRef, ReleaseFilters, ReleaseRecord } from './repo';
import type { ReleaseWrite } from './schema';

/**
 * The release write steps, one home for every path that changes releases: the REST API, the admin
 * console's forms, GitHub webhooks (and their replays) and imports. The rules live here once: what a
 * write may hold (a draft has no publication time), the notes rendered (refused for a person, stored
 * unformatted for GitHub), the expected version checked, GitHub's tombstones; the repository writes
 * the row and its outbox event in the caller's transaction (idempotent API writes run theirs).
 */

/** Who makes the change. */
export type Actor =
  /** Someone with a token: an API client, or a person in the console (`principal.via === 'session'`). */
  | { kind: 'person'; principal: Principal }
  /** GitHub, through a webhook delivery, its replay or an import: `releaseId` is GitHub's release id. */
  | { kind: 'github'; releaseId: number };

export type { ExpectedVersion };

export interface WriteOptions {
  actor: Actor;
  /** Undefined: the caller does not say which version it read (the write applies to the current one). */
  expected?: ExpectedVersion;
  /** Where the notes are in the caller's document (`/body` in v1, `/notes/markdown` in v2), for a refusal. */
  notesPath?: string;
  /** What a missing release tells the caller, when it words it its own way (the console does). */
  missing?: string;
}

export interface ReleaseTarget {
  owner: string;
  repo: string;
  tag: string;
}

export interface Change {
  before: ReleaseRecord;
  after: ReleaseRecord;
}

const DEFAULT_NOTES_PATH = '/notes/markdown';

/** The rules every write document must meet (beyond its schema); throws InvalidError. */
export function checkReleaseWrite(w: ReleaseWrite): ReleaseWrite {
  if (w.draft && w.publishedAt) {
    throw new InvalidError('A draft has no publication time.', { issues: [{ path: '/publishedAt', reason: 'must be null for a draft' }] });
  }
  return w;
}

/**
 * Renders notes a person submitted, before the write's transaction: a refusal (too long, too slow)
 * is theirs to fix and is reported before anything is locked; inside the transaction the same notes
 * are then a render-cache hit. GitHub's notes need no such step (a refused body is stored unformatted).
 * `project` is the one the notes are for: their `#12`, `@user` and SHAs link to its repository.
 */
export async function prepareNotes(markdown: string, project: { owner: string; repo: string }, notesPath = DEFAULT_NOTES_PATH): Promise<void> {
  await renderSubmittedMarkdown(markdown, notesPath, renderContextOf(project));
}

/** The release as a write document (what a replace with no changes would send). */
export function recordAsWrite(r: ReleaseRecord): ReleaseWrite {
  return {
    tag: r.tag,
    name: r.name,
    body: r.body,
    url: r.htmlUrl,
    publishedAt: r.publishedAt,
    prerelease: r.prerelease,
    draft: r.draft,
    hidden: r.hidden,
    author: r.authorLogin ? { login: r.authorLogin, avatarUrl: r.authorAvatarUrl, url: r.authorUrl } : null,
  };
}

/** A person's write: the rules, and notes that render (a refusal is an error, not plain text). */
async function personWrite(project: ProjectRef, w: ReleaseWrite, o: WriteOptions, current?: ReleaseRecord): Promise<ReleaseWrite> {
  checkReleaseWrite(w);
  if (o.actor.kind === 'person' && w.body !== current?.body) await renderSubmittedMarkdown(w.body, o.notesPath ?? DEFAULT_NOTES_PATH, renderContextOf(project));
  return w;
}

function checkExpected(current: ReleaseRecord, expected: ExpectedVersion | undefined): void {
  if (!expected || expected.held === 'any') return;
  if (!expected.held.some((h) => h.id === current.id && h.version === current.version)) throw new StaleError(expected.stale, { expected: true });
}

/** The release to change, locked for this transaction, after the caller's expected version is checked. */
async function locked(tx: Tx, target: ReleaseTarget, o: WriteOptions): Promise<{ project: ProjectRef; current: ReleaseRecord }> {
  const project = await requireProject(tx, target.owner, target.repo, { seeAll: true });
  const current = await repo.findRelease(tx, project.id, target.tag, { seeAll: true, forUpdate: true });
  if (!current) throw new NotFoundError(o.missing ?? `Project ${project.owner}/${project.repo} has no release tagged "${target.tag}".`);
  checkExpected(current, o.expected);
  return { project, current };
}

function githubIdOf(actor: Actor): number | null {
  return actor.kind === 'github' ? actor.releaseId : null;
}

/** Creates a release in `project` (a name, or the project already read in this transaction). */
export async function createRelease(tx: Tx, project: ProjectRef | { owner: string; repo: string }, w: ReleaseWrite, o: WriteOptions): Promise<ReleaseRecord> {
  const ref = 'id' in project ? project : await requireProject(tx, project.owner, project.repo, { seeAll: true });
  const write = o.actor.kind === 'person' ? await personWrite(ref, w, o) : w;
  return created(tx, ref, await repo.createRelease(tx, ref, write, o.actor.kind === 'github' ? 'github' : 'manual', githubIdOf(o.actor)));
}

/**
 * After a release is created or changed: the rest of its project's releases brought in line (levels
 * of its package, old and new, computed again; rows not derived yet derived), and the release as
 * stored after that (its own level may follow from a row derived only now).
 */
async function settled(tx: Tx, project: ProjectRef, before: ReleaseRecord | undefined, after: ReleaseRecord): Promise<ReleaseRecord> {
  const changed = await settle(tx, project, before && before.package !== after.package ? [before.package, after.package] : [after.package]);
  if (!changed) return after;
  return (await repo.findRelease(tx, project.id, after.tag, { seeAll: true })) ?? after;
}

const created = (tx: Tx, project: ProjectRef, after: ReleaseRecord) => settled(tx, project, undefined, after);

async function changed(tx: Tx, project: ProjectRef, current: ReleaseRecord, after: ReleaseRecord): Promise<Change> {
  return { before: current, after: await settled(tx, project, current, after) };
}

/** Replaces every writable field of the release. */
export async function replaceRelease(tx: Tx, target: ReleaseTarget, w: ReleaseWrite, o: WriteOptions): Promise<Change> {
  const { project, current } = await locked(tx, target, o);
  const write = await personWrite(project, w, o, current);
  return changed(tx, project, current, await repo.updateRelease(tx, project, current, write));
}

/**
 * Changes the release by a patch: `patch` turns the release as it is now into the write document
 * (the caller applies and validates its own patch format). Making it a draft takes it off the site
 * (a draft has no publication time); un-drafting without a date publishes it now.
 */
export async function patchRelease(tx: Tx, target: ReleaseTarget, patch: (current: ReleaseRecord) => ReleaseWrite, o: WriteOptions): Promise<Change> {
  const { project, current } = await locked(tx, target, o);
  const w = patch(current);
  if (w.body !== current.body && o.actor.kind === 'person') await renderSubmittedMarkdown(w.body, o.notesPath ?? DEFAULT_NOTES_PATH, renderContextOf(project));
  if (w.draft) w.publishedAt = null;
  return changed(tx, project, current, await repo.updateRelease(tx, project, current, checkReleaseWrite(w)));
}

/** Hides the release from readers, or shows it again. */
export async function setReleaseHidden(tx: Tx, target: ReleaseTarget, hidden: boolean, o: WriteOptions): Promise<Change> {
  const { project, current } = await locked(tx, target, o);
  const w = checkReleaseWrite({ ...recordAsWrite(current), hidden });
  return changed(tx, project, current, await repo.updateRelease(tx, project, current, w));
}

/** Deletes the release; returns it as it was. */
export async function deleteRelease(tx: Tx, target: ReleaseTarget, o: WriteOptions): Promise<ReleaseRecord> {
  const { project, current } = await locked(tx, target, o);
  await repo.deleteRelease(tx, project, current);
  await settle(tx, project, [current.package]);
  return current;
}

/** One change to every release of the project matching the filters; how many matched and changed. */
export async function changeReleases(
  tx: Tx,
  project: { owner: string; repo: string },
  filters: ReleaseFilters,
  change: { hidden?: boolean; prerelease?: boolean },
): Promise<{ matched: number; changed: number }> {
  const ref = await requireProject(tx, project.owner, project.repo, { seeAll: true });
  return repo.bulkUpdate(tx, ref, { filters, seeAll: true, change });
}

// --- GitHub ---------------------------------------------------------------------------------------

export type GitHubOutcome = 'created' | 'updated' | 'unchanged' | 'deleted' | 'already-deleted' | 'tombstoned';

async function byGithubId(tx: Tx, project: ProjectRef, githubId: number): Promise<ReleaseRecord | undefined> {
  const [row] = await tx
    .select({ tag: releases.tag })
    .from(releases)
    .where(and(eq(releases.projectId, project.id), eq(releases.githubId, githubId)));
  return row ? repo.findRelease(tx, project.id, row.tag, { seeAll: true, forUpdate: true }) : undefined;
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
 * Brings GitHub's release `w` (GitHub release id in the actor) into the project, keyed by that id (a
 * renamed tag moves the release instead of duplicating it). A release deleted on GitHub stays deleted:
 * its tombstone wins over any late delivery. Shiplog's own `hidden` flag survives GitHub's edits. A
 * release with the tag but no GitHub id (typed in by hand, or seeded) is adopted, not duplicated.
 */
export async function syncGitHubRelease(tx: Tx, project: ProjectRef, w: ReleaseWrite, actor: Extract<Actor, { kind: 'github' }>): Promise<GitHubOutcome> {
  const githubId = actor.releaseId;
  const [tomb] = await tx
    .select()
    .from(releaseTombstones)
    .where(and(eq(releaseTombstones.projectId, project.id), eq(releaseTombstones.githubId, githubId)));
  if (tomb) return 'tombstoned';
  let current = await byGithubId(tx, project, githubId);
  if (!current) {
    const byTag = await repo.findRelease(tx, project.id, w.tag, { seeAll: true, forUpdate: true });
    if (byTag && (byTag.githubId === null || byTag.githubId !== githubId)) current = byTag;
  }
  if (!current) {
    await created(tx, project, await repo.createRelease(tx, project, w, 'github', githubId));
    return 'created';
  }
  const write = repo.cleanReleaseWrite({ ...w, hidden: current.hidden });
  if (current.githubId === githubId && same(current, write)) return 'unchanged';
  if (current.githubId !== githubId) {
    await tx.update(releases).set({ githubId, source: 'github' }).where(eq(releases.id, current.id));
  }
  await changed(tx, project, current, await repo.updateRelease(tx, project, current, write));
  return 'updated';
}

/** Deletes GitHub's release by its id and leaves a tombstone, so a late or replayed `published` cannot bring it back. */
export async function removeGitHubRelease(tx: Tx, project: ProjectRef, tag: string, actor: Extract<Actor, { kind: 'github' }>): Promise<GitHubOutcome> {
  const current = await byGithubId(tx, project, actor.releaseId);
  await tx.insert(releaseTombstones).values({ githubId: actor.releaseId, projectId: project.id, tag }).onConflictDoNothing();
  if (!current) return 'already-deleted';
  await repo.deleteRelease(tx, project, current);
  await settle(tx, project, [current.package]);
  return 'deleted';
}
