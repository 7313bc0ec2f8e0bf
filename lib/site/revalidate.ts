import type { NextApiRequest, NextApiResponse } from 'next';
import { z } from 'zod';
import { internalSecret, selfOrigin } from '../auth/internal';
import { requireScope } from '../auth/tokens';
import { sendJson } from '../http/route';
import { parseBody } from '../http/validate';
import { log } from '../log';

export const RevalidateBody = z
  .object({
    paths: z
      .array(z.string().regex(/^\/[^\s?#]*$/, 'must be a site path such as /acme/rocket (no query or fragment)'))
      .min(1)
      .max(500),
  })
  .strict();

export interface RevalidateResult {
  revalidated: string[];
  failed: { path: string; error: string }[];
}

/** Regenerates static pages in place (`res.revalidate` takes the real path; a 404 path fails). */
export async function revalidatePaths(res: NextApiResponse, paths: readonly string[]): Promise<RevalidateResult> {
  const result: RevalidateResult = { revalidated: [], failed: [] };
  for (const path of [...new Set(paths)]) {
    try {
      await res.revalidate(path);
      result.revalidated.push(path);
    } catch (err) {
      result.failed.push({ path, error: (err as Error).message });
    }
  }
  if (result.failed.length) log().warn({ failed: result.failed }, 'revalidation failed for some paths');
  return result;
}

/** POST /api/revalidate — `{ paths }`, admin scope. */
export async function postRevalidate(req: NextApiRequest, res: NextApiResponse): Promise<void> {
  await requireScope(req, 'admin');
  const { paths } = await parseBody(req, RevalidateBody);
  const result = await revalidatePaths(res, paths);
  res.setHeader('Cache-Control', 'no-store');
  sendJson(req, res, result.failed.length ? 207 : 200, result);
}

/** Paths per request to `/api/revalidate`: well inside its 500-path and 64 KB limits at any tag length. */
const CHUNK = 100;

/**
 * Asks this server to regenerate pages, from code that has no response object (start-up, background
 * work), in requests of at most CHUNK paths. Retries with back-off; failures are logged, never dropped
 * silently. Answers undefined when some path could not be regenerated.
 */
export async function revalidateSelf(paths: readonly string[], attempts = 6): Promise<RevalidateResult | undefined> {
  const all: RevalidateResult = { revalidated: [], failed: [] };
  const unique = [...new Set(paths)];
  for (let i = 0; i < unique.length; i += CHUNK) {
    const part = await revalidateChunk(unique.slice(i, i + CHUNK), attempts);
    if (!part) return undefined;
    all.revalidated.push(...part.revalidated);
  }
  return all;
}

async function revalidateChunk(paths: string[], attempts: number): Promise<RevalidateResult | undefined> {
  let delay = 250;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      const response = await fetch(`${selfOrigin()}/api/revalidate`, {
        method: 'POST',
        headers: { authorization: `Bearer ${internalSecret()}`, 'content-type': 'application/json' },
        body: JSON.stringify({ paths }),
        signal: AbortSignal.timeout(30_000),
      });
      if (response.ok || response.status === 207) {
        const result = (await response.json()) as RevalidateResult;
        if (!result.failed.length) return result;
        paths = result.failed.map((f) => f.path);
      } else {
        const detail = await response.text();
        log().warn({ status: response.status, attempt, detail }, 'self-revalidation answered an error');
        // The same request would be refused again: only a rate limit or a server error is worth a retry.
        if (response.status < 500 && response.status !== 429) break;
      }
    } catch (err) {
      log().warn({ err: (err as Error).message, attempt }, 'self-revalidation failed');
    }
    await new Promise((r) => setTimeout(r, delay));
    delay *= 2;
  }
  log().error({ paths }, 'pages could not be revalidated; they refresh at their revalidate window instead');
  return undefined;
}
