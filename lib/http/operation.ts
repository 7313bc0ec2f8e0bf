import { isDeepStrictEqual } from 'node:util';
import type { NextApiRequest, NextApiResponse } from 'next';
import { z } from 'zod';
import { requireCronSecret } from '../auth/cron-secret';
import { nodeEnv } from '../config';
import { authenticate, requireScope, type Principal } from '../auth/tokens';
import type { Tx } from '../db';
import type { TokenScope } from '../db/schema';
import { readBody, setBodyLimit, type ParsedBody } from './body';
import { collectionEtag, PRIVATE_CACHE, PUBLIC_CACHE, sendPrepared, type Prepared } from './conditional';
import { ApiError } from './errors';
import { runIdempotent, type WriteResult } from './idempotency';
import { principalKey, routeParam } from './resource';
import { issuesToItems, queryObject, type UnknownMemberHints } from './validate';
import { apiVersion } from './versioned-route';
import type { ApiVersion } from './api-versions';

/**
 * One REST operation, defined once: method and path, the versions that serve it, who may call it,
 * its path, query, header and body schemas, every response it sends, its limits, and the handler.
 * The same definition runs the request (lib/http/mount.ts), documents it (lib/openapi/document.ts
 * loops over lib/api/registry.ts) and drives the Postman export and the tests.
 *
 * How to add an endpoint:
 *
 * ```ts
 * // lib/things/operations.ts
 * export const getThing = defineOperation({
 *   operationId: 'GetThing', method: 'GET', path: '/things/{id}', versions: ['1', '2'], area: 'things',
 *   summary: 'Get a thing', description: 'One thing.',
 *   scope: 'read',                                    // 401 without a token, 403 without the scope
 *   params: z.object({ id: z.coerce.number().int().positive() }),   // a bad path parameter is a 404
 *   query: z.object({ verbose: z.enum(['true', 'false']).optional() }), // unknown parameters are 400
 *   responses: { 200: { description: 'The thing.', content: { 'application/json': Thing } } },
 *   errors: [503],                                    // statuses the handler itself may raise
 * }).handle(async ({ params, query }) => ({ status: 200, body: await thing(params.id) }));
 * // pages/api/[version]/things/[id].ts
 * export const config = { api: { bodyParser: false } };
 * export default mount(getThing);
 * ```
 *
 * then list it in its area's operations array (lib/api/registry.ts picks the array up). The handler
 * gets validated, typed `{ principal, params, query, headers, body, version, req, res }` and returns
 * `{ status, body, headers }`, which TypeScript checks against `responses` (a body that is not the
 * declared schema's type for that status does not compile). Outside production every JSON body is
 * also checked against its schema at run time (an undocumented member is a 500 in tests); production
 * does no per-request work for it. Streams and prepared (cached) responses return
 * `{ status, prepared }` or `{ status, sent: true }`, still one of the declared statuses.
 */

export const OPERATION_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type OperationMethod = (typeof OPERATION_METHODS)[number];

/**
 * Who may call: `public` (no token is looked at), `read-optional` (anonymous, or a token that may see
 * more: drafts, hidden releases), or a scope the token must have (`read` < `write` < `admin`), or a
 * shared secret of the platform (`cron`: `Authorization: Bearer $CRON_SECRET`; documented as the `cronSecret` scheme).
 */
export type OperationScope = 'public' | 'read-optional' | TokenScope | 'cron';

type PrincipalFor<S extends OperationScope> = S extends TokenScope ? Principal : S extends 'read-optional' ? Principal | undefined : undefined;

/** Response headers the document knows (components/headers in lib/openapi/document.ts). */
export type DocumentedHeader =
  | 'ETag'
  | 'Cache-Control'
  | 'Vary'
  | 'Link'
  | 'X-Total-Count'
  | 'Preference-Applied'
  | 'Location'
  | 'Content-Location'
  | 'Idempotent-Replayed'
  | 'Retry-After'
  | 'Accept-Patch'
  | 'Access-Control-Allow-Origin'
  | 'Content-Disposition'
  | 'WWW-Authenticate'
  | 'Allow';

