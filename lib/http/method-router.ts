import type { NextApiHandler, NextApiRequest, NextApiResponse } from 'next';
import { corsHook } from './cors';
import { ApiError } from './errors';
import { rateLimitHook } from './rate-limit';
import { versionHook } from './versioned-route';
import { sendProblem } from './problem';
import { assignRequestId } from './request-id';
import { setBodyLimit } from './body';
import { withCommitScope, type CommitScope } from '../events/bus';
import { afterRequest, beforeRequest } from '../site/revalidation-cursor';

export const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
export type Method = (typeof METHODS)[number];
export type Handler = (req: NextApiRequest, res: NextApiResponse) => unknown;
export type MethodMap = Partial<Record<Method, Handler>>;
/** Runs before the method handler; may answer the request itself (then the handler is skipped). */
export type Hook = (req: NextApiRequest, res: NextApiResponse, allow: readonly Method[]) => unknown;

export interface RouteOptions {
  /**
   * Largest request body the route reads (bytes, or '100kb' / '1mb'). Every route file sets
   * `config.api.bodyParser = false`; the toolkit reads bodies itself so that an oversized body is a
   * 413 problem+json rather than Next's plain-text error.
   */
  bodyLimit?: string | number;
  /** Said after the limit in a 413's detail (e.g. that the platform sets it). */
  bodyLimitNote?: string;
  /** Cross-cutting steps (CORS, versioning, rate limits), run in order for every method. */
  hooks?: Hook[];
}

/** Methods a map answers, in a stable order: HEAD comes with GET, OPTIONS always. */
export function allowedMethods(methods: MethodMap): Method[] {
  return METHODS.filter((m) => methods[m] || (m === 'HEAD' && methods.GET) || m === 'OPTIONS');
}

/**
 * A pages/api route from a method map: HEAD derived from GET, OPTIONS answered with `Allow`,
 * 405 + `Allow` for the rest, X-Request-Id on every response and every error rendered once as
 * problem+json, and a request that committed a change regenerates the pages it affects. REST
 * operations are mounted with `mount()` (lib/http/mount.ts), which builds on this; the admin console,
 * session and widget routes use it directly: `export default methodRouter({ POST: lib.fn })`.
 */
export function methodRouter(methods: MethodMap, options: RouteOptions = {}): NextApiHandler {
  const allow = allowedMethods(methods);
  const allowHeader = allow.join(', ');
  const hooks = options.hooks ?? [];
  const handle = async (req: NextApiRequest, res: NextApiResponse) => {
    assignRequestId(req, res);
    setBodyLimit(req, options.bodyLimit ?? '1mb', options.bodyLimitNote);
    try {
      for (const hook of hooks) {
        await hook(req, res, allow);
        if (res.writableEnded || res.headersSent) return;
      }
      const method = (req.method ?? 'GET').toUpperCase() as Method;
      const handler = methods[method] ?? (method === 'HEAD' ? methods.GET : undefined);
      if (handler) {
        await handler(req, res);
        return;
      }
      if (method === 'OPTIONS') {
        res.setHeader('Allow', allowHeader);
        res.setHeader('Content-Length', '0');
        res.status(204).end();
        return;
      }
      throw ApiError.methodNotAllowed(method, allow);
    } catch (err) {
      sendProblem(req, res, err);
    }
  };
  // A request that committed a change regenerates the pages it affects, after its response (waitUntil).
  return async function shiplogRoute(req: NextApiRequest, res: NextApiResponse) {
    const scope: CommitScope = { committed: false };
    beforeRequest(res);
    try {
      await withCommitScope(scope, () => handle(req, res));
    } finally {
      afterRequest(res, scope.committed);
    }
  };
}

/** For paths nothing else matches: every method gets a 404 problem document, never an HTML page. */
export function notFoundRoute(): NextApiHandler {
  return async function shiplogNotFound(req, res) {
    assignRequestId(req, res);
    const path = (req.url ?? '/').split('?')[0];
    sendProblem(req, res, ApiError.notFound(`There is no API resource at ${path}. The API index is /api/openapi.json.`));
  };
}

/** Sends JSON with an explicit length; HEAD gets the headers only. */
export function sendJson(req: NextApiRequest, res: NextApiResponse, status: number, body: unknown, contentType = 'application/json'): void {
  const json = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Content-Type', `${contentType}; charset=utf-8`);
  res.setHeader('Content-Length', Buffer.byteLength(json));
  res.end(req.method === 'HEAD' ? undefined : json);
}

/**
 * A versioned method map (`/api/[version]/...`) not yet defined as operations: the version (404 if
 * unknown, `API-Version`, deprecation headers for older versions), CORS and rate limits, then the map.
 */
export function versionedMethodRouter(methods: MethodMap, options: RouteOptions = {}): NextApiHandler {
  return methodRouter(methods, { ...options, hooks: [versionHook, corsHook, rateLimitHook, ...(options.hooks ?? [])] });
}
