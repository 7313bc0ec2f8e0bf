import { and, eq, ne, sql } from 'drizzle-orm';
import { config } from '../config';
import type { Tx } from '../db';
import { projects, releases, releaseTombstones, webhookDeliveries, type DeliveryStatus } from '../db/schema';
import { write } from '../db/write';
import { ApiError } from '../http/errors';
import { log } from '../log';
import { createProject, findProject, findProjectRow, findProjectRowByRepositoryId, updateProject, type ProjectRecord } from '../projects/repo';
import { warmMarkdown } from '../markdown';
import { toApiError } from '../http/problem';
import { deleteGitHubRelease, upsertGitHubRelease, type ApplyOutcome } from './apply';
import { fetchRelease } from './client';
import { GitHubRelease, type GitHubRepository, ReleaseEvent } from './payload';

export interface DeliveryOutcome {
  status: DeliveryStatus;
  outcome: string;
  projectId: number | null;
  /** HTTP status for the sender. */
  httpStatus: number;
  body: Record<string, unknown>;
}

const UPSERT_ACTIONS = new Set(['published', 'released', 'prereleased', 'created', 'edited']);

interface Context {
  /** The signature was made with the global (or a previous global) secret: auto-registration may apply. */
  globallySigned: boolean;
  /** SHA-256 of the delivered bytes, and the delivery's own log row (webhooks; not operator replays). */
  digest?: string;
  deliveryId?: number;
  /** For `edited`: the release's current state fetched from GitHub before the transaction (GITHUB_TOKEN). */
  fresh?: GitHubRelease | 'gone';
}

/** Applies one delivery (webhook or replay) inside the caller's transaction. Throws ApiError for bad input. */
export async function applyDelivery(tx: Tx, event: string, payload: unknown, ctx: Context): Promise<DeliveryOutcome> {
  if (event === 'ping') {
    const zen = (payload as { zen?: unknown } | null)?.zen;
    return { status: 'processed', outcome: 'pong', projectId: null, httpStatus: 200, body: { status: 'processed', event, zen: typeof zen === 'string' ? zen : null } };
  }
  if (event !== 'release') {
    return {
      status: 'ignored',
      outcome: 'ignored',
      projectId: null,
      httpStatus: 202,
      body: { status: 'ignored', event, detail: `Shiplog acts on release events only; ${event} was ignored.` },
    };
  }
  const parsed = ReleaseEvent.safeParse(payload);
  if (!parsed.success) {
    throw ApiError.validation(
      'This is not a GitHub release event payload.',
      parsed.error.issues.map((i) => ({ pointer: `/${i.path.join('/')}`, detail: i.message })),
    );
  }
  const { action, release, repository } = parsed.data;
  if (action !== 'deleted' && action !== 'unpublished' && !UPSERT_ACTIONS.has(action)) {
    return {
      status: 'ignored',
      outcome: 'ignored',
      projectId: null,
      httpStatus: 202,
      body: { status: 'ignored', event, action, detail: `Release action ${action} is not one Shiplog acts on.` },
    };
  }
  if (ctx.digest && (await appliedBefore(tx, ctx.digest, ctx.deliveryId))) {
    const known = await knownProject(tx, repository);
    if (known && action !== 'deleted' && (await isTombstoned(tx, known.id, release.id))) {
      return {
        status: 'processed',
        outcome: 'tombstoned',
        projectId: known.id,
        httpStatus: 200,
        body: { status: 'processed', event, action, outcome: 'tombstoned', release: { project: `${known.owner}/${known.repo}`, tag: release.tag_name } },
      };
    }
    // A body already applied under another delivery id: a replay of a captured delivery, never applied twice
    // (not even its repository's name, which could otherwise rename the project back).
    return ignoredReplay(null, event, action, 'This exact payload was already applied under another delivery id; a replayed body is not applied again.');
  }
  const project = await projectFor(tx, repository, ctx);
  const evidence = evidenceOf(parsed.data);
  if (action !== 'deleted' && evidence && (await newerApplied(tx, project.id, release.id, evidence))) {
    return ignoredReplay(project, event, action, 'A newer payload for this release was already applied; an older one does not overwrite it.');
  }
  let outcome: ApplyOutcome | 'ignored-draft';
  if (action === 'deleted' || ctx.fresh === 'gone') {
    outcome = await deleteGitHubRelease(tx, project, release);
  } else if (action === 'unpublished') {
    outcome = await upsertGitHubRelease(tx, project, release, { forceDraft: true });
  } else if (UPSERT_ACTIONS.has(action)) {
    const current = action === 'edited' && ctx.fresh ? ctx.fresh : release;
    outcome = await upsertGitHubRelease(tx, project, current);
  } else {
    throw new Error(`unreachable: action ${action}`);
  }
  if (evidence && outcome !== 'tombstoned') {
    await tx
      .update(releases)
      .set({ githubEvidenceAt: evidence })
      .where(and(eq(releases.projectId, project.id), eq(releases.githubId, release.id)));
  }
  return {
    status: 'processed',
    outcome,
    projectId: project.id,
    httpStatus: 200,
    body: { status: 'processed', event, action, outcome, release: { project: `${project.owner}/${project.repo}`, tag: release.tag_name } },
  };
}

