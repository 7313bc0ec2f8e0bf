import type { NextApiHandler } from 'next';
import { corsHook } from './cors';
import { rateLimitHook } from './rate-limit';
import { route, type MethodMap, type RouteOptions } from './route';
import { versionHook } from './versioned-route';

/**
 * A versioned REST route (`/api/[version]/...`): the version (404 if unknown, `API-Version`,
 * deprecation headers for older versions), CORS and rate limits, then the method map.
 */
export function apiRoute(methods: MethodMap, options: RouteOptions = {}): NextApiHandler {
  return route(methods, { ...options, hooks: [versionHook, corsHook, rateLimitHook, ...(options.hooks ?? [])] });
}
