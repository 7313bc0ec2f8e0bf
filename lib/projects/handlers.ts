import type { NextApiRequest, NextApiResponse } from 'next';
import { z } from 'zod';
import { requireScope } from '../auth/tokens';
import { getDb } from '../db';
import { write } from '../db/write';
import { cachedResponse } from '../http/cache';
import { parseCollectionQuery, parseSingleQuery, pickFields, type CollectionSpec } from '../http/collection';
import { checkIfMatch, collectionEtag, resourceEtag, sendPrepared, sendRepresentation, PRIVATE_CACHE, type Prepared } from '../http/conditional';
import { readBody } from '../http/body';
import { idempotentWrite } from '../http/idempotency';
import { negotiate, sparseType, withoutExtended, type Negotiated } from '../http/negotiate';
import { pageResponse, prefersExactCount } from '../http/list-page';
import { readPatch } from '../http/patch';
import { cacheKey, principalKey, readContext, routeParam } from '../http/resource';
import { validateBody } from '../http/validate';
import { apiVersion } from '../http/versioned-route';
import { listReleases } from '../releases/repo';
import { projectBrief, projectExtended, projectFull, projectPath, writableProject } from './present';
import { createProject, deleteProject, listProjects, requireProject, updateProject, PROJECT_SORT_KEYS, type ProjectFilters, type ProjectRecord, type ProjectSortKey } from './repo';
import { ProjectCreate, ProjectPut, projectFieldsFor } from './schema';

const Filters = z.object({
  owner: z.string().min(1).max(39).optional(),
  q: z.string().min(1).max(200).optional(),
});

function spec(version: '1' | '2', representation: 'full' | 'brief' | 'extended'): CollectionSpec<ProjectSortKey> {
  // Lists never carry recentReleases: extended items are full items.
  const fields = projectFieldsFor(representation === 'extended' ? 'full' : representation);
  return { filters: Filters, sortKeys: PROJECT_SORT_KEYS, defaultSort: [{ key: 'fullName', dir: 'asc' }], fields, cursor: version === '2' };
}

function represent(p: ProjectRecord, representation: string): Record<string, unknown> {
  return representation === 'brief' ? { ...projectBrief(p) } : projectFull(p);
}

/** GET /projects */
export async function listProjectsHandler(req: NextApiRequest, res: NextApiResponse): Promise<void> {
  const ctx = await readContext(req, 'project');
  const q = parseCollectionQuery<ProjectSortKey, ProjectFilters>(req, spec(ctx.version, ctx.rep.representation));
  const count = ctx.version === '1' || prefersExactCount(req);
  const prepared = await cachedResponse(req, cacheKey(req, ctx, count ? 'count' : ''), async (): Promise<Prepared> => {
    const db = await getDb();
    const page = await listProjects(db, { filters: q.filters, seeAll: ctx.seeAll, sort: q.sort, offset: q.offset, limit: q.limit, cursor: q.cursor, count });
    const items = page.items.map((p) => pickFields(represent(p, ctx.rep.representation), q.fields));
    const { body, headers } = pageResponse(req, ctx.version, { ...page, items, offset: q.offset, limit: q.limit, base: q.base, cursorUsed: !!q.cursor, countRequested: count && ctx.version === '2' });
    const json = JSON.stringify(body);
    // Lists have no extended items: an extended list is a full one, and says so.
    const contentType = q.fields ? sparseType('project') : withoutExtended(req, 'project', ctx.rep).contentType;
    return { status: 200, json, etag: collectionEtag(json), contentType, cacheControl: ctx.cacheControl, headers: { ...headers, Vary: 'Accept, Authorization, Prefer' } };
  });
  sendPrepared(req, res, prepared);
}

/** GET /projects/{owner}/{repo} */
export async function getProject(req: NextApiRequest, res: NextApiResponse): Promise<void> {
  const ctx = await readContext(req, 'project');
  const fields = parseSingleQuery(req, projectFieldsFor(ctx.rep.representation));
  const prepared = await cachedResponse(req, cacheKey(req, ctx), async (): Promise<Prepared> => {
    const db = await getDb();
    const project = await requireProject(db, routeParam(req, 'owner'), routeParam(req, 'repo'), { seeAll: ctx.seeAll });
    let body: Record<string, unknown>;
    if (ctx.rep.representation === 'extended') {
      const recent = await listReleases(db, { projectId: project.id, filters: {}, seeAll: ctx.seeAll, sort: [{ key: 'publishedAt', dir: 'desc' }], offset: 0, limit: 10, count: false });
      body = projectExtended(project, recent.items);
    } else {
      body = represent(project, ctx.rep.representation);
    }
    const json = JSON.stringify(pickFields(body, fields));
    const contentType = fields ? sparseType('project') : ctx.rep.contentType;
    return { status: 200, json, etag: resourceEtag({ kind: 'prj', id: project.id, version: project.version }, json), contentType, cacheControl: ctx.cacheControl, headers: { Vary: 'Accept, Authorization' } };
  });
  sendPrepared(req, res, prepared);
}

