import { z } from 'zod';
import { createDocument, type oas31, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject, type ZodOpenApiResponseObject, type ZodOpenApiResponsesObject } from 'zod-openapi';
import { VERSION } from '../config';
import { PUBLIC_CACHE } from '../http/conditional';
import { DEFAULT_LIMIT, MAX_LIMIT } from '../http/collection';
import { ACCEPT_PATCH, JSON_PATCH, MERGE_PATCH } from '../http/patch';
import { Problem, Timestamp } from '../http/schemas';
import { V1_DEPRECATED_AT, V1_SUNSET } from '../http/versioned-route';
import { API_VERSIONS, LATEST_VERSION, type ApiVersion } from '../http/api-versions';
import type { PageRelease } from '../site/paths';
import type { Operation, OperationMethod, OperationScope, ResponseSpec } from '../http/operation';

/**
 * The OpenAPI 3.1 document of the whole HTTP API, generated from the same zod schemas that validate
 * requests and shape responses. Both live versions are documented (`/api/v1/...` deprecated,
 * `/api/v2/...`), from one set of operation builders; shared parameters, headers and error
 * responses are components, so the document stays small. Served at /api/openapi.json, rendered at
 * /docs/api and converted to docs/postman.json.
 */

const PROBLEM_JSON = 'application/problem+json';
const VERSIONS: readonly ApiVersion[] = API_VERSIONS;

// --- schemas that exist only in the document ---------------------------------------------------

/** Compile-time: `tsc` fails unless A and B are the same type (keeps the stream's schemas in step with the code). */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
function inSync<_T extends true>(): void {}

// --- exports, the live stream, feeds --------------------------------------------------------------

// Strict objects: these are rendered in the request and the response pass alike (StreamEvent is a manual
// component), and must come out the same in both, or zod-openapi splits them into X and XOutput.
export const StreamRelease = z
  .strictObject({
    tag: z.string().meta({ example: 'v2.3.0' }),
    name: z.string().nullable(),
    publishedAt: Timestamp,
    prerelease: z.boolean(),
    html: z.string().meta({ description: 'The notes as sanitized HTML.' }),
    url: z.string().nullable().meta({ description: 'The release on GitHub.' }),
    path: z.string().meta({ description: 'The release page on this site.', example: '/acme/rocket/releases/v2.3.0' }),
    project: z.string().meta({ example: 'acme/rocket' }),
    author: z.strictObject({ login: z.string(), avatarUrl: z.string().nullable(), url: z.string().nullable() }).nullable(),
  })
  .meta({ id: 'StreamRelease', description: 'A public release as the site pages show it.' });
inSync<Same<z.output<typeof StreamRelease>, PageRelease>>();