/** A response header documented inline (one only this operation sends). */
export interface InlineHeader {
  description: string;
  schema: Record<string, unknown>;
}

export interface ResponseSpec {
  description: string;
  /** Media type → schema of the body. Absent for responses without one (204, a redirect). */
  content?: Readonly<Record<string, z.ZodType>>;
  /** Headers this response sends besides the house ones (X-Request-Id, API-Version, rate limits, v1's deprecation). */
  headers?: readonly DocumentedHeader[];
  inlineHeaders?: Readonly<Record<string, InlineHeader>>;
}

export type SuccessStatus = 200 | 201 | 202 | 204 | 207 | 301 | 302 | 303 | 307 | 308;
export type Responses = { readonly [S in SuccessStatus]?: ResponseSpec };

/** Error statuses an operation may document besides those its definition implies. */
export type ErrorStatus = 400 | 401 | 403 | 404 | 405 | 406 | 409 | 412 | 413 | 415 | 422 | 429 | 503;

export interface BodySpec<B extends z.ZodType | undefined = z.ZodType | undefined> {
  /** Media type → schema (the first is the one the document shows first). */
  content: Readonly<Record<string, z.ZodType>>;
  /**
   * The schema the parsed body is validated against (any accepted media type); undefined: the body is
   * handed over parsed but unvalidated (the handler validates it, e.g. a patch applied to a document).
   */
  schema?: B;
  description?: string;
  /** What to say about unknown members instead of "is not a known field" (by JSON Pointer). */
  hints?: UnknownMemberHints;
  /** `handler`: the operation does not read the body (the handler reads the raw bytes itself, e.g. to verify a signature). */
  read?: 'operation' | 'handler';
  /** Headers to add to a 415 (e.g. Accept-Patch). */
  unsupportedHeaders?: Record<string, string>;
}

export interface Limits {
  /** Largest body read (bytes, or '8kb', '1mb'); default 1mb. */
  body?: string | number;
  /** Said after the limit in a 413. */
  bodyNote?: string;
  /** Rate limited (read and write budgets per client): default for versioned operations, off otherwise. */
  rateLimit?: boolean;
}

/** Cross-origin reads: `api` (the API's CORS policy, with preflights), `any-origin` (Access-Control-Allow-Origin: *), or none. */
export type CorsPolicy = 'api' | 'any-origin' | 'none';

type ObjectSchema = z.ZodObject;
type Out<S> = S extends z.ZodType ? z.output<S> : Record<string, never>;

/** What a precondition sees: the request, its validated path parameters and its version. */
export interface PreconditionContext<P> {
  req: NextApiRequest;
  params: P;
  version: ApiVersion;
}

export interface Context<P, Q, H, B, Pr> {
  req: NextApiRequest;
  res: NextApiResponse;
  principal: Pr;
  params: P;
  query: Q;
  headers: H;
  body: B;
  /** The body as read (bytes and matched media type); undefined when the operation has no body or leaves it to the handler. */
  rawBody: ParsedBody | undefined;
  /** The API version of the request (the latest for unversioned operations). */
  version: ApiVersion;
  /** `/api/v1` or `/api/v2`: the prefix for links to other resources. */
  base: string;
  /**
   * Runs a create in one transaction honouring `Idempotency-Key` (the stored response is replayed
   * with `Idempotent-Replayed: true`): for operations with `idempotent: true`.
   */
  idempotent<const R extends { status: number; body: unknown; headers?: Record<string, string>; contentType?: string; replayBody?: unknown }>(
    run: (tx: Tx) => Promise<R>,
  ): Promise<{ status: R['status']; prepared: Prepared; replayed: boolean }>;
}

