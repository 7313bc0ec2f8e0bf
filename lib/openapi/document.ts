import { z } from 'zod';
import {
  createDocument,
  type oas31,
  type ZodOpenApiContentObject,
  type ZodOpenApiOperationObject,
  type ZodOpenApiPathItemObject,
  type ZodOpenApiPathsObject,
  type ZodOpenApiResponseObject,
  type ZodOpenApiResponsesObject,
} from 'zod-openapi';
import { releaseSources, tokenScopes } from '../db/schema';
import { PUBLIC_CACHE } from '../http/conditional';
import { DEFAULT_LIMIT, MAX_LIMIT } from '../http/collection';
import { offersFor, REPRESENTATIONS } from '../http/negotiate';
import { ACCEPT_PATCH, JSON_PATCH, MERGE_PATCH } from '../http/patch';
import { envelope, Problem } from '../http/schemas';
import { V1_DEPRECATED_AT, V1_SUNSET } from '../http/versioning';
import { API_VERSIONS, LATEST_VERSION, type ApiVersion } from '../http/versions';
import { Owner, Project, PROJECT_FIELDS, ProjectBrief, ProjectCreate, ProjectExtended, ProjectPut, Repo } from '../projects/schema';
import {
  BulkResult,
  ReactionInput,
  Reactions,
  RELEASE_FIELDS,
  ReleaseBrief,
  ReleaseBulkChange,
  ReleaseCreateV1,
  ReleaseCreateV2,
  ReleasePutV1,
  ReleasePutV2,
  ReleaseV1,
  ReleaseV2,
  Tag,
} from '../releases/schema';
import { RevalidateBody } from '../site/revalidate';
import { Token, TokenCreate, TokenCreated } from '../tokens/schema';

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

export const ReleaseExtendedV1 = ReleaseV1.extend({
  project: ProjectBrief,
  bodyHtml: z.string().meta({ description: 'Sanitized HTML rendered from `body`.' }),
  previous: ReleaseBrief.nullable().meta({ description: 'The next older release of the project, if any.' }),
  next: ReleaseBrief.nullable().meta({ description: 'The next newer release of the project, if any.' }),
}).meta({ id: 'ReleaseExtendedV1', description: 'A release with everything a page needs: its project, rendered HTML and neighbours.' });

export const ReleaseExtendedV2 = ReleaseV2.extend({
  project: ProjectBrief,
  previous: ReleaseBrief.nullable().meta({ description: 'The next older release of the project, if any.' }),
  next: ReleaseBrief.nullable().meta({ description: 'The next newer release of the project, if any.' }),
}).meta({ id: 'ReleaseExtendedV2', description: 'A release with everything a page needs: its project and neighbours (HTML is in `notes.html`).' });

const ReleaseMergePatchV1 = ReleasePutV1.partial().meta({
  id: 'ReleaseMergePatchV1',
  description: 'JSON Merge Patch (RFC 7396) of the PUT document: members left out stay as they are; `null` clears a nullable member.',
  example: { hidden: true },
});
const ReleaseMergePatchV2 = ReleasePutV2.partial().meta({
  id: 'ReleaseMergePatchV2',
  description: 'JSON Merge Patch (RFC 7396) of the PUT document: members left out stay as they are; `null` clears a nullable member.',
  example: { notes: { markdown: '## Fixed\n- Typo in the changelog' } },
});
const ProjectMergePatch = ProjectPut.partial().meta({
  id: 'ProjectMergePatch',
  description: 'JSON Merge Patch (RFC 7396) of the PUT document: members left out stay as they are; `null` clears a nullable member.',
  example: { description: 'Deploys in one command.' },
});

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

const ReactionAdded = z
  .object({ content: ReactionInput.shape.content, reactions: Reactions })
  .meta({ id: 'ReactionAdded', description: 'The reaction added and the release\'s reaction counts after it.' });

const Health = z
  .object({
    status: z.literal('ok'),
    database: z.literal('up'),
    engine: z.enum(['pglite', 'postgres']),
    version: z.string().meta({ example: '0.1.0' }),
    uptime: z.number().int().meta({ description: 'Seconds since the server process started.', example: 3600 }),
  })
  .meta({ id: 'Health' });

const RevalidateRequest = RevalidateBody.meta({ id: 'RevalidateRequest', example: { paths: ['/', '/acme/rocket'] } });
const RevalidateResult = z
  .object({
    revalidated: z.array(z.string()),
    failed: z.array(z.object({ path: z.string(), error: z.string() })),
  })
  .meta({ id: 'RevalidateResult' });

// --- views and lists ------------------------------------------------------------------------------

interface Views {
  full: z.ZodType;
  brief: z.ZodType;
  extended: z.ZodType;
}

const RELEASE_VIEWS: Record<ApiVersion, Views> = {
  '1': { full: ReleaseV1, brief: ReleaseBrief, extended: ReleaseExtendedV1 },
  '2': { full: ReleaseV2, brief: ReleaseBrief, extended: ReleaseExtendedV2 },
};
const PROJECT_VIEWS: Views = { full: Project, brief: ProjectBrief, extended: ProjectExtended };

