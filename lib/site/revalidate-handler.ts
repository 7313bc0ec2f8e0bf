import type { NextApiRequest, NextApiResponse } from 'next';
import { z } from 'zod';
import { requireScope } from '../auth/tokens';
import { ApiError } from '../http/errors';
import { sendJson } from '../http/route';
import { parseBody } from '../http/validate';
import { log } from '../log';
import { revalidatePaths } from './revalidation-cursor';

export const RevalidateBody = z
  .object({
    paths: z
      .array(z.string().regex(/^\/[^\s?#]*$/, 'must be a site path such as /acme/rocket (no query or fragment)'))
      .min(1)
      .max(500),
  })
  .strict();

/**
 * POST /api/revalidate — `{ paths }`, admin scope: regenerates the given pages now (cached or not).
 * Pages regenerate by themselves after every change; this is for operators (e.g. after a template change).
 */
export async function postRevalidate(req: NextApiRequest, res: NextApiResponse): Promise<void> {
  await requireScope(req, 'admin');
  const { paths } = await parseBody(req, RevalidateBody);
  if (typeof res.revalidate !== 'function') throw ApiError.unavailable('Pages cannot be regenerated outside the Next.js server.');
  const result = await revalidatePaths((path) => res.revalidate(path), paths, { notAPageFails: true });
  if (result.failed.length) log().warn({ failed: result.failed }, 'revalidation failed for some paths');
  res.setHeader('Cache-Control', 'no-store');
  sendJson(req, res, result.failed.length ? 207 : 200, result);
}
