import { levelListParam } from '../packages/params';
import { ensureAllDerived, ensureDerived } from './derive';
import { SearchText, SEARCH_MAX, RELEASE_Q_DESCRIPTION } from '../search';
import { queryObject } from '../http/validate';
import type { NextApiRequest } from 'next';
import { z } from 'zod';
import type { Principal } from '../auth/principal';
import { hasScope } from '../auth/tokens';
import { getDb, type Executor } from '../db';
import { releaseSources } from '../db/schema';
import { write } from '../db/write';
import type { ApiVersion } from '../http/api-versions';
import { cachedCount, cachedResponse, wantsFresh } from '../http/cache';
import { boolParam, dateParam, parseCollectionQuery, parseSingleQuery, pickFields, untilParam, type CollectionSpec } from '../http/collection';
import { checkIfMatchFirst, collectionEtag, expectedVersion, PUBLIC_CACHE, resourceEtag, type Prepared } from '../http/conditional';
import { ApiError } from '../http/errors';
import { preparedPage, prefersExactCount } from '../http/list-page';
import { negotiate, requireJsonAccept, sparseType, withoutExtended, type Negotiated, type Representation } from '../http/negotiate';
import { defineOperation, type Operation, type PreconditionContext } from '../http/operation';
import { ACCEPT_PATCH, JSON_PATCH, MERGE_PATCH, readPatch, type Patch } from '../http/patch';
import { cacheKey, readContext, type ReadContext } from '../http/resource';
import { JsonPatch } from '../http/schemas';
import { parseQuery, validateBody } from '../http/validate';
import {
  cursorParam,
  dayValue,
  fieldsParam,
  ifMatchHeader,
  limitParam,
  offsetParam,
  ownerParam,
  preferCountHeader,
  projectsQueryParam,
  queryParam,
  repoParam,
  representationParam,
  sortByParam,
} from '../api/parameters';
import { viewSchemas } from '../openapi/views';
import { projectBrief } from '../projects/present';
import { findProject, requireProject } from '../projects/repo';
import { exportChangelog, EXPORT_TYPES } from './export';
import { reactionsOf, releaseBrief, releaseExtended, releaseFull, releasePath, toReleaseWrite, writableDocument } from './present';
import { addReaction, defaultReleaseSort, findRelease, listReleases, neighboursOf, RELEASE_SORT_KEYS, type ReleaseFilters, type ReleaseRecord, type ReleaseSortKey } from './repo';
import {
  BulkResult,
  ReactionAdded,
  ReactionInput,
  Reactions,
  RELEASE_FIELDS,
  RELEASE_V2_UNKNOWN_HINTS,
  ReleaseBulkChange,
  ReleaseCreateV1,
  ReleaseCreateV2,
  releaseFieldsFor,
  ReleaseMergePatchV1,
  ReleaseMergePatchV2,
  ReleasePutV1,
  ReleasePutV2,
} from './schema';
import * as service from './service';
import { RELEASE_LIST_VIEWS, RELEASE_VIEWS } from './views';

/**
 * The release operations (v1 and v2): lists (a project's, and across projects), one release, the
 * latest, create, replace, update, delete, the bulk change, reactions and the changelog export. Each
 * is defined once (lib/http/operation.ts), per version where its body or views differ; the route
 * files under pages/api/[version]/… mount them and the OpenAPI document is made from them.
 */

// --- query ---------------------------------------------------------------------------------------

const projectList = z.string().transform((v, ctx) => {
  const out: { owner: string; repo: string }[] = [];
  for (const part of v
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const m = /^([A-Za-z0-9-]+)\/([A-Za-z0-9._-]+)$/.exec(part);
    if (!m) ctx.addIssue({ code: 'custom', message: `"${part}" is not owner/repo` });
    else out.push({ owner: m[1]!, repo: m[2]! });
  }
  if (!out.length) ctx.addIssue({ code: 'custom', message: 'names no project' });
  return out;
});

/** The filters lists and the bulk change take (parsed by the collection parser: strings → typed values). */
function filterSchema({ acrossProjects }: { acrossProjects: boolean }) {
  return z.object({
    prerelease: boolParam.optional(),
    draft: boolParam.optional(),
    hidden: boolParam.optional(),
    author: z.string().min(1).max(100).optional(),
    since: dateParam.optional(),
    until: untilParam.optional(),
    q: SearchText.optional(),
    tag_prefix: z.string().min(1).max(255).optional(),
    source: z.enum(releaseSources, { error: `must be one of ${releaseSources.join(', ')}` }).optional(),
    package: z.string().min(1).max(200).optional(),
    level: levelListParam.optional(),
    breaking: boolParam.optional(),
    ...(acrossProjects ? { project: projectList.optional() } : {}),
  });
}
const BULK_FILTERS = filterSchema({ acrossProjects: false }).strict();

