import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NextApiRequest } from 'next';
import { ApiError } from './errors';
import { API_VERSIONS, type ApiVersion, LATEST_VERSION, NEGOTIATED_HEADER } from './api-versions';

/** v1 is deprecated since v2 shipped and goes away at its sunset. */
export const V1_DEPRECATED_AT = Date.UTC(2026, 10, 1) / 1000; // 2026-11-01
export const V1_SUNSET = new Date(Date.UTC(2027, 5, 30, 23, 59, 59)).toUTCString(); // 2027-06-30

const KEY = Symbol.for('shiplog.apiVersion');

/** The version of a versioned route (`/api/[version]/...`); 404 for a version that does not exist. */
export function versionHook(req: NextApiRequest, res: ServerResponse): void {
  const segment = req.query.version;
  const m = typeof segment === 'string' ? /^v(\d+)$/.exec(segment) : null;
  if (!m || !(API_VERSIONS as readonly string[]).includes(m[1]!)) {
    throw ApiError.notFound(`API version "${String(segment)}" does not exist. Versions: ${API_VERSIONS.map((v) => `v${v}`).join(', ')}.`);
  }
  const version = m[1] as ApiVersion;
  (req as unknown as Record<symbol, ApiVersion>)[KEY] = version;
  res.setHeader('API-Version', version);
  // Reached through an unversioned path (middleware chose the version): the answer depends on the version headers.
  if (req.headers[NEGOTIATED_HEADER]) res.setHeader('Vary', 'API-Version, Version, Accept');
  if (version !== LATEST_VERSION) {
    res.setHeader('Deprecation', `@${V1_DEPRECATED_AT}`);
    res.setHeader('Sunset', V1_SUNSET);
    appendLink(res, `<${successorPath(req.url ?? '/')}>; rel="successor-version"`);
  }
}

export function apiVersion(req: IncomingMessage): ApiVersion {
  return (req as unknown as Record<symbol, ApiVersion | undefined>)[KEY] ?? LATEST_VERSION;
}

/** The same resource in the latest version. */
export function successorPath(url: string): string {
  const path = url.split('?')[0]!;
  return path.replace(/^\/api\/(v\d+\/)?/, `/api/v${LATEST_VERSION}/`);
}

/** Adds to the Link header (pagination and version links share it). */
export function appendLink(res: ServerResponse, value: string): void {
  const current = res.getHeader('Link');
  res.setHeader('Link', current ? `${String(current)}, ${value}` : value);
}