/** v2 list envelopes, made once (a component id must belong to one schema). */
const RELEASE_LISTS_V2: Views = {
  full: envelope(ReleaseV2, 'ReleaseListV2'),
  brief: envelope(ReleaseBrief, 'ReleaseBriefListV2'),
  extended: envelope(ReleaseExtendedV2, 'ReleaseExtendedListV2'),
};
const projectListV2 = envelope(Project, 'ProjectListV2');
/** Project lists have no extended items: the extended view of a list is the full one. */
const PROJECT_LISTS_V2: Views = { full: projectListV2, brief: envelope(ProjectBrief, 'ProjectBriefListV2'), extended: projectListV2 };

type Resource = 'release' | 'project';

/** The media types a negotiated GET offers: plain JSON (any view) and one vendor type per view. */
function negotiatedContent(resource: Resource, views: Views): ZodOpenApiContentObject {
  const [json, full, brief, extended] = offersFor(resource) as [string, string, string, string];
  return {
    [json]: {
      schema: z.union([...new Set([views.full, views.brief, views.extended])] as [z.ZodType, z.ZodType, ...z.ZodType[]]).meta({
        description: 'The view `representation=` (or the Accept vendor type) selects; full by default.',
      }),
    },
    [full]: { schema: views.full },
    [brief]: { schema: views.brief },
    [extended]: { schema: views.extended },
  };
}

/** What a write answers: the full or brief view (an extended Accept gets the full one). */
function writtenContent(resource: Resource, views: Views): ZodOpenApiContentObject {
  return negotiatedContent(resource, { ...views, extended: views.full });
}

function listViews(resource: Resource, version: ApiVersion): Views {
  if (version === '2') return resource === 'release' ? RELEASE_LISTS_V2 : PROJECT_LISTS_V2;
  const item = resource === 'release' ? RELEASE_VIEWS['1'] : { ...PROJECT_VIEWS, extended: Project };
  const full = z.array(item.full);
  return { full, brief: z.array(item.brief), extended: item.extended === item.full ? full : z.array(item.extended) };
}

// --- response headers -----------------------------------------------------------------------------

const str = { type: 'string' } as const;
const HEADERS: Record<string, oas31.HeaderObject> = {
  'X-Request-Id': {
    description: 'The request id: the one you sent in `X-Request-Id`, else a generated UUID. Problem documents repeat it as `requestId`.',
    schema: str,
    example: '3f1c2a8e-8f5b-4d3c-9d36-1f4fb8a8b1d2',
  },
  'API-Version': {
    description: 'The API version that answered. Sent by every `/api/v1` and `/api/v2` response (and unversioned `/api/projects|releases|tokens` ones, which are rewritten to a version).',
    schema: { type: 'string', enum: [...API_VERSIONS] },
    example: LATEST_VERSION,
  },
  RateLimit: {
    description: 'What is left of the policy that applies, per token or client address (IETF RateLimit header fields, draft 11): `r` requests remaining, `t` seconds until the window resets. Reads and writes have separate policies.',
    schema: str,
    example: '"read";r=2999;t=60',
  },
  'RateLimit-Policy': {
    description: 'The quota: `q` requests per `w` seconds (`read` for GET/HEAD, `write` for the rest).',
    schema: str,
    example: '"read";q=3000;w=60',
  },
  ETag: {
    description: 'Strong validator, distinct per representation. Send it back in `If-None-Match` (304 when unchanged) or, for single resources, `If-Match` (412 when changed since).',
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
    description: 'The Bearer challenge: the scope needed, or why the token was refused.',
    schema: str,
    example: 'Bearer realm="shiplog", scope="write"',
  },
  'Accept-Patch': { description: 'The PATCH formats accepted.', schema: str, example: ACCEPT_PATCH },
  Allow: { description: 'The methods this path supports.', schema: str, example: 'GET, HEAD, PUT, PATCH, DELETE, OPTIONS' },
  'Access-Control-Allow-Origin': { description: 'The document may be read from any origin.', schema: { type: 'string', enum: ['*'] } },
};

type HeaderName = keyof typeof HEADERS;
type HeaderRefs = Record<string, oas31.ReferenceObject>;

function headers(...names: HeaderName[]): HeaderRefs {
  return Object.fromEntries(names.map((n) => [n, { $ref: `#/components/headers/${n}` }]));
}

/** Headers on every response of a version: request id, version, rate limits; v1 adds its deprecation headers. */
function baseHeaders(v: ApiVersion): HeaderRefs {
  return headers('X-Request-Id', 'API-Version', 'RateLimit', 'RateLimit-Policy', ...(v === '1' ? (['Deprecation', 'Sunset', 'Link'] as const) : []));
}

function readHeaders(v: ApiVersion): HeaderRefs {
  return { ...baseHeaders(v), ...headers('ETag', 'Cache-Control', 'Vary') };
}

function listHeaders(v: ApiVersion): HeaderRefs {
  return { ...readHeaders(v), ...headers('Link', ...(v === '1' ? (['X-Total-Count'] as const) : (['Preference-Applied'] as const))) };
}

// --- shared responses -----------------------------------------------------------------------------