const specs = new Map<string, CollectionSpec<ReleaseSortKey>>();
/** `searching`: the query has `q`, so the default sort is by relevance and items may carry `search`. */
function listSpec(version: ApiVersion, acrossProjects: boolean, representation: Representation, searching: boolean): CollectionSpec<ReleaseSortKey> {
  const key = `${version}:${acrossProjects}:${representation}:${searching}`;
  let spec = specs.get(key);
  if (!spec) {
    spec = {
      filters: filterSchema({ acrossProjects }),
      sortKeys: RELEASE_SORT_KEYS,
      defaultSort: defaultReleaseSort({ q: searching ? 'q' : undefined }),
      fields: [...releaseFieldsFor(version, representation), 'search'],
      cursor: version === '2',
    };
    specs.set(key, spec);
  }
  return spec;
}

// --- parameters, as the document shows them ---------------------------------------------------------

const bool = z.enum(['true', 'false']);
/** The filters, documented (the collection parser validates them: `validateQuery: false`). */
const filterParams = {
  prerelease: queryParam('prerelease', 'prerelease', bool, 'Only prereleases (`true`) or only final releases (`false`).'),
  draft: queryParam('draft', 'draft', bool, 'Only drafts, or only published releases. Drafts are visible with a `read` token only.'),
  hidden: queryParam('hidden', 'hidden', bool, 'Only hidden, or only visible releases. Hidden releases are visible with a `read` token only.'),
  author: queryParam('author', 'author', z.string(), 'GitHub login of the author.', { example: 'octocat' }),
  since: queryParam('since', 'since', dayValue, 'Published at or after this ISO 8601 date or date-time.', { example: '2026-01-01' }),
  until: queryParam('until', 'until', dayValue, 'Published before or at this ISO 8601 date or date-time.', { example: '2026-12-31T23:59:59Z' }),
  q: queryParam('releaseQ', 'q', z.string().min(1).max(SEARCH_MAX), RELEASE_Q_DESCRIPTION, { example: 'cold start' }),
  tag_prefix: queryParam('tagPrefix', 'tag_prefix', z.string(), 'Only tags starting with this (e.g. a package in a monorepo).', { example: '@acme/ui@' }),
  source: queryParam('source', 'source', z.enum(releaseSources), '`github` (webhook or backfill) or `manual` (created through the API).'),
  package: queryParam(
    'releasePackage',
    'package',
    z.string(),
    'Only this package (the package the tags name: `@acme/icons` in `@acme/icons@1.7.0`; see `/projects/{owner}/{repo}/packages`).',
    {
      example: '@acme/icons',
    },
  ),
  level: queryParam(
    'releaseLevel',
    'level',
    z.string(),
    'Only these levels, comma separated: `major`, `minor`, `patch` (relative to the previous stable release of the same package in semver order), `prerelease`, `other` (tags that are not semver).',
    { example: 'major,minor' },
  ),
  breaking: queryParam(
    'releaseBreaking',
    'breaking',
    bool,
    '`true`: only releases with breaking changes (`feat!:`, `BREAKING CHANGE`, a "Breaking changes" section); `false`: none of them.',
  ),
};
const releaseSortBy = sortByParam('releaseSortBy', RELEASE_SORT_KEYS, 'publishedAt.desc`; with `q`: `relevance.desc,publishedAt.desc` (`relevance` needs `q`');
const releaseFields: Record<ApiVersion, ReturnType<typeof fieldsParam>> = {
  '1': fieldsParam('releaseFieldsV1', RELEASE_FIELDS['1']),
  '2': fieldsParam('releaseFieldsV2', RELEASE_FIELDS['2']),
};
const representation = representationParam;

/** Tags may hold `/` (a catch-all route): any non-empty value; one that names no release is a 404. */
const tagParam = z
  .string()
  .min(1)
  .max(255)
  .meta({
    param: {
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
    },
  });

const projectPath = z.object({ owner: ownerParam, repo: repoParam });
const releasePathParams = z.object({ owner: ownerParam, repo: repoParam, tag: tagParam });
type ReleaseParams = z.output<typeof releasePathParams>;

