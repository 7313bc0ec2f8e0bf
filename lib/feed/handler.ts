import type { NextApiRequest, NextApiResponse } from 'next';
import Negotiator from 'negotiator';
import { and, sql } from 'drizzle-orm';
import { z } from 'zod';
import { getDb } from '../db';
import { projects } from '../db/schema';
import { cachedResponse } from '../http/cache';
import { boolParam } from '../http/collection';
import { collectionEtag, sendPrepared, PUBLIC_CACHE, type Prepared } from '../http/conditional';
import { ApiError } from '../http/errors';
import { notAcceptable } from '../http/negotiate';
import { lastChangeAt } from '../db/outbox';
import { originVary, publicOrigin } from '../http/origin';
import { parseQuery } from '../http/validate';
import { findProject } from '../projects/repo';
import { levelListParam } from '../packages/params';
import { ensureAllDerived, ensureDerived } from '../releases/derive';
import { listReleases } from '../releases/repo';
import { FEED_FORMATS, renderFeed, type FeedFormat } from './feeds';

const Query = z.strictObject({
  format: z.enum(['atom', 'rss', 'json'], { error: 'must be atom, rss or json' }).optional(),
  prerelease: boolParam.optional(),
  limit: z.coerce.number().int().min(1).max(100).optional(),
  package: z.string().min(1).max(200).optional(),
  level: levelListParam.optional(),
  breaking: boolParam.optional(),
});

/** What the filters add to a feed's title: ` · @acme/icons · major or minor · breaking`. */
function filtersTitle(q: { package?: string; level?: readonly string[]; breaking?: boolean }): string {
  const parts = [q.package, q.level?.length ? q.level.join(' or ') : undefined, q.breaking === true ? 'breaking' : q.breaking === false ? 'not breaking' : undefined];
  return parts
    .filter((p): p is string => !!p)
    .map((p) => ` · ${p}`)
    .join('');
}

const FEED_SIZE = 50;

function chooseFormat(req: NextApiRequest, asked: FeedFormat | undefined): FeedFormat {
  if (asked) return asked;
  const accept = req.headers.accept;
  if (!accept) return 'atom';
  const offers = [...Object.values(FEED_FORMATS), 'application/json', 'application/xml', 'text/xml'];
  const chosen = new Negotiator({ headers: { accept } }).mediaType(offers);
  if (!chosen) throw notAcceptable([...Object.values(FEED_FORMATS)], accept);
  if (chosen === FEED_FORMATS.rss) return 'rss';
  if (chosen === FEED_FORMATS.json || chosen === 'application/json') return 'json';
  return 'atom';
}

/**
 * GET /api/feed, /api/feed/{owner}, /api/feed/{owner}/{repo} (and /feed.atom, /acme/rocket/feed.rss …):
 * the newest releases as Atom (default), RSS 2.0 or JSON Feed 1.1, by `?format=` or Accept.
 * Prereleases only with `?prerelease=true`. Served from the response cache; ETag and 304.
 */
export async function getFeed(req: NextApiRequest, res: NextApiResponse): Promise<void> {
  const scope = ([] as string[]).concat(req.query.scope ?? []);
  if (scope.length > 2) throw ApiError.notFound('Feeds exist for everything (/api/feed), an owner (/api/feed/{owner}) or a project (/api/feed/{owner}/{repo}).');
  sendPrepared(req, res, await feedResponse(req, scope));
}

/** The feed of everything (`[]`), an owner (`[owner]`) or a project (`[owner, repo]`), from the response cache. */
export async function feedResponse(req: NextApiRequest, scope: string[]): Promise<Prepared> {
  // Friendly URLs (/acme/rocket/feed.rss) are config rewrites: req.url stays the friendly one and the
  // destination's ?format= arrives only in req.query. Validate the URL's own query, then add it.
  const own = parseQuery(req, Query);
  const rewritten = typeof req.query.format === 'string' && !own.format ? Query.shape.format.safeParse(req.query.format) : undefined;
  const q = { ...own, ...(rewritten?.success && rewritten.data ? { format: rewritten.data } : {}) };
  const format = chooseFormat(req, q.format);
  const origin = publicOrigin(req);
  const key = ['feed', format, origin, req.url ?? ''].join('|');
  const prepared = await cachedResponse(req, key, async (): Promise<Prepared> => {
    const db = await getDb();
    const [owner, repo] = scope;
    let title = 'All releases · Shiplog';
    let description = 'The newest releases of every project on this Shiplog.';
    let pagePath = '/';
    let author = 'Shiplog';
    let projectId: number | undefined;
    let ownerFilter: string | undefined;
    if (owner && repo) {
      const project = await findProject(db, owner, repo);
      if (!project) throw ApiError.notFound(`There is no project ${owner}/${repo}.`);
      projectId = project.id;
      title = `${project.name} releases`;
      description = project.description ?? `Release notes of ${project.owner}/${project.repo}.`;
      pagePath = `/${project.owner}/${project.repo}`;
      author = project.owner;
    } else if (owner) {
      const [found] = await db
        .select({ owner: projects.owner })
        .from(projects)
        .where(and(sql`lower(${projects.owner}) = lower(${owner})`))
        .limit(1);
      if (!found) throw ApiError.notFound(`There is no project owned by ${owner}.`);
      ownerFilter = found.owner;
      title = `${found.owner} releases`;
      description = `The newest releases of ${found.owner}'s projects.`;
      pagePath = `/${found.owner}`;
      author = found.owner;
    }
    const byVersion = q.package !== undefined || q.level !== undefined || q.breaking !== undefined;
    if (byVersion) await (projectId !== undefined ? ensureDerived(projectId) : ensureAllDerived());
    // Prereleases asked for by level (`level=prerelease`) are in the feed without `prerelease=true`.
    const withPrereleases = q.prerelease || q.level?.includes('prerelease');
    title += filtersTitle(q);
    const page = await listReleases(db, {
      projectId,
      filters: {
        ...(withPrereleases ? {} : { prerelease: false }),
        ...(ownerFilter ? { owner: ownerFilter } : {}),
        ...(q.package !== undefined ? { package: q.package } : {}),
        ...(q.level ? { level: q.level } : {}),
        ...(q.breaking !== undefined ? { breaking: q.breaking } : {}),
      },
      seeAll: false,
      sort: [{ key: 'publishedAt', dir: 'desc' }],
      offset: 0,
      limit: q.limit ?? FEED_SIZE,
      count: false,
    });
    // The newest change that could alter this feed (a release edited, hidden or deleted; a project
    // renamed), and never older than its newest entry.
    const changed = await lastChangeAt(db, projectId);
    const updated = page.items.reduce((max, r) => (r.updatedAt > max ? r.updatedAt : max), changed ?? new Date(0));
    const body = renderFeed(format, {
      origin,
      pagePath,
      feedPath: pagePath === '/' ? '/feed' : `${pagePath}/feed`,
      title,
      description,
      author,
      releases: page.items,
      updated,
    });
    const vary = ['Accept', ...originVary()].join(', ');
    return {
      status: 200,
      json: body,
      etag: collectionEtag(body),
      lastModified: updated,
      contentType: FEED_FORMATS[format],
      cacheControl: PUBLIC_CACHE,
      headers: { Vary: vary, 'Access-Control-Allow-Origin': '*' },
    };
  });
  return prepared;
}
