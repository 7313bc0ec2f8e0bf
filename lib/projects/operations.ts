import type { NextApiRequest } from 'next';
import { z } from 'zod';
import type { Principal } from '../auth/principal';
import { getDb } from '../db';
import { write } from '../db/write';
import type { ApiVersion } from '../http/api-versions';
import { cachedResponse } from '../http/cache';
import { parseCollectionQuery, parseSingleQuery, pickFields, type CollectionSpec } from '../http/collection';
import { checkIfMatch, checkIfMatchFirst, resourceEtag, type Prepared } from '../http/conditional';
import { preparedPage, prefersExactCount } from '../http/list-page';
import { negotiate, sparseType, withoutExtended, type Negotiated } from '../http/negotiate';
import { defineOperation, type PreconditionContext } from '../http/operation';
import { ACCEPT_PATCH, JSON_PATCH, MERGE_PATCH, readPatch } from '../http/patch';
import { cacheKey, readContext } from '../http/resource';
import { JsonPatch } from '../http/schemas';
import { validateBody } from '../http/validate';
import { cursorParam, ifMatchHeader, limitParam, offsetParam, ownerParam, preferCountHeader, repoParam, representationParam } from '../api/parameters';
import { viewSchemas } from '../openapi/views';
import { listReleases } from '../releases/repo';
import { projectBrief, projectExtended, projectFull, projectPath, writableProject } from './present';
import {
  createProject,
  deleteProject,
  findProject,
  listProjects,
  requireProject,
  updateProject,
  PROJECT_SORT_KEYS,
  type ProjectFilters,
  type ProjectRecord,
  type ProjectSortKey,
} from './repo';
import { Owner, Project, PROJECT_FIELDS, ProjectBrief, ProjectCreate, ProjectExtended, ProjectMergePatch, ProjectPut, projectFieldsFor } from './schema';
import { PROJECT_LIST_VIEWS, PROJECT_VIEWS } from './views';

/**
 * The project operations (v1 and v2): list, create, get, replace, update, delete. Each is defined
 * once (lib/http/operation.ts): the route files mount them and the OpenAPI document is made from them.
 */

const Filters = z.object({
  owner: Owner.optional(),
  q: z.string().min(1).max(200).optional(),
});

function spec(version: ApiVersion, representation: 'full' | 'brief' | 'extended'): CollectionSpec<ProjectSortKey> {
  // Lists never carry recentReleases: extended items are full items.
  const fields = projectFieldsFor(representation === 'extended' ? 'full' : representation);
  return { filters: Filters, sortKeys: PROJECT_SORT_KEYS, defaultSort: [{ key: 'fullName', dir: 'asc' }], fields, cursor: version === '2' };
}

function represent(p: ProjectRecord, representation: string): Record<string, unknown> {
  return representation === 'brief' ? { ...projectBrief(p) } : projectFull(p);
}

const COLLECTION_RULES =
  'Filters are plain query parameters; unknown parameters, fields or values → 400 naming them. Sort with `sort_by`, page with `offset`/`limit`' +
  ' (v2 also `cursor`). v1 answers a JSON array with `Link` (first/prev/next/last) and `X-Total-Count`; v2 answers `{ data, links, meta }`' +
  ' (`meta.total` with `Prefer: count=exact`). The view follows `representation=` or `Accept`.';

const item = z.object({ owner: ownerParam, repo: repoParam });
const representation = representationParam;
const ifMatch = ifMatchHeader;
const written = viewSchemas('project', { full: Project, brief: ProjectBrief });

/** The page of projects a list request asks for, prepared once (and cached) for every reader like it. */
async function listPage(req: NextApiRequest, principal: Principal | undefined): Promise<Prepared> {
  const ctx = await readContext(req, 'project', { principal });
  const q = parseCollectionQuery<ProjectSortKey, ProjectFilters>(req, spec(ctx.version, ctx.rep.representation));
  const count = ctx.version === '1' || prefersExactCount(req);
  return cachedResponse(req, cacheKey(req, ctx, count ? 'count' : ''), async (): Promise<Prepared> => {
    const db = await getDb();
    const page = await listProjects(db, { filters: q.filters, seeAll: ctx.seeAll, sort: q.sort, offset: q.offset, limit: q.limit, cursor: q.cursor, count });
    const items = page.items.map((p) => pickFields(represent(p, ctx.rep.representation), q.fields));
    // Lists have no extended items: an extended list is a full one, and says so.
    const contentType = q.fields ? sparseType('project') : withoutExtended(req, 'project', ctx.rep).contentType;
    return preparedPage(req, ctx.version, page, items, q, { counted: count, contentType, cacheControl: ctx.cacheControl });
  });
}