const STREAM_EVENT_TYPES = ['release.published', 'release.updated', 'release.deleted'] as const;
export const StreamEvent = z
  .strictObject({
    project: z.string().meta({ example: 'acme/rocket' }),
    tag: z.string().meta({ example: 'v2.3.0' }),
    previousTag: z.string().optional().meta({ description: 'The tag the release was public under before this edit renamed it (only then).' }),
    release: StreamRelease.nullable().meta({ description: 'The release as it was when the event happened (a replay says the same); null for `release.deleted`.' }),
  })
  .meta({
    id: 'StreamEvent',
    description: `The \`data\` of every event on \`GET /api/v2/stream\` (as JSON). Events: ${STREAM_EVENT_TYPES.map((t) => `\`${t}\``).join(', ')}.`,
  });

// --- views and lists: lib/releases/views.ts, lib/projects/views.ts; media types: ./views.ts --------

// --- response headers -----------------------------------------------------------------------------

const str = { type: 'string' } as const;
const HEADERS: Record<string, oas31.HeaderObject> = {
  'X-Request-Id': {
    description: 'The request id: the one you sent in `X-Request-Id`, else a generated UUID. Problem documents repeat it as `requestId`.',
    schema: str,
    example: '3f1c2a8e-8f5b-4d3c-9d36-1f4fb8a8b1d2',
  },
  'API-Version': {
    description:
      'The API version that answered. Sent by every `/api/v1` and `/api/v2` response (and unversioned `/api/projects|releases|tokens` ones, which are rewritten to a version).',
    schema: { type: 'string', enum: [...API_VERSIONS] },
    example: LATEST_VERSION,
  },
  RateLimit: {
    description:
      'What is left of the policy that applies, per token or client address (IETF RateLimit header fields, draft 11): `r` requests remaining, `t` seconds until the window resets. Reads and writes have separate policies.',
    schema: str,
    example: '"read";r=2999;t=60',
  },
  'RateLimit-Policy': {
    description: 'The quota: `q` requests per `w` seconds (`read` for GET/HEAD, `write` for the rest).',
    schema: str,
    example: '"read";q=3000;w=60',
  },
  ETag: {
    description:
      'Strong validator, distinct per representation. Send it back in `If-None-Match` (304 when unchanged) or, for single resources, `If-Match` (412 when changed since).',
    schema: str,
    example: '"v3-Qm9vS2V5ZXhhbXBsZTEy"',
  },
  'Cache-Control': {
    description: `Public reads: \`${PUBLIC_CACHE}\`. Authenticated reads (drafts, hidden releases), admin data and writes: \`no-store\`.`,
    schema: str,
    example: PUBLIC_CACHE,
  },
  Vary: {
    description: 'Names `Accept` (the representation depends on it), and `Authorization` and `Prefer` where they change the response.',
    schema: str,
    example: 'Accept, Authorization, Prefer',
  },
  Link: {
    description:
      'RFC 8288 links. Lists: `first`, `prev`, `next`, `last` (v1, offset pages; `last` when the total is known) or `next`/`prev` (v2, cursors). Every v1 response also carries `rel="successor-version"`: the same resource under /api/v2.',
    schema: str,
    example: '</api/v1/releases?offset=20>; rel="next", </api/v2/releases>; rel="successor-version"',
  },
  'X-Total-Count': { description: 'v1 lists: how many items match the filters in all.', schema: { type: 'integer' }, example: 137 },
  'Preference-Applied': {
    description: 'v2 lists: `count=exact` when `Prefer: count=exact` was honoured (then `meta.total` is set).',
    schema: { type: 'string', enum: ['count=exact'] },
  },
  Location: { description: 'Where the resource is (created, or redirected to).', schema: str, example: '/api/v2/projects/acme/rocket/releases/v2.3.0' },
  'Content-Location': {
    description: 'Sent when the write renamed the resource (a new tag, owner or repo): its new URL. The old one is a 404 from now on.',
    schema: str,
    example: '/api/v2/projects/acme/rocket/releases/v2.3.1',
  },
  'Idempotent-Replayed': {
    description: '`true` when this is the stored response of an earlier request with the same `Idempotency-Key` and body.',
    schema: { type: 'string', enum: ['true'] },
  },
  Deprecation: {
    description: 'RFC 9745: v1 is deprecated since this moment (a structured-field date, seconds since the epoch). Use /api/v2.',
    schema: str,
    example: `@${V1_DEPRECATED_AT}`,
  },
  Sunset: { description: 'RFC 8594: v1 stops answering after this date.', schema: str, example: V1_SUNSET },
  'Retry-After': { description: 'Seconds to wait before retrying.', schema: { type: 'integer' }, example: 5 },
  'WWW-Authenticate': {
    description:
      'The challenge: `Bearer` with the scope needed or why the token was refused; the GitHub webhook receiver answers `Signature realm="github-webhook"` (the `X-Hub-Signature-256` was missing or wrong).',
    schema: str,
    example: 'Bearer realm="shiplog", scope="write"',
  },
  'Accept-Patch': { description: 'The PATCH formats accepted.', schema: str, example: ACCEPT_PATCH },
  Allow: { description: 'The methods this path supports.', schema: str, example: 'GET, HEAD, PUT, PATCH, DELETE, OPTIONS' },
  'Access-Control-Allow-Origin': { description: 'The response may be read from any origin.', schema: { type: 'string', enum: ['*'] } },
  'Content-Disposition': {
    description: 'A file name for saving the export: `CHANGELOG.md`, or `{repo}-releases.ndjson`.',
    schema: str,
    example: 'inline; filename="CHANGELOG.md"',
  },
};

type HeaderName = keyof typeof HEADERS;
type HeaderRefs = Record<string, oas31.ReferenceObject>;

function headers(...names: HeaderName[]): HeaderRefs {
  return Object.fromEntries(names.map((n) => [n, { $ref: `#/components/headers/${n}` }]));
}

// --- shared responses -----------------------------------------------------------------------------