const ERRORS = {
  400: ['BadRequest', 'Bad request: a malformed body, an unknown or invalid query parameter, or a bad header. `errors` names each one.'],
  401: ['Unauthorized', 'No bearer token where one is needed, or a token that is unknown or revoked. `WWW-Authenticate` says which.'],
  403: ['Forbidden', 'The token lacks the scope this needs (`read` < `write` < `admin`).'],
  404: ['NotFound', 'No such resource (or API version). Drafts and hidden releases are 404 without a `read` token.'],
  405: ['MethodNotAllowed', 'This path does not support the method; `Allow` lists the ones it does.'],
  406: ['NotAcceptable', 'None of the media types in `Accept` is on offer here; the problem lists the available ones.'],
  409: ['Conflict', 'Conflict: the resource already exists, a JSON Patch `test` failed, or a request with this `Idempotency-Key` is still running (retry after `Retry-After`).'],
  412: ['PreconditionFailed', '`If-Match` does not match the current ETag: the resource changed since you read it. GET it again, reapply the change and retry.'],
  413: ['PayloadTooLarge', 'The request body is larger than this endpoint accepts.'],
  415: ['UnsupportedMediaType', 'The Content-Type is not accepted. PATCH answers with `Accept-Patch` listing the patch formats.'],
  422: ['ValidationFailed', 'The body is well-formed but invalid (`errors` points into it with JSON Pointers), or the `Idempotency-Key` was already used with another body.'],
  428: ['PreconditionRequired', 'This write must be conditional: send `If-Match` with the ETag you read.'],
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

type ParamExtra = Omit<Partial<oas31.ParameterObject>, 'in' | 'name' | 'description'>;
type ParamMeta = { id: string; in: 'path' | 'query' | 'header'; name: string; description: string } & ParamExtra;

function param<T extends z.ZodType>(schema: T, p: ParamMeta) {
  return schema.meta({ param: p });
}

const ownerPath = param(Owner, { id: 'owner', in: 'path', name: 'owner', description: 'The GitHub owner (user or organisation) of the project.' });
const repoPath = param(Repo, { id: 'repo', in: 'path', name: 'repo', description: 'The GitHub repository name of the project.' });
const tagPath = param(Tag, {
  id: 'tag',
  in: 'path',
  name: 'tag',
  description:
    'The release tag. Tags may contain `/` and `@` (`@acme/ui@2.0.0`, `release/2026-01`): send the slashes raw or percent-encoded as `%2F` — both address the same release (links the API returns encode them). `latest` is reserved (see `/releases/latest`).',
  examples: {
    simple: { value: 'v2.3.0' },
    scoped: { summary: 'scoped package tag', value: '@acme/ui@2.0.0' },
    slashed: { summary: 'tag with a slash (sent raw or as release%2F2026-01)', value: 'release/2026-01' },
  },
});
const tokenIdPath = param(z.number().int().positive(), { id: 'tokenId', in: 'path', name: 'id', description: 'The token id.', example: 7 });

function query<T extends z.ZodType>(id: string, name: string, schema: T, description: string, extra: ParamExtra = {}) {
  return param(schema.optional(), { id, in: 'query', name, description, ...extra });
}

function sortBy(id: string, keys: readonly string[], defaultSort: string) {
  const key = `(?:${keys.join('|')})(?:\\.(?:asc|desc))?`;
  return query(
    id,
    'sort_by',
    z.string().regex(new RegExp(`^${key}(?:,${key})*$`)),
    `Sort keys, comma separated, each optionally \`.asc\` (the default direction) or \`.desc\`. Keys: ${keys.map((k) => `\`${k}\``).join(', ')}. Default: \`${defaultSort}\`. Ties break on the id.`,
    { example: `${keys[0]}.desc,${keys[1]}.asc` },
  );
}

