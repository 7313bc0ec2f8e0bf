import { desc, eq } from 'drizzle-orm';
import { hashToken, newTokenSecret } from '../auth/tokens';
import type { Executor, Tx } from '../db';
import { emit } from '../db/outbox';
import { apiTokens, type ApiTokenRow, type TokenScope } from '../db/schema';
import { NotFoundError } from '../domain/errors';

export function presentToken(t: ApiTokenRow) {
  // The column is text[]; only tokenScopes are ever written to it (TokenCreate, the CLI).
  return { id: t.id, name: t.name, scopes: t.scopes as TokenScope[], prefix: t.prefix, createdAt: t.createdAt.toISOString(), lastUsedAt: t.lastUsedAt?.toISOString() ?? null };
}

export type TokenView = ReturnType<typeof presentToken>;

/** Every token, newest first. Secrets are stored nowhere (only their SHA-256). */
export async function listTokenRows(db: Executor): Promise<ApiTokenRow[]> {
  return db.select().from(apiTokens).orderBy(desc(apiTokens.createdAt), desc(apiTokens.id));
}

/** A new token: the row and its secret, which the caller shows once. */
export async function createToken(tx: Tx, input: { name: string; scopes: TokenScope[] }): Promise<{ row: ApiTokenRow; secret: string }> {
  const secret = newTokenSecret();
  const [row] = await tx
    .insert(apiTokens)
    .values({ name: input.name, scopes: input.scopes, tokenHash: hashToken(secret), prefix: secret.slice(0, 8) })
    .returning();
  if (!row) throw new Error('insert returned nothing');
  await emit(tx, { type: 'token.created', projectId: null, payload: { tokenId: row.id, name: row.name } });
  return { row, secret };
}

/** Revokes at once (the row goes, and with it every session opened with it); 404 when there is none. */
export async function revokeToken(tx: Tx, id: number): Promise<{ id: number; name: string }> {
  const [gone] = await tx.delete(apiTokens).where(eq(apiTokens.id, id)).returning({ id: apiTokens.id, name: apiTokens.name });
  if (!gone) throw new NotFoundError(`There is no token ${id}.`);
  await emit(tx, { type: 'token.revoked', projectId: null, payload: { tokenId: id } });
  return gone;
}