const VERSIONS = ['1', '2'] as const satisfies readonly ApiVersion[];
const READ_VISIBILITY = 'Drafts and hidden releases are only visible with a `read` token.';
const COLLECTION_RULES =
  'Filters are plain query parameters; unknown parameters, fields or values → 400 naming them. Sort with `sort_by`, page with `offset`/`limit`' +
  ' (v2 also `cursor`). v1 answers a JSON array with `Link` (first/prev/next/last) and `X-Total-Count`; v2 answers `{ data, links, meta }`' +
  ' (`meta.total` with `Prefer: count=exact`). The view follows `representation=` or `Accept`.';
const REACTIONS_RULE =
  'A trailing raw `/reactions` segment always means this sub-resource; a release whose tag itself ends in `/reactions` must be addressed with its slashes percent-encoded (`…/releases/feat%2Freactions`).';

// --- representation ------------------------------------------------------------------------------

async function represent(db: Executor, records: ReleaseRecord[], ctx: Pick<ReadContext, 'version' | 'seeAll' | 'rep'>, fields?: string[]) {
  const { version, rep } = ctx;
  const neighbours = rep.representation === 'extended' ? await neighboursOf(db, records, { seeAll: ctx.seeAll }) : undefined;
  return records.map((r) => {
    const item =
      rep.representation === 'brief'
        ? releaseBrief(r)
        : rep.representation === 'extended'
          ? releaseExtended(r, version, { project: projectBrief({ id: r.projectId, owner: r.owner, repo: r.repo, name: r.projectName }), ...neighbours?.get(r.id) })
          : releaseFull(r, version);
    return pickFields(r.search ? { ...item, search: r.search } : (item as Record<string, unknown>), fields);
  });
}

// --- reads ---------------------------------------------------------------------------------------

/** The page a list request asks for, prepared once (and cached) for every reader like it. */
async function listPage(req: NextApiRequest, principal: Principal | undefined, project: { owner: string; repo: string } | undefined): Promise<Prepared> {
  const ctx = await readContext(req, 'release', { principal });
  const q = parseCollectionQuery<ReleaseSortKey, ReleaseFilters>(req, listSpec(ctx.version, !project, ctx.rep.representation, 'q' in queryObject(req)));
  if (!q.filters.q && q.sort.some((s) => s.key === 'relevance')) {
    throw ApiError.badRequest('Invalid query: sort_by: relevance needs q (a search).', [{ parameter: 'sort_by', detail: 'relevance sorts search results: give q too' }]);
  }
  const count = ctx.version === '1' || prefersExactCount(req);
  return cachedResponse(req, cacheKey(req, ctx, count ? 'count' : ''), async (): Promise<Prepared> => {
    const db = await getDb();
    const scope = project ? await requireProject(db, project.owner, project.repo) : undefined;
    // Filters and order on package, version and level need them derived (rows from before they existed).
    const byVersion = q.filters.package !== undefined || q.filters.level !== undefined || q.filters.breaking !== undefined || q.sort.some((s) => s.key === 'version');
    if (byVersion) await (scope ? ensureDerived(scope.id) : ensureAllDerived());
    const page = await listReleases(db, {
      projectId: scope?.id,
      filters: q.filters,
      seeAll: ctx.seeAll,
      sort: q.sort,
      offset: q.offset,
      limit: q.limit,
      cursor: q.cursor,
      count,
      countCache: (key, produce) => cachedCount(key, produce, wantsFresh(req)),
    });
    const items = await represent(db, page.items, ctx, q.fields);
    const contentType = q.fields ? sparseType('release') : ctx.rep.contentType;
    return preparedPage(req, ctx.version, page, items, q, { counted: count, contentType, cacheControl: ctx.cacheControl });
  });
}

function listQuery(v: ApiVersion, acrossProjects: boolean) {
  return z.object({
    sort_by: releaseSortBy,
    offset: offsetParam,
    limit: limitParam,
    ...(v === '2' ? { cursor: cursorParam } : {}),
    fields: releaseFields[v],
    representation,
    ...filterParams,
    ...(acrossProjects ? { project: projectsQueryParam } : {}),
  });
}

function listResponses(v: ApiVersion) {
  return {
    200: {
      description: 'A page of releases.',
      content: viewSchemas('release', RELEASE_LIST_VIEWS[v]),
      headers: v === '1' ? (['Link', 'X-Total-Count'] as const) : (['Link', 'Preference-Applied'] as const),
    },
  };
}

const listHeaders = (v: ApiVersion) => (v === '2' ? z.object({ Prefer: preferCountHeader }) : undefined);

