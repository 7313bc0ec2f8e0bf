import { z } from 'zod';
import { ReleaseBrief } from '../releases/schema';
import { Timestamp, WebUrl } from '../domain/values';

export const Owner = z
  .string()
  .regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/, { error: 'must be a GitHub user or organisation name (letters, digits, hyphens; at most 39)' })
  .meta({ example: 'acme' });
/** GitHub's limits for a repository's description. */
export const PROJECT_DESCRIPTION_MAX = 2_000;
export const PROJECT_NAME_MAX = 200;

export const Repo = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,100}$/, { error: 'must be a GitHub repository name (letters, digits, . _ -; at most 100)' })
  .refine((r) => r !== '.' && r !== '..', { error: 'must not be . or ..' })
  .meta({ example: 'rocket' });

const id = z.number().int().meta({ example: 1 });

export const ProjectBrief = z
  .object({ id, owner: Owner, repo: Repo, fullName: z.string().meta({ example: 'acme/rocket' }), name: z.string().meta({ example: 'Rocket' }) })
  .meta({ id: 'ProjectBrief' });

export const Project = z
  .object({
    ...ProjectBrief.shape,
    description: z.string().nullable(),
    homepage: z.url().nullable(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    releaseCount: z.number().int(),
    latestRelease: ReleaseBrief.nullable().meta({ description: 'The newest published release that is not a prerelease.' }),
  })
  .meta({ id: 'Project', description: 'A project. Its webhook secret is write-only and never returned.' });

export const ProjectExtended = z
  .object({ ...Project.shape, recentReleases: z.array(ReleaseBrief).meta({ description: 'The 10 newest releases.' }) })
  .meta({ id: 'ProjectExtended' });

export const PROJECT_FIELDS = Object.keys(Project.shape);

export function projectFieldsFor(representation: 'full' | 'brief' | 'extended'): string[] {
  if (representation === 'brief') return Object.keys(ProjectBrief.shape);
  if (representation === 'extended') return Object.keys(ProjectExtended.shape);
  return PROJECT_FIELDS;
}

const webhookSecret = z
  .string()
  .min(16, { error: 'must be at least 16 characters' })
  .max(256)
  .nullable()
  .meta({ description: 'Write-only: the secret GitHub signs webhook deliveries with. Never returned.', writeOnly: true });

const writable = {
  owner: Owner,
  repo: Repo,
  name: z.string().min(1).max(PROJECT_NAME_MAX),
  description: z.string().max(PROJECT_DESCRIPTION_MAX).nullable(),
  homepage: WebUrl.nullable(),
};

/**
 * PUT: every writable field required — except the write-only `webhookSecret`, which no GET shows
 * and so no read-modify-write could carry: left out, it stays as it is.
 */
export const ProjectPut = z.strictObject({ ...writable, webhookSecret: webhookSecret.optional() }).meta({ id: 'ProjectPut' });
export const ProjectCreate = z
  .strictObject({
    ...writable,
    name: writable.name.optional(),
    description: writable.description.optional(),
    homepage: writable.homepage.optional(),
    webhookSecret: webhookSecret.optional(),
  })
  .meta({ id: 'ProjectCreate', example: { owner: 'acme', repo: 'rocket', name: 'Rocket', description: 'Deploys in one command.' } });

export const ProjectMergePatch = ProjectPut.partial().meta({
  id: 'ProjectMergePatch',
  description: 'JSON Merge Patch (RFC 7396) of the PUT document: members left out stay as they are; `null` clears a nullable member.',
  example: { description: 'Deploys in one command.' },
});

export type Project = z.infer<typeof Project>;
export type ProjectBrief = z.infer<typeof ProjectBrief>;