const releaseSortBy = sortBy('releaseSortBy', ['publishedAt', 'tag', 'name', 'createdAt', 'updatedAt'], 'publishedAt.desc');
const projectSortBy = sortBy('projectSortBy', ['fullName', 'updatedAt', 'latestReleaseAt'], 'fullName.asc');
const offset = query('offset', 'offset', z.number().int().min(0).max(1_000_000).default(0), 'Items to skip (0-based). Not combinable with `cursor`.');
const limit = query('limit', 'limit', z.number().int().min(1).max(MAX_LIMIT).default(DEFAULT_LIMIT), `Page size, 1 to ${MAX_LIMIT}.`);
const cursor = query(
  'cursor',
  'cursor',
  z.string(),
  'v2: an opaque cursor from `links.next` / `links.prev` of a previous page. Only valid with the same `sort_by`; not combinable with `offset`.',
);
function fields(id: string, names: readonly string[]) {
  return query(
    id,
    'fields',
    z.string(),
    `Sparse fieldset: top-level members to keep, comma separated (unknown names → 400). Known: ${names.map((n) => `\`${n}\``).join(', ')}.`,
    { example: names.slice(0, 3).join(',') },
  );
}
const releaseFields: Record<ApiVersion, z.ZodType> = {
  '1': fields('releaseFieldsV1', RELEASE_FIELDS['1']),
  '2': fields('releaseFieldsV2', RELEASE_FIELDS['2']),
};
const projectFields = fields('projectFields', PROJECT_FIELDS);
const representation = query(
  'representation',
  'representation',
  z.enum(REPRESENTATIONS),
  'The view: `full` (default), `brief` or `extended`. Wins over the vendor media type in `Accept`.',
);

const bool = z.enum(['true', 'false']);
const day = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);
const releaseFilters = [
  query('prerelease', 'prerelease', bool, 'Only prereleases (`true`) or only final releases (`false`).'),
  query('draft', 'draft', bool, 'Only drafts, or only published releases. Drafts are visible with a `read` token only.'),
  query('hidden', 'hidden', bool, 'Only hidden, or only visible releases. Hidden releases are visible with a `read` token only.'),
  query('author', 'author', z.string(), 'GitHub login of the author.', { example: 'octocat' }),
  query('since', 'since', day, 'Published at or after this ISO 8601 date or date-time.', { example: '2026-01-01' }),
  query('until', 'until', day, 'Published before or at this ISO 8601 date or date-time.', { example: '2026-12-31T23:59:59Z' }),
  query('releaseQ', 'q', z.string(), 'Full-text search in tag, name and notes.', { example: 'cold start' }),
  query('tagPrefix', 'tag_prefix', z.string(), 'Only tags starting with this (e.g. a package in a monorepo).', { example: '@acme/ui@' }),
  query('source', 'source', z.enum(releaseSources), '`github` (webhook or backfill) or `manual` (created through the API).'),
];
const projectFilter = query(
  'project',
  'project',
  z.string().regex(/^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+(?:,[A-Za-z0-9-]+\/[A-Za-z0-9._-]+)*$/),
  'Only these projects: `owner/repo`, comma separated.',
  { example: 'acme/rocket,acme/ui' },
);
const projectFilters = [
  query('ownerFilter', 'owner', Owner, 'Only projects of this owner.'),
  query('projectQ', 'q', z.string(), 'Search in the name, full name and description.', { example: 'rocket' }),
];

const ifNoneMatch = param(z.string().optional(), {
  id: 'If-None-Match',
  in: 'header',
  name: 'If-None-Match',
  description: 'ETags you hold: 304 Not Modified when one matches.',
  example: '"c-Qm9vS2V5ZXhhbXBsZTEy"',
});
const ifMatch = param(z.string().optional(), {
  id: 'If-Match',
  in: 'header',
  name: 'If-Match',
  description: 'The ETag you read (or `*`): the write only happens if the resource is unchanged since, else 412. Makes lost updates impossible.',
  example: '"v3-Qm9vS2V5ZXhhbXBsZTEy"',
});
const idempotencyKey = param(z.string().regex(/^[\x21-\x7e]{1,255}$/).optional(), {
  id: 'Idempotency-Key',
  in: 'header',
  name: 'Idempotency-Key',
  description:
    'Makes a POST safe to retry: a retry with the same key and body gets the first response again (with `Idempotent-Replayed: true`); the same key with another body is a 422; while the first is still running, 409. Keys are per caller, kept 24 hours. 1–255 visible ASCII characters; a UUID is a good choice.',
  example: '5f0e6a3c-2f7d-4b7e-9a59-0d0b9c7e4a11',
});
const preferCount = param(z.string().optional(), {
  id: 'Prefer',
  in: 'header',
  name: 'Prefer',
  description: 'v2 lists: `count=exact` adds `meta.total` (and `Preference-Applied: count=exact`).',
  example: 'count=exact',
});

// --- security -------------------------------------------------------------------------------------

const READ_AUTH: oas31.SecurityRequirementObject[] = [{}, { bearer: ['read'] }];
const WRITE_AUTH: oas31.SecurityRequirementObject[] = [{ bearer: ['write'] }];
const ADMIN_AUTH: oas31.SecurityRequirementObject[] = [{ bearer: ['admin'] }];

// --- operations -----------------------------------------------------------------------------------

const TAG_NAMES = { projects: 'Projects', releases: 'Releases', tokens: 'Tokens' } as const;
type Area = keyof typeof TAG_NAMES;

function tagOf(area: Area, v: ApiVersion): string {
  return v === LATEST_VERSION ? `${TAG_NAMES[area]} (v${v})` : `${TAG_NAMES[area]} (v${v}, deprecated)`;
}

interface Ctx {
  v: ApiVersion;
  /** The path prefix, `/api/v1`. */
  base: string;
}

function op(ctx: Ctx, area: Area, name: string, o: Omit<ZodOpenApiOperationObject, 'operationId' | 'tags' | 'deprecated'>): ZodOpenApiOperationObject {
  const deprecated = ctx.v !== LATEST_VERSION;
  return {
    operationId: `v${ctx.v}${name}`,
    tags: [tagOf(area, ctx.v)],
    ...o,
    description: deprecated
      ? `${o.description ?? ''}\n\n**Deprecated:** v1 answers with \`Deprecation\`, \`Sunset\` (${V1_SUNSET}) and \`Link: <…>; rel="successor-version"\` on every response, errors included. Use the same path under /api/v${LATEST_VERSION}.`.trim()
      : o.description,
    ...(deprecated ? { deprecated: true } : {}),
  };
}

const COLLECTION_RULES =
  'Filters are plain query parameters; unknown parameters, fields or values → 400 naming them. Sort with `sort_by`, page with `offset`/`limit`' +
  ' (v2 also `cursor`). v1 answers a JSON array with `Link` (first/prev/next/last) and `X-Total-Count`; v2 answers `{ data, links, meta }`' +
  ' (`meta.total` with `Prefer: count=exact`). The view follows `representation=` or `Accept`.';

function listParams(ctx: Ctx, resource: Resource): z.ZodType[] {
  const v2 = ctx.v === '2';
  return [
    ...(resource === 'release' ? [releaseSortBy] : [projectSortBy]),
    offset,
    limit,
    ...(v2 ? [cursor] : []),
    resource === 'release' ? releaseFields[ctx.v] : projectFields,
    representation,
    ifNoneMatch,
    ...(v2 ? [preferCount] : []),
  ];
}