/** GET /projects/{owner}/{repo}/releases */
const listProjectReleases = VERSIONS.map((v) =>
  defineOperation({
    operationId: 'ListProjectReleases',
    method: 'GET',
    path: '/projects/{owner}/{repo}/releases',
    versions: [v],
    area: 'releases',
    summary: "List a project's releases",
    description: `The project's releases, newest first. ${READ_VISIBILITY} ${COLLECTION_RULES}`,
    scope: 'read-optional',
    params: projectPath,
    query: listQuery(v, false),
    validateQuery: false,
    headers: listHeaders(v),
    responses: listResponses(v),
    errors: [406, 503],
  }).handle(async ({ req, principal, params }) => ({ status: 200, prepared: await listPage(req, principal, params) })),
);

/** GET /releases — across projects (`project=owner/repo,…`). */
const listAllReleases = VERSIONS.map((v) =>
  defineOperation({
    operationId: 'ListReleases',
    method: 'GET',
    path: '/releases',
    versions: [v],
    area: 'releases',
    summary: 'List releases across projects',
    description: `Releases of every project (or of those named in \`project\`), newest first. ${READ_VISIBILITY} ${COLLECTION_RULES}`,
    scope: 'read-optional',
    query: listQuery(v, true),
    validateQuery: false,
    headers: listHeaders(v),
    responses: listResponses(v),
    errors: [406, 503],
  }).handle(async ({ req, principal }) => ({ status: 200, prepared: await listPage(req, principal, undefined) })),
);

function notFound(project: { owner: string; repo: string }, tag: string, what = 'release'): ApiError {
  return ApiError.notFound(`Project ${project.owner}/${project.repo} has no ${what} tagged "${tag}".`);
}

/** GET /projects/{owner}/{repo}/releases/{tag} */
const getRelease = VERSIONS.map((v) =>
  defineOperation({
    operationId: 'GetRelease',
    method: 'GET',
    path: '/projects/{owner}/{repo}/releases/{tag}',
    versions: [v],
    area: 'releases',
    summary: 'Get a release',
    description: `One release, in the view \`representation=\` or \`Accept\` asks for (\`extended\` adds the project, rendered HTML and the neighbouring releases). ${READ_VISIBILITY}`,
    scope: 'read-optional',
    params: releasePathParams,
    query: z.object({ representation, fields: releaseFields[v] }),
    responses: { 200: { description: 'The release.', content: viewSchemas('release', RELEASE_VIEWS[v]) } },
    errors: [406, 503],
  }).handle(async ({ req, principal, params }) => {
    const ctx = await readContext(req, 'release', { principal });
    const fields = parseSingleQuery(req, releaseFieldsFor(ctx.version, ctx.rep.representation));
    const prepared = await cachedResponse(req, cacheKey(req, ctx), async (): Promise<Prepared> => {
      const db = await getDb();
      const project = await requireProject(db, params.owner, params.repo);
      const release = await findRelease(db, project.id, params.tag, { seeAll: ctx.seeAll });
      if (!release) throw notFound(project, params.tag);
      const [item] = await represent(db, [release], ctx, fields);
      const json = JSON.stringify(item);
      const contentType = fields ? sparseType('release') : ctx.rep.contentType;
      return {
        status: 200,
        json,
        etag: resourceEtag({ kind: 'rel', id: release.id, version: release.version }, json),
        contentType,
        cacheControl: ctx.cacheControl,
        headers: { Vary: 'Accept, Authorization' },
      };
    });
    return { status: 200, prepared };
  }),
);

/** GET /projects/{owner}/{repo}/releases/latest → 307 to the newest published, non-prerelease release. */
const getLatestRelease = defineOperation({
  operationId: 'GetLatestRelease',
  method: 'GET',
  path: '/projects/{owner}/{repo}/releases/latest',
  versions: ['1', '2'],
  area: 'releases',
  summary: 'Redirect to the latest release',
  description:
    'A 307 to the newest published release that is not a prerelease (nor a draft, nor hidden), keeping the query string (`?representation=brief` carries over; the release checks it). 404 when there is none.',
  scope: 'public',
  params: projectPath,
  // Carried over to the release, which validates the values; anything else is a 400 here already.
  query: z.object({ representation, fields: z.string().optional().meta({ description: 'A sparse fieldset for the release (see Get a release).' }) }),
  // A redirect: nothing to revalidate.
  conditional: false,
  responses: { 307: { description: 'Temporary redirect; `Location` is the latest release.', headers: ['Location', 'Cache-Control'] } },
  errors: [503],
}).handle(async ({ req, params, base }) => {
  const project = await requireProject(await getDb(), params.owner, params.repo);
  // The project already carries its newest public, non-prerelease release (the same rule as the site).
  const latest = project.latest;
  if (!latest) throw ApiError.notFound(`Project ${project.owner}/${project.repo} has no published release yet.`);
  const url = req.url ?? '';
  const search = url.includes('?') ? `?${url.split('?')[1]}` : '';
  return { status: 307, headers: { Location: `${releasePath(base, project.owner, project.repo, latest.tag)}${search}` }, cacheControl: PUBLIC_CACHE };
});

