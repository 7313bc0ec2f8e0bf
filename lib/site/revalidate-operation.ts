import { z } from 'zod';
import { ApiError } from '../http/errors';
import { defineOperation } from '../http/operation';
import { log } from '../log';
import { revalidatePaths } from './revalidation-cursor';

export const RevalidateBody = z
  .strictObject({
    paths: z
      .array(z.string().regex(/^\/[^\s?#]*$/, 'must be a site path such as /acme/rocket (no query or fragment)'))
      .min(1)
      .max(500),
  })
  .meta({ id: 'RevalidateRequest', example: { paths: ['/', '/acme/rocket'] } });

const RevalidateResult = z
  .object({
    revalidated: z.array(z.string()),
    failed: z.array(z.object({ path: z.string(), error: z.string() })),
  })
  .meta({ id: 'RevalidateResult' });

/**
 * POST /api/revalidate — `{ paths }`, admin scope: regenerates the given pages now (cached or not).
 * Pages regenerate by themselves after every change; this is for operators (e.g. after a template change).
 */
export const revalidatePages = defineOperation({
  operationId: 'revalidatePages',
  method: 'POST',
  path: '/api/revalidate',
  area: 'Service',
  summary: 'Regenerate static pages',
  description: 'Regenerates the named site pages now (Next.js on-demand revalidation). Needs an `admin` token. Unversioned.',
  scope: 'admin',
  body: { content: { 'application/json': RevalidateBody }, schema: RevalidateBody },
  limits: { body: '64kb' },
  responses: {
    200: { description: 'Every page was regenerated.', content: { 'application/json': RevalidateResult }, headers: ['Cache-Control'] },
    207: { description: 'Some pages could not be regenerated (`failed`).', content: { 'application/json': RevalidateResult }, headers: ['Cache-Control'] },
  },
  errors: [503],
}).handle(async ({ res, body }) => {
  if (typeof res.revalidate !== 'function') throw ApiError.unavailable('Pages cannot be regenerated outside the Next.js server.');
  const result = await revalidatePaths((path) => res.revalidate(path), body.paths, { notAPageFails: true });
  if (result.failed.length) {
    log().warn({ failed: result.failed }, 'revalidation failed for some paths');
    return { status: 207, body: result };
  }
  return { status: 200, body: result };
});
