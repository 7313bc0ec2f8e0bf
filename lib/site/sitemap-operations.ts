import { z } from 'zod';
import { getDb } from '../db';
import { collectionEtag, type Prepared } from '../http/conditional';
import { ApiError } from '../http/errors';
import { defineOperation } from '../http/operation';
import { originVary, publicOrigin } from '../http/origin';
import { loadSitemap, robotsTxt, SITEMAP_PAGE_SIZE, sitemapXml } from './sitemap';

/**
 * sitemap.xml and robots.txt (lib/site/sitemap.ts), served at the site's root by rewrites in
 * next.config.js (/sitemap.xml, /sitemap-{n}.xml, /robots.txt). Unversioned: they are the site's, not
 * the JSON API's. URLs are absolute, on SHIPLOG_PUBLIC_URL (else the request's origin, with Vary).
 */

/** Crawlers read them a few times a day: shared caches keep them an hour, serving a stale copy while refreshing. */
export const SITEMAP_CACHE = 'public, max-age=0, s-maxage=3600, stale-while-revalidate=86400';

const common = {
  method: 'GET',
  area: 'Pages',
  scope: 'public',
  cors: 'any-origin',
  cacheControl: SITEMAP_CACHE,
} as const;

const xmlBody = z.string().meta({ description: 'A sitemap (https://www.sitemaps.org/protocol.html): a `urlset`, or a `sitemapindex` of `/sitemap-{n}.xml`.' });

function prepared(text: string, contentType: string): Prepared {
  const vary = originVary();
  return { status: 200, json: text, etag: collectionEtag(text), contentType, cacheControl: SITEMAP_CACHE, headers: vary.length ? { Vary: vary.join(', ') } : {} };
}

export const getSitemap = defineOperation({
  ...common,
  operationId: 'getSitemap',
  path: '/api/sitemap',
  summary: 'Sitemap of every public page',
  description: `Also at \`/sitemap.xml\`. The home page, owners' pages, projects' changelogs and every published release page, each with \`lastmod\`. Past ${SITEMAP_PAGE_SIZE.toLocaleString('en')} URLs, a \`sitemapindex\` of \`/sitemap-1.xml\`, \`/sitemap-2.xml\`, ….`,
  responses: { 200: { description: 'The sitemap, or the index of its pages.', content: { 'application/xml': xmlBody }, headers: ['Access-Control-Allow-Origin'] } },
  errors: [503],
}).handle(async ({ req }) => {
  const map = (await loadSitemap(await getDb()))!;
  return { status: 200, prepared: prepared(sitemapXml(publicOrigin(req), map), 'application/xml') };
});

export const getSitemapPage = defineOperation({
  ...common,
  operationId: 'getSitemapPage',
  path: '/api/sitemap/{page}',
  summary: 'One page of the sitemap',
  description: `Also at \`/sitemap-{page}.xml\`: the page's ${SITEMAP_PAGE_SIZE.toLocaleString('en')} URLs (or fewer). 404 past the last page.`,
  params: z.object({
    page: z.coerce
      .number()
      .int()
      .min(1)
      .max(1_000_000)
      .meta({ param: { id: 'sitemapPage', in: 'path', name: 'page', description: 'The page, from 1.' } }),
  }),
  responses: { 200: { description: 'The URLs of that page.', content: { 'application/xml': xmlBody }, headers: ['Access-Control-Allow-Origin'] } },
  errors: [404, 503],
}).handle(async ({ req, params }) => {
  const map = await loadSitemap(await getDb(), params.page);
  if (!map) throw ApiError.notFound(`The sitemap has no page ${params.page}.`);
  return { status: 200, prepared: prepared(sitemapXml(publicOrigin(req), map), 'application/xml') };
});

export const getRobots = defineOperation({
  ...common,
  operationId: 'getRobots',
  path: '/api/robots',
  summary: 'robots.txt',
  description: 'Also at `/robots.txt`: pages, feeds and card images may be crawled; the console and the rest of the API may not. Names the sitemap.',
  responses: {
    200: {
      description: 'The robots.txt rules (RFC 9309).',
      content: { 'text/plain': z.string().meta({ example: 'User-agent: *\nAllow: /\nDisallow: /admin\nDisallow: /api/\n\nSitemap: https://shiplog.example/sitemap.xml\n' }) },
      headers: ['Access-Control-Allow-Origin'],
    },
  },
}).handle(({ req }) => ({ status: 200, prepared: prepared(robotsTxt(publicOrigin(req)), 'text/plain') }));

export const SITEMAP_OPERATIONS = [getSitemap, getSitemapPage, getRobots];
