import type { NextApiRequest, NextApiResponse } from 'next';
import { z } from 'zod';
import { requireScope } from '../auth/tokens';
import { getDb, type Executor } from '../db';
import { releaseSources } from '../db/schema';
import { write } from '../db/write';
import { cachedCount, cachedResponse, wantsFresh } from '../http/cache';
import { boolParam, dateParam, parseCollectionQuery, parseSingleQuery, pickFields, untilParam, type CollectionSpec } from '../http/collection';
import {
  checkIfMatchFirst,
  collectionEtag,
  expectedVersion,
  resourceEtag,
  sendPrepared,
  sendRepresentation,
  PRIVATE_CACHE,
  PUBLIC_CACHE,
  type Prepared,
} from '../http/conditional';
import { ApiError } from '../http/errors';
import { idempotentWrite } from '../http/idempotency';
import { pageResponse, prefersExactCount } from '../http/list-page';
import { MERGE_PATCH, readPatch, type Patch } from '../http/patch';
import { readBody } from '../http/body';
import { cacheKey, principalKey, readContext, routeParam, type ReadContext } from '../http/resource';
import { parseQuery, validateBody } from '../http/validate';
import { apiVersion } from '../http/versioned-route';
import type { ApiVersion } from '../http/api-versions';
import { negotiate, sparseType, withoutExtended, type Negotiated, type Representation } from '../http/negotiate';
import { findProject, requireProject } from '../projects/repo';
import { projectBrief } from '../projects/present';
import { addReaction, findRelease, listReleases, neighboursOf, RELEASE_SORT_KEYS, type ReleaseFilters, type ReleaseRecord, type ReleaseSortKey } from './repo';
import { reactionsOf, releaseBrief, releaseExtended, releaseFull, releasePath, toReleaseWrite, writableDocument } from './present';
import * as service from './service';
import type { ReleaseTarget, WriteOptions } from './service';
import type { Principal } from '../auth/principal';
import { ReactionInput, ReleaseBulkChange, ReleaseCreateV1, ReleaseCreateV2, RELEASE_V2_UNKNOWN_HINTS, ReleasePutV1, ReleasePutV2, releaseFieldsFor } from './schema';

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

function filterSchema({ acrossProjects }: { acrossProjects: boolean }) {
  return z.object({
    prerelease: boolParam.optional(),
    draft: boolParam.optional(),
    hidden: boolParam.optional(),
    author: z.string().min(1).max(100).optional(),
    since: dateParam.optional(),
    until: untilParam.optional(),
    q: z.string().min(1).max(200).optional(),
    tag_prefix: z.string().min(1).max(255).optional(),
    source: z.enum(releaseSources, { error: `must be one of ${releaseSources.join(', ')}` }).optional(),
    ...(acrossProjects ? { project: projectList.optional() } : {}),
  });
}

const specs = new Map<string, CollectionSpec<ReleaseSortKey>>();
function listSpec(version: ApiVersion, acrossProjects: boolean, representation: Representation): CollectionSpec<ReleaseSortKey> {
  const key = `${version}:${acrossProjects}:${representation}`;
  let spec = specs.get(key);
  if (!spec) {
    spec = {
      filters: filterSchema({ acrossProjects }),
      sortKeys: RELEASE_SORT_KEYS,
      defaultSort: [{ key: 'publishedAt', dir: 'desc' }],
      fields: releaseFieldsFor(version, representation),
      cursor: version === '2',
    };
    specs.set(key, spec);
  }
  return spec;
}

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
    return pickFields(item as Record<string, unknown>, fields);
  });
}

async function list(req: NextApiRequest, res: NextApiResponse, project: { owner: string; repo: string } | undefined): Promise<void> {
  const ctx = await readContext(req, 'release');
  const q = parseCollectionQuery<ReleaseSortKey, ReleaseFilters>(req, listSpec(ctx.version, !project, ctx.rep.representation));
  const count = ctx.version === '1' || prefersExactCount(req);
  const prepared = await cachedResponse(req, cacheKey(req, ctx, count ? 'count' : ''), async (): Promise<Prepared> => {
    const db = await getDb();
    const scope = project ? await requireProject(db, project.owner, project.repo) : undefined;
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
    const { body, headers } = pageResponse(req, ctx.version, {
      ...page,
      items,
      offset: q.offset,
      limit: q.limit,
      base: q.base,
      cursorUsed: !!q.cursor,
      countRequested: count && ctx.version === '2',
    });
    const json = JSON.stringify(body);
    const contentType = q.fields ? sparseType('release') : ctx.rep.contentType;
    return { status: 200, json, etag: collectionEtag(json), contentType, cacheControl: ctx.cacheControl, headers: { ...headers, Vary: 'Accept, Authorization, Prefer' } };
  });
  sendPrepared(req, res, prepared);
}

