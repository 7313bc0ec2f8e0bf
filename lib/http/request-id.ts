import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

const SAFE = /^[A-Za-z0-9._:@/+=-]{1,128}$/;
const KEY = Symbol.for('shiplog.requestId');

/** The client's X-Request-Id when it is sane, else a new UUID; set on the response at once. */
export function assignRequestId(req: IncomingMessage, res: ServerResponse): string {
  const sent = req.headers['x-request-id'];
  const value = typeof sent === 'string' && SAFE.test(sent) ? sent : randomUUID();
  (req as unknown as Record<symbol, string>)[KEY] = value;
  res.setHeader('X-Request-Id', value);
  return value;
}

export function requestIdOf(req: IncomingMessage, res?: ServerResponse): string {
  return (req as unknown as Record<symbol, string | undefined>)[KEY] ?? (res ? assignRequestId(req, res) : randomUUID());
}
