/**
 * Whether an error means "the database cannot be used right now" — for the API (503 problem+json)
 * and for pages (the friendly 503 page). Pure (no server imports): pages/_error.tsx uses it too.
 */

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
const CONNECTION_MESSAGE =
  /Connection terminated|timeout exceeded when trying to connect|Query read timeout|not queryable|Connection ended unexpectedly|Client has encountered a connection error|not currently accepting connections|the database system is (starting up|shutting down|in recovery mode)|terminating connection|Client was closed/i;

/**
 * The database connection failed (refused, reset, timed out, terminated by the server, or the
 * database refuses connections): a 503, not a 500. Drizzle wraps the driver's error in `cause`, so
 * the chain is searched.
 */
export function isConnectionError(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') {
      if (NETWORK_CODES.has(code)) return true;
      // 08: connection exception; 57P01-03: shutdown; 53300: too many connections; 3D000: database gone.
      if (/^08/.test(code) || /^57P0[123]$/.test(code) || code === '53300' || code === '3D000') return true;
    }
    if (e instanceof Error && CONNECTION_MESSAGE.test(e.message)) return true;
  }
  return false;
}

/** The database is unavailable, busy or locked (by name, so it works on errors from any bundle), or the connection failed. */
export function isDatabaseUnavailable(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const name = (e as { name?: unknown }).name;
    if (name === 'DatabaseUnavailableError' || name === 'DatabaseBusyError') return true;
    const code = (e as { code?: unknown }).code;
    if (code === '55P03' || code === '40001' || code === '40P01') return true; // busy: lock wait, serialization, deadlock
  }
  return isConnectionError(err);
}