const ERRORS = {
  400: ['BadRequest', 'Bad request: a malformed body, an unknown or invalid query parameter, or a bad header. `errors` names each one.'],
  401: [
    'Unauthorized',
    'No bearer token where one is needed, or a token that is unknown or revoked; for the GitHub webhook receiver, a missing or wrong `X-Hub-Signature-256`. `WWW-Authenticate` says which.',
  ],
  403: ['Forbidden', 'The token lacks the scope this needs (`read` < `write` < `admin`).'],
  404: ['NotFound', 'No such resource (or API version). Drafts and hidden releases are 404 without a `read` token.'],
  405: ['MethodNotAllowed', 'This path does not support the method; `Allow` lists the ones it does.'],
  406: ['NotAcceptable', 'None of the media types in `Accept` is on offer here; the problem lists the available ones.'],
  409: [
    'Conflict',
    'Conflict: the resource already exists, a JSON Patch `test` failed, a request with this `Idempotency-Key` is still running (retry after `Retry-After`), or (the GitHub webhook) the delivery is for another GitHub repository than the one the project of that name follows.',
  ],
  412: ['PreconditionFailed', '`If-Match` does not match the current ETag: the resource changed since you read it. GET it again, reapply the change and retry.'],
  413: ['PayloadTooLarge', 'The request body is larger than this endpoint accepts.'],
  415: ['UnsupportedMediaType', 'The Content-Type is not accepted. PATCH answers with `Accept-Patch` listing the patch formats.'],
  422: ['ValidationFailed', 'The body is well-formed but invalid (`errors` points into it with JSON Pointers), or the `Idempotency-Key` was already used with another body.'],
  429: ['TooManyRequests', 'Rate limit exceeded: wait `Retry-After` seconds.'],
  503: ['ServiceUnavailable', 'A dependency (the database) is unavailable or busy; retry after `Retry-After` seconds.'],
} as const satisfies Record<number, readonly [string, string]>;

type ErrorStatus = keyof typeof ERRORS;

const ERROR_EXTRA_HEADERS: Partial<Record<ErrorStatus, HeaderName[]>> = {
  401: ['WWW-Authenticate'],
  403: ['WWW-Authenticate'],
  405: ['Allow'],
  409: ['Retry-After'],
  415: ['Accept-Patch'],
  429: ['Retry-After'],
  503: ['Retry-After'],
};

function errorResponses(): Record<string, ZodOpenApiResponseObject> {
  const out: Record<string, ZodOpenApiResponseObject> = {};
  for (const [status, [name, description]] of Object.entries(ERRORS) as [string, readonly [string, string]][]) {
    out[name] = {
      description,
      headers: headers('X-Request-Id', 'API-Version', 'Cache-Control', 'RateLimit', 'RateLimit-Policy', ...(ERROR_EXTRA_HEADERS[Number(status) as ErrorStatus] ?? [])),
      content: { [PROBLEM_JSON]: { schema: Problem } },
    };
  }
  out.NotModified = {
    description: 'Not modified: `If-None-Match` matches the current ETag. No body.',
    headers: headers('X-Request-Id', 'ETag', 'Cache-Control', 'Vary'),
  };
  return out;
}

function errors(...statuses: ErrorStatus[]): ZodOpenApiResponsesObject {
  return Object.fromEntries(statuses.map((s) => [String(s), { $ref: `#/components/responses/${ERRORS[s][0]}` }]));
}

const notModified = { '304': { $ref: '#/components/responses/NotModified' } } as const;

// --- parameters -----------------------------------------------------------------------------------

type ParamMeta = { id: string; in: 'path' | 'query' | 'header'; name: string; description: string } & Omit<Partial<oas31.ParameterObject>, 'in' | 'name' | 'description'>;

function param<T extends z.ZodType>(schema: T, p: ParamMeta) {
  return schema.meta({ param: p });
}

const ifNoneMatch = param(z.string().optional(), {
  id: 'If-None-Match',
  in: 'header',
  name: 'If-None-Match',
  description: 'ETags you hold: 304 Not Modified when one matches.',
  example: '"c-Qm9vS2V5ZXhhbXBsZTEy"',
});
const idempotencyKey = param(
  z
    .string()
    .regex(/^[\x21-\x7e]{1,255}$/)
    .optional(),
  {
    id: 'Idempotency-Key',
    in: 'header',
    name: 'Idempotency-Key',
    description:
      'Makes a POST safe to retry: a retry with the same key and body gets the first response again (with `Idempotent-Replayed: true`); the same key with another body is a 422; while the first is still running, 409. Keys are per caller, kept 24 hours. 1–255 visible ASCII characters; a UUID is a good choice.',
    example: '5f0e6a3c-2f7d-4b7e-9a59-0d0b9c7e4a11',
  },
);