function respond(req: NextApiRequest, res: NextApiResponse, rep: Negotiated, project: ProjectRecord, status: number, headers: Record<string, string> = {}) {
  sendRepresentation(req, res, {
    status,
    body: represent(project, rep.representation),
    contentType: rep.contentType,
    etag: (json) => resourceEtag({ kind: 'prj', id: project.id, version: project.version }, json),
    cacheControl: PRIVATE_CACHE,
    headers,
  });
}

/** POST /projects */
export async function postProject(req: NextApiRequest, res: NextApiResponse): Promise<void> {
  const principal = await requireScope(req, 'write');
  const version = apiVersion(req);
  const rep = withoutExtended(req, 'project', negotiate(req, 'project'));
  const body = await readBody(req, { types: ['application/json'] });
  const input = validateBody(ProjectCreate, body.value);
  await idempotentWrite(req, res, principalKey(principal), body.raw, async (tx) => {
    const created = await createProject(tx, {
      owner: input.owner,
      repo: input.repo,
      name: input.name ?? input.repo,
      description: input.description ?? null,
      homepage: input.homepage ?? null,
      webhookSecret: input.webhookSecret ?? null,
    });
    const representation = represent(created, rep.representation);
    return {
      status: 201,
      body: representation,
      contentType: rep.contentType,
      headers: { Location: projectPath(`/api/v${version}`, created), ETag: resourceEtag({ kind: 'prj', id: created.id, version: created.version }, JSON.stringify(representation)) },
    };
  });
}

/** Negotiates the answer first (a 406 or 400 must never follow a committed change), then writes. */
async function change(req: NextApiRequest, res: NextApiResponse, next: (current: ProjectRecord) => Promise<z.infer<typeof ProjectPut>>): Promise<void> {
  const version = apiVersion(req);
  const rep = withoutExtended(req, 'project', negotiate(req, 'project'));
  const { before, after } = await write(async (tx) => {
    const current = await requireProject(tx, routeParam(req, 'owner'), routeParam(req, 'repo'), { seeAll: true, forUpdate: true });
    checkIfMatch(req, { kind: 'prj', id: current.id, version: current.version });
    const input = await next(current);
    return { before: current, after: await updateProject(tx, current, input) };
  });
  const moved = before.owner !== after.owner || before.repo !== after.repo;
  respond(req, res, rep, after, 200, moved ? { 'Content-Location': projectPath(`/api/v${version}`, after) } : {});
}

/** PUT: every writable field (the write-only webhookSecret may be left out: it then stays). */
export async function putProject(req: NextApiRequest, res: NextApiResponse): Promise<void> {
  await requireScope(req, 'write');
  const body = await readBody(req, { types: ['application/json'] });
  const input = validateBody(ProjectPut, body.value);
  await change(req, res, async () => input);
}

/** PATCH: merge patch or JSON Patch over the PUT document. */
export async function patchProject(req: NextApiRequest, res: NextApiResponse): Promise<void> {
  await requireScope(req, 'write');
  const patch = await readPatch(req);
  await change(req, res, async (current) => validateBody(ProjectPut, patch.apply(writableProject(current))));
}

/** DELETE: the project and all its releases → 204. */
export async function deleteProjectHandler(req: NextApiRequest, res: NextApiResponse): Promise<void> {
  await requireScope(req, 'write');
  await write(async (tx) => {
    const current = await requireProject(tx, routeParam(req, 'owner'), routeParam(req, 'repo'), { seeAll: true, forUpdate: true });
    checkIfMatch(req, { kind: 'prj', id: current.id, version: current.version });
    await deleteProject(tx, current);
  });
  res.statusCode = 204;
  res.setHeader('Cache-Control', PRIVATE_CACHE);
  res.end();
}
