import type { oas31 } from 'zod-openapi';
import { z } from 'zod';
import { collectionEtag, PUBLIC_CACHE, type Prepared } from '../http/conditional';
import { defineOperation, type Operation } from '../http/operation';
import { openApiDocument } from '../openapi/document';
import { DELIVERY_OPERATIONS } from '../github/delivery-operations';
import { IMPORT_OPERATIONS } from '../github/import-operations';
import { CHANGELOG_OPERATIONS } from '../changelog/operations';
import { listProjectPackages } from '../releases/package-operations';
import { receiveGitHubWebhook } from '../github/webhook-operation';
import { cronDrain } from '../cron/drain';
import { streamEvents } from '../events/stream-operation';
import { FEED_OPERATIONS } from '../feed/feed-operations';
import { getHealth } from '../health';
import { OG_OPERATIONS } from '../site/og-operations';
import { revalidatePages } from '../site/revalidate-operation';
import { SITEMAP_OPERATIONS } from '../site/sitemap-operations';
import { PROJECT_OPERATIONS } from '../projects/operations';
import { RELEASE_OPERATIONS } from '../releases/operations';
import { TOKEN_OPERATIONS } from '../tokens/operations';
import { WIDGET_OPERATIONS } from '../widget/operations';

/**
 * Every REST operation defined with `defineOperation` (lib/http/operation.ts), by area. The OpenAPI
 * document, the Postman export, the middleware's list of versioned paths and the tests read this list;
 * pages/api route files mount the same operations. A new operation goes in its area's array.
 */
const AREAS: readonly (readonly Operation[])[] = [
  PROJECT_OPERATIONS,
  RELEASE_OPERATIONS,
  TOKEN_OPERATIONS,
  DELIVERY_OPERATIONS,
  IMPORT_OPERATIONS,
  CHANGELOG_OPERATIONS,
  [listProjectPackages],
  [streamEvents],
  [receiveGitHubWebhook],
  FEED_OPERATIONS,
  OG_OPERATIONS,
  SITEMAP_OPERATIONS,
  WIDGET_OPERATIONS,
  [getHealth, revalidatePages, cronDrain],
];

let prepared: Prepared | undefined;

/** GET /api/openapi.json: the document of every operation below, serialised and hashed once per process. */
export const getOpenApiDocument = defineOperation({
  operationId: 'getOpenApi',
  method: 'GET',
  path: '/api/openapi.json',
  area: 'Service',
  summary: 'This OpenAPI document',
  description: 'The OpenAPI 3.1 description of the API (what /docs/api renders). Readable from any origin. Unversioned.',
  scope: 'public',
  cors: 'any-origin',
  responses: {
    200: {
      description: 'The document.',
      content: { 'application/json': z.looseObject({}).meta({ description: 'An OpenAPI 3.1 document.' }) },
      headers: ['Access-Control-Allow-Origin'],
    },
  },
}).handle(() => {
  if (!prepared) {
    const json = JSON.stringify(apiDocument());
    prepared = { status: 200, json, etag: collectionEtag(json), contentType: 'application/json', cacheControl: PUBLIC_CACHE, headers: {} };
  }
  return { status: 200, prepared };
});

export const OPERATIONS: readonly Operation[] = [...AREAS.flat(), getOpenApiDocument];

/** The OpenAPI document of every registered operation (built once per process). */
export function apiDocument(): oas31.OpenAPIObject {
  return openApiDocument(OPERATIONS);
}

/** The paths below `/api/vN` that versioned operations serve, each once, in registry order. */
export function versionedPaths(): string[] {
  return [...new Set(OPERATIONS.filter((o) => o.versions).map((o) => o.path))];
}