/**
 * A query parameter of these operations only, documented under `id`. Inside an operation's `query`
 * object zod-openapi takes the name and place from the object, so the meta names neither.
 */
function ownQuery<T extends z.ZodType>(id: string, schema: T, description: string, example?: string) {
  return schema.optional().meta({ param: { id, description, ...(example ? { example } : {}) } });
}

function sortKeysPattern(keys: readonly string[]): RegExp {
  const key = `(?:${keys.join('|')})(?:\\.(?:asc|desc))?`;
  return new RegExp(`^${key}(?:,${key})*$`);
}

function fieldsQuery(id: string, names: readonly string[]) {
  return ownQuery(
    id,
    z.string(),
    // No example: API consoles (RapiDoc) fill a parameter with its example, and "Try" would send a sparse fieldset.
    `Sparse fieldset: top-level members to keep, comma separated (unknown names → 400), e.g. \`${names.slice(0, 3).join(',')}\`. Known: ${names.map((n) => `\`${n}\``).join(', ')}.`,
  );
}

// The list's own parser (parseCollectionQuery) reads the query (validateQuery: false): every bad parameter is named at once.
const listQuery = {
  sort_by: ownQuery(
    'projectSortBy',
    z.string().regex(sortKeysPattern(PROJECT_SORT_KEYS)),
    `Sort keys, comma separated, each optionally \`.asc\` (the default direction) or \`.desc\`. Keys: ${PROJECT_SORT_KEYS.map((k) => `\`${k}\``).join(', ')}. Default: \`fullName.asc\`. Ties break on the id.`,
    'fullName.desc,updatedAt.asc',
  ),
  offset: offsetParam,
  limit: limitParam,
  fields: fieldsQuery('projectFields', PROJECT_FIELDS),
  representation,
  owner: ownQuery('ownerFilter', Owner, 'Only projects of this owner.'),
  q: ownQuery('projectQ', z.string(), 'Search in the name, full name and description.', 'rocket'),
};

/** GET /projects, v1: a JSON array with Link and X-Total-Count. */
export const listProjectsV1 = defineOperation({
  operationId: 'ListProjects',
  method: 'GET',
  path: '/projects',
  versions: ['1'],
  area: 'projects',
  summary: 'List projects',
  description: `All projects, with filters \`owner\` and \`q\`. ${COLLECTION_RULES}`,
  scope: 'read-optional',
  query: z.object(listQuery),
  validateQuery: false,
  responses: { 200: { description: 'A page of projects.', content: viewSchemas('project', PROJECT_LIST_VIEWS['1']), headers: ['Link', 'X-Total-Count'] } },
  errors: [406, 503],
}).handle(async ({ req, principal }) => ({ status: 200, prepared: await listPage(req, principal) }));

/** GET /projects, v2: the envelope with cursor links (`meta.total` on `Prefer: count=exact`). */
export const listProjectsV2 = defineOperation({
  operationId: 'ListProjects',
  method: 'GET',
  path: '/projects',
  versions: ['2'],
  area: 'projects',
  summary: 'List projects',
  description: `All projects, with filters \`owner\` and \`q\`. ${COLLECTION_RULES}`,
  scope: 'read-optional',
  query: z.object({ ...listQuery, cursor: cursorParam }),
  validateQuery: false,
  headers: z.object({ Prefer: preferCountHeader }),
  responses: { 200: { description: 'A page of projects.', content: viewSchemas('project', PROJECT_LIST_VIEWS['2']), headers: ['Link', 'Preference-Applied'] } },
  errors: [406, 503],
}).handle(async ({ req, principal }) => ({ status: 200, prepared: await listPage(req, principal) }));

