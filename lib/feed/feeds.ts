import { Feed } from 'feed';
import type { ReleaseRecord } from '../releases/repo';
import { releasePagePath } from '../site/paths';

export const FEED_FORMATS = {
  atom: 'application/atom+xml',
  rss: 'application/rss+xml',
  json: 'application/feed+json',
} as const;
export type FeedFormat = keyof typeof FEED_FORMATS;

export interface FeedInput {
  origin: string;
  /** Site path of the page this feed mirrors (`/`, `/acme`, `/acme/rocket`). */
  pagePath: string;
  /** Path of this feed without extension (`/feed`, `/acme/rocket/feed`). */
  feedPath: string;
  title: string;
  description: string;
  releases: ReleaseRecord[];
  updated: Date;
}

function entryTitle(r: ReleaseRecord, multiProject: boolean): string {
  const label = r.name && r.name !== r.tag ? `${r.tag}: ${r.name}` : r.tag;
  return multiProject ? `${r.owner}/${r.repo} ${label}` : label;
}

/**
 * Atom 1.0 (RFC 4287) and RSS 2.0 through the `feed` library; JSON Feed 1.1 written directly (the
 * library only emits 1.0). Entries carry the notes as the sanitized HTML stored with each release.
 */
export function renderFeed(format: FeedFormat, input: FeedInput): string {
  const { origin } = input;
  const multiProject = new Set(input.releases.map((r) => `${r.owner}/${r.repo}`)).size > 1 || input.pagePath.split('/').length < 3;
  if (format === 'json') {
    return JSON.stringify({
      version: 'https://jsonfeed.org/version/1.1',
      title: input.title,
      home_page_url: `${origin}${input.pagePath}`,
      feed_url: `${origin}${input.feedPath}.json`,
      description: input.description,
      language: 'en',
      items: input.releases.map((r) => ({
        id: `${origin}${releasePagePath(r.owner, r.repo, r.tag)}`,
        url: `${origin}${releasePagePath(r.owner, r.repo, r.tag)}`,
        ...(r.htmlUrl ? { external_url: r.htmlUrl } : {}),
        title: entryTitle(r, multiProject),
        content_html: r.bodyHtml,
        date_published: (r.publishedAt ?? r.createdAt).toISOString(),
        date_modified: r.updatedAt.toISOString(),
        ...(r.authorLogin ? { authors: [{ name: r.authorLogin, ...(r.authorUrl ? { url: r.authorUrl } : {}), ...(r.authorAvatarUrl ? { avatar: r.authorAvatarUrl } : {}) }] } : {}),
        tags: [r.tag, ...(r.prerelease ? ['prerelease'] : [])],
      })),
    });
  }
  const feed = new Feed({
    title: input.title,
    description: input.description,
    id: `${origin}${input.pagePath}`,
    link: `${origin}${input.pagePath}`,
    language: 'en',
    updated: input.updated,
    generator: 'Shiplog',
    copyright: '',
    feedLinks: { atom: `${origin}${input.feedPath}.atom`, rss: `${origin}${input.feedPath}.rss`, json: `${origin}${input.feedPath}.json` },
  });
  for (const r of input.releases) {
    const link = `${origin}${releasePagePath(r.owner, r.repo, r.tag)}`;
    feed.addItem({
      title: entryTitle(r, multiProject),
      id: link,
      link,
      date: r.updatedAt,
      published: r.publishedAt ?? r.createdAt,
      content: r.bodyHtml,
      ...(r.authorLogin ? { author: [{ name: r.authorLogin, ...(r.authorUrl ? { link: r.authorUrl } : {}) }] } : {}),
      category: r.prerelease ? [{ name: 'prerelease' }] : [],
    });
  }
  return format === 'atom' ? feed.atom1() : feed.rss2();
}