function listResponses(ctx: Ctx, resource: Resource, description: string): ZodOpenApiResponsesObject {
  return {
    '200': { description, headers: listHeaders(ctx.v), content: negotiatedContent(resource, listViews(resource, ctx.v)) },
    ...notModified,
    ...errors(400, 401, 404, 405, 406, 429, 503),
  };
}

function getResponses(ctx: Ctx, resource: Resource, views: Views, description: string): ZodOpenApiResponsesObject {
  return {
    '200': { description, headers: readHeaders(ctx.v), content: negotiatedContent(resource, views) },
    ...notModified,
    ...errors(400, 401, 404, 405, 406, 429, 503),
  };
}

/** 201: `Location`, and the new resource's `ETag` when it is one you can PUT/PATCH/DELETE conditionally. */
function createdResponse(ctx: Ctx, content: ZodOpenApiContentObject, description: string, etag = true): ZodOpenApiResponseObject {
  return {
    description: `${description} A replay of an earlier request with the same \`Idempotency-Key\` carries \`Idempotent-Replayed: true\`.`,
    headers: { ...baseHeaders(ctx.v), ...headers('Location', ...(etag ? (['ETag'] as const) : []), 'Idempotent-Replayed', 'Cache-Control') },
    content,
  };
}

function writtenResponse(ctx: Ctx, content: ZodOpenApiContentObject, description: string): ZodOpenApiResponseObject {
  return { description, headers: { ...baseHeaders(ctx.v), ...headers('ETag', 'Cache-Control', 'Vary', 'Content-Location') }, content };
}

function deletedResponse(ctx: Ctx, description: string): ZodOpenApiResponseObject {
  return { description, headers: { ...baseHeaders(ctx.v), ...headers('Cache-Control') } };
}

const json = (schema: z.ZodType): ZodOpenApiContentObject => ({ 'application/json': { schema } });

function patchBody(mergePatch: z.ZodType): ZodOpenApiOperationObject['requestBody'] {
  return {
    required: true,
    description: `\`${MERGE_PATCH}\` (RFC 7396) or \`${JSON_PATCH}\` (RFC 6902); any other type is a 415 with \`Accept-Patch\`.`,
    content: { [MERGE_PATCH]: { schema: mergePatch }, [JSON_PATCH]: { schema: JsonPatch } },
  };
}

function jsonBody(schema: z.ZodType, description?: string): ZodOpenApiOperationObject['requestBody'] {
  return { required: true, ...(description ? { description } : {}), content: { 'application/json': { schema } } };
}

const WRITE_ERRORS = [400, 401, 403, 404, 405, 406, 413, 415, 422, 429, 503] as const;
const CONDITIONAL_WRITE_ERRORS = [...WRITE_ERRORS, 409, 412, 428] as const;

function projectPaths(ctx: Ctx): ZodOpenApiPathsObject {
  const item = [ownerPath, repoPath];
  return {
    [`${ctx.base}/projects`]: {
      get: op(ctx, 'projects', 'ListProjects', {
        summary: 'List projects',
        description: `All projects, with filters \`owner\` and \`q\`. ${COLLECTION_RULES}`,
        security: READ_AUTH,
        parameters: [...listParams(ctx, 'project'), ...projectFilters],
        responses: listResponses(ctx, 'project', 'A page of projects.'),
      }),
      post: op(ctx, 'projects', 'CreateProject', {
        summary: 'Create a project',
        description: 'Registers a GitHub repository. Needs a `write` token. `webhookSecret` is write-only.',
        security: WRITE_AUTH,
        parameters: [idempotencyKey],
        requestBody: jsonBody(ProjectCreate),
        responses: { '201': createdResponse(ctx, writtenContent('project', PROJECT_VIEWS), 'Created; `Location` is the new project.'), ...errors(...WRITE_ERRORS, 409) },
      }),
    },
    [`${ctx.base}/projects/{owner}/{repo}`]: {
      get: op(ctx, 'projects', 'GetProject', {
        summary: 'Get a project',
        description: 'One project, in the view `representation=` or `Accept` asks for (`extended` adds the 10 newest releases).',
        security: READ_AUTH,
        parameters: [...item, representation, ifNoneMatch],
        responses: getResponses(ctx, 'project', PROJECT_VIEWS, 'The project.'),
      }),
      put: op(ctx, 'projects', 'ReplaceProject', {
        summary: 'Replace a project',
        description: 'Replaces every writable field (`webhookSecret`, write-only, stays as it is when left out). Changing `owner` or `repo` moves the project (`Content-Location`). Honours `If-Match`.',
        security: WRITE_AUTH,
        parameters: [...item, ifMatch],
        requestBody: jsonBody(ProjectPut),
        responses: { '200': writtenResponse(ctx, writtenContent('project', PROJECT_VIEWS), 'The project as it is now.'), ...errors(...CONDITIONAL_WRITE_ERRORS) },
      }),
      patch: op(ctx, 'projects', 'UpdateProject', {
        summary: 'Update a project',
        description: 'Changes part of the project with a merge patch or a JSON Patch of the PUT document. Honours `If-Match`.',
        security: WRITE_AUTH,
        parameters: [...item, ifMatch],
        requestBody: patchBody(ProjectMergePatch),
        responses: { '200': writtenResponse(ctx, writtenContent('project', PROJECT_VIEWS), 'The project as it is now.'), ...errors(...CONDITIONAL_WRITE_ERRORS) },
      }),
      delete: op(ctx, 'projects', 'DeleteProject', {
        summary: 'Delete a project',
        description: 'Deletes the project and its releases. Honours `If-Match`. Deleting what is gone is a 404.',
        security: WRITE_AUTH,
        parameters: [...item, ifMatch],
        responses: { '204': deletedResponse(ctx, 'Deleted.'), ...errors(400, 401, 403, 404, 405, 409, 412, 428, 429, 503) },
      }),
    },
  };
}

