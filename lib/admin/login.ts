import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextApiRequest, NextApiResponse } from 'next';
import { z } from 'zod';
import { hasScope, principalForSecret, requireScope, type Principal } from '../auth/tokens';
import { config } from '../config';
import { write } from '../db/write';
import { readBody } from '../http/body';
import { ApiError, isApiError } from '../http/errors';
import { sendJson } from '../http/method-router';
import { renderRequestMarkdown } from '../http/request-markdown';
import { validateBody } from '../http/validate';
import { MARKDOWN_MAX_CHARS } from '../markdown';
import { setFlash } from './flash';
import { adminPath, field, loginPath, type FormValues } from './form-endpoint';
import { requireSameOrigin } from '../auth/same-origin';
import { endSession, startSession } from '../auth/session';
import { issueSignInLink, redeemSignInLink } from '../auth/sign-in-link';

/**
 * POST /api/session (urlencoded `token`, `next`): a token with the `write` or `admin` scope opens a
 * console session (the signed cookie) and the browser goes on with a 303; anything else goes back to
 * the sign-in page with a message. Same-origin only, so no other site can sign someone in.
 */
export async function postSession(req: NextApiRequest, res: NextApiResponse): Promise<void> {
  res.setHeader('Cache-Control', 'no-store');
  requireSameOrigin(req);
  const body = await readBody(req, { types: ['application/x-www-form-urlencoded'] });
  const form = body.value as FormValues;
  const next = adminPath(field(form, 'next'));
  const token = field(form, 'token').trim();
  const refuse = async (message: string) => {
    const back = loginPath(next);
    await setFlash(res, back, { kind: 'error', message });
    res.redirect(303, back);
  };
  const link = field(form, 'link').trim();
  if (link) {
    const row = await write((tx) => redeemSignInLink(tx, link));
    if (!row)
      return refuse('That sign-in link was already used or has expired. Restart `npm start` for a new one (it prints one while no admin token exists), or sign in with a token.');
    const principal: Principal = { kind: 'token', tokenId: row.id, name: row.name, scopes: ['admin'] };
    await startSession(res, principal);
    await setFlash(res, '/admin/tokens', {
      kind: 'success',
      message: 'You are signed in with the one-time link. Create a token with the admin scope here to sign in again later (the link works only once).',
    });
    res.redirect(303, '/admin/tokens');
    return;
  }
  if (!token) return refuse('Enter a token to sign in.');
  if (!/^[A-Za-z0-9._~+/=-]{1,512}$/.test(token)) return refuse('That token is not valid: it is unknown or was revoked.');
  let principal;
  try {
    principal = await principalForSecret(token);
  } catch (err) {
    if (isApiError(err) && err.status === 401) return refuse('That token is not valid: it is unknown or was revoked.');
    throw err;
  }
  if (!hasScope(principal, 'write')) {
    return refuse(`The token "${principal.name}" has only the ${principal.scopes.join(', ')} scope; the console needs a token with write or admin.`);
  }
  await startSession(res, principal);
  res.redirect(303, next);
}

/**
 * POST /api/session/link, for `npm start` only (Authorization: Bearer <the SHIPLOG_LAUNCH_KEY it gave
 * this server>): 200 `{ path, expiresAt }` with a new one-time sign-in link while the server has no
 * admin credential, else 204. Without the launch key the route does not exist (404).
 */
export async function postSignInLink(req: NextApiRequest, res: NextApiResponse): Promise<void> {
  res.setHeader('Cache-Control', 'no-store');
  const key = config().SHIPLOG_LAUNCH_KEY;
  const given = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1] ?? '';
  const digest = (s: string) => createHash('sha256').update(s).digest();
  if (!key || !timingSafeEqual(digest(given), digest(key))) throw ApiError.notFound('There is no such route.');
  const link = await write((tx) => issueSignInLink(tx));
  if (!link) {
    res.statusCode = 204;
    res.end();
    return;
  }
  sendJson(req, res, 200, { path: `/admin/login?link=${link.code}`, expiresAt: link.expiresAt.toISOString() });
}

/** POST /api/session/logout: clears the session cookie and returns to the sign-in page. */
export async function postLogout(req: NextApiRequest, res: NextApiResponse): Promise<void> {
  res.setHeader('Cache-Control', 'no-store');
  requireSameOrigin(req);
  endSession(res);
  await setFlash(res, '/admin/login', { kind: 'info', message: 'You are signed out.' });
  res.redirect(303, '/admin/login');
}

const PreviewInput = z.strictObject({
  markdown: z.string().max(MARKDOWN_MAX_CHARS),
  /** The project's repository (`owner/repo`): what `#12`, `@user` and commit SHAs link to, as on the site. */
  repository: z
    .string()
    .regex(/^[\w.-]+\/[\w.-]+$/, 'is not owner/repo')
    .optional(),
});

/**
 * POST /api/admin/preview `{ markdown, repository? }` → `{ html }`: the same renderer, sanitizer and limits as the
 * site (rendered off the event loop; too long → 413/422, too slow → 422 naming /markdown). The route
 * is rate-limited and its body limited (pages/api/admin/preview.ts).
 */
export async function postPreview(req: NextApiRequest, res: NextApiResponse): Promise<void> {
  await requireScope(req, 'write');
  const body = await readBody(req, { types: ['application/json'] });
  const { markdown, repository } = validateBody(PreviewInput, body.value);
  const html = await renderRequestMarkdown(markdown, '/markdown', { repository });
  res.setHeader('Cache-Control', 'no-store');
  sendJson(req, res, 200, { html });
}
