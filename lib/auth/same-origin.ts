import type { IncomingMessage } from 'node:http';
import { ApiError } from '../http/errors';
import { publicOrigin, requestOrigin } from '../http/origin';

export type OriginVerdict = { ok: true } | { ok: false; reason: string };

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v)?.trim();

/**
 * Did this request come from the site's own pages? Browsers say so in `Sec-Fetch-Site`
 * (`same-origin`, or `none` for a request the user made directly); older ones send `Origin`, which must
 * then be this site (its public URL or the origin the request was addressed to). A request with
 * neither cannot be told apart from a cross-site one and is refused. Only cookie-authenticated
 * writes need this: a bearer token is never sent by a browser on its own.
 */
export function sameOriginVerdict(req: IncomingMessage): OriginVerdict {
  const site = one(req.headers['sec-fetch-site'])?.toLowerCase();
  if (site) {
    return site === 'same-origin' || site === 'none' ? { ok: true } : { ok: false, reason: `Sec-Fetch-Site is "${site}"` };
  }
  const origin = one(req.headers.origin);
  if (!origin) return { ok: false, reason: 'the request carries neither Origin nor Sec-Fetch-Site' };
  const own = new Set([publicOrigin(req), requestOrigin(req)].map((o) => o.toLowerCase()));
  return own.has(origin.toLowerCase()) ? { ok: true } : { ok: false, reason: `Origin ${origin} is not this site` };
}

export function isSameOrigin(req: IncomingMessage): boolean {
  return sameOriginVerdict(req).ok;
}

export function crossSiteRefused(reason: string): ApiError {
  return new ApiError(403, {
    type: 'cross-site-request',
    title: 'Cross-site request refused',
    detail: `This write was refused: ${reason}. Writes authenticated by the console's session cookie are accepted only from the console's own pages; API clients send a bearer token instead.`,
  });
}

/** 403 problem+json unless the request is same-origin. */
export function requireSameOrigin(req: IncomingMessage): void {
  const verdict = sameOriginVerdict(req);
  if (!verdict.ok) throw crossSiteRefused(verdict.reason);
}

export const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
