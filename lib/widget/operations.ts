import { z } from 'zod';
import { ownerParam, repoParam } from '../api/parameters';
import { defineOperation } from '../http/operation';
import { Timestamp } from '../http/schemas';
import { WIDGET_DEFAULT_LIMIT, WIDGET_MAX_LIMIT, widgetReleases } from './releases';
import { SUMMARY_MAX_CHARS } from './summary';

export const WidgetReleases = z
  .object({
    project: z.string().meta({ description: '`owner/repo`.', example: 'acme/rocket' }),
    name: z.string().meta({ example: 'Rocket' }),
    url: z.string().meta({ description: 'The project page.', example: 'https://shiplog.example/acme/rocket' }),
    releases: z.array(
      z.object({
        tag: z.string().meta({ example: 'v2.3.0' }),
        name: z.string().nullable().meta({ example: 'Faster cold starts' }),
        publishedAt: Timestamp,
        prerelease: z.boolean(),
        url: z.string().meta({ description: 'The release page.', example: 'https://shiplog.example/acme/rocket/releases/v2.3.0' }),
        summary: z.string().meta({
          description: `The notes' "Highlights" section, else their first paragraph or list, as sanitized HTML of at most ${SUMMARY_MAX_CHARS} characters of text: no images, footnotes or ids; every link absolute (against the release page) and opening a new tab. Empty when the notes have no text.`,
          example: '<ul>\n<li><strong>Faster</strong> cold starts</li>\n</ul>',
        }),
        truncated: z.boolean().meta({ description: 'Whether the notes hold more than the summary.' }),
      }),
    ),
  })
  .meta({ id: 'WidgetReleases', description: "What the embeddable widget shows: a project's newest public releases, summarized." });

/** GET /api/widget/{owner}/{repo}: what /widget.js shows. */
export const getWidgetReleases = defineOperation({
  operationId: 'getWidgetReleases',
  method: 'GET',
  path: '/api/widget/{owner}/{repo}',
  area: 'Widget',
  summary: "The widget's releases of a project",
  description: `The newest public releases of a project (prereleases included; never drafts or hidden ones), newest first, each with a short summary of its notes: what the embeddable widget (\`/widget.js\`) shows. Public, readable from any origin, cached (\`ETag\`, 304). Unversioned and not rate limited. 404 when there is no such project.`,
  scope: 'public',
  cors: 'any-origin',
  params: z.object({ owner: ownerParam, repo: repoParam }),
  query: z.object({
    limit: z.coerce
      .number()
      .int()
      .min(1)
      .max(WIDGET_MAX_LIMIT)
      .optional()
      .meta({ param: { id: 'widgetLimit', description: `Releases, 1 to ${WIDGET_MAX_LIMIT} (default ${WIDGET_DEFAULT_LIMIT}).`, example: 5 } }),
  }),
  responses: { 200: { description: 'The releases.', content: { 'application/json': WidgetReleases }, headers: ['Access-Control-Allow-Origin'] } },
  errors: [404, 503],
}).handle(async ({ req, params, query }) => ({ status: 200, prepared: await widgetReleases(req, params.owner, params.repo, query.limit ?? WIDGET_DEFAULT_LIMIT) }));

export const WIDGET_OPERATIONS = [getWidgetReleases];
