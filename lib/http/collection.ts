import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { ApiError, clip, type ProblemItem } from './errors';
import { queryObject, issuesToItems } from './validate';
import { storableDate } from './schemas';
import { sortString, type Cursor, type SortTerm } from '../db/keyset';

export { sortString, type Cursor, type SortTerm };

export interface CollectionSpec<K extends string> {
  /** Filter parameters, as a zod object of strings → typed values. */
  filters: z.ZodObject;
  sortKeys: readonly K[];
  defaultSort: SortTerm<K>[];
  /** Fields `fields=` may name (the top-level members of the item representation). */
  fields: readonly string[];
  /** Whether `cursor` is accepted (v2). */
  cursor: boolean;
}

export interface CollectionQuery<K extends string, F> {
  filters: F;
  sort: SortTerm<K>[];
  offset: number;
  limit: number;
  cursor?: Cursor;
  fields?: string[];
  /** The query string without pagination, for building links. */
  base: URLSearchParams;
}

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 100;
const COMMON = ['sort_by', 'offset', 'limit', 'cursor', 'fields', 'representation'];

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

function decodeCursor(raw: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Cursor;
    if (typeof c !== 'object' || c === null || typeof c.sort !== 'string' || (!Array.isArray(c.after) && !Array.isArray(c.before))) throw new Error();
    return c;
  } catch {
    throw ApiError.badRequest('cursor is not a cursor this API issued; use the links from a previous page.', [{ parameter: 'cursor', detail: 'is not valid' }]);
  }
}

/**
 * The house query language for collections: plain filters named after fields, `sort_by=a.desc,b`,
 * `offset`/`limit` (default 20, max 100), `cursor` (v2), `fields=`. Anything unknown → 400 naming it.
 */
export function parseCollectionQuery<K extends string, F>(req: IncomingMessage, spec: CollectionSpec<K>): CollectionQuery<K, F> {
  const raw = queryObject(req);
  const errors: ProblemItem[] = [];
  const filterKeys = Object.keys(spec.filters.shape);
  const filterInput: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (Array.isArray(value)) {
      errors.push({ parameter: key, detail: 'must be given once' });
      continue;
    }
    if (filterKeys.includes(key)) filterInput[key] = value;
    else if (!COMMON.includes(key) || (key === 'cursor' && !spec.cursor)) {
      const known = [...filterKeys, ...COMMON.filter((k) => k !== 'cursor' || spec.cursor)];
      errors.push({ parameter: key, detail: `is not a known parameter (known: ${known.join(', ')})` });
    }
  }
  const filters = spec.filters.safeParse(filterInput);
  if (!filters.success) errors.push(...issuesToItems(filters.error.issues, 'query'));

  const one = (k: string) => (typeof raw[k] === 'string' ? (raw[k] as string) : undefined);
  let sort = spec.defaultSort;
  const sortBy = one('sort_by');
  if (sortBy !== undefined) {
    const terms: SortTerm<K>[] = [];
    let bad = 0;
    const twice = new Set<string>();
    for (const part of sortBy.split(',')) {
      const m = /^([A-Za-z_]+)(?:\.(asc|desc))?$/.exec(part.trim());
      if (!m || !(spec.sortKeys as readonly string[]).includes(m[1]!)) {
        // The first few bad terms are named (each cut short); a list of thousands is not echoed back.
        if (++bad <= 3)
          errors.push({ parameter: 'sort_by', detail: `"${clip(part, 40)}" is not a sort key; use one of ${spec.sortKeys.join(', ')}, each optionally .asc or .desc` });
        else if (bad === 4) errors.push({ parameter: 'sort_by', detail: 'names more terms that are not sort keys' });
        continue;
      }
      if (terms.some((t) => t.key === m[1])) {
        if (!twice.has(m[1]!)) errors.push({ parameter: 'sort_by', detail: `"${m[1]}" is named twice` });
        twice.add(m[1]!);
        continue;
      }
      terms.push({ key: m[1] as K, dir: (m[2] as 'asc' | 'desc' | undefined) ?? 'asc' });
    }
    if (terms.length) sort = terms;
  }
  const int = (k: string, min: number, max: number, fallback: number) => {
    const v = one(k);
    if (v === undefined) return fallback;
    if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) {
      errors.push({ parameter: k, detail: `must be a whole number from ${min} to ${max}` });
      return fallback;
    }
    return Number(v);
  };
  const limit = int('limit', 1, MAX_LIMIT, DEFAULT_LIMIT);
  const offset = int('offset', 0, 1_000_000, 0);
  let fields: string[] | undefined;
  const fieldsRaw = one('fields');
  if (fieldsRaw !== undefined) {
    fields = fieldsRaw
      .split(',')
      .map((f) => f.trim())
      .filter(Boolean);
    const unknown = fields.filter((f) => !spec.fields.includes(f));
    if (unknown.length || !fields.length) {
      errors.push({ parameter: 'fields', detail: unknown.length ? `unknown field(s) ${unknown.join(', ')}; known: ${spec.fields.join(', ')}` : 'names no field' });
    }
  }
  let cursor: Cursor | undefined;
  const cursorRaw = spec.cursor ? one('cursor') : undefined;
  if (cursorRaw !== undefined) {
    if (one('offset') !== undefined) errors.push({ parameter: 'offset', detail: 'cannot be combined with cursor' });
    try {
      cursor = decodeCursor(cursorRaw);
      if (cursor.sort !== sortString(sort)) {
        errors.push({ parameter: 'cursor', detail: `was made for sort_by=${cursor.sort}; keep the same sort_by while paging` });
      }
    } catch (err) {
      errors.push(...((err as ApiError).errors ?? []));
    }
  }
  if (errors.length) {
    throw ApiError.badRequest(`Invalid query: ${errors.map((e) => `${e.parameter}: ${e.detail}`).join('; ')}.`, errors);
  }
  const base = new URLSearchParams();
  for (const [k, v] of Object.entries(raw)) if (!['offset', 'cursor'].includes(k)) base.set(k, v as string);
  return { filters: filters.data as F, sort, offset, limit, cursor, fields, base };
}

