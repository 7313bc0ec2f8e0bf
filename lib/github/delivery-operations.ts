import { z } from 'zod';
import { cursorParam, dayValue, fieldsParam, limitParam, offsetParam, preferCountHeader, queryParam, sortByParam } from '../api/parameters';
import { getDb } from '../db';
import { deliveryStatuses } from '../db/schema';
import { parseCollectionQuery, pickFields } from '../http/collection';
import { ApiError } from '../http/errors';
import { pageResponse, prefersExactCount } from '../http/list-page';
import { sparseType } from '../http/negotiate';
import { defineOperation } from '../http/operation';
import { envelope } from '../http/schemas';
import type { ApiVersion } from '../http/api-versions';
import { Delivery, DELIVERY_FIELDS, DELIVERY_SORT_KEYS, deliveryCollection, findDelivery, queryDeliveries, type DeliveryFilters, type DeliverySortKey } from './delivery-log';
import { replayDelivery } from './process-delivery';
import { DeliveryDetail, DeliveryReplay } from './webhook-schemas';

const DeliverySparse = Delivery.partial().meta({
  id: 'DeliverySparse',
  description: 'A sparse fieldset (`fields=`): only the members named (any of them may be left out; no others appear).',
});
const DeliveryListV2 = envelope(Delivery, 'DeliveryListV2');
const DeliverySparseListV2 = envelope(DeliverySparse, 'DeliverySparseListV2');
const DELIVERY_SPARSE = sparseType('delivery');

const deliveryId = z
  .string()
  .regex(/^\d{1,9}$/, { error: 'is not a delivery id' })
  .transform(Number)
  .meta({
    param: { id: 'deliveryId', description: 'The delivery id: `id` in the log, `deliveryId` in the webhook response.', example: 42 },
    override: ({ jsonSchema }: { jsonSchema: Record<string, unknown> }) => {
      delete jsonSchema.pattern;
      Object.assign(jsonSchema, { type: 'integer', minimum: 0, maximum: 999_999_999 });
    },
  });

const listQuery = {
  sort_by: sortByParam('deliverySortBy', DELIVERY_SORT_KEYS, 'receivedAt.desc'),
  offset: offsetParam,
  limit: limitParam,
  fields: fieldsParam('deliveryFields', DELIVERY_FIELDS),
  event: queryParam('deliveryEvent', 'event', z.string().min(1).max(64), 'Only deliveries of this event (`X-GitHub-Event`).', { example: 'release' }),
  action: queryParam('deliveryAction', 'action', z.string().min(1).max(64), 'Only deliveries with this `action`.', { example: 'published' }),
  status: queryParam('deliveryStatus', 'status', z.enum(deliveryStatuses), '`processed`, `ignored` (not an event Shiplog acts on) or `failed` (replayable).'),
  project: queryParam(
    'deliveryProject',
    'project',
    z.string().regex(/^[^/]+\/[^/]+$/),
    'Only deliveries applied to this project, `owner/repo` (case-insensitive). Pings, ignored events and deliveries for unknown repositories belong to no project.',
    { example: 'acme/rocket' },
  ),
  since: queryParam('deliverySince', 'since', dayValue, 'Received at or after this ISO 8601 date or date-time.', { example: '2026-11-01' }),
};

const LIST_DESCRIPTION =
  'The log of every delivery the GitHub webhook receiver accepted (signature verified), newest first, without payloads; filters `event`, `action`, `status`, `project` and `since`. Failed deliveries stay here to be replayed once the cause is fixed. Needs an `admin` token; never cached (`no-store`). ' +
  'Filters are plain query parameters; unknown parameters, fields or values → 400 naming them. Sort with `sort_by`, page with `offset`/`limit` (v2 also `cursor`). v1 answers a JSON array with `Link` and `X-Total-Count`; v2 answers `{ data, links, meta }` (`meta.total` with `Prefer: count=exact`). ' +
  `A \`fields=\` selection answers \`${DELIVERY_SPARSE}\`.`;

/** One page of the log, as the version shapes lists (the collection parser validates the query, by version). */
async function listPage(req: Parameters<typeof pageResponse>[0], version: ApiVersion) {
  const q = parseCollectionQuery<DeliverySortKey, DeliveryFilters>(req, deliveryCollection(version));
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
  return { body, headers, contentType: q.fields ? DELIVERY_SPARSE : 'application/json' };
}

