import type { IncomingMessage } from 'node:http';
import type { NextApiHandler, NextApiRequest } from 'next';
import { authenticate, hasScope, type Principal } from '../auth/tokens';
import { PRIVATE_CACHE, PUBLIC_CACHE } from './conditional';
import { negotiate, type Negotiated } from './negotiate';
import { apiVersion } from './versioned-route';
import type { ApiVersion } from './api-versions';

export interface ReadContext {
  version: ApiVersion;
  principal: Principal | undefined;
  /** A `read` token sees drafts and hidden releases; anonymous readers do not. */
  seeAll: boolean;
  rep: Negotiated;
  cacheControl: string;
  /** `/api/v1` or `/api/v2`: canonical prefix for Location and links to other resources. */
  base: string;
}

/**
 * What every GET needs first. Anonymous requests cost no database round trip. An operation passes the
 * principal it already authenticated (`known`), so a token is looked up once per request.
 */
export async function readContext(req: IncomingMessage, resource: string | null, known?: { principal: Principal | undefined }): Promise<ReadContext> {
  const version = apiVersion(req);
  // `null`: the caller negotiates its own media types (exports, streams).
  const rep = resource ? negotiate(req, resource) : { representation: 'full' as const, contentType: 'application/json' };
  const principal = known ? known.principal : await authenticate(req);
  return {
    version,
    principal,
    seeAll: hasScope(principal, 'read'),
    rep,
    cacheControl: principal ? PRIVATE_CACHE : PUBLIC_CACHE,
    base: `/api/v${version}`,
  };
}

/** The response cache key: everything a read's bytes depend on. */
export function cacheKey(req: IncomingMessage, ctx: ReadContext, extra = ''): string {
  return [ctx.version, ctx.seeAll ? 'all' : 'public', ctx.rep.representation, ctx.rep.contentType, req.url ?? '', extra].join('|');
}

/** A single-valued route parameter (`[owner]`), or a catch-all joined with `/` (`[...tag]`). */
export function routeParam(req: NextApiRequest, name: string): string {
  const value = req.query[name];
  return Array.isArray(value) ? value.join('/') : (value ?? '');
}

/** Idempotency keys are scoped to the caller. */
export function principalKey(p: Principal): string {
  return p.tokenId !== null ? `token:${p.tokenId}` : p.kind;
}

/**
 * Routes a catch-all whose last raw segment names a sub-resource (e.g. `releases/{...tag}/reactions`)
 * to `sub`, with that segment removed from the parameter; everything else to `main`. A value that
 * itself ends in that word is addressed with its slashes percent-encoded (one segment, never split).
 */
export function splitTrailingSegment(param: string, segment: string, sub: NextApiHandler, main: NextApiHandler): NextApiHandler {
  return (req, res) => {
    const value = req.query[param];
    if (Array.isArray(value) && value.length > 1 && value[value.length - 1] === segment) {
      req.query[param] = value.slice(0, -1);
      return sub(req, res);
    }
    return main(req, res);
  };
}
