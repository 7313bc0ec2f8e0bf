import { eq, sql } from 'drizzle-orm';
import { config } from '../config';
import type { Tx } from '../db';
import { webhookDeliveries, type DeliveryStatus } from '../db/schema';
import { write } from '../db/write';
import { ApiError } from '../http/errors';
import { log } from '../log';
import { createProject, findProject } from '../projects/repo';
import { toApiError } from '../http/problem';
import { deleteGitHubRelease, upsertGitHubRelease, type ApplyOutcome } from './apply';
import { fetchRelease } from './client';
import { GitHubRelease, ReleaseEvent } from './payload';

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
    return { status: 'ignored', outcome: 'ignored', projectId: null, httpStatus: 202, body: { status: 'ignored', event, detail: `Shiplog acts on release events only; ${event} was ignored.` } };
  }
  const parsed = ReleaseEvent.safeParse(payload);
  if (!parsed.success) {
    throw ApiError.validation('This is not a GitHub release event payload.', parsed.error.issues.map((i) => ({ pointer: `/${i.path.join('/')}`, detail: i.message })));
  }
  const { action, release, repository } = parsed.data;
  if (action !== 'deleted' && action !== 'unpublished' && !UPSERT_ACTIONS.has(action)) {
    return { status: 'ignored', outcome: 'ignored', projectId: null, httpStatus: 202, body: { status: 'ignored', event, action, detail: `Release action ${action} is not one Shiplog acts on.` } };
  }
  const [owner, repo] = repository.full_name.split('/') as [string, string];
  let project = await findProject(tx, owner, repo, { seeAll: true });
  if (!project) {
    if (!(config().SHIPLOG_AUTO_REGISTER && ctx.globallySigned)) {
      throw ApiError.notFound(`Shiplog has no project ${repository.full_name}. Create it (POST /api/v1/projects) or set SHIPLOG_AUTO_REGISTER=true, then replay this delivery.`);
    }
    project = await createProject(tx, {
      owner: repository.owner.login,
      repo: repository.name,
      name: repository.name,
      description: repository.description ?? null,
      homepage: repository.homepage || null,
    });
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
  return {
    status: 'processed',
    outcome,
    projectId: project.id,
    httpStatus: 200,
    body: { status: 'processed', event, action, outcome, release: { project: `${project.owner}/${project.repo}`, tag: release.tag_name } },
  };
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

/**
 * Records and applies a delivery: the log row, the change and its outbox event commit together.
 * A delivery id seen before is answered `duplicate` (and counted) without reprocessing, unless that
 * delivery failed: then it is applied again (GitHub's redelivery is a retry). A failed delivery is
 * still logged (a savepoint undoes only its effects) so it can be replayed.
 */
export async function receiveDelivery(input: { guid: string; event: string; action: string | null; payload: unknown; globallySigned: boolean }): Promise<DeliveryOutcome & { deliveryId: number | null; error?: ApiError }> {
  const fresh = await prefetch(input.event, input.payload);
  return write(async (tx) => {
    const [row] = await tx
      .insert(webhookDeliveries)
      .values({ guid: input.guid, event: input.event, action: input.action, status: 'processed', payload: input.payload as object })
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
        const result = await applyRecorded(tx, previous.id, input.event, input.payload, { globallySigned: input.globallySigned, fresh }, true);
        return { ...result, deliveryId: previous.id };
      }
      const [dup] = await tx
        .update(webhookDeliveries)
        .set({ duplicates: sql`${webhookDeliveries.duplicates} + 1` })
        .where(eq(webhookDeliveries.guid, input.guid))
        .returning({ id: webhookDeliveries.id });
      return { status: 'processed', outcome: 'duplicate', projectId: null, httpStatus: 200, deliveryId: dup?.id ?? null, body: { status: 'duplicate', delivery: input.guid } };
    }
    const result = await applyRecorded(tx, row.id, input.event, input.payload, { globallySigned: input.globallySigned, fresh });
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
  return write(async (tx) => {
    // Replays are operator actions: auto-registration applies as if globally signed.
    const result = await applyRecorded(tx, row.id, row.event, row.payload, { globallySigned: true, fresh }, true);
    return { ...result, deliveryId: row.id };
  });
}

async function applyRecorded(tx: Tx, deliveryId: number, event: string, payload: unknown, ctx: Context, replay = false): Promise<DeliveryOutcome & { error?: ApiError }> {
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