/** GET /projects/{owner}/{repo} */
export const getProject = defineOperation({
  operationId: 'GetProject',
  method: 'GET',
  path: '/projects/{owner}/{repo}',
  versions: ['1', '2'],
  area: 'projects',
  summary: 'Get a project',
  description: 'One project, in the view `representation=` or `Accept` asks for (`extended` adds the 10 newest releases).',
  scope: 'read-optional',
  params: item,
  query: z.object({ representation, fields: fieldsQuery('projectItemFields', Object.keys(ProjectExtended.shape)) }),
  responses: { 200: { description: 'The project.', content: viewSchemas('project', PROJECT_VIEWS) } },
  errors: [406, 503],
}).handle(async ({ req, principal, params }) => {
  const ctx = await readContext(req, 'project', { principal });
  const fields = parseSingleQuery(req, projectFieldsFor(ctx.rep.representation));
  const prepared = await cachedResponse(req, cacheKey(req, ctx), async (): Promise<Prepared> => {
    const db = await getDb();
    const project = await requireProject(db, params.owner, params.repo, { seeAll: ctx.seeAll });
    let body: Record<string, unknown>;
    if (ctx.rep.representation === 'extended') {
      const recent = await listReleases(db, {
        projectId: project.id,
        filters: {},
        seeAll: ctx.seeAll,
        sort: [{ key: 'publishedAt', dir: 'desc' }],
        offset: 0,
        limit: 10,
        count: false,
      });
      body = projectExtended(project, recent.items);
    } else {
      body = represent(project, ctx.rep.representation);
    }
    const json = JSON.stringify(pickFields(body, fields));
    const contentType = fields ? sparseType('project') : ctx.rep.contentType;
    return {
      status: 200,
      json,
      etag: resourceEtag({ kind: 'prj', id: project.id, version: project.version }, json),
      contentType,
      cacheControl: ctx.cacheControl,
      headers: { Vary: 'Accept, Authorization' },
    };
  });
  return { status: 200, prepared };
});

/** The view a write answers with: negotiated before the write, so a 406 or 400 never follows a committed change. */
function writeView(req: NextApiRequest): Negotiated {
  return withoutExtended(req, 'project', negotiate(req, 'project'));
}

function answer<S extends 200 | 201>(status: S, rep: Negotiated, project: ProjectRecord, headers: Record<string, string> = {}) {
  return {
    status,
    body: represent(project, rep.representation),
    contentType: rep.contentType,
    etag: (json: string) => resourceEtag({ kind: 'prj', id: project.id, version: project.version }, json),
    headers,
  };
}

/** POST /projects */
export const createProjectOperation = defineOperation({
  operationId: 'CreateProject',
  method: 'POST',
  path: '/projects',
  versions: ['1', '2'],
  area: 'projects',
  summary: 'Create a project',
  description: 'Registers a GitHub repository. Needs a `write` token. `webhookSecret` is write-only.',
  scope: 'write',
  query: z.object({ representation }),
  body: { content: { 'application/json': ProjectCreate }, schema: ProjectCreate },
  idempotent: true,
  limits: { body: '64kb' },
  responses: { 201: { description: 'Created; `Location` is the new project.', content: written, headers: ['Location', 'ETag', 'Cache-Control'] } },
  errors: [406, 503],
}).handle(({ req, body: input, base, idempotent }) => {
  const rep = writeView(req);
  return idempotent(async (tx) => {
    const created = await createProject(tx, {
      owner: input.owner,
      repo: input.repo,
      name: input.name ?? input.repo,
      description: input.description ?? null,
      homepage: input.homepage ?? null,
      webhookSecret: input.webhookSecret ?? null,
    });
    const body = represent(created, rep.representation);
    return {
      status: 201,
      body,
      contentType: rep.contentType,
      headers: { Location: projectPath(base, created), ETag: resourceEtag({ kind: 'prj', id: created.id, version: created.version }, JSON.stringify(body)) },
    };
  });
});

/** Locks the project, checks If-Match, applies the change: the project before and after. */
async function change(req: NextApiRequest, params: { owner: string; repo: string }, next: (current: ProjectRecord) => Promise<z.infer<typeof ProjectPut>>) {
  return write(async (tx) => {
    const current = await requireProject(tx, params.owner, params.repo, { seeAll: true, forUpdate: true });
    checkIfMatch(req, { kind: 'prj', id: current.id, version: current.version });
    const input = await next(current);
    return { before: current, after: await updateProject(tx, current, input) };
  });
}

function moved(base: string, before: ProjectRecord, after: ProjectRecord): Record<string, string> {
  return before.owner !== after.owner || before.repo !== after.repo ? { 'Content-Location': projectPath(base, after) } : {};
}

