import type { IncomingMessage } from 'node:http';
import type { z } from 'zod';
import { ApiError, type ProblemItem } from './errors';
import { readBody, type ReadBodyOptions } from './body';
import { pointer } from './pointer';

type Where = 'query' | 'body' | 'headers';

export { pointer } from './pointer';

const friendly = (issue: { code: string; input?: unknown; message?: string }) => {
  if (issue.code === 'invalid_type' && issue.input === undefined) return 'is required';
  if (issue.code === 'invalid_type' && Array.isArray(issue.input)) return 'must be given once';
  return undefined; // zod's own message
};

/**
 * What to say about a body member the schema does not know, by JSON Pointer, instead of "is not a known
 * field": e.g. a v1 member sent to v2, with what v2 takes instead.
 */
export type UnknownMemberHints = Readonly<Record<string, string>>;

/** Turns zod issues into problem items addressed the way the client sent the data. */
export function issuesToItems(issues: readonly z.core.$ZodIssue[], where: Where, hints?: UnknownMemberHints): ProblemItem[] {
  const items: ProblemItem[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        if (where === 'query') items.push({ parameter: key, detail: 'is not a known parameter' });
        else if (where === 'headers') items.push({ header: key, detail: 'is not a known header' });
        else {
          const at = pointer([...issue.path, key]);
          items.push({ pointer: at, detail: hints?.[at] ?? 'is not a known field' });
        }
      }
      continue;
    }
    if (where === 'query') items.push({ parameter: String(issue.path[0] ?? ''), detail: issue.message });
    else if (where === 'headers') items.push({ header: String(issue.path[0] ?? ''), detail: issue.message });
    else items.push({ pointer: pointer(issue.path), detail: issue.message });
  }
  return items;
}

function parse<S extends z.ZodType>(schema: S, input: unknown, where: Where, hints?: UnknownMemberHints): z.output<S> {
  const result = schema.safeParse(input, { error: friendly });
  if (result.success) return result.data;
  const errors = issuesToItems(result.error.issues, where, hints);
  const summary = errors.map((e) => `${e.pointer ?? e.parameter ?? e.header}: ${e.detail}`).join('; ');
  if (where === 'body') throw ApiError.validation(`The request body is not valid: ${summary}.`, errors);
  throw ApiError.badRequest(`Invalid ${where === 'query' ? 'query parameters' : 'headers'}: ${summary}.`, errors);
}

/**
 * Query parameters from the URL itself (route params never leak in); repeated keys become arrays.
 * A NUL character (`%00`) is a 400 here: no value may hold one (PostgreSQL text cannot).
 */
export function queryObject(req: IncomingMessage): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  if (q < 0) return out;
  for (const [key, value] of new URLSearchParams(url.slice(q + 1))) {
    if (key.includes('\0') || value.includes('\0')) {
      throw ApiError.badRequest(`Query parameter ${JSON.stringify(key.replace(/\0/g, '\\0'))} holds a NUL character (%00), which no value may contain.`, [
        { parameter: key, detail: 'must not contain NUL characters' },
      ]);
    }
    const prev = out[key];
    out[key] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return out;
}

/** Validates the query string: 400 naming each bad or unknown parameter. */
export function parseQuery<S extends z.ZodType>(req: IncomingMessage, schema: S): z.output<S> {
  return parse(schema, queryObject(req), 'query');
}

/** Validates an already-parsed body: 422 with a JSON Pointer per problem (`hints` explain unknown members). */
export function validateBody<S extends z.ZodType>(schema: S, value: unknown, hints?: UnknownMemberHints): z.output<S> {
  return parse(schema, value, 'body', hints);
}

/** Reads (size limit, content type) and validates the body. */
export async function parseBody<S extends z.ZodType>(req: IncomingMessage, schema: S, options: ReadBodyOptions = { types: ['application/json'] }): Promise<z.output<S>> {
  const body = await readBody(req, options);
  return validateBody(schema, body.value);
}