type BodyOf<R> = R extends { content: infer C } ? (C extends Readonly<Record<string, infer T>> ? (T extends z.ZodType ? z.input<T> : never) : never) : never;

/** A JSON (or text) body: serialised once; a 200 to GET gets an ETag (304 on If-None-Match) unless `etag: false`. */
export interface BodyReply<S, T> {
  status: S;
  body: T;
  headers?: Record<string, string>;
  /** Default: the response's first media type. */
  contentType?: string;
  /** Default: the operation's (public reads cached, the rest `no-store`). */
  cacheControl?: string;
  /** An ETag from the serialised body (e.g. a resource's), or false for none; default: the content hash. */
  etag?: ((json: string) => string) | false;
}
/** Already serialised (a cached response, a stored idempotent one): sent as is, with its ETag and 304 handling. */
export interface PreparedReply<S> {
  status: S;
  prepared: Prepared;
}
/** No body (204, 202 without content, a redirect). */
export interface EmptyReply<S> {
  status: S;
  headers?: Record<string, string>;
  cacheControl?: string;
}
/** The handler wrote the response itself (a stream); it is still one of the declared statuses. */
export interface SentReply<S> {
  status: S;
  sent: true;
}

export type ReplyFor<R extends Responses> = {
  [K in keyof R & SuccessStatus]: R[K] extends { content: Readonly<Record<string, z.ZodType>> }
    ? BodyReply<K, BodyOf<R[K]>> | PreparedReply<K> | SentReply<K>
    : EmptyReply<K> | SentReply<K>;
}[keyof R & SuccessStatus];

export interface OperationDefinition<
  P extends ObjectSchema | undefined,
  Q extends ObjectSchema | undefined,
  H extends ObjectSchema | undefined,
  B extends z.ZodType | undefined,
  R extends Responses,
  S extends OperationScope,
> {
  /** Unique; versioned operations are documented as `v1ListTokens`, `v2ListTokens`. */
  operationId: string;
  method: OperationMethod;
  /**
   * OpenAPI-style path: below `/api/vN` for versioned operations (`/tokens/{id}`), else the full
   * path (`/api/health`). `{name}` segments are the params.
   */
  path: string;
  /** The API versions that serve it (`/api/v1/...`, `/api/v2/...`); omitted: unversioned. */
  versions?: readonly ApiVersion[];
  /** The document's tag: an area of the API (`tokens`), or a free tag name for unversioned operations. */
  area: string;
  summary: string;
  description: string;
  scope: S;
  params?: P;
  query?: Q;
  /**
   * False: the handler validates the query itself (e.g. its schema depends on the negotiated view, or a
   * collection parser does it); `query` then only documents it, and `ctx.query` holds the raw values
   * (strings, arrays for repeated keys) whatever its declared type says.
   */
  validateQuery?: boolean;
  /** Request headers the operation reads (validated; others are ignored). */
  headers?: H;
  /** False: the handler checks the headers itself, in its own order (a signature after the body); `headers` documents them. */
  validateHeaders?: boolean;
  body?: BodySpec<B>;
  /** Honours `Idempotency-Key` (use `ctx.idempotent`). */
  idempotent?: boolean;
  /**
   * Runs after the path, query and headers are validated and before the body is read (RFC 9110
   * §13.2.1: preconditions are evaluated before the request content), e.g. a stale `If-Match` → 412,
   * or nothing acceptable in `Accept` → 406, even when the body is also wrong. It throws to refuse.
   */
  precondition?: (ctx: PreconditionContext<Out<P>>) => Promise<void> | void;
  /**
   * GET only: its 200 carries an ETag and answers If-None-Match with 304 (the default for GET).
   * False for responses that are new every time (a stream).
   */
  conditional?: boolean;
  /** Cache-Control of its replies; default: public reads `PUBLIC_CACHE`, everything else `no-store`. */
  cacheControl?: string;
  cors?: CorsPolicy;
  limits?: Limits;
  responses: R;
  /** Error statuses the handler itself may raise, besides those the definition implies (auth, validation, limits). */
  errors?: readonly ErrorStatus[];
  /** Extra `security` requirement for the document when the scope is `cron` or `public` with another scheme. */
  security?: readonly Record<string, string[]>[];
}

