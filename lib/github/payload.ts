import { z } from 'zod';
import { storableDate } from '../http/schemas';
import type { ReleaseWrite } from '../releases/schema';

/** A time as GitHub writes it (ISO 8601); one that does not parse, or that no database could store, is invalid. */
const githubDate = z.string().refine((v) => storableDate(Date.parse(v)), { error: 'must be an ISO 8601 date-time' });

/** The parts of GitHub's release object Shiplog uses (webhooks and the REST API share it). */
export const GitHubRelease = z.object({
  id: z.number().int().positive(),
  tag_name: z.string().min(1).max(255),
  name: z.string().nullable().optional(),
  body: z.string().nullable().optional(),
  draft: z.boolean(),
  prerelease: z.boolean(),
  html_url: z.string().url().nullable().optional(),
  published_at: githubDate.nullable().optional(),
  created_at: githubDate.nullable().optional(),
  author: z
    .object({ login: z.string(), avatar_url: z.string().url().nullable().optional(), html_url: z.string().url().nullable().optional() })
    .nullable()
    .optional(),
});
export type GitHubRelease = z.infer<typeof GitHubRelease>;

export const GitHubRepository = z.object({
  id: z.number().int().optional(),
  name: z.string().min(1),
  full_name: z.string().regex(/^[^/]+\/[^/]+$/),
  owner: z.object({ login: z.string().min(1) }),
  description: z.string().nullable().optional(),
  homepage: z.string().nullable().optional(),
});

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
