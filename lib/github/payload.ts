import { z } from 'zod';
import { storableDate, WebUrl } from '../domain/values';
import { Owner, PROJECT_DESCRIPTION_MAX, Repo } from '../projects/schema';
import { RELEASE_BODY_MAX, RELEASE_NAME_MAX, Tag, type ReleaseWrite } from '../releases/schema';

/** A time as GitHub writes it (ISO 8601); one that does not parse, or that no database could store, is invalid. */
const githubDate = z.string().refine((v) => storableDate(Date.parse(v)), { error: 'must be an ISO 8601 date-time' });

/**
 * The parts of GitHub's release object Shiplog uses (webhooks and the REST API share it), validated
 * by the same rules as the API's own writes: tag, name and body limits, http(s) links only.
 */
export const GitHubRelease = z.object({
  id: z.number().int().positive(),
  tag_name: Tag,
  name: z.string().max(RELEASE_NAME_MAX).nullable().optional(),
  body: z.string().max(RELEASE_BODY_MAX).nullable().optional(),
  draft: z.boolean(),
  prerelease: z.boolean(),
  html_url: WebUrl.nullable().optional(),
  published_at: githubDate.nullable().optional(),
  created_at: githubDate.nullable().optional(),
  author: z
    .object({ login: z.string().min(1).max(100), avatar_url: WebUrl.nullable().optional(), html_url: WebUrl.nullable().optional() })
    .nullable()
    .optional(),
});
export type GitHubRelease = z.infer<typeof GitHubRelease>;

/**
 * The repository of a delivery, named by the API's own rules for owner and repository names; its
 * `full_name` must agree with `owner.login`/`name`. `id` (GitHub's repository id) follows renames.
 */
export const GitHubRepository = z
  .object({
    id: z.number().int().positive().optional(),
    name: Repo,
    full_name: z.string().max(200),
    owner: z.object({ login: Owner }),
    description: z.string().max(PROJECT_DESCRIPTION_MAX).nullable().optional(),
    // GitHub takes any text here; a homepage that is not an http(s) link is stored as none.
    homepage: z.string().max(2048).nullable().optional(),
    updated_at: githubDate.nullable().optional(),
    pushed_at: z.union([githubDate, z.number()]).nullable().optional(),
  })
  .refine((r) => r.full_name === `${r.owner.login}/${r.name}`, { error: 'must be owner.login/name', path: ['full_name'] });
export type GitHubRepository = z.infer<typeof GitHubRepository>;

export const ReleaseEvent = z.object({
  action: z.string(),
  release: GitHubRelease,
  repository: GitHubRepository,
});

/** GitHub's release → Shiplog's write. Drafts carry no publication time and are never public. */
export function fromGitHub(r: GitHubRelease, hidden = false): ReleaseWrite {
  const published = !r.draft && r.published_at ? new Date(r.published_at) : null;
  return {
    tag: r.tag_name,
    name: r.name ?? null,
    body: r.body ?? '',
    url: r.html_url ?? null,
    publishedAt: r.draft ? null : (published ?? new Date()),
    prerelease: r.prerelease,
    draft: r.draft,
    hidden,
    author: r.author ? { login: r.author.login, avatarUrl: r.author.avatar_url ?? null, url: r.author.html_url ?? null } : null,
  };
}
