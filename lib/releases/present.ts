import type { ApiVersion } from '../http/api-versions';
import type { ProjectBrief } from '../projects/schema';
import type { ReleaseRecord } from './repo';
import { REACTION_CONTENTS } from './repo';
import type { ReleaseBrief, ReleaseWrite } from './schema';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function reactionsOf(counts: Record<string, number>): Record<(typeof REACTION_CONTENTS)[number] | 'total', number> {
  const out = {} as Record<(typeof REACTION_CONTENTS)[number] | 'total', number>;
  let total = 0;
  for (const c of REACTION_CONTENTS) {
    out[c] = counts[c] ?? 0;
    total += out[c]!;
  }
  out.total = total;
  return out;
}

export function releaseBrief(r: ReleaseRecord): ReleaseBrief {
  return { id: r.id, project: `${r.owner}/${r.repo}`, tag: r.tag, name: r.name, publishedAt: iso(r.publishedAt), prerelease: r.prerelease, url: r.htmlUrl };
}

/**
 * The full representation, written out per version: a list answers 20 to 100 of these, and object
 * spreads here (`{ ...head, ...notes }`) made each one a slow dictionary object for `JSON.stringify`
 * (five times the cost of building and serialising a page of plain literals).
 */
export function releaseFull(r: ReleaseRecord, version: ApiVersion): Record<string, unknown> {
  const author = r.authorLogin ? { login: r.authorLogin, avatarUrl: r.authorAvatarUrl, url: r.authorUrl } : null;
  if (version === '1') {
    return {
      id: r.id,
      project: `${r.owner}/${r.repo}`,
      tag: r.tag,
      name: r.name,
      body: r.body,
      url: r.htmlUrl,
      publishedAt: iso(r.publishedAt),
      createdAt: r.createdAt.toISOString(),
      updatedAt: r.updatedAt.toISOString(),
      prerelease: r.prerelease,
      draft: r.draft,
      hidden: r.hidden,
      source: r.source,
      author,
      reactions: reactionsOf(r.reactions),
    };
  }
  return {
    id: r.id,
    project: `${r.owner}/${r.repo}`,
    tag: r.tag,
    name: r.name,
    url: r.htmlUrl,
    publishedAt: iso(r.publishedAt),
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
    prerelease: r.prerelease,
    draft: r.draft,
    hidden: r.hidden,
    source: r.source,
    author,
    reactions: reactionsOf(r.reactions),
    notes: { markdown: r.body, html: r.bodyHtml },
  };
}

/** Everything a page needs in one request: the release, its HTML, its neighbours and its project. */
export function releaseExtended(r: ReleaseRecord, version: ApiVersion, extra: { project: ProjectBrief; previous?: ReleaseRecord; next?: ReleaseRecord }): Record<string, unknown> {
  return {
    ...releaseFull(r, version),
    project: extra.project,
    ...(version === '1' ? { bodyHtml: r.bodyHtml } : {}),
    previous: extra.previous ? releaseBrief(extra.previous) : null,
    next: extra.next ? releaseBrief(extra.next) : null,
  };
}

/** The writable document PATCH applies to (the PUT shape of this version). */
export function writableDocument(r: ReleaseRecord, version: ApiVersion): Record<string, unknown> {
  return {
    tag: r.tag,
    name: r.name,
    url: r.htmlUrl,
    publishedAt: iso(r.publishedAt),
    prerelease: r.prerelease,
    draft: r.draft,
    hidden: r.hidden,
    author: r.authorLogin ? { login: r.authorLogin, avatarUrl: r.authorAvatarUrl, url: r.authorUrl } : null,
    ...(version === '1' ? { body: r.body } : { notes: { markdown: r.body } }),
  };
}

/** Canonical API path of a release: the tag percent-encoded as one segment (slashes as %2F). */
export function releasePath(base: string, owner: string, repo: string, tag: string): string {
  return `${base}/projects/${owner}/${repo}/releases/${encodeURIComponent(tag)}`;
}

type Input = Partial<{
  tag: string;
  name: string | null;
  url: string | null;
  publishedAt: string | null;
  prerelease: boolean;
  draft: boolean;
  hidden: boolean;
  author: { login: string; avatarUrl: string | null; url: string | null } | null;
  body: string;
  notes: { markdown: string };
}>;

/** Validated input (either version) → the internal write, with POST defaults for what is missing. */
export function toReleaseWrite(input: Input & { tag: string }): ReleaseWrite {
  return {
    tag: input.tag,
    name: input.name ?? null,
    body: input.body ?? input.notes?.markdown ?? '',
    url: input.url ?? null,
    publishedAt: input.publishedAt ? new Date(input.publishedAt) : null,
    prerelease: input.prerelease ?? false,
    draft: input.draft ?? false,
    hidden: input.hidden ?? false,
    author: input.author ?? null,
  };
}
