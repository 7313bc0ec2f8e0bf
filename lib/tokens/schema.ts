import { z } from 'zod';
import { tokenScopes } from '../db/schema';
import { Timestamp } from '../http/schemas';

export const Token = z
  .object({
    id: z.number().int(),
    name: z.string().meta({ example: 'CI publisher' }),
    scopes: z.array(z.enum(tokenScopes)),
    prefix: z.string().meta({ description: 'The first characters of the secret, to recognise it.', example: 'shp_Xy3k' }),
    createdAt: Timestamp,
    lastUsedAt: Timestamp.nullable(),
  })
  .meta({ id: 'Token' });

export const TokenCreated = z
  .object({
    ...Token.shape,
    token: z.string().nullable().meta({
      description:
        'The secret. Shown once: store it now. `null` in the replay of an earlier request with the same `Idempotency-Key` (the secret is stored nowhere; `detail` says so).',
    }),
    detail: z.string().optional().meta({ description: 'Only in a replay: why `token` is null.' }),
  })
  .meta({ id: 'TokenCreated' });

export const TokenCreate = z
  .strictObject({
    name: z.string().min(1).max(100),
    scopes: z
      .array(z.enum(tokenScopes))
      .min(1)
      .refine((s) => new Set(s).size === s.length, { error: 'must not repeat a scope' }),
  })
  .meta({ id: 'TokenCreate', example: { name: 'CI publisher', scopes: ['write'] } });

export type Token = z.infer<typeof Token>;