function ignoredReplay(project: ProjectRecord | null, event: string, action: string, detail: string): DeliveryOutcome {
  return { status: 'ignored', outcome: 'stale', projectId: project?.id ?? null, httpStatus: 202, body: { status: 'ignored', outcome: 'stale', event, action, detail } };
}

/** Was this exact body applied before, under another delivery id? */
async function appliedBefore(tx: Tx, digest: string, deliveryId: number | undefined): Promise<boolean> {
  const [row] = await tx
    .select({ id: webhookDeliveries.id })
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.payloadDigest, digest), eq(webhookDeliveries.status, 'processed'), ...(deliveryId !== undefined ? [ne(webhookDeliveries.id, deliveryId)] : [])))
    .limit(1);
  return !!row;
}

const time = (v: unknown): number => (typeof v === 'number' ? v * 1000 : typeof v === 'string' ? Date.parse(v) : NaN);

/**
 * The newest time a payload proves it is at least as recent as (GitHub release payloads carry no edit
 * time): the repository's `updated_at`/`pushed_at` as of sending, which never go back. (The release's
 * own times do: `unpublished` clears `published_at`.)
 */
function evidenceOf(p: { repository: GitHubRepository }): Date | undefined {
  const times = [p.repository.updated_at, p.repository.pushed_at].map(time).filter((t) => Number.isFinite(t));
  return times.length ? new Date(Math.max(...times)) : undefined;
}

/** Has a payload with newer evidence been applied to this release? */
async function newerApplied(tx: Tx, projectId: number, githubId: number, evidence: Date): Promise<boolean> {
  const [row] = await tx
    .select({ at: releases.githubEvidenceAt })
    .from(releases)
    .where(and(eq(releases.projectId, projectId), eq(releases.githubId, githubId)))
    .limit(1);
  return !!row?.at && row.at.getTime() > evidence.getTime();
}

/** The project a repository already is (by GitHub id, else by name), without changing anything. */
async function knownProject(tx: Tx, repository: GitHubRepository): Promise<{ id: number; owner: string; repo: string } | undefined> {
  const byId = repository.id !== undefined ? await findProjectRowByRepositoryId(tx, repository.id) : undefined;
  return byId ?? (await findProjectRow(tx, repository.owner.login, repository.name));
}

async function isTombstoned(tx: Tx, projectId: number, githubId: number): Promise<boolean> {
  const [row] = await tx
    .select({ id: releaseTombstones.githubId })
    .from(releaseTombstones)
    .where(and(eq(releaseTombstones.projectId, projectId), eq(releaseTombstones.githubId, githubId)))
    .limit(1);
  return !!row;
}

