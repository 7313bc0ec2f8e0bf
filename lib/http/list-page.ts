import type { IncomingMessage } from 'node:http';
import type { ApiVersion } from './api-versions';
import { encodeCursor, linkHeader, type Cursor } from './collection';

export interface PageInput {
  items: unknown[];
  total?: number;
  offset: number;
  limit: number;
  base: URLSearchParams;
  hasNext: boolean;
  nextCursor?: Cursor;
  prevCursor?: Cursor;
  cursorUsed: boolean;
  countRequested: boolean;
}

/**
 * A list response in the version's shape. v1: a JSON array with `Link` (first/prev/next/last) and
 * `X-Total-Count`. v2: `{ data, links, meta }` with opaque cursors (`meta.total` on `Prefer: count=exact`).
 */
export function pageResponse(req: IncomingMessage, version: ApiVersion, p: PageInput): { body: unknown; headers: Record<string, string> } {
  const path = (req.url ?? '/').split('?')[0]!;
  const url = (params: Record<string, string | number | undefined>) => {
    const q = new URLSearchParams(p.base);
    for (const [k, v] of Object.entries(params)) if (v !== undefined) q.set(k, String(v));
    const s = q.toString();
    return s ? `${path}?${s}` : path;
  };
  const headers: Record<string, string> = {};
  if (version === '1') {
    const last = p.total !== undefined ? Math.max(0, Math.floor((p.total - 1) / p.limit) * p.limit) : undefined;
    const links = linkHeader({
      first: url({ offset: 0 }),
      prev: p.offset > 0 ? url({ offset: Math.max(0, p.offset - p.limit) }) : undefined,
      next: p.hasNext ? url({ offset: p.offset + p.limit }) : undefined,
      last: last !== undefined ? url({ offset: last }) : undefined,
    });
    if (links) headers.Link = links;
    if (p.total !== undefined) headers['X-Total-Count'] = String(p.total);
    return { body: p.items, headers };
  }
  const next = p.nextCursor ? url({ cursor: encodeCursor(p.nextCursor) }) : null;
  const prev = p.prevCursor ? url({ cursor: encodeCursor(p.prevCursor) }) : null;
  const self = req.url ?? path;
  const links = linkHeader({ next: next ?? undefined, prev: prev ?? undefined });
  if (links) headers.Link = links;
  if (p.countRequested) headers['Preference-Applied'] = 'count=exact';
  return {
    body: { data: p.items, links: { self, next, prev }, meta: { limit: p.limit, ...(p.total !== undefined ? { total: p.total } : {}) } },
    headers,
  };
}

/** `Prefer: count=exact` (RFC 7240). */
export function prefersExactCount(req: IncomingMessage): boolean {
  const prefer = String(req.headers.prefer ?? '');
  return prefer.split(/[,;]/).some((p) => p.trim().toLowerCase() === 'count=exact');
}
