import { z } from 'zod';

// Value rules of the domain (dates, links, free text) live in lib/domain/values.ts; re-exported for the HTTP schemas.
export { cleanText, isWebUrl, storableDate, Timestamp, WebUrl, webUrlOrNull } from '../domain/values';

/** RFC 9457 problem document, as every error is rendered. */
export const Problem = z
  .object({
    type: z.string().meta({ example: '/problems/validation' }),
    title: z.string().meta({ example: 'Validation Failed' }),
    status: z.number().int().meta({ example: 422 }),
    detail: z.string().optional(),
    instance: z.string().meta({ example: '/api/v1/projects/acme/rocket' }),
    requestId: z.string().meta({ example: '3f1c2a8e-8f5b-4d3c-9d36-1f4fb8a8b1d2' }),
    errors: z
      .array(
        z.object({
          pointer: z.string().optional().meta({ description: 'JSON Pointer into the request body' }),
          parameter: z.string().optional().meta({ description: 'Query parameter name' }),
          header: z.string().optional().meta({ description: 'Header name' }),
          detail: z.string(),
        }),
      )
      .optional(),
  })
  .meta({ id: 'Problem', description: 'An error, as application/problem+json (RFC 9457).' });

/** v2 collections come in an envelope with cursor links. */
export function envelope<T extends z.ZodType>(item: T, id: string) {
  return z
    .object({
      data: z.array(item),
      links: z.object({
        self: z.string(),
        next: z.string().nullable(),
        prev: z.string().nullable(),
      }),
      meta: z.object({
        limit: z.number().int(),
        total: z.number().int().optional().meta({ description: 'Only with `Prefer: count=exact`.' }),
      }),
    })
    .meta({ id });
}

const pointer = z.string().meta({ description: 'JSON Pointer (RFC 6901) into the PUT document.', example: '/name' });
export const JsonPatch = z
  .array(
    z.discriminatedUnion('op', [
      z.object({ op: z.enum(['add', 'replace', 'test']), path: pointer, value: z.unknown() }),
      z.object({ op: z.literal('remove'), path: pointer }),
      z.object({ op: z.enum(['move', 'copy']), from: pointer, path: pointer }),
    ]),
  )
  .meta({
    id: 'JsonPatch',
    description: 'JSON Patch (RFC 6902) operations on the PUT document, applied atomically. A failing `test` answers 409.',
    example: [
      { op: 'test', path: '/hidden', value: false },
      { op: 'replace', path: '/hidden', value: true },
    ],
  });