// --- security -------------------------------------------------------------------------------------

const READ_AUTH: oas31.SecurityRequirementObject[] = [{}, { bearer: ['read'] }];
const WRITE_AUTH: oas31.SecurityRequirementObject[] = [{ bearer: ['write'] }];
const ADMIN_AUTH: oas31.SecurityRequirementObject[] = [{ bearer: ['admin'] }];
/** Reads that need a token (unlike public reads, where it is optional). */
const READ_TOKEN_AUTH: oas31.SecurityRequirementObject[] = [{ bearer: ['read'] }];

// --- operations -----------------------------------------------------------------------------------

const TAG_NAMES = { projects: 'Projects', releases: 'Releases', imports: 'Imports', stream: 'Stream', deliveries: 'Deliveries', tokens: 'Tokens' } as const;
type Area = keyof typeof TAG_NAMES;

function tagOf(area: Area, v: ApiVersion): string {
  return v === LATEST_VERSION ? `${TAG_NAMES[area]} (v${v})` : `${TAG_NAMES[area]} (v${v}, deprecated)`;
}

// --- operations from their definitions (lib/http/operation.ts) -----------------------------------

const SECURITY: Record<OperationScope, oas31.SecurityRequirementObject[]> = {
  public: [],
  cron: [{ cronSecret: [] }],
  'read-optional': READ_AUTH,
  read: READ_TOKEN_AUTH,
  write: WRITE_AUTH,
  admin: ADMIN_AUTH,
};

/** The house headers of every response of an operation: request id; versioned: version, rate limits, v1's deprecation. */
function houseHeaders(o: Operation, v: ApiVersion | undefined): HeaderRefs {
  if (!v) return headers('X-Request-Id', ...(o.limits.rateLimit ? (['RateLimit', 'RateLimit-Policy'] as const) : []));
  return {
    ...headers('X-Request-Id', 'API-Version'),
    ...(o.limits.rateLimit ? headers('RateLimit', 'RateLimit-Policy') : {}),
    ...(v === '1' ? headers('Deprecation', 'Sunset', 'Link') : {}),
  };
}

const located = new WeakMap<z.ZodType, z.ZodType>();

/**
 * The members of an operation's params, query or headers object as parameters. A member documented
 * once (`.meta({ param: { id, in, name } })`, lib/api/parameters.ts) is used as it is, so every
 * operation refers to the same component; any other gets its place and name from its key.
 */
function parametersOf(shape: z.ZodObject | undefined, where: 'path' | 'query' | 'header'): z.ZodType[] {
  if (!shape) return [];
  return Object.entries(shape.shape).map(([name, member]) => {
    const schema = member as z.ZodType;
    const meta = schema.meta() as { param?: Record<string, unknown> } | undefined;
    if (meta?.param?.in && meta.param.name) return schema;
    let out = located.get(schema);
    if (!out) located.set(schema, (out = schema.meta({ ...meta, param: { ...meta?.param, in: where, name } })));
    return out;
  });
}

