import type { ServerResponse, IncomingMessage } from 'node:http';
import { DatabaseBusyError } from '../db/lock';
import { DomainError, MovedError, StaleError, type Issue } from '../domain/errors';
import { DatabaseUnavailableError } from '../db';
import { sqlState } from '../db/errors';
import { log } from '../log';
import { ApiError, clip, isApiError, PROBLEM_LIMITS, type ProblemItem } from './errors';
import { requestIdOf } from './request-id';
import { isConnectionError } from './unavailable';

export { isConnectionError };

export const PROBLEM_JSON = 'application/problem+json';

/** A domain issue as a problem item: a body pointer, a query parameter or a header. */
function problemItem(issue: Issue): ProblemItem {
  if (issue.in === 'query') return { parameter: issue.path, detail: issue.reason };
  if (issue.in === 'header') return { header: issue.path, detail: issue.reason };
  return { pointer: issue.path, detail: issue.reason };
}

/**
 * The one translation of domain errors (lib/domain/errors.ts) into HTTP: the status, the problem type
 * (the error's code when it has one, else the status's own) and the items.
 */
function fromDomainError(err: DomainError): ApiError {
  const errors = err.issues?.map(problemItem);
  const base = { detail: err.message, type: err.code, errors, cause: err };
  switch (err.kind) {
    case 'not-found':
      return new ApiError(404, base);
    case 'conflict':
      return new ApiError(409, base);
    case 'stale':
      // A version the caller named (If-Match, or the ETag a console form carried) that is not current.
      return new ApiError(412, {
        ...base,
        errors: errors ?? (err instanceof StaleError && err.expected ? [{ header: 'If-Match', detail: 'does not match the current ETag' }] : undefined),
      });
    case 'invalid':
      return new ApiError(422, base);
    case 'invalid-parameter':
      return new ApiError(400, { ...base, type: err.code ?? 'invalid-parameters' });
    case 'too-large':
      return new ApiError(413, base);
    case 'busy':
      return new ApiError(503, { ...base, headers: { 'Retry-After': '5' } });
    case 'moved': {
      const renamed = err instanceof MovedError ? { from: err.from, to: err.to } : undefined;
      return new ApiError(308, { ...base, title: 'Permanent Redirect', extensions: { renamed } });
    }
  }
}

/** Maps anything thrown to the ApiError that describes it to a client (500 for the unexpected). */
export function toApiError(err: unknown): ApiError {
  if (isApiError(err)) return err;
  if (err instanceof DomainError) return fromDomainError(err);
  // The reason (a data path, a pid, a host) goes to the log (sendProblem), never to the client.
  if (err instanceof DatabaseBusyError) {
    return new ApiError(503, { detail: 'The database is in use by another process; try again shortly.', headers: { 'Retry-After': '5' }, cause: err });
  }
  if (err instanceof DatabaseUnavailableError) {
    return new ApiError(503, { detail: 'The database is unavailable; try again shortly.', headers: { 'Retry-After': '5' }, cause: err });
  }
  if (isConnectionError(err)) return new ApiError(503, { detail: 'The database is unavailable; try again shortly.', headers: { 'Retry-After': '5' }, cause: err });
  const state = sqlState(err);
  // Class 22, data exception: a value from the request the database cannot store or compare (a date
  // out of its range, an invalid byte sequence) that validation let through. The client's to fix.
  if (state?.startsWith('22')) {
    return new ApiError(400, { type: 'unstorable-value', detail: 'The request holds a value the database cannot store or compare (out of range, or an invalid character).' });
  }
  // A transaction that lost a serialization or deadlock race and could not be retried: worth retrying.
  if (state === '40001' || state === '40P01') return new ApiError(503, { detail: 'The request collided with a concurrent one; retry it.', headers: { 'Retry-After': '1' } });
  // lock_timeout: other writes held what this one needed for longer than the deadline.
  if (state === '55P03') return new ApiError(503, { detail: 'Other writes are in progress and this one waited too long; retry it.', headers: { 'Retry-After': '1' } });
  return new ApiError(500, { detail: 'An unexpected error occurred. Quote the request id when reporting it.' });
}