// --- writes --------------------------------------------------------------------------------------

/** Where a release's notes are in a write body: `/body` (v1), `/notes/markdown` (v2). */
const notesPointer = (version: ApiVersion) => (version === '1' ? '/body' : '/notes/markdown');

/** v2 writes explain a v1 member (`body`) instead of calling it unknown. */
const writeHints = (version: ApiVersion) => (version === '1' ? undefined : RELEASE_V2_UNKNOWN_HINTS);

/** The view a write answers with: negotiated before the write, so a 406 or 400 never follows a committed change. */
function writeView(req: NextApiRequest): Negotiated {
  return withoutExtended(req, 'release', negotiate(req, 'release'));
}

function present(release: ReleaseRecord, rep: Negotiated, version: ApiVersion) {
  return rep.representation === 'brief' ? releaseBrief(release) : releaseFull(release, version);
}

/** A write's 200: the release as it is now, its ETag, and its new URL when the tag changed. */
function written(rep: Negotiated, version: ApiVersion, before: ReleaseRecord, after: ReleaseRecord) {
  return {
    status: 200 as const,
    body: present(after, rep, version),
    contentType: rep.contentType,
    etag: (json: string) => resourceEtag({ kind: 'rel', id: after.id, version: after.version }, json),
    headers: {
      Vary: 'Accept',
      ...(before.tag !== after.tag ? { 'Content-Location': releasePath(`/api/v${version}`, after.owner, after.repo, after.tag) } : {}),
    },
  };
}

/** Who writes, the version it read (If-Match), where its notes are. */
function writeOptions(req: NextApiRequest, principal: Principal, version: ApiVersion): service.WriteOptions {
  return { actor: { kind: 'person', principal }, expected: expectedVersion(req, 'rel'), notesPath: notesPointer(version) };
}

/** Before the body is read: the view is on offer (else 406, nothing written). */
function acceptable({ req }: PreconditionContext<unknown>): void {
  writeView(req);
}

/**
 * Before the body is read: the view is on offer, and a stale If-Match is a 412 (RFC 9110 §13.2.1);
 * the write checks If-Match again on the locked row.
 */
function releaseUnchanged({ req, params }: PreconditionContext<ReleaseParams>): Promise<void> {
  writeView(req);
  return checkIfMatchFirst(req, async () => {
    const db = await getDb();
    const project = await findProject(db, params.owner, params.repo, { seeAll: true });
    const release = project && (await findRelease(db, project.id, params.tag, { seeAll: true }));
    return release ? { kind: 'rel', id: release.id, version: release.version } : undefined;
  });
}

const writtenContent = (v: ApiVersion) => viewSchemas('release', { full: RELEASE_VIEWS[v].full, brief: RELEASE_VIEWS[v].brief });
const writtenHeaders = ['ETag', 'Cache-Control', 'Vary', 'Content-Location'] as const;

/** POST /projects/{owner}/{repo}/releases */
const createRelease = VERSIONS.map((v) => {
  const schema = v === '1' ? ReleaseCreateV1 : ReleaseCreateV2;
  return defineOperation({
    operationId: 'CreateRelease',
    method: 'POST',
    path: '/projects/{owner}/{repo}/releases',
    versions: [v],
    area: 'releases',
    summary: 'Create a release',
    description: 'Only `tag` is required; the rest defaults (published now, not a draft, not hidden, no prerelease). A tag that exists is a 409.',
    scope: 'write',
    params: projectPath,
    query: z.object({ representation }),
    precondition: acceptable,
    body: { content: { 'application/json': schema }, schema, hints: writeHints(v) },
    idempotent: true,
    limits: { body: '1mb' },
    responses: {
      201: { description: 'Created; `Location` is the new release (tag percent-encoded).', content: writtenContent(v), headers: ['Location', 'ETag', 'Cache-Control'] },
    },
    errors: [406, 503],
  }).handle(async ({ req, principal, params, body: input, idempotent }) => {
    const rep = writeView(req);
    const w = service.checkReleaseWrite(toReleaseWrite(input));
    await service.prepareNotes(w.body, params, notesPointer(v));
    return idempotent(async (tx) => {
      const created = await service.createRelease(tx, params, w, { actor: { kind: 'person', principal }, notesPath: notesPointer(v) });
      const body = present(created, rep, v);
      return {
        status: 201,
        body,
        contentType: rep.contentType,
        headers: {
          Location: releasePath(`/api/v${v}`, created.owner, created.repo, created.tag),
          ETag: resourceEtag({ kind: 'rel', id: created.id, version: created.version }, JSON.stringify(body)),
        },
      };
    });
  });
});

