// Pure helpers and types for reader pages: safe to import from browser code (no database).
import type { ReleaseRow } from '../db/schema';

/** What reader pages show of a release (the HTML was sanitized once, when the release was stored). */
export interface PageRelease {
  tag: string;
  name: string | null;
  publishedAt: string;
  prerelease: boolean;
  html: string;
  url: string | null;
  path: string;
  /** `owner/repo`, on pages that show several projects. */
  project: string;
  author: { login: string; avatarUrl: string | null; url: string | null } | null;
}

export interface PageProject {
  owner: string;
  repo: string;
  fullName: string;
  name: string;
  description: string | null;
  homepage: string | null;
}

export const PAGE_SIZE = 20;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Site path of a release page: each tag segment percent-encoded, slashes kept (one canonical form).
 * A lone surrogate (no stored text has one: the database keeps U+FFFD) encodes as U+FFFD, never throws.
 */
export function releasePagePath(owner: string, repo: string, tag: string): string {
  return `/${owner}/${repo}/releases/${tag.replace(LONE_SURROGATE, '\uFFFD').split('/').map(encodeURIComponent).join('/')}`;
}

export function ownerPagePath(owner: string): string {
  return `/${owner}`;
}

export function projectPagePath(owner: string, repo: string, page = 1): string {
  return page <= 1 ? `/${owner}/${repo}` : `/${owner}/${repo}/page/${page}`;
}

/** A release as reader pages (and the live stream) show it. */
/**
 * A release as a page holds it: the notes' HTML is left out where a page lists releases without their
 * notes, and a page's inline props (`__NEXT_DATA__`) never carry it (lib/site/inline-props.ts): the
 * page's HTML holds it once, rendered.
 */
export type ShownRelease = Omit<PageRelease, 'html'> & { html?: string };

/** A release listed without its notes. */
export function toListedRelease(r: ReleaseRow & { owner: string; repo: string }): ShownRelease {
  const { html: _html, ...listed } = toPageRelease(r);
  return listed;
}

export function toPageRelease(r: ReleaseRow & { owner: string; repo: string }): PageRelease {
  return {
    tag: r.tag,
    name: r.name,
    publishedAt: (r.publishedAt ?? r.createdAt).toISOString(),
    prerelease: r.prerelease,
    html: r.bodyHtml,
    url: r.htmlUrl,
    path: releasePagePath(r.owner, r.repo, r.tag),
    project: `${r.owner}/${r.repo}`,
    author: r.authorLogin ? { login: r.authorLogin, avatarUrl: r.authorAvatarUrl, url: r.authorUrl } : null,
  };
}