/**
 * At most PROBLEM_LIMITS.errors items, each member cut to a bounded length: a problem document stays
 * small whatever the request held (a 14 KB `sort_by` of bad keys once made a 164 KB answer).
 */
function cappedItems(errors: ProblemItem[]): { errors: ProblemItem[]; errorsOmitted?: number } {
  const items = errors.slice(0, PROBLEM_LIMITS.errors).map((e) => {
    const item: ProblemItem = { detail: clip(e.detail, PROBLEM_LIMITS.itemDetail) };
    if (e.pointer !== undefined) item.pointer = clip(e.pointer, PROBLEM_LIMITS.name);
    if (e.parameter !== undefined) item.parameter = clip(e.parameter, PROBLEM_LIMITS.name);
    if (e.header !== undefined) item.header = clip(e.header, PROBLEM_LIMITS.name);
    return {
      ...(item.pointer !== undefined ? { pointer: item.pointer } : {}),
      ...(item.parameter !== undefined ? { parameter: item.parameter } : {}),
      ...(item.header !== undefined ? { header: item.header } : {}),
      detail: item.detail,
    };
  });
  return errors.length > items.length ? { errors: items, errorsOmitted: errors.length - items.length } : { errors: items };
}

/**
 * A renamed project (ApiError 308 with `extensions.renamed = { from, to }`, both `owner/repo`): the
 * request's own URL with the old name's path segments replaced by the new ones.
 */
function movedLocation(req: IncomingMessage, err: ApiError): string | undefined {
  const renamed = err.extensions.renamed as { from?: string; to?: string } | undefined;
  if (err.status !== 308 || !renamed?.from || !renamed.to) return undefined;
  const url = req.url ?? '/';
  const escaped = renamed.from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const replaced = url.replace(new RegExp(`/${escaped}(?=[/?]|$)`, 'i'), `/${renamed.to}`);
  return replaced === url ? undefined : replaced;
}

/** Renders an error as application/problem+json. The only place errors are rendered. */
export function sendProblem(req: IncomingMessage, res: ServerResponse, thrown: unknown): void {
  const err = toApiError(thrown);
  const requestId = requestIdOf(req, res);
  if (err.status === 500) {
    const detail = thrown instanceof Error ? { name: thrown.name, message: thrown.message, stack: thrown.stack } : thrown;
    log().error({ requestId, method: req.method, url: req.url, err: detail }, 'request failed');
  } else if (err.status > 500) {
    const cause = err.cause instanceof Error ? err.cause.message : undefined;
    log().warn({ requestId, method: req.method, url: req.url, status: err.status, detail: err.detail, ...(cause ? { cause } : {}) }, 'dependency unavailable');
  }
  if (res.headersSent) {
    // Too late for a problem document (a stream was under way): cut the connection so the client sees it failed.
    res.destroy(thrown instanceof Error ? thrown : undefined);
    return;
  }
  const body = {
    type: err.type,
    title: err.title,
    status: err.status,
    ...(err.detail ? { detail: clip(err.detail, PROBLEM_LIMITS.detail) } : {}),
    instance: clip((req.url ?? '/').split('?')[0]!, PROBLEM_LIMITS.instance),
    requestId,
    ...(err.errors ? cappedItems(err.errors) : {}),
    ...err.extensions,
  };
  const json = JSON.stringify(body);
  // Headers a successful handler may have set before failing must not leak into the error.
  for (const name of ['etag', 'last-modified', 'location', 'content-encoding', 'content-disposition']) res.removeHeader(name);
  res.statusCode = err.status;
  for (const [name, value] of Object.entries(err.headers)) res.setHeader(name, value);
  const moved = movedLocation(req, err);
  if (moved) res.setHeader('Location', moved);
  res.setHeader('Content-Type', `${PROBLEM_JSON}; charset=utf-8`);
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Content-Length', Buffer.byteLength(json));
  res.end(req.method === 'HEAD' ? undefined : json);
}
