import type { IncomingMessage, ServerResponse } from 'node:http';

// Web Crypto (global in Node 20): no node: import, so the error page (bundled for browsers too) can use this.
const randomUUID = () => globalThis.crypto.randomUUID();

const SAFE = /^[A-Za-z0-9._:@/+=-]{1,128}$/;
const KEY = Symbol.for('shiplog.requestId');

/** The client's X-Request-Id when it is sane (1-128 safe characters), else a new UUID. Edge-safe: middleware uses it too. */
export function acceptRequestId(sent: string | string[] | null | undefined): string {
  return typeof sent === 'string' && SAFE.test(sent) ? sent : randomUUID();
}

/** The client's X-Request-Id when it is sane, else a new UUID; set on the response at once. */
export function assignRequestId(req: IncomingMessage, res: ServerResponse): string {
  const value = acceptRequestId(req.headers['x-request-id']);
  (req as unknown as Record<symbol, string>)[KEY] = value;
  res.setHeader('X-Request-Id', value);
  return value;
}

export function requestIdOf(req: IncomingMessage, res?: ServerResponse): string {
  return (req as unknown as Record<symbol, string | undefined>)[KEY] ?? (res ? assignRequestId(req, res) : randomUUID());
}
