import type { IncomingMessage } from 'node:http';
import type { ApiVersion } from './api-versions';
import { encodeCursor, linkHeader, type CollectionQuery, type Cursor } from './collection';
import { collectionEtag, type Prepared } from './conditional';

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

/** A page as a repository returns it (`listReleases`, `listProjects`). */
export interface RepoPage {
  total?: number;
  hasNext: boolean;
  nextCursor?: Cursor;
  prevCursor?: Cursor;
}

/**
 * A collection GET's 200, serialised once (for the response cache): the page's items in the version's
 * shape (`pageResponse`), its Link (and X-Total-Count or Preference-Applied) headers, a content-hash
 * ETag and `Vary: Accept, Authorization, Prefer`. `counted`: the total was asked for (always in v1).
 */
export function preparedPage(
  req: IncomingMessage,
  version: ApiVersion,
  page: RepoPage,
  items: unknown[],
  q: Pick<CollectionQuery<string, unknown>, 'offset' | 'limit' | 'base' | 'cursor'>,
  o: { counted: boolean; contentType: string; cacheControl: string },
): Prepared {
  const { body, headers } = pageResponse(req, version, {
    ...page,
    items,
    offset: q.offset,
    limit: q.limit,
    base: q.base,
    cursorUsed: !!q.cursor,
    countRequested: o.counted && version === '2',
  });
  const json = JSON.stringify(body);
  return {
    status: 200,
    json,
    etag: collectionEtag(json),
    contentType: o.contentType,
    cacheControl: o.cacheControl,
    headers: { ...headers, Vary: 'Accept, Authorization, Prefer' },
  };
}

/** `Prefer: count=exact` (RFC 7240). */
export function prefersExactCount(req: IncomingMessage): boolean {
  const prefer = String(req.headers.prefer ?? '');
  return prefer.split(/[,;]/).some((p) => p.trim().toLowerCase() === 'count=exact');
}
