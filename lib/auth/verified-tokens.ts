import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';

const g = globalThis as typeof globalThis & { __shiplogVerifiedTokens?: LRUCache<string, true> };

/** A short digest naming a bearer token (never the secret itself). */
export const tokenKey = (secret: string) => createHash('sha256').update(secret).digest('hex').slice(0, 24);

/**
 * Tokens that authenticated on this instance get a rate-limit bucket of their own (shared by every
 * instance). Any other bearer token is charged to its address's anonymous budget (`a:`): inventing a
 * token per request (each a 401 and a database lookup) cannot escape the limit, nor buy a second budget.
 */
function verifiedTokens(): LRUCache<string, true> {
  g.__shiplogVerifiedTokens ??= new LRUCache<string, true>({ max: 10_000 });
  return g.__shiplogVerifiedTokens;
}

/** Called by authentication when a bearer token is valid. */
export function tokenVerified(secret: string): void {
  verifiedTokens().set(tokenKey(secret), true);
}

/** The token (by its key) authenticated on this instance. */
export function isVerifiedToken(key: string): boolean {
  return verifiedTokens().has(key);
}