/** `fields` + `representation` for a single resource: anything else → 400 naming it. */
export function parseSingleQuery(req: IncomingMessage, allowedFields: readonly string[]): string[] | undefined {
  const raw = queryObject(req);
  const errors: ProblemItem[] = [];
  for (const [key, value] of Object.entries(raw)) {
    if (!['fields', 'representation'].includes(key)) errors.push({ parameter: key, detail: 'is not a known parameter (known: fields, representation)' });
    else if (Array.isArray(value)) errors.push({ parameter: key, detail: 'must be given once' });
  }
  let fields: string[] | undefined;
  if (typeof raw.fields === 'string') {
    fields = raw.fields
      .split(',')
      .map((f) => f.trim())
      .filter(Boolean);
    const unknown = fields.filter((f) => !allowedFields.includes(f));
    if (unknown.length || !fields.length) {
      errors.push({ parameter: 'fields', detail: unknown.length ? `unknown field(s) ${unknown.join(', ')}; known: ${allowedFields.join(', ')}` : 'names no field' });
    }
  }
  if (errors.length) throw ApiError.badRequest(`Invalid query: ${errors.map((e) => `${e.parameter}: ${e.detail}`).join('; ')}.`, errors);
  return fields;
}

/** Keeps only the requested top-level members (the order of `fields`). */
export function pickFields<T extends Record<string, unknown>>(item: T, fields: string[] | undefined): Partial<T> {
  if (!fields) return item;
  const out: Record<string, unknown> = {};
  for (const f of fields) if (f in item) out[f] = item[f];
  return out as Partial<T>;
}

/** RFC 8288 Link header value from rel → URL. */
export function linkHeader(links: Record<string, string | undefined>): string {
  return Object.entries(links)
    .filter(([, url]) => url)
    .map(([rel, url]) => `<${url}>; rel="${rel}"`)
    .join(', ');
}

/** `true`/`false` query filter. */
export const boolParam = z.enum(['true', 'false'], { error: 'must be true or false' }).transform((v) => v === 'true');

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const DATE_ERROR = 'must be an ISO 8601 date or date-time from year 1 to 9999, e.g. 2026-01-31 or 2026-01-31T12:00:00Z';

/**
 * An ISO 8601 date or date-time that names a real moment: the day exists in its month (2026-02-30 is
 * refused, not rolled over into March as Date.parse does), hours 0-23, minutes and seconds 0-59.
 */
export function isCalendarDate(v: string): boolean {
  const m = DATE_TIME.exec(v);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12 || day < 1 || day > new Date(Date.UTC(2000, month, 0)).getUTCDate()) return false;
  if (month === 2 && day === 29 && !(year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0))) return false;
  if (m[4] !== undefined && (Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6] ?? 0) > 59)) return false;
  return storableDate(Date.parse(v));
}

/** ISO date or date-time query filter. */
export const dateParam = z
  .string()
  .refine(isCalendarDate, { error: DATE_ERROR })
  .transform((v) => new Date(v));

/** Like dateParam, but a bare date means the end of that day (UTC): `until=2025-12-31` includes the 31st. */
export const untilParam = z
  .string()
  .refine(isCalendarDate, { error: DATE_ERROR })
  .transform((v) => (DATE_ONLY.test(v) ? new Date(Date.parse(`${v}T00:00:00Z`) + 86_400_000 - 1) : new Date(v)));