function operationObject(o: Operation, v: ApiVersion | undefined): ZodOpenApiOperationObject {
  const deprecated = v !== undefined && v !== LATEST_VERSION;
  const responses: Record<string, ZodOpenApiResponsesObject[keyof ZodOpenApiResponsesObject]> = {};
  for (const [status, spec] of Object.entries(o.responses) as [string, ResponseSpec][]) {
    const read = o.conditional && status === '200';
    const names: HeaderName[] = [
      ...(read ? (['ETag', 'Cache-Control', 'Vary'] as const) : []),
      ...(spec.headers ?? []),
      ...(o.idempotent && status === '201' ? (['Idempotent-Replayed'] as const) : []),
    ];
    const description =
      o.idempotent && status === '201'
        ? `${spec.description} A replay of an earlier request with the same \`Idempotency-Key\` carries \`Idempotent-Replayed: true\`.`
        : spec.description;
    responses[status] = {
      description,
      headers: { ...houseHeaders(o, v), ...headers(...new Set(names)), ...(spec.inlineHeaders as Record<string, oas31.HeaderObject> | undefined) },
      ...(spec.content ? { content: Object.fromEntries(Object.entries(spec.content).map(([type, schema]) => [type, { schema }])) } : {}),
    };
  }
  if (o.conditional) Object.assign(responses, notModified);
  Object.assign(responses, errors(...o.errorStatuses));
  const parameters = [
    ...parametersOf(o.params, 'path'),
    ...parametersOf(o.query, 'query'),
    ...parametersOf(o.headers, 'header'),
    ...(o.conditional ? [ifNoneMatch] : []),
    ...(o.idempotent ? [idempotencyKey] : []),
  ];
  return {
    operationId: v ? `v${v}${o.operationId}` : o.operationId,
    tags: [v ? tagOf(o.area as Area, v) : o.area],
    summary: o.summary,
    description: deprecated
      ? `${o.description}\n\n**Deprecated:** v1 answers with \`Deprecation\`, \`Sunset\` (${V1_SUNSET}) and \`Link: <…>; rel="successor-version"\` on every response, errors included. Use the same path under /api/v${LATEST_VERSION}.`
      : o.description,
    ...(deprecated ? { deprecated: true } : {}),
    security: o.security ? [...o.security] : SECURITY[o.scope],
    ...(parameters.length ? { parameters } : {}),
    ...(o.body
      ? {
          requestBody: {
            required: true,
            ...(o.body.description ? { description: o.body.description } : {}),
            content: Object.fromEntries(Object.entries(o.body.content).map(([type, schema]) => [type, { schema }])),
          },
        }
      : {}),
    responses: responses as ZodOpenApiResponsesObject,
  };
}

// --- the document ---------------------------------------------------------------------------------

