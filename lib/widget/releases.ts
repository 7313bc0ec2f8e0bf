import type { IncomingMessage } from 'node:http';
import { getDb } from '../db';
import { cachedResponse } from '../http/cache';
import { collectionEtag, PUBLIC_CACHE, type Prepared } from '../http/conditional';
import { ApiError } from '../http/errors';
import { originVary, publicOrigin } from '../http/origin';
import { findProjectRow } from '../projects/repo';
import { listReleases } from '../releases/repo';
import { projectPagePath, releasePagePath } from '../site/paths';
import { notesSummary } from './summary';

/** What the widget shows (lib/widget/operations.ts documents it as the WidgetReleases schema). */
export interface WidgetReleases {
  project: string;
  name: string;
  url: string;
  releases: {
    tag: string;
    name: string | null;
    publishedAt: string;
    prerelease: boolean;
    url: string;
    summary: string;
    truncated: boolean;
  }[];
}

export const WIDGET_DEFAULT_LIMIT = 5;
export const WIDGET_MAX_LIMIT = 20;

/**
 * The newest public releases of a project with their summaries, every URL absolute to this site, as a
 * prepared response from the response cache: a widget read costs no database round trip until the next
 * change, and at most two (the project, its releases) after one. Summaries are remembered per release
 * version (lib/widget/summary.ts), so a change re-summarizes only what changed.
 */
export async function widgetReleases(req: IncomingMessage, owner: string, repo: string, limit: number): Promise<Prepared> {
  const origin = publicOrigin(req);
  const key = ['widget', origin, owner.toLowerCase(), repo.toLowerCase(), limit].join('|');
  return cachedResponse(req, key, async () => {
    const db = await getDb();
    const project = await findProjectRow(db, owner, repo);
    if (!project) throw ApiError.notFound(`There is no project ${owner}/${repo}.`);
    const page = await listReleases(db, {
      projectId: project.id,
      filters: {},
      seeAll: false,
      sort: [{ key: 'publishedAt', dir: 'desc' }],
      offset: 0,
      limit,
      count: false,
    });
    const body: WidgetReleases = {
      project: `${project.owner}/${project.repo}`,
      name: project.name,
      url: origin + projectPagePath(project.owner, project.repo),
      releases: page.items.map((r) => {
        const url = origin + releasePagePath(project.owner, project.repo, r.tag);
        const summary = notesSummary(r, url);
        return {
          tag: r.tag,
          name: r.name,
          publishedAt: (r.publishedAt ?? r.createdAt).toISOString(),
          prerelease: r.prerelease,
          url,
          summary: summary.html,
          truncated: summary.truncated,
        };
      }),
    };
    const json = JSON.stringify(body);
    return {
      status: 200,
      json,
      etag: collectionEtag(json),
      contentType: 'application/json',
      cacheControl: PUBLIC_CACHE,
      headers: { 'Access-Control-Allow-Origin': '*', ...(originVary().length ? { Vary: originVary().join(', ') } : {}) },
    };
  });
}