/**
 * The project of a delivery's repository, following GitHub's repository id: a known id under a new
 * `full_name` renames the project (its old name then redirects); a project found by name learns its
 * id; an unknown repository is auto-registered when allowed.
 */
async function projectFor(tx: Tx, repository: GitHubRepository, ctx: Context): Promise<ProjectRecord> {
  const owner = repository.owner.login;
  const repo = repository.name;
  if (repository.id !== undefined) {
    const row = await findProjectRowByRepositoryId(tx, repository.id);
    if (row) {
      const current = (await findProject(tx, row.owner, row.repo, { seeAll: true, forUpdate: true }))!;
      if (current.owner === owner && current.repo === repo) return current;
      return updateProject(tx, current, { owner, repo, name: current.name, description: current.description, homepage: current.homepage });
    }
  }
  let project = await findProject(tx, owner, repo, { seeAll: true });
  if (project) {
    if (repository.id !== undefined && project.githubRepositoryId !== null && project.githubRepositoryId !== repository.id) {
      throw new ApiError(409, {
        type: 'repository-mismatch',
        detail: `${project.owner}/${project.repo} follows GitHub repository ${project.githubRepositoryId}; this delivery is for repository ${repository.id} under the same name.`,
        errors: [{ pointer: '/repository/id', detail: 'is not the repository this project follows' }],
      });
    }
    if (repository.id !== undefined && project.githubRepositoryId === null) {
      await tx.update(projects).set({ githubRepositoryId: repository.id }).where(eq(projects.id, project.id));
      project = { ...project, githubRepositoryId: repository.id };
    }
    return project;
  }
  if (!(config().SHIPLOG_AUTO_REGISTER && ctx.globallySigned)) {
    throw ApiError.notFound(`Shiplog has no project ${repository.full_name}. Create it (POST /api/v1/projects) or set SHIPLOG_AUTO_REGISTER=true, then replay this delivery.`);
  }
  const created = await createProject(tx, {
    owner,
    repo,
    name: repo,
    description: repository.description ?? null,
    homepage: repository.homepage || null,
  });
  if (repository.id === undefined) return created;
  await tx.update(projects).set({ githubRepositoryId: repository.id }).where(eq(projects.id, created.id));
  return { ...created, githubRepositoryId: repository.id };
}

/** For `edited` with GITHUB_TOKEN: GitHub's current state settles which of two racing edits wins. */
export async function prefetch(event: string, payload: unknown): Promise<GitHubRelease | 'gone' | undefined> {
  if (event !== 'release' || !config().GITHUB_TOKEN) return undefined;
  const parsed = ReleaseEvent.safeParse(payload);
  if (!parsed.success || parsed.data.action !== 'edited') return undefined;
  const [owner, repo] = parsed.data.repository.full_name.split('/') as [string, string];
  const fresh = await fetchRelease(owner, repo, parsed.data.release.id);
  if (fresh === undefined || fresh === 'gone') return fresh;
  const checked = GitHubRelease.safeParse(fresh);
  return checked.success ? checked.data : undefined;
}

/** Renders a delivery's release notes before the transaction that stores them (on the worker pool). */
function warmNotes(payload: unknown, fresh: GitHubRelease | 'gone' | undefined): Promise<void> {
  const p = payload as { release?: { body?: unknown }; repository?: { full_name?: unknown } } | null;
  // For the repository the delivery names (the project's name, unless the project was renamed since).
  const repository = typeof p?.repository?.full_name === 'string' ? p.repository.full_name : undefined;
  return warmMarkdown([p?.release?.body, fresh && fresh !== 'gone' ? fresh.body : undefined], { repository });
}

/**
 * Records and applies a delivery: the log row, the change and its outbox event commit together.
 * A delivery id seen before is answered `duplicate` (and counted) without reprocessing, unless that
 * delivery failed: then it is applied again (GitHub's redelivery is a retry). A failed delivery is
 * still logged (a savepoint undoes only its effects) so it can be replayed.
 */