const DESCRIPTION = `
Shiplog's REST API: projects, their releases and API tokens; the GitHub webhook receiver, its delivery log and imports from GitHub;
changelog exports, a live event stream and feeds. Reads are public; writes need a bearer token.

## Versions
Two versions are live: **v2** (\`/api/v2/...\`) and **v1** (\`/api/v1/...\`, deprecated: every v1 response carries \`Deprecation\`,
\`Sunset: ${V1_SUNSET}\` and \`Link: <…>; rel="successor-version"\`). Every versioned response carries \`API-Version\`.
Unversioned \`/api/projects/...\`, \`/api/releases\` and \`/api/tokens/...\` are answered by the version named in the \`API-Version\`
(or \`version\`) request header or by \`Accept: application/vnd.shiplog.vN+json\`, else the latest; an unknown version is a 400.
v2 differs from v1 in release notes (\`notes: { markdown, html }\` instead of \`body\`) and in lists (an envelope with cursors).
The GitHub webhook receiver (\`/api/webhooks/github\`), the feeds (\`/api/feed/...\`) and the service endpoints are unversioned.

## Methods
GET reads; HEAD and OPTIONS work wherever GET does; an unsupported method is a 405 with \`Allow\`.
POST creates (201, \`Location\`, the new representation) and honours \`Idempotency-Key\` (a retry replays the first response with
\`Idempotent-Replayed: true\`; the same key with another body is a 422; while the first runs, 409).
Two POSTs start work rather than create: an import (202 with \`Location\`; it resumes an unfinished import, so retrying is safe) and
a delivery replay (200); neither takes \`Idempotency-Key\`.
PUT replaces the whole resource. PATCH takes \`${MERGE_PATCH}\` (RFC 7396) or \`${JSON_PATCH}\` (RFC 6902); any other type is a
415 with \`Accept-Patch\`. PATCH on a filtered release collection changes every match. DELETE answers 204; deleting what is gone, 404.

## Collections
Filters are plain query parameters named after fields (\`?prerelease=false&author=octocat\`), \`since\`/\`until\` for dates and \`q\`
for text search. \`sort_by=publishedAt.desc,tag.asc\` sorts; \`offset\` (0-based) and \`limit\` (default ${DEFAULT_LIMIT}, at most ${MAX_LIMIT}) page,
and v2 also takes an opaque \`cursor\`. \`fields=tag,name\` keeps only those members. Unknown parameters, fields or values are a 400 naming them.
v1 lists are JSON arrays with \`Link\` (first/prev/next/last) and \`X-Total-Count\`; v2 lists are \`{ data, links: { self, next, prev },
meta: { limit, total? } }\`, with \`meta.total\` on \`Prefer: count=exact\` (answered with \`Preference-Applied\`).

## Representations
JSON by default. \`?representation=brief|extended\` or \`Accept: application/vnd.shiplog.{release|project}[.brief|.extended]+json\`
select a view (the query parameter wins). Nothing acceptable is a 406 listing what is on offer. Responses send \`Vary: Accept\`.
The \`Content-Type\` always names the view, each with its own schema: \`application/json\` (and \`…{resource}+json\`) is the full view,
\`…{resource}.brief+json\` and \`…{resource}.extended+json\` the others, whichever way they were asked for. A \`fields=\` selection is
\`application/vnd.shiplog.{release|project}.sparse+json\`: only the members named (schemas \`ReleaseSparseV1\`, \`ReleaseSparseV2\`,
\`ProjectSparse\`). Writes and project lists have no extended view: asked for it, they answer the full view, typed as such.
Exports, feeds and the stream have their own media types, chosen by \`Accept\` or \`?format=\` (which wins).

## Caching and concurrency
Reads of projects, releases, reactions, exports, feeds and this document have a strong \`ETag\` (distinct per representation):
\`If-None-Match\` gives 304. The admin reads of tokens, deliveries and imports (state that changes under the reader), the event
stream and the redirect to the latest release have none. Public reads are
\`Cache-Control: ${PUBLIC_CACHE}\`; authenticated and admin reads \`no-store\`. PUT, PATCH and DELETE honour \`If-Match\`: a
mismatch is a 412, so lost updates are impossible. \`If-Match\` is optional (a write without it applies unconditionally; there
is no 428), and it is evaluated before the body: a stale \`If-Match\` is a 412 even when the body is also wrong.

## GitHub
Point a repository's webhook (Releases events) at \`POST /api/webhooks/github\` with a secret: deliveries are verified with
\`X-Hub-Signature-256\`, logged and applied. The log is \`/api/v2/deliveries\` (admin), where a failed delivery can be replayed.
\`POST /api/v2/projects/{owner}/{repo}/imports\` backfills a project's existing releases from GitHub's REST API.

## Exports, the live stream and feeds
\`GET /api/v2/projects/{owner}/{repo}/changelog\` streams a project's whole changelog as Markdown or NDJSON.
\`GET /api/v2/stream\` is a Server-Sent Events stream of release changes, resumable with \`Last-Event-ID\`.
\`GET /api/feed\`, \`/api/feed/{owner}\` and \`/api/feed/{owner}/{repo}\` are Atom, RSS 2.0 and JSON Feed 1.1 feeds, also at
\`/feed.atom\`, \`/{owner}/feed.rss\`, \`/{owner}/{repo}/feed.json\` (any of the three extensions).

## Errors
Every error is \`${PROBLEM_JSON}\` (RFC 9457): \`type\`, \`title\`, \`status\`, \`detail\`, \`instance\`, \`requestId\` and, for
validation, \`errors: [{ pointer | parameter | header, detail }]\`. Statuses: 400, 401 (with \`WWW-Authenticate\`), 403, 404, 405,
406, 409, 412, 413, 415, 422, 429 (with \`Retry-After\`) and 503. Every response carries \`X-Request-Id\`.

## Auth and limits
Reads of public data need nothing; a token with the \`read\` scope also sees drafts and hidden releases. Writes need
\`Authorization: Bearer <token>\` with the \`write\` scope; tokens and other admin endpoints need \`admin\` (admin ⊃ write ⊃ read).
Reading imports needs a \`read\` token; the delivery log needs \`admin\`. The webhook receiver takes no token: GitHub's signature authenticates it.
Bootstrap with \`SHIPLOG_ADMIN_TOKEN\`. Public reads allow any CORS origin; writes only the configured ones.
Requests are rate limited per token or client address, separately for reads and writes (\`RateLimit\`, \`RateLimit-Policy\`);
past the limit, 429 with \`Retry-After\`. The webhook receiver, the feeds and the service endpoints are not rate limited.
`.trim();

