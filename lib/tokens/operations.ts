import { z } from 'zod';
import { getDb } from '../db';
import { tokenScopes } from '../db/schema';
import { write } from '../db/write';
import { ApiError } from '../http/errors';
import { defineOperation } from '../http/operation';
import { createToken as insertToken, listTokenRows, presentToken, revokeToken as deleteToken } from './repo';
import { Token, TokenCreate, TokenCreated } from './schema';

const TOKEN_ID = /^\d{1,9}$/;

/** Parses a token id from a form value; 404 for anything that is not one. */
export function tokenIdOf(raw: string): number {
  if (!TOKEN_ID.test(raw)) throw ApiError.notFound(`There is no token ${raw}.`);
  return Number(raw);
}

export const listTokens = defineOperation({
  operationId: 'ListTokens',
  method: 'GET',
  // No ETag, no 304: a no-store admin read of state that changes under the reader (every authenticated call moves a token's lastUsedAt).
  conditional: false,
  path: '/tokens',
  versions: ['1', '2'],
  area: 'tokens',
  summary: 'List API tokens',
  description:
    'Every token, newest first, without secrets (only their `prefix`): a plain JSON array in both versions, not paged. Needs an `admin` token. Never cached (`no-store`).',
  scope: 'admin',
  responses: { 200: { description: 'The tokens.', content: { 'application/json': z.array(Token) }, headers: ['Cache-Control'] } },
  errors: [503],
}).handle(async () => ({ status: 200, body: (await listTokenRows(await getDb())).map(presentToken) }));

export const createToken = defineOperation({
  operationId: 'CreateToken',
  method: 'POST',
  path: '/tokens',
  versions: ['1', '2'],
  area: 'tokens',
  summary: 'Create an API token',
  description: `Issues a token with the given scopes (${tokenScopes.map((s) => `\`${s}\``).join(', ')}; admin implies write implies read). The secret is in the response once and never again: only its hash is stored. Needs an \`admin\` token.`,
  scope: 'admin',
  body: { content: { 'application/json': TokenCreate }, schema: TokenCreate },
  idempotent: true,
  limits: { body: '8kb' },
  responses: {
    201: {
      description: 'Created; `Location` is the token. Store `token` now: it is not shown again.',
      content: { 'application/json': TokenCreated },
      headers: ['Location', 'Cache-Control'],
    },
  },
  errors: [503],
}).handle(({ body, base, idempotent }) =>
  idempotent(async (tx) => {
    const { row, secret } = await insertToken(tx, body);
    return {
      status: 201,
      body: { ...presentToken(row), token: secret },
      // The secret is stored nowhere (only its hash), so a replayed POST cannot show it again.
      replayBody: { ...presentToken(row), token: null, detail: 'The secret was shown once, in the first response. If it was lost, revoke this token and create another.' },
      headers: { Location: `${base}/tokens/${row.id}` },
    };
  }),
);

export const revokeToken = defineOperation({
  operationId: 'RevokeToken',
  method: 'DELETE',
  path: '/tokens/{id}',
  versions: ['1', '2'],
  area: 'tokens',
  summary: 'Revoke an API token',
  description: 'The token stops working at once. Needs an `admin` token.',
  scope: 'admin',
  params: z.object({
    id: z
      .string()
      .regex(TOKEN_ID, { error: 'is not a token id' })
      .transform(Number)
      .meta({
        param: { id: 'tokenId', description: 'The token id.', example: 7 },
        override: ({ jsonSchema }: { jsonSchema: Record<string, unknown> }) => {
          // Documented as what it is, an integer (the route reads it from the path as digits).
          delete jsonSchema.pattern;
          Object.assign(jsonSchema, { type: 'integer', minimum: 0, maximum: 999_999_999 });
        },
      }),
  }),
  responses: { 204: { description: 'Revoked.', headers: ['Cache-Control'] } },
  errors: [503],
}).handle(async ({ params }) => {
  await write((tx) => deleteToken(tx, params.id));
  return { status: 204 };
});

export const TOKEN_OPERATIONS = [listTokens, createToken, revokeToken];