export type Handler<P, Q, H, B, R extends Responses, S extends OperationScope> = (
  ctx: Context<Out<P>, Out<Q>, Out<H>, B extends z.ZodType ? z.output<B> : unknown, PrincipalFor<S>>,
) => Promise<ReplyFor<R>> | ReplyFor<R>;

/**
 * What `defineOperation` returns: give it the handler. (Two steps so that TypeScript knows the declared
 * responses before it checks what the handler returns: literal members such as `status: 'ok'` are then
 * checked against the schema instead of being widened to string.)
 */
export interface OperationBuilder<P, Q, H, B, R extends Responses, S extends OperationScope> {
  handle(handler: Handler<P, Q, H, B, R, S>): Operation;
}

/** An operation as the registry, the mount and the document see it. */
export interface Operation {
  readonly operationId: string;
  readonly method: OperationMethod;
  readonly path: string;
  readonly versions: readonly ApiVersion[] | undefined;
  readonly area: string;
  readonly summary: string;
  readonly description: string;
  readonly scope: OperationScope;
  readonly params: ObjectSchema | undefined;
  readonly query: ObjectSchema | undefined;
  readonly validateQuery: boolean;
  readonly validateHeaders: boolean;
  readonly headers: ObjectSchema | undefined;
  readonly body: BodySpec | undefined;
  readonly idempotent: boolean;
  readonly precondition: ((ctx: PreconditionContext<unknown>) => Promise<void> | void) | undefined;
  readonly conditional: boolean;
  readonly cacheControl: string | undefined;
  readonly cors: CorsPolicy;
  readonly limits: Required<Pick<Limits, 'rateLimit'>> & Limits;
  readonly responses: Responses;
  readonly errors: readonly ErrorStatus[];
  readonly security: readonly Record<string, string[]>[] | undefined;
  /** Every error status it may answer: implied by the definition, and declared. */
  readonly errorStatuses: readonly ErrorStatus[];
  /** Runs a request that reached this operation's method and path (version, CORS and rate limit already checked by the mount). */
  readonly run: (req: NextApiRequest, res: NextApiResponse) => Promise<void>;
}

export function defineOperation<
  P extends ObjectSchema | undefined = undefined,
  Q extends ObjectSchema | undefined = undefined,
  H extends ObjectSchema | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
  const R extends Responses = Responses,
  const S extends OperationScope = OperationScope,
>(def: OperationDefinition<P, Q, H, B, R, S>): OperationBuilder<P, Q, H, B, R, S> {
  return { handle: (handler) => build(def as unknown as AnyDefinition, handler as unknown as AnyHandler) };
}