function buildDocument(operations: readonly Operation[]): oas31.OpenAPIObject {
  const paths: ZodOpenApiPathsObject = {};
  const tags: oas31.TagObject[] = [];
  for (const v of [...VERSIONS].sort((a, b) => Number(b) - Number(a))) {
    const deprecated = v !== LATEST_VERSION ? ' Deprecated: use v' + LATEST_VERSION + '.' : '';
    tags.push(
      { name: tagOf('projects', v), description: `GitHub repositories whose releases Shiplog publishes.${deprecated}` },
      { name: tagOf('releases', v), description: `Releases of a project, and across projects; a project's whole changelog as one download.${deprecated}` },
      { name: tagOf('imports', v), description: `Backfilling a project's releases from GitHub.${deprecated}` },
      { name: tagOf('stream', v), description: `Live release events (Server-Sent Events).${deprecated}` },
      { name: tagOf('deliveries', v), description: `The log of GitHub webhook deliveries, and replaying them (admin).${deprecated}` },
      { name: tagOf('tokens', v), description: `API tokens (admin).${deprecated}` },
    );
  }
  tags.push(
    { name: 'GitHub webhook', description: 'Where GitHub sends release events. Unversioned; authenticated by signature.' },
    { name: 'Feeds', description: 'Atom, RSS and JSON Feed of the newest releases. Unversioned.' },
    { name: 'Pages', description: 'What reader pages link: the card images of their link previews (Open Graph, Twitter). Unversioned.' },
    { name: 'Widget', description: 'What the embeddable widget (`/widget.js`) shows. Unversioned.' },
    { name: 'Service', description: 'Unversioned infrastructure endpoints.' },
  );
  for (const o of operations) {
    for (const v of o.versions ?? [undefined]) {
      const at = v ? `/api/v${v}${o.path}` : o.path;
      const item = (paths[at] ??= {});
      const method = o.method.toLowerCase() as Lowercase<OperationMethod>;
      if (item[method]) throw new Error(`${method.toUpperCase()} ${at} is documented twice (${o.operationId})`);
      item[method] = operationObject(o, v);
    }
  }

  return createDocument(
    {
      openapi: '3.1.0',
      // Relative: the server that serves this document (every path starts with /api).
      servers: [{ url: '/', description: 'This Shiplog server' }],
      info: {
        title: 'Shiplog API',
        version: VERSION,
        description: DESCRIPTION,
        license: { name: 'MIT', identifier: 'MIT' },
      },
      tags,
      paths,
      components: {
        // Not in any response schema (SSE `data` is text inside the stream): listed so the stream's description can link to it.
        schemas: { StreamEvent },
        securitySchemes: {
          bearer: {
            type: 'http',
            scheme: 'bearer',
            description:
              'An API token (`shp_…`) or `SHIPLOG_ADMIN_TOKEN`. Scopes: `read` (also see drafts and hidden releases), `write` (create, change, delete), `admin` (tokens, revalidation); each implies the ones before it.',
          },
          cronSecret: {
            type: 'http',
            scheme: 'bearer',
            description: "The scheduler's shared secret, `CRON_SECRET` (what Vercel Cron sends): only for `GET /api/cron/drain`.",
          },
        },
        headers: HEADERS,
        responses: errorResponses(),
      },
    },
    {
      // Problem documents may carry extension members (RFC 9457 §3.2; e.g. `available` on a 406), which
      // `z.object` renders as `additionalProperties: false` in responses. And keep the document lean:
      // `format` says it all for dates, and zod's safe-integer bounds on every `.int()` are noise.
      override: ({ jsonSchema, zodSchema }) => {
        const s = jsonSchema as Record<string, unknown>;
        if (zodSchema === Problem) delete s.additionalProperties;
        if ((s.format === 'date-time' || s.format === 'date') && 'pattern' in s) delete s.pattern;
        if (s.minimum === Number.MIN_SAFE_INTEGER) delete s.minimum;
        if (s.maximum === Number.MAX_SAFE_INTEGER) delete s.maximum;
      },
    },
  );
}

const built = new WeakMap<readonly Operation[], oas31.OpenAPIObject>();

/**
 * The OpenAPI 3.1 document of these operations (lib/api/registry.ts serves the one of them all), built
 * once per list. Every path comes from an operation definition (lib/http/operation.ts).
 */
export function openApiDocument(operations: readonly Operation[]): oas31.OpenAPIObject {
  let doc = built.get(operations);
  if (!doc) built.set(operations, (doc = buildDocument(operations)));
  return doc;
}
