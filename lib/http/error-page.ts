import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from './errors';
import { assignRequestId } from './request-id';
import { isDatabaseUnavailable } from './unavailable';

/**
 * Errors Next.js answers before any API route runs — a URL it cannot decode (`/api/feed/%ZZ`) is a
 * 400 rendered by the `_error` page — still reach API clients as problem+json with a request id.
 * Called from pages/_error.tsx, so it imports nothing server-only (the page is bundled for browsers).
 * Returns true when it answered.
 */
export function answerApiErrorPage(req: IncomingMessage | undefined, res: ServerResponse | undefined, status: number): boolean {
  if (!req || !res || res.headersSent || res.writableEnded) return false;
  const path = (req.url ?? '/').split('?')[0]!;
  if (path !== '/api' && !path.startsWith('/api/')) return false;
  const requestId = assignRequestId(req, res);
  const detail =
    status === 400
      ? 'The request URL is malformed (for example an invalid percent-encoding such as %ZZ) and cannot be routed.'
      : status === 404
        ? `There is no API resource at ${path}. The API index is /api/openapi.json.`
        : 'The request could not be handled.';
  const err = new ApiError(status >= 400 && status < 600 ? status : 500, { detail });
  const json = JSON.stringify({ type: err.type, title: err.title, status: err.status, detail, instance: path, requestId });
  res.statusCode = err.status;
  res.setHeader('Content-Type', 'application/problem+json; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Content-Length', new TextEncoder().encode(json).length);
  res.end(req.method === 'HEAD' ? undefined : json);
  return true;
}

/**
 * A page that failed because the database is unavailable (down, corrupt, locked by another process)
 * is a 503 with Retry-After — a friendly "back shortly" page — never a 500. Returns the status to show.
 */
export function pageErrorStatus(res: ServerResponse | undefined, err: unknown, status: number): number {
  if (!res || res.headersSent || !isDatabaseUnavailable(err)) return status;
  res.statusCode = 503;
  res.setHeader('Retry-After', '30');
  res.setHeader('Cache-Control', 'no-store');
  return 503;
}