/** PUT: replaces every writable field (all required). */
const replaceRelease = VERSIONS.map((v) => {
  const schema = v === '1' ? ReleasePutV1 : ReleasePutV2;
  return defineOperation({
    operationId: 'ReplaceRelease',
    method: 'PUT',
    path: '/projects/{owner}/{repo}/releases/{tag}',
    versions: [v],
    area: 'releases',
    summary: 'Replace a release',
    description: 'Replaces every writable field. A new `tag` moves the release (`Content-Location`). A draft has no `publishedAt`. Honours `If-Match`.',
    scope: 'write',
    params: releasePathParams,
    query: z.object({ representation }),
    headers: z.object({ 'If-Match': ifMatchHeader }),
    precondition: releaseUnchanged,
    body: { content: { 'application/json': schema }, schema, hints: writeHints(v) },
    limits: { body: '1mb' },
    responses: { 200: { description: 'The release as it is now.', content: writtenContent(v), headers: writtenHeaders } },
    errors: [406, 409, 412, 503],
  }).handle(async ({ req, principal, params, body: input }) => {
    const rep = writeView(req);
    const w = service.checkReleaseWrite(toReleaseWrite(input));
    await service.prepareNotes(w.body, params, notesPointer(v));
    const { before, after } = await write((tx) => service.replaceRelease(tx, params, w, writeOptions(req, principal, v)));
    return written(rep, v, before, after);
  });
});

/** The notes a patch would leave on the release as it is now (undefined when it does not change them or cannot apply). */
async function previewPatchedNotes(params: ReleaseParams, version: ApiVersion, patch: Patch): Promise<string | undefined> {
  try {
    const db = await getDb();
    const project = await requireProject(db, params.owner, params.repo, { seeAll: true });
    const current = await findRelease(db, project.id, params.tag, { seeAll: true });
    if (!current) return undefined;
    const doc = patch.apply(writableDocument(current, version)) as { body?: unknown; notes?: { markdown?: unknown } };
    const notes = version === '1' ? doc.body : doc.notes?.markdown;
    return typeof notes === 'string' && notes !== current.body ? notes : undefined;
  } catch {
    return undefined; // the transaction reports whatever is wrong
  }
}

/** PATCH: merge patch (RFC 7396) or JSON Patch (RFC 6902) applied to the PUT document, then validated like PUT. */
const updateRelease = VERSIONS.map((v) => {
  const put = v === '1' ? ReleasePutV1 : ReleasePutV2;
  return defineOperation({
    operationId: 'UpdateRelease',
    method: 'PATCH',
    path: '/projects/{owner}/{repo}/releases/{tag}',
    versions: [v],
    area: 'releases',
    summary: 'Update a release',
    description: 'Changes part of the release with a merge patch or a JSON Patch of the PUT document. Honours `If-Match`.',
    scope: 'write',
    params: releasePathParams,
    query: z.object({ representation }),
    headers: z.object({ 'If-Match': ifMatchHeader }),
    precondition: releaseUnchanged,
    body: {
      content: { [MERGE_PATCH]: v === '1' ? ReleaseMergePatchV1 : ReleaseMergePatchV2, [JSON_PATCH]: JsonPatch },
      description: `\`${MERGE_PATCH}\` (RFC 7396) or \`${JSON_PATCH}\` (RFC 6902); any other type is a 415 with \`Accept-Patch\`.`,
      // Read by readPatch: the patch is applied to the PUT document, which is then validated like a PUT.
      read: 'handler',
      unsupportedHeaders: { 'Accept-Patch': ACCEPT_PATCH },
    },
    limits: { body: '1mb' },
    responses: { 200: { description: 'The release as it is now.', content: writtenContent(v), headers: writtenHeaders } },
    errors: [406, 409, 412, 422, 503],
  }).handle(async ({ req, principal, params }) => {
    const rep = writeView(req);
    const patch = await readPatch(req);
    // The patched notes are rendered before the transaction (from the release as it is now); inside it,
    // the same notes are a cache hit. Notes that another write changed in between render there.
    const preview = await previewPatchedNotes(params, v, patch);
    if (preview !== undefined) await service.prepareNotes(preview, params, notesPointer(v));
    const { before, after } = await write((tx) =>
      service.patchRelease(tx, params, (current) => toReleaseWrite(validateBody(put, patch.apply(writableDocument(current, v)), writeHints(v))), writeOptions(req, principal, v)),
    );
    return written(rep, v, before, after);
  });
});

