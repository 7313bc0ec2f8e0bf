import { and, eq, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Executor } from '../db';
import { keysetColumns, keysetPlan, keysetResult, type KeysetTerm } from '../db/keyset';
import { deliveryStatuses, projects, webhookDeliveries, type DeliveryRow, type DeliveryStatus } from '../db/schema';
import { dateParam, sortString, type CollectionSpec, type Cursor, type SortTerm } from '../http/collection';

export const DELIVERY_SORT_KEYS = ['receivedAt', 'event', 'status'] as const;
export type DeliverySortKey = (typeof DELIVERY_SORT_KEYS)[number];
type SortKey = DeliverySortKey;

export const Delivery = z
  .object({
    id: z.number().int(),
    guid: z.string(),
    event: z.string(),
    action: z.string().nullable(),
    project: z.string().nullable(),
    receivedAt: z.string(),
    status: z.enum(deliveryStatuses),
    outcome: z.string().nullable(),
    error: z.string().nullable(),
    duplicates: z.number().int(),
    replayedAt: z.string().nullable(),
  })
  .meta({ id: 'Delivery' });

// Lists never carry payloads (GET /deliveries/{id} does), so `fields=payload` is not offered there.
export const DELIVERY_FIELDS = Object.keys(Delivery.shape);

export const DeliveryFilters = z.object({
  event: z.string().min(1).max(64).optional(),
  action: z.string().min(1).max(64).optional(),
  status: z.enum(deliveryStatuses, { error: `must be one of ${deliveryStatuses.join(', ')}` }).optional(),
  project: z
    .string()
    .regex(/^[^/]+\/[^/]+$/, { error: 'must be owner/repo' })
    .optional(),
  since: dateParam.optional(),
});

const SORT: Record<SortKey, Omit<KeysetTerm, 'dir'>> = {
  receivedAt: { expr: sql`${webhookDeliveries.receivedAt}`, type: 'timestamptz' },
  event: { expr: sql`(${webhookDeliveries.event} collate "C")`, type: 'text' },
  status: { expr: sql`(${webhookDeliveries.status} collate "C")`, type: 'text' },
};

type Row = { delivery: DeliveryRow; owner: string | null; repo: string | null } & Record<string, unknown>;

export function presentDelivery(r: Row, { withPayload }: { withPayload: boolean }) {
  const d = r.delivery;
  return {
    id: d.id,
    guid: d.guid,
    event: d.event,
    action: d.action,
    project: r.owner ? `${r.owner}/${r.repo}` : null,
    receivedAt: d.receivedAt.toISOString(),
    status: d.status as DeliveryStatus,
    outcome: d.outcome,
    error: d.error,
    duplicates: d.duplicates,
    replayedAt: d.replayedAt?.toISOString() ?? null,
    ...(withPayload ? { payload: d.payload } : {}),
  };
}

export type DeliveryView = ReturnType<typeof presentDelivery>;
export type DeliveryFilters = z.infer<typeof DeliveryFilters>;

/** The delivery log as a collection (filters, sort keys, fields; cursors in v2). */
export function deliveryCollection(version: '1' | '2'): CollectionSpec<SortKey> {
  return { filters: DeliveryFilters, sortKeys: DELIVERY_SORT_KEYS, defaultSort: [{ key: 'receivedAt', dir: 'desc' }], fields: DELIVERY_FIELDS, cursor: version === '2' };
}

export interface DeliveryQuery {
  filters: DeliveryFilters;
  sort: SortTerm<SortKey>[];
  offset: number;
  limit: number;
  cursor?: Cursor;
  count: boolean;
}

/** One page of the delivery log (offset or keyset), newest first by default, with an optional total. */
export async function queryDeliveries(db: Executor, q: DeliveryQuery) {
  const f = q.filters;
  const where: SQL[] = [];
  if (f.event) where.push(eq(webhookDeliveries.event, f.event));
  if (f.action) where.push(eq(webhookDeliveries.action, f.action));
  if (f.status) where.push(eq(webhookDeliveries.status, f.status));
  if (f.since) where.push(sql`${webhookDeliveries.receivedAt} >= ${f.since.toISOString()}::timestamptz`);
  if (f.project) {
    const [owner, repo] = f.project.split('/') as [string, string];
    where.push(sql`lower(${projects.owner}) = lower(${owner}) and lower(${projects.repo}) = lower(${repo})`);
  }
  const terms: KeysetTerm[] = [...q.sort.map((s) => ({ ...SORT[s.key], dir: s.dir })), { expr: sql`${webhookDeliveries.id}`, type: 'int', dir: q.sort[0]?.dir ?? 'desc' }];
  const plan = keysetPlan(terms, q);
  let query = db
    .select({ delivery: webhookDeliveries, owner: projects.owner, repo: projects.repo, ...keysetColumns(terms) })
    .from(webhookDeliveries)
    .leftJoin(projects, eq(projects.id, webhookDeliveries.projectId))
    .where(and(...where, ...(plan.condition ? [plan.condition] : [])))
    .orderBy(...plan.order)
    .limit(plan.limit)
    .$dynamic();
  if (plan.offset) query = query.offset(plan.offset);
  const page = keysetResult((await query) as Row[], terms, q, sortString(q.sort));
  let total: number | undefined;
  if (q.count) {
    const [n] = await db
      .select({ n: sql<number>`count(*)::int` })
      .from(webhookDeliveries)
      .leftJoin(projects, eq(projects.id, webhookDeliveries.projectId))
      .where(and(...where));
    total = Number(n?.n ?? 0);
  }
  return { items: page.rows.map((r) => presentDelivery(r, { withPayload: false })), total, hasNext: page.hasNext, nextCursor: page.nextCursor, prevCursor: page.prevCursor };
}

/** One delivery with its stored payload, or undefined. */
export async function findDelivery(db: Executor, id: number): Promise<DeliveryView | undefined> {
  const [row] = (await db
    .select({ delivery: webhookDeliveries, owner: projects.owner, repo: projects.repo })
    .from(webhookDeliveries)
    .leftJoin(projects, eq(projects.id, webhookDeliveries.projectId))
    .where(eq(webhookDeliveries.id, id))) as Row[];
  return row ? presentDelivery(row, { withPayload: true }) : undefined;
}
