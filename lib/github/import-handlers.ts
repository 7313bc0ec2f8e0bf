import type { NextApiRequest, NextApiResponse } from 'next';
import { requireScope } from '../auth/tokens';
import { getDb } from '../db';
import type { ImportRow } from '../db/schema';
import { sendRepresentation, PRIVATE_CACHE } from '../http/conditional';
import { ApiError } from '../http/errors';
import { routeParam } from '../http/resource';
import { sendJson } from '../http/route';
import { apiVersion } from '../http/versioned-route';
import { requireProject } from '../projects/repo';
import { getImport, listImports, nudgeImport, startImportFromRequest } from './import-runner';

export function presentImport(r: ImportRow, project: { owner: string; repo: string }) {
  return {
    id: r.id,
    project: `${project.owner}/${project.repo}`,
    state: r.state,
    pagesDone: r.pagesDone,
    pagesTotal: r.pagesTotal,
    created: r.created,
    updated: r.updated,
    skipped: r.skipped,
    errors: r.errors,
    message: r.message,
    retryAt: r.retryAt?.toISOString() ?? null,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
    finishedAt: r.finishedAt?.toISOString() ?? null,
  };
}

const importPath = (version: string, p: { owner: string; repo: string }, id: number) => `/api/v${version}/projects/${p.owner}/${p.repo}/imports/${id}`;

/** POST /projects/{o}/{r}/imports → 202 + Location; resumes the project's unfinished import if it has one. */
export async function postImport(req: NextApiRequest, res: NextApiResponse): Promise<void> {
  await requireScope(req, 'write');
  const project = await requireProject(await getDb(), routeParam(req, 'owner'), routeParam(req, 'repo'), { seeAll: true });
  const { row, resumed } = await startImportFromRequest(project);
  res.setHeader('Location', importPath(apiVersion(req), project, row.id));
  res.setHeader('Cache-Control', PRIVATE_CACHE);
  sendJson(req, res, 202, { ...presentImport(row, project), resumed });
}

/** GET /projects/{o}/{r}/imports — the project's imports, newest first. */
export async function getImports(req: NextApiRequest, res: NextApiResponse): Promise<void> {
  await requireScope(req, 'read');
  const project = await requireProject(await getDb(), routeParam(req, 'owner'), routeParam(req, 'repo'), { seeAll: true });
  const rows = await listImports(project.id);
  sendRepresentation(req, res, { body: rows.map((r) => presentImport(r, project)), contentType: 'application/json', cacheControl: PRIVATE_CACHE });
}

/**
 * GET /projects/{o}/{r}/imports/{id} — state, pages done, releases created/updated/skipped, errors.
 * A poll also moves an unfinished import on that nobody holds (serverless steps; a dead runner's).
 */
export async function getImportHandler(req: NextApiRequest, res: NextApiResponse): Promise<void> {
  await requireScope(req, 'read');
  const raw = routeParam(req, 'id');
  if (!/^\d{1,9}$/.test(raw)) throw ApiError.notFound(`There is no import ${raw}.`);
  const project = await requireProject(await getDb(), routeParam(req, 'owner'), routeParam(req, 'repo'), { seeAll: true });
  const row = await getImport(project.id, Number(raw));
  nudgeImport(row, project);
  sendRepresentation(req, res, { body: presentImport(row, project), contentType: 'application/json', cacheControl: PRIVATE_CACHE });
}