const REACTIONS_RULE =
  'A trailing raw `/reactions` segment always means this sub-resource; a release whose tag itself ends in `/reactions` must be addressed with its slashes percent-encoded (`…/releases/feat%2Freactions`).';

function releasePaths(ctx: Ctx): ZodOpenApiPathsObject {
  const project = [ownerPath, repoPath];
  const release = [...project, tagPath];
  const views = RELEASE_VIEWS[ctx.v];
  const put = ctx.v === '1' ? ReleasePutV1 : ReleasePutV2;
  const create = ctx.v === '1' ? ReleaseCreateV1 : ReleaseCreateV2;
  const mergePatch = ctx.v === '1' ? ReleaseMergePatchV1 : ReleaseMergePatchV2;
  const readVisibility = 'Drafts and hidden releases are only visible with a `read` token.';
  return {
    [`${ctx.base}/projects/{owner}/{repo}/releases`]: {
      get: op(ctx, 'releases', 'ListProjectReleases', {
        summary: "List a project's releases",
        description: `The project's releases, newest first. ${readVisibility} ${COLLECTION_RULES}`,
        security: READ_AUTH,
        parameters: [...project, ...listParams(ctx, 'release'), ...releaseFilters],
        responses: listResponses(ctx, 'release', 'A page of releases.'),
      }),
      post: op(ctx, 'releases', 'CreateRelease', {
        summary: 'Create a release',
        description: 'Only `tag` is required; the rest defaults (published now, not a draft, not hidden, no prerelease). A tag that exists is a 409.',
        security: WRITE_AUTH,
        parameters: [...project, idempotencyKey],
        requestBody: jsonBody(create),
        responses: { '201': createdResponse(ctx, writtenContent('release', views), 'Created; `Location` is the new release (tag percent-encoded).'), ...errors(...WRITE_ERRORS, 409) },
      }),
      patch: op(ctx, 'releases', 'BulkUpdateReleases', {
        summary: 'Change every matching release',
        description:
          "Bulk change: the merge patch (`hidden` and/or `prerelease`) applies to every release of the project that matches the query filters (the same filters as the list; none → every release). Answers how many matched and how many actually changed.",
        security: WRITE_AUTH,
        parameters: [...project, ...releaseFilters],
        requestBody: {
          required: true,
          description: `Only \`${MERGE_PATCH}\`; any other type is a 415 with \`Accept-Patch\`.`,
          content: { [MERGE_PATCH]: { schema: ReleaseBulkChange } },
        },
        responses: {
          '200': { description: 'Applied.', headers: { ...baseHeaders(ctx.v), ...headers('ETag', 'Cache-Control', 'Vary') }, content: json(BulkResult) },
          ...errors(...WRITE_ERRORS),
        },
      }),
    },
    [`${ctx.base}/projects/{owner}/{repo}/releases/latest`]: {
      get: op(ctx, 'releases', 'GetLatestRelease', {
        summary: 'Redirect to the latest release',
        description: 'A 307 to the newest published release that is not a prerelease (nor a draft, nor hidden), keeping the query string (`?representation=brief` carries over). 404 when there is none.',
        parameters: project,
        responses: {
          '307': { description: 'Temporary redirect; `Location` is the latest release.', headers: { ...baseHeaders(ctx.v), ...headers('Location', 'Cache-Control') } },
          ...errors(400, 404, 405, 429, 503),
        },
      }),
    },
    [`${ctx.base}/projects/{owner}/{repo}/releases/{tag}`]: {
      get: op(ctx, 'releases', 'GetRelease', {
        summary: 'Get a release',
        description: `One release, in the view \`representation=\` or \`Accept\` asks for (\`extended\` adds the project, rendered HTML and the neighbouring releases). ${readVisibility}`,
        security: READ_AUTH,
        parameters: [...release, representation, releaseFields[ctx.v], ifNoneMatch],
        responses: getResponses(ctx, 'release', views, 'The release.'),
      }),
      put: op(ctx, 'releases', 'ReplaceRelease', {
        summary: 'Replace a release',
        description: 'Replaces every writable field. A new `tag` moves the release (`Content-Location`). A draft has no `publishedAt`. Honours `If-Match`.',
        security: WRITE_AUTH,
        parameters: [...release, ifMatch],
        requestBody: jsonBody(put),
        responses: { '200': writtenResponse(ctx, writtenContent('release', views), 'The release as it is now.'), ...errors(...CONDITIONAL_WRITE_ERRORS) },
      }),
      patch: op(ctx, 'releases', 'UpdateRelease', {
        summary: 'Update a release',
        description: 'Changes part of the release with a merge patch or a JSON Patch of the PUT document. Honours `If-Match`.',
        security: WRITE_AUTH,
        parameters: [...release, ifMatch],
        requestBody: patchBody(mergePatch),
        responses: { '200': writtenResponse(ctx, writtenContent('release', views), 'The release as it is now.'), ...errors(...CONDITIONAL_WRITE_ERRORS) },
      }),
      delete: op(ctx, 'releases', 'DeleteRelease', {
        summary: 'Delete a release',
        description: 'Honours `If-Match`. Deleting what is gone is a 404.',
        security: WRITE_AUTH,
        parameters: [...release, ifMatch],
        responses: { '204': deletedResponse(ctx, 'Deleted.'), ...errors(400, 401, 403, 404, 405, 409, 412, 428, 429, 503) },
      }),
    },
    [`${ctx.base}/projects/{owner}/{repo}/releases/{tag}/reactions`]: {
      description: REACTIONS_RULE,
      get: op(ctx, 'releases', 'GetReactions', {
        summary: "A release's reaction counts",
        description: `Counts per reaction and in total. ${REACTIONS_RULE}`,
        security: READ_AUTH,
        parameters: [...release, ifNoneMatch],
        responses: {
          '200': { description: 'The counts.', headers: readHeaders(ctx.v), content: json(Reactions) },
          ...notModified,
          ...errors(400, 401, 404, 405, 406, 429, 503),
        },
      }),
      post: op(ctx, 'releases', 'AddReaction', {
        summary: 'React to a release',
        description: `Adds one reaction to a published release and answers the release's reaction counts. Not idempotent: send an \`Idempotency-Key\` to retry safely. ${REACTIONS_RULE}`,
        security: WRITE_AUTH,
        parameters: [...release, idempotencyKey],
        requestBody: jsonBody(ReactionInput),
        responses: { '201': createdResponse(ctx, json(ReactionAdded), 'Counted; `Location` is the reactions resource.', false), ...errors(...WRITE_ERRORS, 409) },
      }),
    },
    [`${ctx.base}/releases`]: {
      get: op(ctx, 'releases', 'ListReleases', {
        summary: 'List releases across projects',
        description: `Releases of every project (or of those named in \`project\`), newest first. ${readVisibility} ${COLLECTION_RULES}`,
        security: READ_AUTH,
        parameters: [...listParams(ctx, 'release'), ...releaseFilters, projectFilter],
        responses: listResponses(ctx, 'release', 'A page of releases.'),
      }),
    },
  };
}

