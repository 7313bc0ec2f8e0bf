import XMLBuilder from 'fast-xml-builder';
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
  /** Who the feed speaks for (Atom's feed-level author, RFC 4287 §4.1.1): the owner, or the site. */
  author: string;
  releases: ReleaseRecord[];
  /** When anything this feed shows last changed (also its `Last-Modified`). */
  updated: Date;
}

const ATOM = 'http://www.w3.org/2005/Atom';
const DC = 'http://purl.org/dc/elements/1.1/';
const CONTENT = 'http://purl.org/rss/1.0/modules/content/';

/**
 * Characters XML 1.0 forbids (C0 controls but tab, newline and carriage return; U+FFFE, U+FFFF) are
 * dropped and lone surrogates become U+FFFD: whatever is stored, a feed always parses. The serializer
 * escapes everything else.
 */
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
export function xmlText(s: string): string {
  return s.replace(LONE_SURROGATE, '\uFFFD').replace(NOT_XML, '');
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function entryTitle(r: ReleaseRecord, multiProject: boolean): string {
  const label = r.name && r.name !== r.tag ? `${r.tag}: ${r.name}` : r.tag;
  return multiProject ? `${r.owner}/${r.repo} ${label}` : label;
}

/** The notes as HTML; a release without notes says so (RSS items always carry a description). */
const notesHtml = (r: ReleaseRecord, title: string) => (r.bodyHtml.trim() ? r.bodyHtml : `<p>${escapeHtml(title)}</p>`);

type Node = string | { [key: string]: Node | Node[] | undefined };

const attributes = (attrs: Record<string, string>) => Object.fromEntries(Object.entries(attrs).map(([k, v]) => [`@_${k}`, xmlText(v)]));
/** A text element with attributes (text and values cleaned by xmlText; the builder escapes them). */
const withAttrs = (value: string, attrs: Record<string, string>): Node => ({ '#text': xmlText(value), ...attributes(attrs) });
/** An empty element with attributes. */
const empty = (attrs: Record<string, string>): Node => attributes(attrs);

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  textNodeName: '#text',
  processEntities: true,
  suppressEmptyNode: true,
  suppressBooleanAttributes: false,
  format: false,
});
const xml = (root: Record<string, Node>) => `<?xml version="1.0" encoding="utf-8"?>\n${builder.build(root) as string}`;

function atom(input: FeedInput, multiProject: boolean): string {
  const { origin } = input;
  const home = `${origin}${input.pagePath}`;
  return xml({
    feed: {
      '@_xmlns': ATOM,
      '@_xml:lang': 'en',
      id: xmlText(home),
      title: withAttrs(input.title, { type: 'text' }),
      subtitle: withAttrs(input.description, { type: 'text' }),
      updated: input.updated.toISOString(),
      author: { name: xmlText(input.author), uri: xmlText(home) },
      link: [empty({ rel: 'alternate', type: 'text/html', href: home }), empty({ rel: 'self', type: FEED_FORMATS.atom, href: `${origin}${input.feedPath}.atom` })],
      generator: 'Shiplog',
      entry: input.releases.map((r) => {
        const link = `${origin}${releasePagePath(r.owner, r.repo, r.tag)}`;
        const title = entryTitle(r, multiProject);
        return {
          id: xmlText(link),
          title: withAttrs(title, { type: 'text' }),
          link: empty({ rel: 'alternate', type: 'text/html', href: link }),
          published: (r.publishedAt ?? r.createdAt).toISOString(),
          updated: r.updatedAt.toISOString(),
          ...(r.authorLogin ? { author: { name: xmlText(r.authorLogin), ...(r.authorUrl ? { uri: xmlText(r.authorUrl) } : {}) } } : {}),
          ...(r.prerelease ? { category: empty({ term: 'prerelease' }) } : {}),
          // The sanitized HTML as escaped text (type="html"), never as XML markup.
          content: withAttrs(notesHtml(r, title), { type: 'html' }),
        };
      }),
    },
  });
}

function rss(input: FeedInput, multiProject: boolean): string {
  const { origin } = input;
  return xml({
    rss: {
      '@_version': '2.0',
      '@_xmlns:atom': ATOM,
      '@_xmlns:dc': DC,
      '@_xmlns:content': CONTENT,
      channel: {
        title: xmlText(input.title),
        link: xmlText(`${origin}${input.pagePath}`),
        description: xmlText(input.description || input.title || 'Releases'),
        language: 'en',
        lastBuildDate: input.updated.toUTCString(),
        generator: 'Shiplog',
        'atom:link': empty({ href: `${origin}${input.feedPath}.rss`, rel: 'self', type: FEED_FORMATS.rss }),
        item: input.releases.map((r) => {
          const link = `${origin}${releasePagePath(r.owner, r.repo, r.tag)}`;
          const title = entryTitle(r, multiProject);
          return {
            title: xmlText(title),
            link: xmlText(link),
            guid: withAttrs(link, { isPermaLink: 'true' }),
            pubDate: (r.publishedAt ?? r.createdAt).toUTCString(),
            ...(r.authorLogin ? { 'dc:creator': xmlText(r.authorLogin) } : {}),
            ...(r.prerelease ? { category: 'prerelease' } : {}),
            // The notes as escaped HTML: description (RSS 2.0) and content:encoded (what readers prefer).
            description: xmlText(notesHtml(r, title)),
            'content:encoded': xmlText(notesHtml(r, title)),
          };
        }),
      },
    },
  });
}

/**
 * Atom 1.0 (RFC 4287) and RSS 2.0 built with fast-xml-builder, which escapes every string (no CDATA);
 * JSON Feed 1.1 as JSON. Entries carry the notes as the sanitized HTML stored with each release, as
 * escaped text.
 */
export function renderFeed(format: FeedFormat, input: FeedInput): string {
  const { origin } = input;
  const multiProject = new Set(input.releases.map((r) => `${r.owner}/${r.repo}`)).size > 1 || input.pagePath.split('/').length < 3;
  if (format === 'atom') return atom(input, multiProject);
  if (format === 'rss') return rss(input, multiProject);
  return JSON.stringify({
    version: 'https://jsonfeed.org/version/1.1',
    title: input.title,
    home_page_url: `${origin}${input.pagePath}`,
    feed_url: `${origin}${input.feedPath}.json`,
    description: input.description,
    language: 'en',
    authors: [{ name: input.author, url: `${origin}${input.pagePath}` }],
    items: input.releases.map((r) => {
      const title = entryTitle(r, multiProject);
      return {
        id: `${origin}${releasePagePath(r.owner, r.repo, r.tag)}`,
        url: `${origin}${releasePagePath(r.owner, r.repo, r.tag)}`,
        ...(r.htmlUrl ? { external_url: r.htmlUrl } : {}),
        title,
        content_html: notesHtml(r, title),
        date_published: (r.publishedAt ?? r.createdAt).toISOString(),
        date_modified: r.updatedAt.toISOString(),
        ...(r.authorLogin ? { authors: [{ name: r.authorLogin, ...(r.authorUrl ? { url: r.authorUrl } : {}), ...(r.authorAvatarUrl ? { avatar: r.authorAvatarUrl } : {}) }] } : {}),
        tags: [r.tag, ...(r.prerelease ? ['prerelease'] : [])],
      };
    }),
  });
}
