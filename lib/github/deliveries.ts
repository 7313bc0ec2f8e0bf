import type { NextApiRequest, NextApiResponse } from 'next';
import { and, eq, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { requireScope } from '../auth/tokens';
import { getDb } from '../db';
import { keysetColumns, keysetPlan, keysetResult, type KeysetTerm } from '../db/keyset';
import { deliveryStatuses, projects, webhookDeliveries, type DeliveryRow } from '../db/schema';
import { dateParam, parseCollectionQuery, pickFields, sortString, type CollectionSpec } from '../http/collection';
import { sendRepresentation, PRIVATE_CACHE } from '../http/conditional';
import { ApiError } from '../http/errors';
import { pageResponse, prefersExactCount } from '../http/page';
import { routeParam } from '../http/resource';
import { sendJson } from '../http/route';
import { apiVersion } from '../http/versioning';
import { replayDelivery } from './deliveries-core';

export const DELIVERY_SORT_KEYS = ['receivedAt', 'event', 'status'] as const;
type SortKey = (typeof DELIVERY_SORT_KEYS)[number];

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

const Filters = z.object({
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

function present(r: Row, withPayload: boolean) {
  const d = r.delivery;
  return {
    id: d.id,
    guid: d.guid,
    event: d.event,
    action: d.action,
    project: r.owner ? `${r.owner}/${r.repo}` : null,
    receivedAt: d.receivedAt.toISOString(),
    status: d.status,
    outcome: d.outcome,
    error: d.error,
    duplicates: d.duplicates,
    replayedAt: d.replayedAt?.toISOString() ?? null,
    ...(withPayload ? { payload: d.payload } : {}),
  };
}

function spec(version: '1' | '2'): CollectionSpec<SortKey> {
  return { filters: Filters, sortKeys: DELIVERY_SORT_KEYS, defaultSort: [{ key: 'receivedAt', dir: 'desc' }], fields: DELIVERY_FIELDS, cursor: version === '2' };
}

/** GET /deliveries (admin): the webhook delivery log. */
export async function listDeliveries(req: NextApiRequest, res: NextApiResponse): Promise<void> {
  await requireScope(req, 'admin');
  const version = apiVersion(req);
  const q = parseCollectionQuery<SortKey, z.infer<typeof Filters>>(req, spec(version));
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
  const db = await getDb();
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
  const count = version === '1' || prefersExactCount(req);
  let total: number | undefined;
  if (count) {
    const [n] = await db
      .select({ n: sql<number>`count(*)::int` })
      .from(webhookDeliveries)
      .leftJoin(projects, eq(projects.id, webhookDeliveries.projectId))
      .where(and(...where));
    total = Number(n?.n ?? 0);
  }
  const { body, headers } = pageResponse(req, version, {
    items: page.rows.map((r) => pickFields(present(r, false), q.fields)),
    total,
    offset: q.offset,
    limit: q.limit,
    base: q.base,
    hasNext: page.hasNext,
    nextCursor: page.nextCursor,
    prevCursor: page.prevCursor,
    cursorUsed: !!q.cursor,
    countRequested: count && version === '2',
  });
  sendRepresentation(req, res, { body, contentType: 'application/json', cacheControl: PRIVATE_CACHE, headers });
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
  const db = await getDb();
  const [row] = (await db
    .select({ delivery: webhookDeliveries, owner: projects.owner, repo: projects.repo })
    .from(webhookDeliveries)
    .leftJoin(projects, eq(projects.id, webhookDeliveries.projectId))
    .where(eq(webhookDeliveries.id, id))) as Row[];
  if (!row) throw ApiError.notFound(`There is no delivery ${id}.`);
  sendRepresentation(req, res, { body: present(row, true), contentType: 'application/json', cacheControl: PRIVATE_CACHE });
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
