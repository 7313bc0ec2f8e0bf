import { sql } from 'drizzle-orm';
import type { Executor } from './index';
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
}

export const EVENTS_CHANNEL = 'shiplog_events';

/**
 * Appends to the outbox inside the caller's transaction and notifies listeners
 * (NOTIFY is delivered on commit, so other instances never see an event that rolled back).
 */
export async function emit(tx: Executor, event: OutboxEvent): Promise<number> {
  const [row] = await tx
    .insert(events)
    .values({ type: event.type, projectId: event.projectId, payload: event.payload })
    .returning({ id: events.id });
  if (!row) throw new Error('outbox insert returned no row');
  await tx.execute(sql`select pg_notify(${EVENTS_CHANNEL}, ${String(row.id)})`);
  return row.id;
}
