import type { NextApiRequest, NextApiResponse } from 'next';
import { collectionEtag, PUBLIC_CACHE, sendPrepared, type Prepared } from '../http/conditional';
import { openApiDocument } from './document';

let prepared: Prepared | undefined;

/**
 * GET /api/openapi.json — the OpenAPI 3.1 document; ETag/304 and HEAD like any public read, readable
 * from any origin. The document never changes while the process runs: serialised and hashed once.
 */
export function getOpenApi(req: NextApiRequest, res: NextApiResponse): void {
  if (!prepared) {
    const json = JSON.stringify(openApiDocument());
    prepared = { status: 200, json, etag: collectionEtag(json), contentType: 'application/json', cacheControl: PUBLIC_CACHE, headers: { 'Access-Control-Allow-Origin': '*' } };
  }
  sendPrepared(req, res, prepared);
}