function tokenPaths(ctx: Ctx): ZodOpenApiPathsObject {
  return {
    [`${ctx.base}/tokens`]: {
      get: op(ctx, 'tokens', 'ListTokens', {
        summary: 'List API tokens',
        description: 'Every token, newest first, without secrets (only their `prefix`): a plain JSON array in both versions, not paged. Needs an `admin` token. Never cached (`no-store`).',
        security: ADMIN_AUTH,
        parameters: [ifNoneMatch],
        responses: {
          '200': { description: 'The tokens.', headers: readHeaders(ctx.v), content: json(z.array(Token)) },
          ...notModified,
          ...errors(400, 401, 403, 405, 406, 429, 503),
        },
      }),
      post: op(ctx, 'tokens', 'CreateToken', {
        summary: 'Create an API token',
        description: `Issues a token with the given scopes (${tokenScopes.map((s) => `\`${s}\``).join(', ')}; admin implies write implies read). The secret is in the response once and never again: only its hash is stored. Needs an \`admin\` token.`,
        security: ADMIN_AUTH,
        parameters: [idempotencyKey],
        requestBody: jsonBody(TokenCreate),
        responses: { '201': createdResponse(ctx, json(TokenCreated), 'Created; `Location` is the token. Store `token` now: it is not shown again.', false), ...errors(400, 401, 403, 405, 409, 413, 415, 422, 429, 503) },
      }),
    },
    [`${ctx.base}/tokens/{id}`]: {
      delete: op(ctx, 'tokens', 'RevokeToken', {
        summary: 'Revoke an API token',
        description: 'The token stops working at once. Needs an `admin` token.',
        security: ADMIN_AUTH,
        parameters: [tokenIdPath],
        responses: { '204': deletedResponse(ctx, 'Revoked.'), ...errors(400, 401, 403, 404, 405, 429, 503) },
      }),
    },
  };
}

function servicePaths(): ZodOpenApiPathsObject {
  const requestId = headers('X-Request-Id');
  const health: ZodOpenApiPathItemObject = {
    get: {
      operationId: 'getHealth',
      tags: ['Service'],
      summary: 'Health check',
      description: 'Whether the server and its database answer. Never cached. Unversioned.',
      responses: {
        '200': { description: 'Healthy.', headers: { ...requestId, ...headers('Cache-Control') }, content: { 'application/json': { schema: Health } } },
        '503': { $ref: `#/components/responses/${ERRORS[503][0]}` },
      },
    },
  };
  const revalidate: ZodOpenApiPathItemObject = {
    post: {
      operationId: 'revalidatePages',
      tags: ['Service'],
      summary: 'Regenerate static pages',
      description: 'Regenerates the named site pages now (Next.js on-demand revalidation). Needs an `admin` token. Unversioned.',
      security: ADMIN_AUTH,
      requestBody: jsonBody(RevalidateRequest),
      responses: {
        '200': { description: 'Every page was regenerated.', headers: requestId, content: { 'application/json': { schema: RevalidateResult } } },
        '207': { description: 'Some pages could not be regenerated (`failed`).', headers: requestId, content: { 'application/json': { schema: RevalidateResult } } },
        ...errors(400, 401, 403, 405, 413, 415, 422),
      },
    },
  };
  const openapi: ZodOpenApiPathItemObject = {
    get: {
      operationId: 'getOpenApi',
      tags: ['Service'],
      summary: 'This OpenAPI document',
      description: 'The OpenAPI 3.1 description of the API (what /docs/api renders). Readable from any origin. Unversioned.',
      parameters: [ifNoneMatch],
      responses: {
        '200': {
          description: 'The document.',
          headers: { ...requestId, ...headers('ETag', 'Cache-Control', 'Vary', 'Access-Control-Allow-Origin') },
          content: { 'application/json': { schema: { type: 'object', description: 'An OpenAPI 3.1 document.' } } },
        },
        ...notModified,
      },
    },
  };
  return { '/api/health': health, '/api/revalidate': revalidate, '/api/openapi.json': openapi };
}