/** GET /projects/{owner}/{repo}/releases */
export function listProjectReleases(req: NextApiRequest, res: NextApiResponse) {
  return list(req, res, { owner: routeParam(req, 'owner'), repo: routeParam(req, 'repo') });
}

/** GET /releases — across projects (`project=owner/repo,…`). */
export function listAllReleases(req: NextApiRequest, res: NextApiResponse) {
  return list(req, res, undefined);
}

/** GET /projects/{owner}/{repo}/releases/{...tag} */
export async function getRelease(req: NextApiRequest, res: NextApiResponse): Promise<void> {
  const ctx = await readContext(req, 'release');
  const owner = routeParam(req, 'owner');
  const repo = routeParam(req, 'repo');
  const tag = routeParam(req, 'tag');
  const fields = parseSingleQuery(req, releaseFieldsFor(ctx.version, ctx.rep.representation));
  const prepared = await cachedResponse(req, cacheKey(req, ctx), async (): Promise<Prepared> => {
    const db = await getDb();
    const project = await requireProject(db, owner, repo);
    const release = await findRelease(db, project.id, tag, { seeAll: ctx.seeAll });
    if (!release) throw ApiError.notFound(`Project ${project.owner}/${project.repo} has no release tagged "${tag}".`);
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
  sendPrepared(req, res, prepared);
}

/** GET /projects/{owner}/{repo}/releases/latest → 307 to the newest published, non-prerelease release. */
export async function getLatestRelease(req: NextApiRequest, res: NextApiResponse): Promise<void> {
  const version = apiVersion(req);
  const db = await getDb();
  const project = await requireProject(db, routeParam(req, 'owner'), routeParam(req, 'repo'));
  // The project already carries its newest public, non-prerelease release (the same rule as the site).
  const latest = project.latest;
  if (!latest) throw ApiError.notFound(`Project ${project.owner}/${project.repo} has no published release yet.`);
  const query = (req.url ?? '').includes('?') ? `?${(req.url ?? '').split('?')[1]}` : '';
  res.statusCode = 307;
  res.setHeader('Location', `${releasePath(`/api/v${version}`, project.owner, project.repo, latest.tag)}${query}`);
  res.setHeader('Cache-Control', PUBLIC_CACHE);
  res.setHeader('Content-Length', '0');
  res.end();
}

// --- writes --------------------------------------------------------------------------------------

/** Where a release's notes are in a write body: `/body` (v1), `/notes/markdown` (v2). */
const notesPointer = (version: ApiVersion) => (version === '1' ? '/body' : '/notes/markdown');

/** The notes a patch would leave on the release as it is now (undefined when it does not change them or cannot apply). */
async function previewPatchedNotes(req: NextApiRequest, version: ApiVersion, patch: Patch): Promise<string | undefined> {
  try {
    const db = await getDb();
    const project = await requireProject(db, routeParam(req, 'owner'), routeParam(req, 'repo'), { seeAll: true });
    const current = await findRelease(db, project.id, routeParam(req, 'tag'), { seeAll: true });
    if (!current) return undefined;
    const doc = patch.apply(writableDocument(current, version)) as { body?: unknown; notes?: { markdown?: unknown } };
    const notes = version === '1' ? doc.body : doc.notes?.markdown;
    return typeof notes === 'string' && notes !== current.body ? notes : undefined;
  } catch {
    return undefined; // the transaction reports whatever is wrong
  }
}

/** Answers a write; `rep` was negotiated before the write, so a 406 or 400 never follows a committed change. */
function writeResponse(
  req: NextApiRequest,
  res: NextApiResponse,
  rep: Negotiated,
  release: ReleaseRecord,
  version: ApiVersion,
  status: number,
  headers: Record<string, string> = {},
) {
  const body = rep.representation === 'brief' ? releaseBrief(release) : releaseFull(release, version);
  sendRepresentation(req, res, {
    status,
    body,
    contentType: rep.contentType,
    etag: (json) => resourceEtag({ kind: 'rel', id: release.id, version: release.version }, json),
    cacheControl: PRIVATE_CACHE,
    headers,
  });
}

/** v2 writes explain a v1 member (`body`) instead of calling it unknown. */
function writeHints(version: ApiVersion): Readonly<Record<string, string>> | undefined {
  return version === '1' ? undefined : RELEASE_V2_UNKNOWN_HINTS;
}

/** POST /projects/{owner}/{repo}/releases */
export async function postRelease(req: NextApiRequest, res: NextApiResponse): Promise<void> {
  const principal = await requireScope(req, 'write');
  const version = apiVersion(req);
  const rep = withoutExtended(req, 'release', negotiate(req, 'release'));
  const body = await readBody(req, { types: ['application/json'] });
  const input = validateBody(version === '1' ? ReleaseCreateV1 : ReleaseCreateV2, body.value, writeHints(version));
  const w = service.checkReleaseWrite(toReleaseWrite(input));
  const owner = routeParam(req, 'owner');
  const repo = routeParam(req, 'repo');
  await service.prepareNotes(w.body, { owner, repo }, notesPointer(version));
  await idempotentWrite(req, res, principalKey(principal), body.raw, async (tx) => {
    const created = await service.createRelease(tx, { owner, repo }, w, { actor: { kind: 'person', principal }, notesPath: notesPointer(version) });
    const representation = rep.representation === 'brief' ? releaseBrief(created) : releaseFull(created, version);
    const location = releasePath(`/api/v${version}`, created.owner, created.repo, created.tag);
    return {
      status: 201,
      body: representation,
      contentType: rep.contentType,
      headers: { Location: location, ETag: resourceEtag({ kind: 'rel', id: created.id, version: created.version }, JSON.stringify(representation)) },
    };
  });
}

/** The project a release route names (its notes' autolinks point at its repository). */
const routeProject = (req: NextApiRequest) => ({ owner: routeParam(req, 'owner'), repo: routeParam(req, 'repo') });

/** The release a write names, and how: who writes, the version it read (If-Match), where its notes are. */
function writeTarget(req: NextApiRequest, principal: Principal, version: ApiVersion): { target: ReleaseTarget; options: WriteOptions } {
  return {
    target: { owner: routeParam(req, 'owner'), repo: routeParam(req, 'repo'), tag: routeParam(req, 'tag') },
    options: { actor: { kind: 'person', principal }, expected: expectedVersion(req, 'rel'), notesPath: notesPointer(version) },
  };
}

function renamedHeaders(version: ApiVersion, before: ReleaseRecord, after: ReleaseRecord): Record<string, string> {
  return before.tag !== after.tag ? { 'Content-Location': releasePath(`/api/v${version}`, after.owner, after.repo, after.tag) } : {};
}

/** A stale If-Match is a 412 before the body is read (RFC 9110: preconditions first). */
async function ifMatchFirst(req: NextApiRequest): Promise<void> {
  await checkIfMatchFirst(req, async () => {
    const db = await getDb();
    const project = await findProject(db, routeParam(req, 'owner'), routeParam(req, 'repo'), { seeAll: true });
    const release = project && (await findRelease(db, project.id, routeParam(req, 'tag'), { seeAll: true }));
    return release && { kind: 'rel', id: release.id, version: release.version };
  });
}

/** PUT: replaces every writable field (all required). */
export async function putRelease(req: NextApiRequest, res: NextApiResponse): Promise<void> {
  const principal = await requireScope(req, 'write');
  const version = apiVersion(req);
  const rep = withoutExtended(req, 'release', negotiate(req, 'release'));
  await ifMatchFirst(req);
  const body = await readBody(req, { types: ['application/json'] });
  const input = validateBody(version === '1' ? ReleasePutV1 : ReleasePutV2, body.value, writeHints(version));
  const w = service.checkReleaseWrite(toReleaseWrite(input));
  await service.prepareNotes(w.body, routeProject(req), notesPointer(version));
  const { target, options } = writeTarget(req, principal, version);
  const { before, after } = await write((tx) => service.replaceRelease(tx, target, w, options));
  writeResponse(req, res, rep, after, version, 200, renamedHeaders(version, before, after));
}

/** PATCH: merge patch (RFC 7396) or JSON Patch (RFC 6902) applied to the PUT document, then validated like PUT. */
export async function patchRelease(req: NextApiRequest, res: NextApiResponse): Promise<void> {
  const principal = await requireScope(req, 'write');
  const version = apiVersion(req);
  const rep = withoutExtended(req, 'release', negotiate(req, 'release'));
  await ifMatchFirst(req);
  const patch = await readPatch(req);
  // The patched notes are rendered before the transaction (from the release as it is now); inside it,
  // the same notes are a cache hit. Notes that another write changed in between render there.
  const preview = await previewPatchedNotes(req, version, patch);
  if (preview !== undefined) await service.prepareNotes(preview, routeProject(req), notesPointer(version));
  const { target, options } = writeTarget(req, principal, version);
  const { before, after } = await write((tx) =>
    service.patchRelease(
      tx,
      target,
      (current) => toReleaseWrite(validateBody(version === '1' ? ReleasePutV1 : ReleasePutV2, patch.apply(writableDocument(current, version)), writeHints(version))),
      options,
    ),
  );
  writeResponse(req, res, rep, after, version, 200, renamedHeaders(version, before, after));
}

/** DELETE → 204. */
export async function deleteReleaseHandler(req: NextApiRequest, res: NextApiResponse): Promise<void> {
  const principal = await requireScope(req, 'write');
  const { target, options } = writeTarget(req, principal, apiVersion(req));
  await write((tx) => service.deleteRelease(tx, target, options));
  res.statusCode = 204;
  res.setHeader('Cache-Control', PRIVATE_CACHE);
  res.end();
}

/** PATCH on the collection: one change to every release matching the query's filters. */
export async function bulkPatchReleases(req: NextApiRequest, res: NextApiResponse): Promise<void> {
  await requireScope(req, 'write');
  const filters = parseQuery(req, filterSchema({ acrossProjects: false }).strict()) as ReleaseFilters;
  const body = await readBody(req, { types: [MERGE_PATCH], unsupportedHeaders: { 'Accept-Patch': MERGE_PATCH } });
  const change = validateBody(ReleaseBulkChange, body.value);
  const result = await write((tx) => service.changeReleases(tx, { owner: routeParam(req, 'owner'), repo: routeParam(req, 'repo') }, filters, change));
  sendRepresentation(req, res, { body: result, contentType: 'application/json', cacheControl: PRIVATE_CACHE });
}

// --- reactions -----------------------------------------------------------------------------------

/** GET …/reactions: the release's reaction counts. */
export async function getReactions(req: NextApiRequest, res: NextApiResponse): Promise<void> {
  const ctx = await readContext(req, 'reactions');
  const db = await getDb();
  const project = await requireProject(db, routeParam(req, 'owner'), routeParam(req, 'repo'));
  const tag = routeParam(req, 'tag');
  const release = await findRelease(db, project.id, tag, { seeAll: ctx.seeAll });
  if (!release) throw ApiError.notFound(`Project ${project.owner}/${project.repo} has no release tagged "${tag}".`);
  sendRepresentation(req, res, { body: reactionsOf(release.reactions), contentType: 'application/json', cacheControl: ctx.cacheControl });
}

/** POST …/reactions `{ content }`: adds one reaction (not idempotent; honours Idempotency-Key). */
export async function postReaction(req: NextApiRequest, res: NextApiResponse): Promise<void> {
  const principal = await requireScope(req, 'write');
  const body = await readBody(req, { types: ['application/json'] });
  const { content } = validateBody(ReactionInput, body.value);
  const version = apiVersion(req);
  await idempotentWrite(req, res, principalKey(principal), body.raw, async (tx) => {
    const project = await requireProject(tx, routeParam(req, 'owner'), routeParam(req, 'repo'));
    const tag = routeParam(req, 'tag');
    const release = await findRelease(tx, project.id, tag, { seeAll: false });
    if (!release) throw ApiError.notFound(`Project ${project.owner}/${project.repo} has no published release tagged "${tag}".`);
    const counts = await addReaction(tx, project, release, content);
    return {
      status: 201,
      body: { content, reactions: reactionsOf(counts) },
      contentType: 'application/json',
      headers: { Location: `${releasePath(`/api/v${version}`, project.owner, project.repo, release.tag)}/reactions` },
    };
  });
}