/** A stale If-Match is a 412 before the body is read (RFC 9110 §13.2.1); the write checks it again on the locked row. */
function projectUnchanged({ req, params }: PreconditionContext<{ owner: string; repo: string }>): Promise<void> {
  return checkIfMatchFirst(req, async () => {
    const project = await findProject(await getDb(), params.owner, params.repo, { seeAll: true });
    return project && { kind: 'prj', id: project.id, version: project.version };
  });
}

const writtenHeaders = ['ETag', 'Cache-Control', 'Vary', 'Content-Location'] as const;
const conditionalWriteErrors = [406, 409, 412, 503] as const;

/** PUT: every writable field (the write-only webhookSecret may be left out: it then stays). */
export const replaceProject = defineOperation({
  operationId: 'ReplaceProject',
  method: 'PUT',
  path: '/projects/{owner}/{repo}',
  versions: ['1', '2'],
  area: 'projects',
  summary: 'Replace a project',
  description:
    'Replaces every writable field (`webhookSecret`, write-only, stays as it is when left out). Changing `owner` or `repo` moves the project (`Content-Location`). Honours `If-Match`.',
  scope: 'write',
  params: item,
  query: z.object({ representation }),
  headers: z.object({ 'If-Match': ifMatch }),
  precondition: projectUnchanged,
  body: { content: { 'application/json': ProjectPut }, schema: ProjectPut },
  limits: { body: '64kb' },
  responses: { 200: { description: 'The project as it is now.', content: written, headers: writtenHeaders } },
  errors: conditionalWriteErrors,
}).handle(async ({ req, params, body, base }) => {
  const rep = writeView(req);
  const { before, after } = await change(req, params, async () => body);
  return answer(200, rep, after, moved(base, before, after));
});

/** PATCH: merge patch or JSON Patch over the PUT document. */
export const updateProjectOperation = defineOperation({
  operationId: 'UpdateProject',
  method: 'PATCH',
  path: '/projects/{owner}/{repo}',
  versions: ['1', '2'],
  area: 'projects',
  summary: 'Update a project',
  description: 'Changes part of the project with a merge patch or a JSON Patch of the PUT document. Honours `If-Match`.',
  scope: 'write',
  params: item,
  query: z.object({ representation }),
  headers: z.object({ 'If-Match': ifMatch }),
  precondition: projectUnchanged,
  body: {
    content: { [MERGE_PATCH]: ProjectMergePatch, [JSON_PATCH]: JsonPatch },
    description: `\`${MERGE_PATCH}\` (RFC 7396) or \`${JSON_PATCH}\` (RFC 6902); any other type is a 415 with \`Accept-Patch\`.`,
    // Read by readPatch: the patch is applied to the PUT document, which is then validated like a PUT.
    read: 'handler',
    unsupportedHeaders: { 'Accept-Patch': ACCEPT_PATCH },
  },
  limits: { body: '64kb' },
  responses: { 200: { description: 'The project as it is now.', content: written, headers: writtenHeaders } },
  errors: [...conditionalWriteErrors, 422],
}).handle(async ({ req, params, base }) => {
  const patch = await readPatch(req);
  const rep = writeView(req);
  const { before, after } = await change(req, params, async (current) => validateBody(ProjectPut, patch.apply(writableProject(current))));
  return answer(200, rep, after, moved(base, before, after));
});

/** DELETE: the project and all its releases → 204. */
export const deleteProjectOperation = defineOperation({
  operationId: 'DeleteProject',
  method: 'DELETE',
  path: '/projects/{owner}/{repo}',
  versions: ['1', '2'],
  area: 'projects',
  summary: 'Delete a project',
  description: 'Deletes the project and its releases. Honours `If-Match`. Deleting what is gone is a 404.',
  scope: 'write',
  params: item,
  headers: z.object({ 'If-Match': ifMatch }),
  responses: { 204: { description: 'Deleted.', headers: ['Cache-Control'] } },
  errors: [412, 503],
}).handle(async ({ req, params }) => {
  await write(async (tx) => {
    const current = await requireProject(tx, params.owner, params.repo, { seeAll: true, forUpdate: true });
    checkIfMatch(req, { kind: 'prj', id: current.id, version: current.version });
    await deleteProject(tx, current);
  });
  return { status: 204 };
});

export const PROJECT_OPERATIONS = [listProjectsV1, listProjectsV2, createProjectOperation, getProject, replaceProject, updateProjectOperation, deleteProjectOperation];
