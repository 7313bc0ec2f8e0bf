import type { IncomingMessage } from 'node:http';
import contentType from 'content-type';
import getRawBody from 'raw-body';
import { ApiError } from './errors';
import { assertNoNul, pointer } from './pointer';

const LIMIT = Symbol.for('shiplog.bodyLimit');
const NOTE = Symbol.for('shiplog.bodyLimitNote');

export function setBodyLimit(req: IncomingMessage, limit: string | number, note?: string): void {
  (req as unknown as Record<symbol, string | number>)[LIMIT] = limit;
  if (note) (req as unknown as Record<symbol, string>)[NOTE] = note;
}

function bodyLimitOf(req: IncomingMessage): string | number {
  return (req as unknown as Record<symbol, string | number | undefined>)[LIMIT] ?? '1mb';
}

export interface ParsedBody {
  /** The matched media type, lower-case, without parameters. */
  type: string;
  value: unknown;
  raw: Buffer;
}

export interface ReadBodyOptions {
  /** Accepted media types: exact (`application/json`) or structured-suffix wildcards (`application/*+json`). */
  types: readonly string[];
  /** Headers to add to a 415 (e.g. `Accept-Patch`). */
  unsupportedHeaders?: Record<string, string>;
  /**
   * Parsed bodies holding a NUL character (`\u0000`, which no database text can store) are a 422
   * unless this is set; the webhook route sets it to verify the signature first, then checks itself.
   */
  allowNul?: boolean;
}

export function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
}

function matches(type: string, accepted: string): boolean {
  if (accepted === type) return true;
  const star = accepted.match(/^([a-z]+)\/\*\+([a-z]+)$/);
  return !!star && type.startsWith(`${star[1]}/`) && type.endsWith(`+${star[2]}`);
}

export function isJsonType(type: string): boolean {
  return type === 'application/json' || /^application\/[a-z0-9.!#$&^_-]+\+json$/.test(type);
}

/** The request's media type (lower-case, no parameters), or undefined. Throws 415 when it is malformed. */
export function mediaTypeOf(req: IncomingMessage, accepted: readonly string[] = []): { type: string; charset?: string } | undefined {
  const header = req.headers['content-type'];
  if (!header) return undefined;
  try {
    const parsed = contentType.parse(header);
    return { type: parsed.type.toLowerCase(), charset: parsed.parameters.charset?.toLowerCase() };
  } catch {
    throw ApiError.unsupportedMediaType(header, [...accepted]);
  }
}

/** Member names that address an object's prototype rather than data. */
const UNSAFE_MEMBERS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * A merge patch naming `__proto__` (or `constructor`, `prototype`) at any depth is refused (400
 * naming the member): merged into a plain object it would change the prototype instead of a field,
 * and the patch's other members would be silently lost.
 */
function refuseUnsafeMembers(value: unknown, path: string[] = []): void {
  if (value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) return; // arrays replace the target whole (RFC 7396): nothing is merged into
  for (const key of Object.keys(value)) {
    if (UNSAFE_MEMBERS.has(key)) {
      const at = pointer([...path, key]);
      throw ApiError.badRequest(
        `The merge patch names the member "${key}" (at ${at}), which no resource has; remove it.`,
        [{ pointer: at, detail: 'is not an allowed member name' }],
        'unsafe-member',
      );
    }
    refuseUnsafeMembers((value as Record<string, unknown>)[key], [...path, key]);
  }
}

/**
 * Reads and parses the body with the route's size limit: 413 past it, 415 for a type the route does
 * not take, 400 for a body that does not parse. JSON, urlencoded forms and text are parsed.
 */
export async function readBody(req: IncomingMessage, options: ReadBodyOptions): Promise<ParsedBody> {
  const { type, raw } = await readRawBody(req, options);
  return parseBody(type, raw, options);
}

/**
 * Reads the bytes only (the same checks and limit as readBody), for a caller that must authenticate
 * them before spending any work on parsing (webhook signatures); `parseBody` then parses them.
 */
export async function readRawBody(req: IncomingMessage, options: ReadBodyOptions): Promise<{ type: string; raw: Buffer }> {
  if (!hasBody(req)) {
    throw new ApiError(400, {
      type: 'missing-body',
      detail: `This request needs a body (${options.types.join(', ')}).`,
      errors: [{ pointer: '', detail: 'a request body is required' }],
    });
  }
  const media = mediaTypeOf(req, options.types);
  if (!media || !options.types.some((t) => matches(media.type, t))) {
    throw ApiError.unsupportedMediaType(media?.type, [...options.types], options.unsupportedHeaders);
  }
  const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
  if (encoding !== 'identity') {
    throw ApiError.unsupportedMediaType(`${media.type} with Content-Encoding ${encoding}`, [...options.types]);
  }
  if (media.charset && !['utf-8', 'utf8', 'us-ascii'].includes(media.charset)) {
    throw ApiError.unsupportedMediaType(
      `${media.type}; charset=${media.charset}`,
      options.types.map((t) => `${t}; charset=utf-8`),
    );
  }
  const limit = bodyLimitOf(req);
  let raw: Buffer;
  try {
    raw = await getRawBody(req, { limit, length: req.headers['content-length'] });
  } catch (err) {
    const e = err as { type?: string; limit?: number; message?: string };
    if (e.type === 'entity.too.large') {
      throw new ApiError(413, {
        detail: `The request body is larger than this endpoint accepts (${typeof limit === 'number' ? `${limit} bytes` : limit}).${(req as unknown as Record<symbol, string | undefined>)[NOTE] ? ` ${(req as unknown as Record<symbol, string>)[NOTE]}` : ''}`,
        extensions: { limit: e.limit },
      });
    }
    throw new ApiError(400, { type: 'malformed-body', detail: `The request body could not be read: ${e.message ?? 'aborted'}.` });
  }
  return { type: media.type, raw };
}

/** Parses bytes read by readRawBody as `type` (JSON, urlencoded form, text or bytes). */
export function parseBody(type: string, raw: Buffer, options: Pick<ReadBodyOptions, 'allowNul'>): ParsedBody {
  const media = { type };
  const text = raw.toString('utf8').replace(/^\uFEFF/, '');
  if (isJsonType(media.type)) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      throw new ApiError(400, {
        type: 'malformed-json',
        detail: `The body is not valid JSON: ${(err as Error).message}.`,
        errors: [{ pointer: '', detail: 'not valid JSON' }],
      });
    }
    if (!options.allowNul && text.includes('\\u0000')) assertNoNul(value);
    if (media.type === 'application/merge-patch+json') refuseUnsafeMembers(value);
    return { type: media.type, value, raw };
  }
  if (media.type === 'application/x-www-form-urlencoded') {
    const form: Record<string, string | string[]> = {};
    for (const [key, value] of new URLSearchParams(text)) {
      const prev = form[key];
      form[key] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
    }
    if (!options.allowNul) assertNoNul(form);
    return { type: media.type, value: form, raw };
  }
  return { type: media.type, value: media.type.startsWith('text/') ? text : raw, raw };
}
