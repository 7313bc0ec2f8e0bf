import { z } from 'zod';
import { ownerParam, repoParam } from '../api/parameters';
import { getDb } from '../db';
import { importStates, type ImportRow } from '../db/schema';
import { defineOperation } from '../http/operation';
import { Timestamp } from '../http/schemas';
import { requireProject } from '../projects/repo';
import { getImport, listImports, nudgeImport, startImportFromRequest } from './import-runner';

export const Import = z
  .object({
    id: z.number().int().meta({ example: 3 }),
    project: z.string().meta({ description: '`owner/repo`.', example: 'acme/rocket' }),
    state: z.enum(importStates).meta({
      description:
        "`queued`, `running`, `succeeded`, `failed` (stopped on an error: `message` says which; start the import again to resume) or `rate_limited` (GitHub's rate limit is used up until `retryAt`; start it again after that to resume).",
    }),
    pagesDone: z.number().int().meta({ description: 'Pages of (up to 100) GitHub releases imported so far.', example: 4 }),
    pagesTotal: z.number().int().nullable().meta({ description: 'How many pages there are, once GitHub says so (`Link: rel="last"`); null until then.', example: 7 }),
    created: z.number().int().meta({ description: 'Releases created.', example: 312 }),
    updated: z.number().int().meta({ description: 'Releases changed.', example: 5 }),
    skipped: z.number().int().meta({ description: 'Releases left as they were: unchanged, deleted on GitHub before (tombstoned), or unreadable (see `errors`).', example: 83 }),
    errors: z.array(z.string()).meta({ description: 'What went wrong on the way: releases that could not be read, GitHub errors.' }),
    message: z.string().nullable().meta({ description: 'A summary for people: what was imported, or why it stopped and what to do.' }),
    retryAt: Timestamp.nullable().meta({ description: "When GitHub's rate limit resets (set when `state` became `rate_limited`)." }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    finishedAt: Timestamp.nullable(),
  })
  .meta({
    id: 'Import',
    description:
      "A backfill of a project's releases from GitHub's REST API, one page (100 releases) per transaction: a stopped import resumes where it stopped and never creates a release twice.",
  });

export const ImportStarted = Import.extend({
  resumed: z.boolean().meta({ description: "`true` when the project's unfinished import was resumed instead of a new one started." }),
}).meta({ id: 'ImportStarted' });

export function presentImport(r: ImportRow, project: { owner: string; repo: string }): z.input<typeof Import> {
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

const projectParams = { owner: ownerParam, repo: repoParam };

export const listProjectImports = defineOperation({
  operationId: 'ListImports',
  method: 'GET',
  // No ETag, no 304: a no-store admin read of state that changes under the reader (a running import's progress).
  conditional: false,
  path: '/projects/{owner}/{repo}/imports',
  versions: ['1', '2'],
  area: 'imports',
  summary: "List a project's imports",
  description: 'The 50 newest imports of the project, newest first: a plain JSON array in both versions, not paged. Needs a `read` token; never cached (`no-store`).',
  scope: 'read',
  params: z.object(projectParams),
  responses: { 200: { description: 'The imports.', content: { 'application/json': z.array(Import) }, headers: ['Cache-Control'] } },
  errors: [503],
}).handle(async ({ params }) => {
  const project = await requireProject(await getDb(), params.owner, params.repo, { seeAll: true });
  return { status: 200, body: (await listImports(project.id)).map((r) => presentImport(r, project)) };
});

export const startImport = defineOperation({
  operationId: 'StartImport',
  method: 'POST',
  path: '/projects/{owner}/{repo}/imports',
  versions: ['1', '2'],
  area: 'imports',
  summary: 'Import releases from GitHub',
  description:
    "Backfills the project's releases from GitHub's REST API (all pages of `GET /repos/{owner}/{repo}/releases`, with GITHUB_TOKEN when set) in the background and answers at once. " +
    'If the project has an unfinished import (queued, running, or stopped part way by an error or the rate limit), that one is resumed (`resumed: true`) instead of a new one started, so retrying this request is safe; it takes no `Idempotency-Key` and no body. ' +
    "GitHub's rate limit is waited out when it resets within a minute; otherwise the import stops as `rate_limited` with `retryAt`. A first page GitHub answers 304 to (nothing changed since the last import) finishes at once. Needs a `write` token.",
  scope: 'write',
  params: z.object(projectParams),
  responses: {
    202: {
      description: 'Accepted: the import runs in the background. Poll `Location` until `state` is `succeeded`, `failed` or `rate_limited`.',
      content: { 'application/json': ImportStarted },
      headers: ['Location', 'Cache-Control'],
    },
  },
  errors: [503],
}).handle(async ({ params, base }) => {
  const project = await requireProject(await getDb(), params.owner, params.repo, { seeAll: true });
  const { row, resumed } = await startImportFromRequest(project);
  return {
    status: 202,
    body: { ...presentImport(row, project), resumed },
    headers: { Location: `${base}/projects/${project.owner}/${project.repo}/imports/${row.id}` },
  };
});

export const getProjectImport = defineOperation({
  operationId: 'GetImport',
  method: 'GET',
  // No ETag, no 304: a no-store admin read of state that changes under the reader (a running import's progress).
  conditional: false,
  path: '/projects/{owner}/{repo}/imports/{id}',
  versions: ['1', '2'],
  area: 'imports',
  summary: 'Get an import',
  description: "An import's progress: its state, pages done (of pages total, once known), releases created, updated and skipped, and errors. Needs a `read` token; never cached.",
  scope: 'read',
  params: z.object({
    ...projectParams,
    id: z
      .string()
      .regex(/^\d{1,9}$/, { error: 'is not an import id' })
      .transform(Number)
      .meta({
        param: { id: 'importId', description: 'The import id.', example: 3 },
        override: ({ jsonSchema }: { jsonSchema: Record<string, unknown> }) => {
          delete jsonSchema.pattern;
          Object.assign(jsonSchema, { type: 'integer', minimum: 0, maximum: 999_999_999 });
        },
      }),
  }),
  responses: { 200: { description: 'The import.', content: { 'application/json': Import }, headers: ['Cache-Control'] } },
  errors: [503],
}).handle(async ({ params }) => {
  const project = await requireProject(await getDb(), params.owner, params.repo, { seeAll: true });
  const row = await getImport(project.id, params.id);
  // A poll also moves an unfinished import on that nobody holds (serverless steps; a dead runner's).
  nudgeImport(row, project);
  return { status: 200, body: presentImport(row, project) };
});

export const IMPORT_OPERATIONS = [listProjectImports, startImport, getProjectImport];