/** DELETE → 204. */
const deleteRelease = defineOperation({
  operationId: 'DeleteRelease',
  method: 'DELETE',
  path: '/projects/{owner}/{repo}/releases/{tag}',
  versions: ['1', '2'],
  area: 'releases',
  summary: 'Delete a release',
  description: 'Honours `If-Match`. Deleting what is gone is a 404.',
  scope: 'write',
  params: releasePathParams,
  headers: z.object({ 'If-Match': ifMatchHeader }),
  responses: { 204: { description: 'Deleted.', headers: ['Cache-Control'] } },
  errors: [412, 503],
}).handle(async ({ req, principal, params, version }) => {
  await write((tx) => service.deleteRelease(tx, params, writeOptions(req, principal, version)));
  return { status: 204 };
});

/** PATCH on the collection: one change to every release matching the query's filters. */
const bulkUpdateReleases = defineOperation({
  operationId: 'BulkUpdateReleases',
  method: 'PATCH',
  path: '/projects/{owner}/{repo}/releases',
  versions: ['1', '2'],
  area: 'releases',
  summary: 'Change every matching release',
  description:
    'Bulk change: the merge patch (`hidden` and/or `prerelease`) applies to every release of the project that matches the query filters (the same filters as the list; none → every release). Answers how many matched and how many actually changed.',
  scope: 'write',
  params: projectPath,
  query: z.object(filterParams),
  // The filters' own parser (strings → booleans, dates) reads them, as the list does, before the body.
  validateQuery: false,
  precondition: ({ req }) => {
    parseQuery(req, BULK_FILTERS);
    requireJsonAccept(req);
  },
  body: {
    content: { [MERGE_PATCH]: ReleaseBulkChange },
    schema: ReleaseBulkChange,
    description: `Only \`${MERGE_PATCH}\`; any other type is a 415 with \`Accept-Patch\`.`,
    unsupportedHeaders: { 'Accept-Patch': MERGE_PATCH },
  },
  limits: { body: '1mb' },
  responses: { 200: { description: 'Applied.', content: { 'application/json': BulkResult }, headers: ['ETag', 'Cache-Control', 'Vary'] } },
  errors: [406, 503],
}).handle(async ({ req, params, body }) => {
  const filters = parseQuery(req, BULK_FILTERS) as ReleaseFilters;
  const result = await write((tx) => service.changeReleases(tx, params, filters, body));
  return { status: 200, body: result, etag: collectionEtag, headers: { Vary: 'Accept' } };
});

// --- reactions -----------------------------------------------------------------------------------

const REACTIONS_PATH = '/projects/{owner}/{repo}/releases/{tag}/reactions';

/** GET …/reactions: the release's reaction counts. */
const getReactions = defineOperation({
  operationId: 'GetReactions',
  method: 'GET',
  path: REACTIONS_PATH,
  versions: ['1', '2'],
  area: 'releases',
  summary: "A release's reaction counts",
  description: `Counts per reaction and in total. ${REACTIONS_RULE}`,
  scope: 'read-optional',
  params: releasePathParams,
  responses: { 200: { description: 'The counts.', content: { 'application/json': Reactions } } },
  errors: [406, 503],
}).handle(async ({ req, principal, params }) => {
  requireJsonAccept(req);
  const db = await getDb();
  const project = await requireProject(db, params.owner, params.repo);
  const release = await findRelease(db, project.id, params.tag, { seeAll: hasScope(principal, 'read') });
  if (!release) throw notFound(project, params.tag);
  return { status: 200, body: reactionsOf(release.reactions) };
});