const listCommon = {
  operationId: 'ListDeliveries',
  method: 'GET',
  // No ETag, no 304: a no-store admin read of state that changes under the reader (each webhook call adds a delivery).
  conditional: false,
  path: '/deliveries',
  area: 'deliveries',
  summary: 'List webhook deliveries',
  description: LIST_DESCRIPTION,
  scope: 'admin',
  validateQuery: false,
  errors: [503],
} as const;

export const listDeliveriesV1 = defineOperation({
  ...listCommon,
  versions: ['1'],
  query: z.object(listQuery),
  responses: {
    200: {
      description: 'A page of deliveries.',
      content: { 'application/json': z.array(Delivery), [DELIVERY_SPARSE]: z.array(DeliverySparse) },
      headers: ['Link', 'X-Total-Count', 'Cache-Control'],
    },
  },
}).handle(async ({ req }) => {
  const page = await listPage(req, '1');
  return { status: 200, body: page.body as z.input<typeof DeliverySparse>[], contentType: page.contentType, headers: page.headers };
});

export const listDeliveriesV2 = defineOperation({
  ...listCommon,
  versions: ['2'],
  query: z.object({ ...listQuery, cursor: cursorParam }),
  headers: z.object({ Prefer: preferCountHeader }),
  responses: {
    200: {
      description: 'A page of deliveries.',
      content: { 'application/json': DeliveryListV2, [DELIVERY_SPARSE]: DeliverySparseListV2 },
      headers: ['Link', 'Preference-Applied', 'Cache-Control'],
    },
  },
}).handle(async ({ req }) => {
  const page = await listPage(req, '2');
  return { status: 200, body: page.body as z.input<typeof DeliverySparseListV2>, contentType: page.contentType, headers: page.headers };
});

export const getDelivery = defineOperation({
  operationId: 'GetDelivery',
  method: 'GET',
  // No ETag, no 304: a no-store admin read of state that changes under the reader (a replay adds an attempt).
  conditional: false,
  path: '/deliveries/{id}',
  versions: ['1', '2'],
  area: 'deliveries',
  summary: 'Get a webhook delivery',
  description: 'One delivery with the payload as it was received. Needs an `admin` token; never cached.',
  scope: 'admin',
  params: z.object({ id: deliveryId }),
  responses: { 200: { description: 'The delivery.', content: { 'application/json': DeliveryDetail }, headers: ['Cache-Control'] } },
  errors: [503],
}).handle(async ({ params }) => {
  const delivery = await findDelivery(await getDb(), params.id);
  if (!delivery) throw ApiError.notFound(`There is no delivery ${params.id}.`);
  return { status: 200, body: { ...delivery, payload: delivery.payload } };
});

export const replayDeliveryOperation = defineOperation({
  operationId: 'ReplayDelivery',
  method: 'POST',
  path: '/deliveries/{id}/replay',
  versions: ['1', '2'],
  area: 'deliveries',
  summary: 'Replay a webhook delivery',
  description:
    'Runs the stored payload through the webhook code path again, now, and records the new `status`, `outcome` and `replayedAt` on the delivery. For the failures the receiver logs (e.g. a release for a repository that was not a project yet: create the project, then replay). Auto-registration (SHIPLOG_AUTO_REGISTER) applies as for a delivery signed with the global secret. ' +
    'Answers 200 whatever the outcome: a failed replay says why in `error`. No body; no `Idempotency-Key` (replaying twice applies the payload twice; releases are keyed by their GitHub id, so nothing is duplicated). Needs an `admin` token.',
  scope: 'admin',
  params: z.object({ id: deliveryId }),
  responses: { 200: { description: 'Replayed; the body says what happened.', content: { 'application/json': DeliveryReplay }, headers: ['Cache-Control'] } },
  errors: [503],
}).handle(async ({ params }) => {
  const result = await replayDelivery(params.id);
  return {
    status: 200,
    body: {
      ...(result.body as Omit<z.input<typeof DeliveryReplay>, 'deliveryId' | 'status' | 'outcome'>),
      deliveryId: result.deliveryId,
      status: result.status,
      outcome: result.outcome,
      ...(result.error ? { error: { status: result.error.status, detail: result.error.detail ?? result.error.title } } : {}),
    },
  };
});

export const DELIVERY_OPERATIONS = [listDeliveriesV1, listDeliveriesV2, getDelivery, replayDeliveryOperation];
