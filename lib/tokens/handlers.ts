import type { NextApiRequest, NextApiResponse } from 'next';
import { requireScope } from '../auth/tokens';
import { getDb } from '../db';
import { write } from '../db/write';
import { sendRepresentation, PRIVATE_CACHE } from '../http/conditional';
import { readBody } from '../http/body';
import { ApiError } from '../http/errors';
import { idempotentWrite } from '../http/idempotency';
import { principalKey, routeParam } from '../http/resource';
import { validateBody } from '../http/validate';
import { apiVersion } from '../http/versioned-route';
import { createToken, listTokenRows, presentToken, revokeToken } from './repo';
import { TokenCreate } from './schema';

/** GET /tokens (admin): every token, newest first; secrets are never shown again. */
export async function listTokens(req: NextApiRequest, res: NextApiResponse): Promise<void> {
  await requireScope(req, 'admin');
  const rows = await listTokenRows(await getDb());
  sendRepresentation(req, res, { body: rows.map(presentToken), contentType: 'application/json', cacheControl: PRIVATE_CACHE });
}

/** POST /tokens (admin) → 201 with the secret, shown this once. */
export async function postToken(req: NextApiRequest, res: NextApiResponse): Promise<void> {
  const principal = await requireScope(req, 'admin');
  const version = apiVersion(req);
  const body = await readBody(req, { types: ['application/json'] });
  const input = validateBody(TokenCreate, body.value);
  await idempotentWrite(req, res, principalKey(principal), body.raw, async (tx) => {
    const { row, secret } = await createToken(tx, input);
    return {
      status: 201,
      body: { ...presentToken(row), token: secret },
      // The secret is stored nowhere (only its hash), so a replayed POST cannot show it again.
      replayBody: { ...presentToken(row), token: null, detail: 'The secret was shown once, in the first response. If it was lost, revoke this token and create another.' },
      contentType: 'application/json',
      headers: { Location: `/api/v${version}/tokens/${row.id}` },
    };
  });
}

/** Parses a token id route or form value; 404 for anything that is not one. */
export function tokenIdOf(raw: string): number {
  if (!/^\d{1,9}$/.test(raw)) throw ApiError.notFound(`There is no token ${raw}.`);
  return Number(raw);
}

/** DELETE /tokens/{id} (admin) → 204; the token stops working at once. */
export async function deleteToken(req: NextApiRequest, res: NextApiResponse): Promise<void> {
  await requireScope(req, 'admin');
  const id = tokenIdOf(routeParam(req, 'id'));
  await write((tx) => revokeToken(tx, id));
  res.statusCode = 204;
  res.setHeader('Cache-Control', PRIVATE_CACHE);
  res.end();
}
