import type { NextApiRequest, NextApiResponse } from 'next';
import { z } from 'zod';
import { ownerParam, repoParam } from '../api/parameters';
import { getDb } from '../db';
import { isNotModified } from '../http/conditional';
import { ApiError } from '../http/errors';
import { defineOperation } from '../http/operation';
import { findProject } from '../projects/repo';
import { findRelease, listReleases } from '../releases/repo';
import { notesSummary, OG_IMAGE_HEIGHT, OG_IMAGE_WIDTH } from './meta';
import { cardEtag, drawCard, type Card } from './og-image';
import { formatDate } from './ui/format';

/**
 * Card images of reader pages (their `og:image` / `twitter:image`, lib/site/meta.ts): unversioned, under
 * /api/og rather than /api/v{n}, because they are part of the pages, not of the JSON API (a PNG has no
 * representation to negotiate, and a page links one URL whatever the API's version). Public, readable
 * from any origin, cached by shared caches, with an ETag computed before anything is drawn (304 costs
 * one query). Only what a reader may see (lib/releases/visibility.ts): a draft or hidden release is a 404.
 */

/** Unfurlers fetch an image once per share; browsers revalidate hourly, shared caches daily. */
export const OG_CACHE = 'public, max-age=3600, s-maxage=86400, stale-while-revalidate=604800';

const png = z.string().meta({ description: `A PNG image, ${OG_IMAGE_WIDTH}×${OG_IMAGE_HEIGHT}.`, contentMediaType: 'image/png' });
const tagParam = z
  .string()
  .min(1)
  .max(255)
  .meta({ param: { id: 'ogTag', in: 'path', name: 'tag', description: 'The release tag; a tag with `/` keeps its slashes (each segment percent-encoded), as on release pages.' } });

const common = {
  method: 'GET',
  area: 'Pages',
  scope: 'public',
  cors: 'any-origin',
  cacheControl: OG_CACHE,
  responses: { 200: { description: 'The card image.', content: { 'image/png': png }, headers: ['Access-Control-Allow-Origin'] } },
  errors: [404, 503],
} as const;

/** Sends the card's PNG, or 304 when the client holds its ETag (nothing is drawn then). */
async function sendCard(req: NextApiRequest, res: NextApiResponse, card: Card): Promise<void> {
  const etag = cardEtag(card);
  res.setHeader('ETag', etag);
  res.setHeader('Cache-Control', OG_CACHE);
  if (isNotModified(req, etag)) {
    res.statusCode = 304;
    res.end();
    return;
  }
  const image = await drawCard(card);
  res.statusCode = 200;
  res.setHeader('Content-Type', 'image/png');
  res.setHeader('Content-Length', image.byteLength);
  res.end(req.method === 'HEAD' ? undefined : image);
}

export const getProjectCard = defineOperation({
  ...common,
  operationId: 'getProjectCard',
  path: '/api/og/{owner}/{repo}',
  summary: "Card image of a project's changelog",
  description: `The ${OG_IMAGE_WIDTH}×${OG_IMAGE_HEIGHT} PNG that link previews of the project's changelog page show (its \`og:image\`): name, description, releases and the newest one. 404 when there is no such project.`,
  params: z.object({ owner: ownerParam, repo: repoParam }),
}).handle(async ({ req, res, params }) => {
  const db = await getDb();
  const project = await findProject(db, params.owner, params.repo);
  if (!project) throw ApiError.notFound(`There is no project ${params.owner}/${params.repo}.`);
  const newest = (filters: { prerelease?: boolean }, count: boolean) =>
    listReleases(db, { projectId: project.id, filters, seeAll: false, sort: [{ key: 'publishedAt', dir: 'desc' }], offset: 0, limit: 1, count });
  const all = await newest({}, true);
  const total = all.total ?? 0;
  // The latest final release, as the home page names it; a project with prereleases only names its newest.
  const latest = all.items[0]?.prerelease ? ((await newest({ prerelease: false }, false)).items[0] ?? all.items[0]) : all.items[0];
  const card: Card = {
    project: `${project.owner}/${project.repo}`,
    title: `${project.name} changelog`,
    tag: null,
    detail: latest ? `${total} release${total === 1 ? '' : 's'} · latest ${latest.tag}, ${formatDate((latest.publishedAt ?? latest.createdAt).toISOString())}` : 'No releases yet',
    summary: project.description ?? '',
    prerelease: false,
  };
  await sendCard(req, res, card);
  return { status: 200, sent: true };
});

export const getReleaseCard = defineOperation({
  ...common,
  operationId: 'getReleaseCard',
  path: '/api/og/{owner}/{repo}/{tag}',
  summary: 'Card image of a release',
  description: `The ${OG_IMAGE_WIDTH}×${OG_IMAGE_HEIGHT} PNG that link previews of a release page show (its \`og:image\`): title, tag, date and the first paragraph of the notes. 404 when there is no such project or published release (drafts and hidden releases have none).`,
  params: z.object({ owner: ownerParam, repo: repoParam, tag: tagParam }),
}).handle(async ({ req, res, params }) => {
  const db = await getDb();
  const project = await findProject(db, params.owner, params.repo);
  const release = project && (await findRelease(db, project.id, params.tag, { seeAll: false }));
  if (!project || !release) throw ApiError.notFound(`There is no published release ${params.tag} of ${params.owner}/${params.repo}.`);
  const card: Card = {
    project: `${project.owner}/${project.repo}`,
    // A release named as its tag is titled with the project's name (the tag is not shown twice).
    title: release.name && release.name.trim() && release.name.trim() !== release.tag ? release.name.trim() : `${project.name} ${release.tag}`,
    tag: release.tag,
    detail: formatDate((release.publishedAt ?? release.createdAt).toISOString()),
    summary: notesSummary(release.bodyHtml, 160),
    prerelease: release.prerelease,
  };
  await sendCard(req, res, card);
  return { status: 200, sent: true };
});

export const OG_OPERATIONS = [getProjectCard, getReleaseCard];