function build(def: AnyDefinition, handler: AnyHandler): Operation {
  const versioned = def.versions !== undefined;
  const limits = { ...def.limits, rateLimit: def.limits?.rateLimit ?? versioned };
  const conditional = def.method === 'GET' && def.conditional !== false;
  const pathParams = [...def.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  const declared = def.params ? Object.keys(def.params.shape) : [];
  if (pathParams.join() !== declared.join()) {
    throw new Error(`${def.operationId}: path ${def.path} names {${pathParams.join('}, {')}} but params declare ${declared.join(', ') || 'none'}`);
  }
  const errorStatuses = impliedErrors(def, limits.rateLimit);
  const query = (def.query ?? z.object({})).strict();
  const op: Operation = {
    operationId: def.operationId,
    method: def.method,
    path: def.path,
    versions: def.versions,
    area: def.area,
    summary: def.summary,
    description: def.description,
    scope: def.scope,
    params: def.params,
    query: def.query,
    validateQuery: def.validateQuery ?? true,
    validateHeaders: def.validateHeaders ?? true,
    headers: def.headers,
    body: def.body,
    idempotent: def.idempotent ?? false,
    precondition: def.precondition as Operation['precondition'],
    conditional,
    cacheControl: def.cacheControl,
    cors: def.cors ?? (versioned ? 'api' : 'none'),
    limits,
    responses: def.responses,
    errors: def.errors ?? [],
    security: def.security,
    errorStatuses,
    run: (req, res) => runOperation(op, handler, query, req, res),
  };
  return op;
}

function impliedErrors(
  def: { versions?: readonly ApiVersion[]; scope: OperationScope; params?: unknown; body?: BodySpec; idempotent?: boolean; errors?: readonly ErrorStatus[] },
  rateLimit: boolean,
): ErrorStatus[] {
  const s = new Set<ErrorStatus>([400, 405, ...(def.errors ?? [])]);
  // 403: a token without the scope; every token has `read`, the lowest, so read operations have none.
  if (def.scope === 'write' || def.scope === 'admin') s.add(401).add(403);
  if (def.scope === 'read' || def.scope === 'read-optional' || def.scope === 'cron') s.add(401);
  // 404: a path parameter that names nothing; a path without parameters always exists.
  if (def.params) s.add(404);
  if (def.body) s.add(413).add(415);
  if (def.body?.schema || def.idempotent) s.add(422);
  if (def.idempotent) s.add(409);
  if (rateLimit) s.add(429);
  return [...s].sort((a, b) => a - b);
}

// --- running a request ------------------------------------------------------------------------------

type AnyDefinition = OperationDefinition<ObjectSchema | undefined, ObjectSchema | undefined, ObjectSchema | undefined, z.ZodType | undefined, Responses, OperationScope>;
type AnyHandler = (ctx: Context<unknown, unknown, unknown, unknown, Principal | undefined>) => Promise<unknown> | unknown;
type AnyReply = {
  status: number;
  body?: unknown;
  prepared?: Prepared;
  sent?: true;
  headers?: Record<string, string>;
  contentType?: string;
  cacheControl?: string;
  etag?: ((json: string) => string) | false;
};

const friendly = (issue: { code: string; input?: unknown }) => {
  if (issue.code === 'invalid_type' && issue.input === undefined) return 'is required';
  if (issue.code === 'invalid_type' && Array.isArray(issue.input)) return 'must be given once';
  return undefined;
};

function summary(items: { pointer?: string; parameter?: string; header?: string; detail: string }[]): string {
  return items.map((e) => `${e.pointer ?? e.parameter ?? e.header}: ${e.detail}`).join('; ');
}

function parsePath(schema: ObjectSchema | undefined, req: NextApiRequest): unknown {
  if (!schema) return {};
  const raw: Record<string, string> = {};
  for (const name of Object.keys(schema.shape)) raw[name] = routeParam(req, name);
  const result = schema.safeParse(raw, { error: friendly });
  if (result.success) return result.data;
  const items = result.error.issues.map((i) => ({ parameter: String(i.path[0] ?? ''), detail: i.message }));
  const path = (req.url ?? '/').split('?')[0];
  throw new ApiError(404, { detail: `There is no resource at ${path}: ${summary(items)}.`, errors: items });
}

function parseQuery(schema: ObjectSchema, req: NextApiRequest): unknown {
  const result = schema.safeParse(queryObject(req), { error: friendly });
  if (result.success) return result.data;
  const items = issuesToItems(result.error.issues, 'query');
  throw ApiError.badRequest(`Invalid query parameters: ${summary(items)}.`, items);
}

function parseHeaders(schema: ObjectSchema | undefined, req: NextApiRequest): unknown {
  if (!schema) return {};
  const raw: Record<string, string | string[] | undefined> = {};
  for (const name of Object.keys(schema.shape)) raw[name] = req.headers[name.toLowerCase()];
  const result = schema.safeParse(raw, { error: friendly });
  if (result.success) return result.data;
  const items = issuesToItems(result.error.issues, 'headers');
  throw ApiError.badRequest(`Invalid headers: ${summary(items)}.`, items);
}

function parseBodyValue(spec: BodySpec, value: unknown): unknown {
  if (!spec.schema) return value;
  const result = spec.schema.safeParse(value, { error: friendly });
  if (result.success) return result.data;
  const items = issuesToItems(result.error.issues, 'body', spec.hints);
  throw ApiError.validation(`The request body is not valid: ${summary(items)}.`, items);
}

async function principalOf(scope: OperationScope, req: NextApiRequest): Promise<Principal | undefined> {
  if (scope === 'cron') {
    requireCronSecret(req);
    return undefined;
  }
  if (scope === 'public') return undefined;
  if (scope === 'read-optional') return authenticate(req);
  return requireScope(req, scope);
}

const CHECK_RESPONSES = nodeEnv() !== 'production';

async function runOperation(op: Operation, handler: AnyHandler, query: ObjectSchema, req: NextApiRequest, res: NextApiResponse): Promise<void> {
  const version = apiVersion(req);
  if (op.versions && !op.versions.includes(version)) {
    throw ApiError.notFound(`${op.method} ${(req.url ?? '/').split('?')[0]} does not exist in v${version}; it is in ${op.versions.map((v) => `v${v}`).join(', ')}.`);
  }
  if (op.cors === 'any-origin') res.setHeader('Access-Control-Allow-Origin', '*');
  if (op.limits.body !== undefined) setBodyLimit(req, op.limits.body, op.limits.bodyNote);
  const principal = await principalOf(op.scope, req);
  const params = parsePath(op.params, req);
  const q = op.validateQuery ? parseQuery(query, req) : queryObject(req);
  const headers = op.validateHeaders ? parseHeaders(op.headers, req) : {};
  if (op.precondition) await op.precondition({ req, params, version });
  let rawBody: ParsedBody | undefined;
  let body: unknown;
  if (op.body && op.body.read !== 'handler') {
    rawBody = await readBody(req, { types: Object.keys(op.body.content), unsupportedHeaders: op.body.unsupportedHeaders });
    body = parseBodyValue(op.body, rawBody.value);
  }
  const ctx: Context<unknown, unknown, unknown, unknown, Principal | undefined> = {
    req,
    res,
    principal,
    params,
    query: q,
    headers,
    body,
    rawBody,
    version,
    base: `/api/v${version}`,
    idempotent: async (run) => {
      if (!principal) throw new Error(`${op.operationId}: idempotent writes need an authenticated principal`);
      const outcome = await runIdempotent(req, principalKey(principal), rawBody?.raw ?? Buffer.alloc(0), async (tx) => {
        const r = await run(tx);
        const result: WriteResult = {
          status: r.status,
          body: r.body,
          contentType: r.contentType ?? firstMediaType(op, r.status) ?? 'application/json',
          headers: r.headers ?? {},
          ...(r.replayBody !== undefined ? { replayBody: r.replayBody } : {}),
        };
        if (CHECK_RESPONSES) checkBody(op, r.status, result.contentType, r.body);
        return result;
      });
      return {
        status: outcome.status,
        replayed: outcome.replayed,
        prepared: {
          status: outcome.status,
          json: outcome.json,
          etag: '',
          contentType: outcome.contentType,
          cacheControl: PRIVATE_CACHE,
          headers: { ...outcome.headers, ...(outcome.replayed ? { 'Idempotent-Replayed': 'true' } : {}) },
        },
      };
    },
  };
  const reply = (await handler(ctx)) as AnyReply;
  send(op, req, res, reply);
}

function firstMediaType(op: Operation, status: number): string | undefined {
  const content = op.responses[status as SuccessStatus]?.content;
  return content ? Object.keys(content)[0] : undefined;
}

function defaultCache(op: Operation, req: NextApiRequest): string {
  if (op.cacheControl) return op.cacheControl;
  const read = req.method === 'GET' || req.method === 'HEAD';
  const anonymous = op.scope === 'public' || (op.scope === 'read-optional' && !req.headers.authorization);
  return read && anonymous ? PUBLIC_CACHE : PRIVATE_CACHE;
}

function send(op: Operation, req: NextApiRequest, res: NextApiResponse, reply: AnyReply): void {
  const spec = op.responses[reply.status as SuccessStatus];
  if (!spec) throw new Error(`${op.operationId} answered ${reply.status}, which its definition does not declare`);
  if (reply.sent) return;
  if (reply.prepared) {
    if (reply.prepared.etag) return sendPrepared(req, res, reply.prepared);
    // Writes (an idempotent create): no ETag of its own unless the handler set one, never cached.
    const p = reply.prepared;
    for (const [name, value] of Object.entries(p.headers)) res.setHeader(name, value);
    res.statusCode = p.status;
    res.setHeader('Content-Type', `${p.contentType}; charset=utf-8`);
    res.setHeader('Content-Length', Buffer.byteLength(p.json));
    res.setHeader('Cache-Control', p.cacheControl);
    res.end(req.method === 'HEAD' ? undefined : p.json);
    return;
  }
  const cacheControl = reply.cacheControl ?? defaultCache(op, req);
  if (!('body' in reply)) {
    for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
    res.statusCode = reply.status;
    res.setHeader('Cache-Control', cacheControl);
    if (reply.status !== 204) res.setHeader('Content-Length', '0');
    res.end();
    return;
  }
  const contentType = reply.contentType ?? firstMediaType(op, reply.status) ?? 'application/json';
  if (CHECK_RESPONSES) checkBody(op, reply.status, contentType, reply.body);
  const json = typeof reply.body === 'string' && !/json/.test(contentType) ? reply.body : JSON.stringify(reply.body);
  if (op.conditional && reply.status === 200 && reply.etag !== false) {
    const etag = reply.etag ? reply.etag(json) : collectionEtag(json);
    sendPrepared(req, res, { status: 200, json, etag, contentType, cacheControl, headers: reply.headers ?? {} });
    return;
  }
  for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
  if (reply.etag) res.setHeader('ETag', reply.etag(json));
  res.statusCode = reply.status;
  res.setHeader('Content-Type', `${contentType}; charset=utf-8`);
  res.setHeader('Content-Length', Buffer.byteLength(json));
  res.setHeader('Cache-Control', cacheControl);
  res.end(req.method === 'HEAD' ? undefined : json);
}

/**
 * Outside production: the body must be what the document says for this status and media type: it
 * parses, and parsing drops nothing (a member the schema does not list is an undocumented one).
 */
export function checkBody(op: Pick<Operation, 'operationId' | 'responses'>, status: number, contentType: string, body: unknown): void {
  const schema = op.responses[status as SuccessStatus]?.content?.[contentType];
  if (!schema) throw new Error(`${op.operationId}: ${status} ${contentType} is not a declared response`);
  const result = schema.safeParse(body);
  if (!result.success) {
    throw new Error(`${op.operationId}: the ${status} body does not match its documented schema: ${z.prettifyError(result.error)}`);
  }
  const sent = JSON.parse(JSON.stringify(body ?? null)) as unknown;
  const kept = JSON.parse(JSON.stringify(result.data ?? null)) as unknown;
  if (!isDeepStrictEqual(sent, kept)) {
    throw new Error(
      `${op.operationId}: the ${status} body has members its documented schema does not list: sent ${JSON.stringify(sent).slice(0, 500)}, documented ${JSON.stringify(kept).slice(0, 500)}`,
    );
  }
}
