import type { IncomingMessage } from 'node:http';
import { config } from '../config';
import { ApiError } from '../http/errors';
import { bearerOf, sameSecret } from './tokens';

/**
 * The platform's scheduler (Vercel Cron, or any) authenticates with `Authorization: Bearer
 * $CRON_SECRET`, not an API token: 401 with a `Bearer realm="shiplog-cron"` challenge otherwise, and
 * always while CRON_SECRET is unset (the endpoint is then off).
 */
export function requireCronSecret(req: IncomingMessage): void {
  const expected = config().CRON_SECRET;
  let given: string | undefined;
  try {
    given = bearerOf(req);
  } catch {
    given = undefined; // another scheme (Basic …)
  }
  const challenge = { 'WWW-Authenticate': 'Bearer realm="shiplog-cron"' };
  if (!expected) {
    throw new ApiError(401, { detail: 'The cron drain is off: set CRON_SECRET (at least 16 characters) and send `Authorization: Bearer $CRON_SECRET`.', headers: challenge });
  }
  if (!given) throw new ApiError(401, { detail: 'Send `Authorization: Bearer $CRON_SECRET`.', headers: challenge });
  if (!sameSecret(given, expected))
    throw new ApiError(401, { detail: 'The bearer secret is not CRON_SECRET.', headers: { 'WWW-Authenticate': 'Bearer realm="shiplog-cron", error="invalid_token"' } });
}
