import { z } from 'zod';
import { ownerParam, queryParam, repoParam } from '../api/parameters';
import { defineOperation } from '../http/operation';
import { Timestamp } from '../http/schemas';
import { FEED_FORMATS } from './feeds';
import { feedResponse } from './handler';

export const JsonFeed = z
  .object({
    version: z.literal('https://jsonfeed.org/version/1.1'),
    title: z.string().meta({ example: 'Rocket releases' }),
    home_page_url: z.string().meta({ example: 'https://shiplog.example/acme/rocket' }),
    feed_url: z.string().meta({ example: 'https://shiplog.example/acme/rocket/feed.json' }),
    description: z.string(),
    language: z.literal('en'),
    authors: z
      .array(z.object({ name: z.string(), url: z.string().optional() }))
      .meta({ description: 'Who publishes the feed: the owner (owner and project feeds) or the site.', example: [{ name: 'acme', url: 'https://shiplog.example/acme' }] }),
    items: z.array(
      z.object({
        id: z.string().meta({ description: 'The release page URL.' }),
        url: z.string(),
        external_url: z.string().optional().meta({ description: 'The release on GitHub.' }),
        title: z.string().meta({ description: '`tag: name`; site and owner feeds prefix `owner/repo`.', example: 'v2.3.0: Faster cold starts' }),
        content_html: z.string().meta({ description: 'The notes as sanitized HTML.' }),
        date_published: Timestamp,
        date_modified: Timestamp,
        authors: z.array(z.object({ name: z.string(), url: z.string().optional(), avatar: z.string().optional() })).optional(),
        tags: z.array(z.string()).meta({ description: 'The tag, and `prerelease` for prereleases.', example: ['v2.3.0'] }),
      }),
    ),
  })
  .meta({ id: 'JsonFeed', description: 'JSON Feed 1.1 (https://jsonfeed.org/version/1.1).' });

const feedQuery = z.object({
  format: queryParam(
    'feedFormat',
    'format',
    z.enum(['atom', 'rss', 'json']),
    `The format, instead of \`Accept\`: \`atom\` (${FEED_FORMATS.atom}, the default), \`rss\` (${FEED_FORMATS.rss}) or \`json\` (${FEED_FORMATS.json}). Wins over \`Accept\`.`,
  ),
  prerelease: queryParam('feedPrerelease', 'prerelease', z.enum(['true', 'false']), '`true` adds prereleases; without it a feed has final releases only.'),
  limit: queryParam('feedLimit', 'limit', z.number().int().min(1).max(100).default(50), 'Entries, 1 to 100.'),
  package: queryParam(
    'feedPackage',
    'package',
    z.string().min(1).max(200),
    "Only this package's releases (the package the tags name: `@acme/icons` in `@acme/icons@1.7.0`). The feed's title says so.",
    {
      example: '@acme/icons',
    },
  ),
  level: queryParam(
    'feedLevel',
    'level',
    z.string(),
    'Only releases of these levels, comma separated (or repeated): `major`, `minor`, `patch`, `prerelease` (then prereleases are in without `prerelease=true`), `other` (tags that are not semver). Levels are relative to the previous stable release of the same package in semver order. The title says so.',
    { example: 'major' },
  ),
  breaking: queryParam(
    'feedBreaking',
    'breaking',
    z.enum(['true', 'false']),
    '`true`: only releases with breaking changes (a conventional `feat!:` title, `BREAKING CHANGE`, a "Breaking changes" section); `false`: none of them.',
  ),
});

const feedContent = {
  [FEED_FORMATS.atom]: z.string().meta({
    description: 'Atom 1.0 (RFC 4287).',
    example:
      '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n  <id>https://shiplog.example/acme/rocket</id>\n  <title>Rocket releases</title>\n  <updated>2026-11-01T12:00:00.000Z</updated>\n  <entry>\n    <title type="html"><![CDATA[v2.3.0: Faster cold starts]]></title>\n    <id>https://shiplog.example/acme/rocket/releases/v2.3.0</id>\n    <link href="https://shiplog.example/acme/rocket/releases/v2.3.0"/>\n    <updated>2026-11-01T12:00:00.000Z</updated>\n  </entry>\n</feed>',
  }),
  [FEED_FORMATS.rss]: z.string().meta({ description: 'RSS 2.0.' }),
  [FEED_FORMATS.json]: JsonFeed,
};

function description(what: string, friendly: string, notFound: string): string {
  return (
    `The newest published releases of ${what} (final releases only unless \`?prerelease=true\`; never drafts or hidden ones; 50 unless \`?limit=\`) as Atom 1.0 (the default), RSS 2.0 or JSON Feed 1.1, chosen by \`?format=atom|rss|json\` or \`Accept\` (\`application/json\` gets JSON Feed, \`application/xml\` and \`text/xml\` Atom); nothing acceptable is a 406.${notFound} ` +
    `Also at the friendly URLs \`${friendly}.atom\`, \`${friendly}.rss\` and \`${friendly}.json\`, where the extension picks the format (what feed readers should be given). Public, readable from any origin, cached (\`ETag\`, 304). Unversioned and not rate limited.`
  );
}

/** What the three feeds share: public, any origin, the feed's own query (validated by the handler, which also reads a friendly URL's rewritten format). */
const common = {
  method: 'GET',
  area: 'Feeds',
  scope: 'public',
  cors: 'any-origin',
  query: feedQuery,
  validateQuery: false,
  responses: { 200: { description: 'The feed.', content: feedContent, headers: ['Access-Control-Allow-Origin'] } },
  // 404 comes with the path parameters of the owner and project feeds (the site feed always exists).
  errors: [406, 503],
} as const;

export const getSiteFeed = defineOperation({
  ...common,
  operationId: 'getFeed',
  path: '/api/feed',
  summary: 'Release feed of every project',
  description: description('every project', '/feed', ''),
}).handle(async ({ req }) => ({ status: 200, prepared: await feedResponse(req, []) }));

export const getOwnerFeed = defineOperation({
  ...common,
  operationId: 'getOwnerFeed',
  path: '/api/feed/{owner}',
  summary: "Release feed of an owner's projects",
  description: description("an owner's projects", '/{owner}/feed', ' 404 when the owner has no project.'),
  params: z.object({ owner: ownerParam }),
}).handle(async ({ req, params }) => ({ status: 200, prepared: await feedResponse(req, [params.owner]) }));

export const getProjectFeed = defineOperation({
  ...common,
  operationId: 'getProjectFeed',
  path: '/api/feed/{owner}/{repo}',
  summary: 'Release feed of one project',
  description: description('one project', '/{owner}/{repo}/feed', ' 404 when there is no such project.'),
  params: z.object({ owner: ownerParam, repo: repoParam }),
}).handle(async ({ req, params }) => ({ status: 200, prepared: await feedResponse(req, [params.owner, params.repo]) }));

export const FEED_OPERATIONS = [getSiteFeed, getOwnerFeed, getProjectFeed];
