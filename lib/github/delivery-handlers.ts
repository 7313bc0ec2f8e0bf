import type { NextApiRequest, NextApiResponse } from 'next';
import { and, eq, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { requireScope } from '../auth/tokens';
import { getDb, type Executor } from '../db';
import { keysetColumns, keysetPlan, keysetResult, type KeysetTerm } from '../db/keyset';
import { deliveryStatuses, projects, webhookDeliveries, type DeliveryRow, type DeliveryStatus } from '../db/schema';
import { dateParam, parseCollectionQuery, pickFields, sortString, type CollectionSpec, type Cursor, type SortTerm } from '../http/collection';
import { sendRepresentation, PRIVATE_CACHE } from '../http/conditional';
import { ApiError } from '../http/errors';
import { pageResponse, prefersExactCount } from '../http/list-page';
import { routeParam } from '../http/resource';
import { sendJson } from '../http/route';
import { apiVersion } from '../http/versioned-route';
import { replayDelivery } from './process-delivery';

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
const DELIVERY_FIELDS = Object.keys(Delivery.shape);

export const DeliveryFilters = z.object({
  event: z.string().min(1).max(64).optional(),
  action: z.string().min(1).max(64).optional(),
  status: z.enum(deliveryStatuses, { error: `must be one of ${deliveryStatuses.join(', ')}` }).optional(),
  project: z.string().regex(/^[^/]+\/[^/]+$/, { error: 'must be owner/repo' }).optional(),
  since: dateParam.optional(),
});

const SORT: Record<SortKey, Omit<KeysetTerm, 'dir'>> = {
  receivedAt: { expr: sql`${webhookDeliveries.receivedAt}`, type: 'timestamptz' },
  event: { expr: sql`(${webhookDeliveries.event} collate "C")`, type: 'text' },
  status: { expr: sql`(${webhookDeliveries.status} collate "C")`, type: 'text' },
};

type Row = { delivery: DeliveryRow; owner: string | null; repo: string | null } & Record<string, unknown>;

export function presentDelivery(r: Row, withPayload: boolean) {
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

function spec(version: '1' | '2'): CollectionSpec<SortKey> {
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
  return { items: page.rows.map((r) => presentDelivery(r, false)), total, hasNext: page.hasNext, nextCursor: page.nextCursor, prevCursor: page.prevCursor };
}

/** GET /deliveries (admin): the webhook delivery log. */
export async function listDeliveries(req: NextApiRequest, res: NextApiResponse): Promise<void> {
  await requireScope(req, 'admin');
  const version = apiVersion(req);
  const q = parseCollectionQuery<SortKey, DeliveryFilters>(req, spec(version));
  const count = version === '1' || prefersExactCount(req);
  const page = await queryDeliveries(await getDb(), { filters: q.filters, sort: q.sort, offset: q.offset, limit: q.limit, cursor: q.cursor, count });
  const { body, headers } = pageResponse(req, version, {
    ...page,
    items: page.items.map((item) => pickFields(item, q.fields)),
    offset: q.offset,
    limit: q.limit,
    base: q.base,
    cursorUsed: !!q.cursor,
    countRequested: count && version === '2',
  });
  sendRepresentation(req, res, { body, contentType: 'application/json', cacheControl: PRIVATE_CACHE, headers });
}

/** One delivery with its stored payload, or undefined. */
export async function findDelivery(db: Executor, id: number): Promise<DeliveryView | undefined> {
  const [row] = (await db
    .select({ delivery: webhookDeliveries, owner: projects.owner, repo: projects.repo })
    .from(webhookDeliveries)
    .leftJoin(projects, eq(projects.id, webhookDeliveries.projectId))
    .where(eq(webhookDeliveries.id, id))) as Row[];
  return row ? presentDelivery(row, true) : undefined;
}

function deliveryId(req: NextApiRequest): number {
  const raw = routeParam(req, 'id');
  if (!/^\d{1,9}$/.test(raw)) throw ApiError.notFound(`There is no delivery ${raw}.`);
  return Number(raw);
}

/** GET /deliveries/{id} (admin): one delivery with its stored payload. */
export async function getDelivery(req: NextApiRequest, res: NextApiResponse): Promise<void> {
  await requireScope(req, 'admin');
  const id = deliveryId(req);
  const delivery = await findDelivery(await getDb(), id);
  if (!delivery) throw ApiError.notFound(`There is no delivery ${id}.`);
  sendRepresentation(req, res, { body: delivery, contentType: 'application/json', cacheControl: PRIVATE_CACHE });
}

/** POST /deliveries/{id}/replay (admin): the stored payload through the same code path; answers what happened. */
export async function postReplay(req: NextApiRequest, res: NextApiResponse): Promise<void> {
  await requireScope(req, 'admin');
  const result = await replayDelivery(deliveryId(req));
  res.setHeader('Cache-Control', PRIVATE_CACHE);
  sendJson(req, res, 200, {
    ...result.body,
    deliveryId: result.deliveryId,
    status: result.status,
    outcome: result.outcome,
    ...(result.error ? { error: { status: result.error.status, detail: result.error.detail ?? result.error.title } } : {}),
  });
}
