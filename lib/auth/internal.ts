import { randomBytes } from 'node:crypto';
import { config } from '../config';

const g = globalThis as typeof globalThis & { __shiplogInternalSecret?: string };

/**
 * A per-process secret for the server's calls to itself (startup revalidation). It never leaves the
 * process: it is generated at first use and sent only to this server's own loopback address.
 */
export function internalSecret(): string {
  return (g.__shiplogInternalSecret ??= `int_${randomBytes(32).toString('base64url')}`);
}

/** Where this server can reach itself: SHIPLOG_INTERNAL_URL, else the origin `next start` listens on. */
export function selfOrigin(): string {
  return (
    config().SHIPLOG_INTERNAL_URL ??
    process.env.__NEXT_PRIVATE_ORIGIN ?? // set by `next start` itself
    `http://127.0.0.1:${config().PORT}`
  ).replace(/\/$/, '');
}
