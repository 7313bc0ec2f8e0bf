import type { NextApiRequest, NextApiResponse } from 'next';
import { desc, eq } from 'drizzle-orm';
import { hashToken, newTokenSecret, requireScope } from '../auth/tokens';
import { getDb } from '../db';
import { emit } from '../db/outbox';
import { apiTokens, type ApiTokenRow } from '../db/schema';
import { write } from '../db/write';
import { sendRepresentation, PRIVATE_CACHE } from '../http/conditional';
import { readBody } from '../http/body';
import { ApiError } from '../http/errors';
import { idempotentWrite } from '../http/idempotency';
import { principalKey, routeParam } from '../http/resource';
import { validateBody } from '../http/validate';
import { apiVersion } from '../http/versioning';
import { TokenCreate } from './schema';

function present(t: ApiTokenRow) {
  return { id: t.id, name: t.name, scopes: t.scopes, prefix: t.prefix, createdAt: t.createdAt.toISOString(), lastUsedAt: t.lastUsedAt?.toISOString() ?? null };
}

/** GET /tokens (admin): every token, newest first; secrets are never shown again. */
export async function listTokens(req: NextApiRequest, res: NextApiResponse): Promise<void> {
  await requireScope(req, 'admin');
  const db = await getDb();
  const rows = await db.select().from(apiTokens).orderBy(desc(apiTokens.createdAt), desc(apiTokens.id));
  sendRepresentation(req, res, { body: rows.map(present), contentType: 'application/json', cacheControl: PRIVATE_CACHE });
}

/** POST /tokens (admin) → 201 with the secret, shown this once. */
export async function postToken(req: NextApiRequest, res: NextApiResponse): Promise<void> {
  const principal = await requireScope(req, 'admin');
  const version = apiVersion(req);
  const body = await readBody(req, { types: ['application/json'] });
  const input = validateBody(TokenCreate, body.value);
  await idempotentWrite(req, res, principalKey(principal), body.raw, async (tx) => {
    const secret = newTokenSecret();
    const [row] = await tx
      .insert(apiTokens)
      .values({ name: input.name, scopes: input.scopes, tokenHash: hashToken(secret), prefix: secret.slice(0, 8) })
      .returning();
    if (!row) throw new Error('insert returned nothing');
    await emit(tx, { type: 'token.created', projectId: null, payload: { tokenId: row.id, name: row.name } });
    return {
      status: 201,
      body: { ...present(row), token: secret },
      // The secret is stored nowhere (only its hash), so a replayed POST cannot show it again.
      replayBody: { ...present(row), token: null, detail: 'The secret was shown once, in the first response. If it was lost, revoke this token and create another.' },
      contentType: 'application/json',
      headers: { Location: `/api/v${version}/tokens/${row.id}` },
    };
  });
}

/** DELETE /tokens/{id} (admin) → 204; the token stops working at once. */
export async function deleteToken(req: NextApiRequest, res: NextApiResponse): Promise<void> {
  await requireScope(req, 'admin');
  const raw = routeParam(req, 'id');
  if (!/^\d{1,9}$/.test(raw)) throw ApiError.notFound(`There is no token ${raw}.`);
  const id = Number(raw);
  await write(async (tx) => {
    const gone = await tx.delete(apiTokens).where(eq(apiTokens.id, id)).returning({ id: apiTokens.id, name: apiTokens.name });
    if (!gone.length) throw ApiError.notFound(`There is no token ${id}.`);
    await emit(tx, { type: 'token.revoked', projectId: null, payload: { tokenId: id } });
  });
  res.statusCode = 204;
  res.setHeader('Cache-Control', PRIVATE_CACHE);
  res.end();
}