/** POST …/reactions `{ content }`: adds one reaction (not idempotent; honours Idempotency-Key). */
const addReactionOperation = defineOperation({
  operationId: 'AddReaction',
  method: 'POST',
  path: REACTIONS_PATH,
  versions: ['1', '2'],
  area: 'releases',
  summary: 'React to a release',
  description: `Adds one reaction to a published release and answers the release's reaction counts. Not idempotent: send an \`Idempotency-Key\` to retry safely. ${REACTIONS_RULE}`,
  scope: 'write',
  params: releasePathParams,
  precondition: ({ req }) => requireJsonAccept(req),
  body: { content: { 'application/json': ReactionInput }, schema: ReactionInput },
  idempotent: true,
  limits: { body: '4kb' },
  responses: { 201: { description: 'Counted; `Location` is the reactions resource.', content: { 'application/json': ReactionAdded }, headers: ['Location', 'Cache-Control'] } },
  errors: [406, 503],
}).handle(({ params, body: { content }, base, idempotent }) =>
  idempotent(async (tx) => {
    const project = await requireProject(tx, params.owner, params.repo);
    const release = await findRelease(tx, project.id, params.tag, { seeAll: false });
    if (!release) throw notFound(project, params.tag, 'published release');
    const counts = await addReaction(tx, project, release, content);
    return {
      status: 201,
      body: { content, reactions: reactionsOf(counts) },
      headers: { Location: `${releasePath(base, project.owner, project.repo, release.tag)}/reactions` },
    };
  }),
);

// --- the changelog export ------------------------------------------------------------------------

const EXPORT_EXAMPLE =
  '# Changelog\n\nAll notable changes to Rocket (acme/rocket), newest first.\n\n## [v2.3.0] - 2026-11-01 — Faster cold starts\n\n- Cold starts are 40% faster\n\n[v2.3.0 on GitHub](https://github.com/acme/rocket/releases/tag/v2.3.0)\n\n';

// One schema for both versions: a component is registered once.
const exportFormat = queryParam(
  'exportFormat',
  'format',
  z.enum(['markdown', 'ndjson'], { error: 'must be markdown or ndjson' }),
  'The format, instead of `Accept`: `markdown` (`text/markdown`) or `ndjson` (`application/x-ndjson`). Wins over `Accept`.',
);

/** GET /projects/{owner}/{repo}/changelog: the whole changelog, streamed (lib/releases/export.ts). */
const exportChangelogOperation = VERSIONS.map((v) =>
  defineOperation({
    operationId: 'ExportChangelog',
    method: 'GET',
    path: '/projects/{owner}/{repo}/changelog',
    versions: [v],
    area: 'releases',
    summary: "Export a project's changelog",
    description:
      'Every release of the project in one streamed download, newest first (by publication date; drafts, which have none, by creation date): `text/markdown`, a CHANGELOG.md with one `## [tag] - date` section per release (the default), or `application/x-ndjson`, one release per line in the full representation of this version. ' +
      'Chosen by `?format=markdown|ndjson` or `Accept` (`text/plain` gets Markdown); nothing acceptable is a 406. Read in batches with backpressure, so any size streams in flat memory. ' +
      'The ETag changes with any release of the project: `If-None-Match` gives 304. Drafts and hidden releases are only included with a `read` token.',
    scope: 'read-optional',
    params: projectPath,
    query: z.object({ format: exportFormat }),
    responses: {
      200: {
        description: 'The changelog (streamed, without `Content-Length`). NDJSON: each line is one release as the schema below.',
        content: { [EXPORT_TYPES.markdown]: z.string().meta({ example: EXPORT_EXAMPLE }), [EXPORT_TYPES.ndjson]: RELEASE_VIEWS[v].full },
        headers: ['Content-Disposition'],
      },
    },
    errors: [406, 503],
  }).handle(async ({ req, res, principal, params, query }) => {
    await exportChangelog(req, res, { principal, owner: params.owner, repo: params.repo, format: query.format });
    return { status: 200, sent: true };
  }),
);

export const RELEASE_OPERATIONS: readonly Operation[] = [
  ...listProjectReleases,
  ...createRelease,
  bulkUpdateReleases,
  getLatestRelease,
  ...getRelease,
  ...replaceRelease,
  ...updateRelease,
  deleteRelease,
  getReactions,
  addReactionOperation,
  ...listAllReleases,
  ...exportChangelogOperation,
];

/** By route file: what each pages/api/[version]/… file mounts. */
export const releaseRoutes = {
  collection: [...listProjectReleases, ...createRelease, bulkUpdateReleases],
  latest: [getLatestRelease],
  item: [...getRelease, ...replaceRelease, ...updateRelease, deleteRelease],
  reactions: [getReactions, addReactionOperation],
  all: [...listAllReleases],
  changelog: [...exportChangelogOperation],
};
