import type { NextApiHandler } from 'next';
import { corsHook } from './cors';
import type { Operation } from './operation';
import { rateLimitHook } from './rate-limit';
import { splitTrailingSegment } from './resource';
import { methodRouter, notFoundRoute, type Hook, type MethodMap } from './method-router';
import { apiVersion, versionHook } from './versioned-route';

/** A route handler that serves operations; `operations` lets tests check it serves what the registry lists. */
export type MountedRoute = NextApiHandler & { readonly operations: readonly Operation[] };

/**
 * The route of one path: `export default mount(listTokens, createToken)` in the pages/api file for
 * that path. Versioned operations get the version check (404 for an unknown one, API-Version and
 * deprecation headers), the API's CORS policy and rate limits before anything else; then the method
 * picks the operation (HEAD runs GET's, OPTIONS answers Allow, anything else is a 405 with Allow), and
 * among operations of one method, the one serving the request's version.
 */
export function mount(...operations: Operation[]): MountedRoute {
  const [first] = operations;
  if (!first) throw new Error('mount() needs at least one operation');
  const byMethod = new Map<string, Operation[]>();
  for (const op of operations) {
    if (op.path !== first.path) throw new Error(`mount(): ${op.operationId} is at ${op.path}, ${first.operationId} at ${first.path}: one route file per path`);
    if (!!op.versions !== !!first.versions) throw new Error(`mount(): ${op.path} mixes versioned and unversioned operations`);
    const same = byMethod.get(op.method) ?? [];
    // Two operations may share a method when they serve different versions (a version's own shape).
    if (same.some((o) => !o.versions || !op.versions || o.versions.some((v) => op.versions!.includes(v)))) {
      throw new Error(`mount(): two ${op.method} operations at ${op.path} for the same version`);
    }
    byMethod.set(op.method, [...same, op]);
  }
  const methods: MethodMap = {};
  for (const [method, ops] of byMethod) {
    const [only] = ops;
    methods[method as Operation['method']] =
      ops.length === 1 && only
        ? only.run
        : (req, res) => {
            const version = apiVersion(req);
            const op = ops.find((o) => o.versions!.includes(version)) ?? only!;
            return op.run(req, res);
          };
  }
  const hooks: Hook[] = [];
  if (first.versions) hooks.push(versionHook);
  if (operations.some((op) => op.cors === 'api')) hooks.push(corsHook);
  if (operations.some((op) => op.limits.rateLimit)) hooks.push(rateLimitHook);
  const handler = methodRouter(methods, { hooks });
  return Object.assign(handler, { operations });
}

/**
 * One catch-all route file (`[[...scope]].ts`) serving a path per depth: `routes[n]` answers n segments,
 * which it reads as the named params (`names[i]`); deeper paths are a 404.
 */
export function mountByDepth(param: string, names: readonly string[], routes: readonly MountedRoute[]): MountedRoute {
  const handler: NextApiHandler = (req, res) => {
    const segments = ([] as string[]).concat(req.query[param] ?? []);
    const route = routes[segments.length];
    if (!route) return notFoundRoute()(req, res);
    segments.forEach((value, i) => (req.query[names[i]!] = value));
    return route(req, res);
  };
  return Object.assign(handler, { operations: routes.flatMap((r) => r.operations) });
}

/**
 * One catch-all route file serving a path and its sub-resource (`releases/[...tag].ts`: `/releases/{tag}`
 * and `/releases/{tag}/reactions`): a trailing raw `segment` goes to `sub` (see `splitTrailingSegment`).
 */
export function mountWithSubresource(param: string, segment: string, sub: MountedRoute, main: MountedRoute): MountedRoute {
  return Object.assign(splitTrailingSegment(param, segment, sub, main), { operations: [...main.operations, ...sub.operations] });
}
