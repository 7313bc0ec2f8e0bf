import type { NextApiRequest, NextApiResponse } from 'next';
import { PUBLIC_CACHE, sendRepresentation } from '../http/conditional';
import { openApiDocument } from './document';

/** GET /api/openapi.json — the OpenAPI 3.1 document; ETag/304 and HEAD like any public read, readable from any origin. */
export function getOpenApi(req: NextApiRequest, res: NextApiResponse): void {
  res.setHeader('Access-Control-Allow-Origin', '*');
  sendRepresentation(req, res, { body: openApiDocument(), contentType: 'application/json', cacheControl: PUBLIC_CACHE });
}