// --- the document ---------------------------------------------------------------------------------

const DESCRIPTION = `
Shiplog's REST API: projects, their releases and API tokens. Reads are public; writes need a bearer token.

## Versions
Two versions are live: **v2** (\`/api/v2/...\`) and **v1** (\`/api/v1/...\`, deprecated: every v1 response carries \`Deprecation\`,
\`Sunset: ${V1_SUNSET}\` and \`Link: <…>; rel="successor-version"\`). Every versioned response carries \`API-Version\`.
Unversioned \`/api/projects/...\`, \`/api/releases\` and \`/api/tokens/...\` are answered by the version named in the \`API-Version\`
(or \`version\`) request header or by \`Accept: application/vnd.shiplog.vN+json\`, else the latest; an unknown version is a 400.
v2 differs from v1 in release notes (\`notes: { markdown, html }\` instead of \`body\`) and in lists (an envelope with cursors).

## Methods
GET reads; HEAD and OPTIONS work wherever GET does; an unsupported method is a 405 with \`Allow\`.
POST creates (201, \`Location\`, the new representation) and honours \`Idempotency-Key\` (a retry replays the first response with
\`Idempotent-Replayed: true\`; the same key with another body is a 422; while the first runs, 409).
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

## Caching and concurrency
Every GET has a strong \`ETag\` (distinct per representation): \`If-None-Match\` gives 304. Public reads are
\`Cache-Control: ${PUBLIC_CACHE}\`; authenticated and admin reads \`no-store\`. PUT, PATCH and DELETE honour \`If-Match\`: a
mismatch is a 412, so lost updates are impossible.

## Errors
Every error is \`${PROBLEM_JSON}\` (RFC 9457): \`type\`, \`title\`, \`status\`, \`detail\`, \`instance\`, \`requestId\` and, for
validation, \`errors: [{ pointer | parameter | header, detail }]\`. Statuses: 400, 401 (with \`WWW-Authenticate\`), 403, 404, 405,
406, 409, 412, 413, 415, 422, 428, 429 (with \`Retry-After\`) and 503. Every response carries \`X-Request-Id\`.

## Auth and limits
Reads of public data need nothing; a token with the \`read\` scope also sees drafts and hidden releases. Writes need
\`Authorization: Bearer <token>\` with the \`write\` scope; tokens and other admin endpoints need \`admin\` (admin ⊃ write ⊃ read).
Bootstrap with \`SHIPLOG_ADMIN_TOKEN\`. Public reads allow any CORS origin; writes only the configured ones.
Requests are rate limited per token or client address, separately for reads and writes (\`RateLimit\`, \`RateLimit-Policy\`);
past the limit, 429 with \`Retry-After\`.
`.trim();

function buildDocument(): oas31.OpenAPIObject {
  const paths: ZodOpenApiPathsObject = {};
  const tags: oas31.TagObject[] = [];
  for (const v of [...VERSIONS].sort((a, b) => Number(b) - Number(a))) {
    const deprecated = v !== LATEST_VERSION ? ' Deprecated: use v' + LATEST_VERSION + '.' : '';
    tags.push(
      { name: tagOf('projects', v), description: `GitHub repositories whose releases Shiplog publishes.${deprecated}` },
      { name: tagOf('releases', v), description: `Releases of a project, and across projects.${deprecated}` },
      { name: tagOf('tokens', v), description: `API tokens (admin).${deprecated}` },
    );
  }
  tags.push({ name: 'Service', description: 'Unversioned infrastructure endpoints.' });
  for (const v of VERSIONS) {
    const ctx: Ctx = { v, base: `/api/v${v}` };
    Object.assign(paths, projectPaths(ctx), releasePaths(ctx), tokenPaths(ctx));
  }
  Object.assign(paths, servicePaths());

  return createDocument(
    {
      openapi: '3.1.0',
      info: {
        title: 'Shiplog API',
        version: process.env.SHIPLOG_VERSION ?? '0.0.0-dev',
        description: DESCRIPTION,
        license: { name: 'MIT', identifier: 'MIT' },
      },
      tags,
      paths,
      components: {
        securitySchemes: {
          bearer: {
            type: 'http',
            scheme: 'bearer',
            description:
              'An API token (`shp_…`) or `SHIPLOG_ADMIN_TOKEN`. Scopes: `read` (also see drafts and hidden releases), `write` (create, change, delete), `admin` (tokens, revalidation); each implies the ones before it.',
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

let memo: oas31.OpenAPIObject | undefined;

/** The OpenAPI 3.1 document (built once per process). */
export function openApiDocument(): oas31.OpenAPIObject {
  return (memo ??= buildDocument());
}
