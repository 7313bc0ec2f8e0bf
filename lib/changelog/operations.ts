import { z } from 'zod';
import { ownerParam, repoParam } from '../api/parameters';
import { defineOperation } from '../http/operation';
import { importChangelog } from './import';

const ChangelogImportRequest = z
  .object({
    changelog: z.string().min(1).max(2_000_000).meta({
      description: 'The CHANGELOG.md (Keep a Changelog, conventional-changelog or changesets layout).',
      example: '## [1.1.0] - 2024-02-01\n\n### Added\n\n- Dark mode\n\n## [1.0.0] - 2024-01-02\n\n- First release',
    }),
    package: z
      .string()
      .min(1)
      .max(200)
      .nullable()
      .optional()
      .meta({ description: "The package the file is for (monorepos). Absent: a changesets title's scoped package (`# @acme/ui`), else none.", example: '@acme/ui' }),
    tagFormat: z
      .string()
      .min(1)
      .max(200)
      .nullable()
      .optional()
      .meta({ description: 'How a version becomes a tag: `{version}` and `{package}`. Default `v{version}`, or `{package}@{version}` with a package.', example: 'v{version}' }),
  })
  .strict()
  .meta({ id: 'ChangelogImportRequest' });

const PlannedRelease = z
  .object({
    version: z.string().meta({ example: '1.1.0' }),
    package: z.string().nullable().meta({ example: null }),
    tag: z.string().meta({ description: 'The tag the release has (or would have).', example: 'v1.1.0' }),
    date: z.string().nullable().meta({ description: 'The date the file gives (`YYYY-MM-DD`); the release is published at its start (UTC). Null: now.', example: '2024-02-01' }),
    breaking: z.boolean().meta({ description: 'Whether its notes name breaking changes.' }),
    action: z.enum(['create', 'exists']).meta({ description: '`create`: created (or, in a dry run, would be); `exists`: the project has it already (`existingTag`).' }),
    existingTag: z.string().nullable().meta({ description: 'The tag of the release the project already has for this version.', example: null }),
  })
  .meta({ id: 'ChangelogImportRelease' });

const ChangelogImportResult = z
  .object({
    dryRun: z.boolean(),
    created: z.number().int().meta({ description: 'Releases created (dry run: that would be).', example: 2 }),
    existing: z.number().int().meta({ description: 'Versions the project has already: left as they are.', example: 0 }),
    releases: z.array(PlannedRelease).meta({ description: 'Every version of the file, oldest first.' }),
    skipped: z.array(z.string()).meta({ description: 'Headings that looked like releases but were not read, and versions listed twice.' }),
  })
  .meta({ id: 'ChangelogImportResult' });

const dryRun = z.enum(['true', 'false'], { error: 'must be true or false' }).optional().meta({ description: '`true`: answer what would be created, and create nothing.' });

/**
 * POST /api/v{n}/projects/{owner}/{repo}/changelog-imports — a CHANGELOG.md into the project's releases
 * (lib/changelog/import.ts). Synchronous: a file is small and its releases are created in one transaction.
 * Always 200 (with `created`): importing the same file again is safe, so it takes no Idempotency-Key.
 */
export const importChangelogOperation = defineOperation({
  operationId: 'ImportChangelog',
  method: 'POST',
  path: '/projects/{owner}/{repo}/changelog-imports',
  versions: ['1', '2'],
  area: 'imports',
  summary: 'Import a CHANGELOG.md',
  description:
    'Creates a release for every version a CHANGELOG.md lists (Keep a Changelog, conventional-changelog/semantic-release/release-please and changesets layouts; `Unreleased` is left out), ' +
    'with its date as the publication time and the notes under its heading, in one transaction. ' +
    'A version the project has already (the same tag, or a release of the same package and version under another tag, such as `1.2.3` for `v1.2.3`) is left as it is, ' +
    'so importing the same file again creates nothing. `dry_run=true` answers what would be created. Needs a `write` token.',
  scope: 'write',
  params: z.object({ owner: ownerParam, repo: repoParam }),
  query: z.object({ dry_run: dryRun }),
  body: { content: { 'application/json': ChangelogImportRequest }, schema: ChangelogImportRequest },
  limits: { body: '2mb' },
  responses: {
    200: {
      description: 'What the file holds and what became of each version (`created`: how many releases this request created, or would have in a dry run).',
      content: { 'application/json': ChangelogImportResult },
    },
  },
  errors: [503],
}).handle(async ({ params, query, body, principal }) => {
  const result = await importChangelog(params, body.changelog, { package: body.package, tagFormat: body.tagFormat, dryRun: query.dry_run === 'true', principal });
  return { status: 200, body: result };
});

export const CHANGELOG_OPERATIONS = [importChangelogOperation];
