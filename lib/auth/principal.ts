import type { TokenScope } from '../db/schema';

/** Who is calling, once authenticated (by a bearer token or the console's session cookie). */
export interface Principal {
  kind: 'bootstrap' | 'token';
  tokenId: number | null;
  name: string;
  scopes: readonly TokenScope[];
  /** How the caller proved it: the admin console's session cookie, else a bearer token. */
  via?: 'session';
}
