import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { ownerParam, repoParam } from '../api/parameters';
import { getDb, rows } from '../db';
import { releases } from '../db/schema';
import { defineOperation } from '../http/operation';
import { readContext } from '../http/resource';
import { Timestamp } from '../http/schemas';
import { requireProject } from '../projects/repo';
import { ensureDerived } from './derive';
import { publicRelease } from './visibility';

export const PackageSummary = z
  .object({
    package: z
      .string()
      .nullable()
      .meta({ description: 'The package its tags name (`@acme/ui` in `@acme/ui@2.0.0`); null for tags that name none (`v1.2.3`).', example: '@acme/ui' }),
    latestVersion: z
      .string()
      .nullable()
      .meta({ description: 'Its highest stable version in semver order (the highest prerelease when it has no stable one); null when no tag names a version.', example: '2.1.0' }),
    latestTag: z.string().meta({ description: 'The tag of that release (for tags without a version: the newest).', example: '@acme/ui@2.1.0' }),
    releaseCount: z.number().int().meta({ description: 'How many releases the package has (that the caller may see).', example: 14 }),
    lastPublishedAt: Timestamp.nullable().meta({ description: 'When its newest release was published.' }),
  })
  .meta({ id: 'PackageSummary' });

/** The answer of ListPackages: one named schema, as every other JSON 200 of a project or release resource. */
export const PackageList = z.array(PackageSummary).meta({ id: 'PackageList', description: "A project's packages, by package name (null first)." });

export interface PackageRow {
  package: string | null;
  latest_version: string | null;
  latest_tag: string;
  release_count: number;
  last_published_at: string | Date | null;
}

/** Every package of the project with its latest version and its number of releases, by package name (null first). */
export async function listPackages(projectId: number, seeAll: boolean): Promise<z.input<typeof PackageSummary>[]> {
  await ensureDerived(projectId);
  const db = await getDb();
  const visible = seeAll ? sql`true` : publicRelease;
  const order = sql`(right(${releases.versionKey}, 1) = '~') desc nulls last, ${releases.versionKey} collate "C" desc nulls last, coalesce(${releases.publishedAt}, ${releases.createdAt}) desc, ${releases.id} desc`;
  const found = await rows<PackageRow>(
    db,
    sql`select ${releases.package} as package,
               (array_agg(${releases.packageVersion} order by ${order}))[1] as latest_version,
               (array_agg(${releases.tag} order by ${order}))[1] as latest_tag,
               count(*)::int as release_count,
               max(${releases.publishedAt}) as last_published_at
        from ${releases}
        where ${releases.projectId} = ${projectId} and ${visible}
        group by ${releases.package}
        order by ${releases.package} collate "C" nulls first`,
  );
  return found.map((r) => ({
    package: r.package,
    latestVersion: r.latest_version,
    latestTag: r.latest_tag,
    releaseCount: Number(r.release_count),
    lastPublishedAt: r.last_published_at === null ? null : new Date(r.last_published_at).toISOString(),
  }));
}

/** GET /api/v{n}/projects/{owner}/{repo}/packages */
export const listProjectPackages = defineOperation({
  operationId: 'ListPackages',
  method: 'GET',
  path: '/projects/{owner}/{repo}/packages',
  versions: ['1', '2'],
  area: 'releases',
  summary: "List a project's packages",
  description:
    "The packages the project's release tags name (a monorepo's `@acme/ui@2.0.0`, `chart-x-1.2.0`, `pkg/v1.4.0`; a single-package project has one, `package: null`), each with its latest version in semver order and its number of releases. " +
    'A plain JSON array in both versions, not paged, by package name. Without a `read` token only published releases count.',
  scope: 'read-optional',
  params: z.object({ owner: ownerParam, repo: repoParam }),
  responses: { 200: { description: 'The packages.', content: { 'application/json': PackageList } } },
  errors: [503],
}).handle(async ({ req, params, principal }) => {
  const ctx = await readContext(req, null, { principal });
  const project = await requireProject(await getDb(), params.owner, params.repo, { seeAll: ctx.seeAll });
  return { status: 200, body: await listPackages(project.id, ctx.seeAll), cacheControl: ctx.cacheControl };
});
