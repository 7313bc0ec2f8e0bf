import { sql } from 'drizzle-orm';
import { rows, type Executor } from './index';
import { EVENTS_CHANNEL } from './listen';
import { events } from './schema';

export type EventType =
  | 'project.created'
  | 'project.updated'
  | 'project.deleted'
  | 'release.created'
  | 'release.published'
  | 'release.updated'
  | 'release.deleted'
  | 'release.reacted'
  | 'token.created'
  | 'token.revoked';

export interface OutboxEvent {
  type: EventType;
  projectId: number | null;
  payload: Record<string, unknown>;
  /**
   * What the anonymous live stream says for this event, fixed now (null: nothing). Release events set
   * it; stored as `{"event": …}` in `public_event`.
   */
  publicEvent?: object | null;
}

/**
 * Takes the outbox head for the rest of the transaction. Every write transaction takes it first,
 * before any row lock, so writers queue in one order (no deadlock) and commit in the order their
 * event ids were handed out: a reader that has seen id N never later finds a smaller id appear.
 */
export async function lockOutbox(tx: Executor, lockTimeoutMs?: number): Promise<void> {
  if (lockTimeoutMs === undefined) {
    await tx.execute(sql`select last_id from outbox_head where id = 1 for update`);
    return;
  }
  // One round trip (a simple-protocol query may hold two statements): the transaction's lock_timeout,
  // then the head. SET LOCAL, not a startup parameter, so it works through a transaction pooler.
  const ms = Math.floor(lockTimeoutMs);
  await tx.execute(sql.raw(`set local lock_timeout = ${ms}; select last_id from outbox_head where id = 1 for update`));
}

/**
 * Appends to the outbox inside the caller's transaction and notifies listeners (NOTIFY is delivered on
 * commit, so other instances never see an event that rolled back). The id is the head's next number,
 * taken in the same transaction: a transaction that rolls back or dies gives it back, so ids have no gaps.
 */
export async function emit(tx: Executor, event: OutboxEvent): Promise<number> {
  const [row] = await rows<{ id: number | string }>(
    tx,
    sql`
    with head as (update outbox_head set last_id = last_id + 1 where id = 1 returning last_id)
    insert into ${events} (id, type, project_id, payload, public_event)
    select last_id, ${event.type}, ${event.projectId}, ${JSON.stringify(event.payload)}::jsonb,
           ${event.publicEvent === undefined ? null : JSON.stringify({ event: event.publicEvent })}::jsonb from head
    returning id`,
  );
  if (!row) throw new Error('the outbox head row is missing (migration 0005 not applied?)');
  await tx.execute(sql`select pg_notify(${EVENTS_CHANNEL}, ${String(row.id)})`);
  return Number(row.id);
}

/**
 * When the newest event that can change what readers see was committed: of one project, or of any
 * (releases and projects; reactions and tokens aside). undefined before the first.
 */
export async function lastChangeAt(db: Executor, projectId?: number): Promise<Date | undefined> {
  const [row] = await rows<{ created_at: string | Date }>(
    db,
    projectId === undefined
      ? sql`select created_at from ${events} where type <> 'release.reacted' and type not like 'token.%' order by id desc limit 1`
      : sql`select created_at from ${events} where project_id = ${projectId} and type <> 'release.reacted' order by id desc limit 1`,
  );
  return row ? new Date(row.created_at) : undefined;
}