export async function receiveDelivery(input: {
  guid: string;
  event: string;
  action: string | null;
  payload: unknown;
  globallySigned: boolean;
  digest?: string;
}): Promise<DeliveryOutcome & { deliveryId: number | null; error?: ApiError }> {
  const fresh = await prefetch(input.event, input.payload);
  await warmNotes(input.payload, fresh);
  return write(async (tx) => {
    const [row] = await tx
      .insert(webhookDeliveries)
      .values({ guid: input.guid, event: input.event, action: input.action, status: 'processed', payload: input.payload as object, payloadDigest: input.digest ?? null })
      .onConflictDoNothing()
      .returning({ id: webhookDeliveries.id });
    if (!row) {
      // A redelivery (same GUID) of a delivery that failed is processed again, as a replay would be:
      // GitHub's "Redeliver" is how an operator retries once the cause is fixed.
      const [previous] = await tx
        .select({ id: webhookDeliveries.id, status: webhookDeliveries.status })
        .from(webhookDeliveries)
        .where(eq(webhookDeliveries.guid, input.guid))
        .for('update');
      if (previous?.status === 'failed') {
        await tx
          .update(webhookDeliveries)
          .set({ duplicates: sql`${webhookDeliveries.duplicates} + 1`, event: input.event, action: input.action, payload: input.payload as object })
          .where(eq(webhookDeliveries.id, previous.id));
        const result = await applyRecorded(tx, previous.id, input.event, input.payload, { globallySigned: input.globallySigned, fresh }, { replay: true });
        return { ...result, deliveryId: previous.id };
      }
      const [dup] = await tx
        .update(webhookDeliveries)
        .set({ duplicates: sql`${webhookDeliveries.duplicates} + 1` })
        .where(eq(webhookDeliveries.guid, input.guid))
        .returning({ id: webhookDeliveries.id });
      return { status: 'processed', outcome: 'duplicate', projectId: null, httpStatus: 200, deliveryId: dup?.id ?? null, body: { status: 'duplicate', delivery: input.guid } };
    }
    const result = await applyRecorded(tx, row.id, input.event, input.payload, { globallySigned: input.globallySigned, fresh, digest: input.digest, deliveryId: row.id });
    return { ...result, deliveryId: row.id };
  });
}

/** Runs a stored delivery again through the same code path; answers what happened. */
export async function replayDelivery(id: number): Promise<DeliveryOutcome & { deliveryId: number; error?: ApiError }> {
  const { getDb } = await import('../db');
  const db = await getDb();
  const [row] = await db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, id));
  if (!row) throw ApiError.notFound(`There is no delivery ${id}.`);
  const fresh = await prefetch(row.event, row.payload);
  await warmNotes(row.payload, fresh);
  return write(async (tx) => {
    // Replays are operator actions: auto-registration applies as if globally signed.
    const result = await applyRecorded(tx, row.id, row.event, row.payload, { globallySigned: true, fresh }, { replay: true });
    return { ...result, deliveryId: row.id };
  });
}

async function applyRecorded(
  tx: Tx,
  deliveryId: number,
  event: string,
  payload: unknown,
  ctx: Context,
  { replay = false }: { replay?: boolean } = {},
): Promise<DeliveryOutcome & { error?: ApiError }> {
  let result: DeliveryOutcome & { error?: ApiError };
  try {
    result = await tx.transaction((inner) => applyDelivery(inner, event, payload, ctx));
  } catch (err) {
    const error = toApiError(err);
    if (error.status >= 500) log().error({ deliveryId, err: (err as Error).message }, 'delivery failed');
    result = { status: 'failed', outcome: 'failed', projectId: null, httpStatus: error.status, body: {}, error };
  }
  await tx
    .update(webhookDeliveries)
    .set({
      status: result.status,
      outcome: result.outcome,
      error: result.error ? (result.error.detail ?? result.error.title) : null,
      ...(result.projectId !== null ? { projectId: result.projectId } : {}),
      ...(replay ? { replayedAt: new Date() } : {}),
    })
    .where(eq(webhookDeliveries.id, deliveryId));
  return result;
}
