// What a reader page tells link unfurlers, search engines and feed readers: title, description,
// canonical URL, Open Graph and Twitter card. Pure (no database, no settings): safe in browser code.
// Built in getStaticProps (where the site's public URL is known, see lib/site/static.ts `withMeta`)
// and rendered by lib/site/ui/PageHead.tsx.
import type { OwnerPageData, ProjectPageData, ReleasePageData } from './changelog';
import type { HomeData } from './home';
import { ownerPagePath, projectPagePath } from './paths';

export const SITE_NAME = 'Shiplog';
export const OG_IMAGE_WIDTH = 1200;
export const OG_IMAGE_HEIGHT = 630;
/** Longest description, in characters (search engines show ~160, unfurlers ~200). */
export const DESCRIPTION_MAX = 200;

export interface PageMeta {
  /** The document title (`… · Shiplog`). */
  title: string;
  /** The title for cards (og:title, twitter:title): without the site name. */
  shareTitle: string;
  description: string;
  /** Absolute; null on pages that must not be indexed (the 404). */
  canonical: string | null;
  /** Absolute URL of the page's generated card image (1200×630 PNG); null: a card without image. */
  image: { url: string; alt: string } | null;
  type: 'website' | 'article';
  /** ISO time of a release page's publication (article:published_time). */
  publishedTime?: string;
  noindex?: boolean;
}

// ---- Plain text from notes HTML -------------------------------------------------------------------

const NAMED: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  hellip: '…',
  mdash: '—',
  ndash: '–',
  rsquo: '’',
  lsquo: '‘',
  rdquo: '”',
  ldquo: '“',
  copy: '©',
  reg: '®',
  trade: '™',
};

/** Decodes character references once (`&amp;lt;` stays the text `&lt;`); unknown names stay as written. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z][a-z0-9]{1,31});/gi, (whole, ref: string) => {
    if (ref[0] === '#') {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : '\uFFFD';
    }
    return NAMED[ref.toLowerCase()] ?? whole;
  });
}

/** Elements whose content is never part of a summary: footnote references, code blocks, scripts, images' alternatives. */
const DROPPED = /<(script|style|template|pre|svg|sup|button)\b[^>]*>[\s\S]*?<\/\1\s*>/gi;

/** The visible text of an HTML fragment: tags dropped, references decoded, whitespace collapsed. */
export function htmlToText(html: string): string {
  const text = html
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(DROPPED, ' ')
    .replace(/<br\s*\/?>/gi, ' ')
    .replace(/<\/?(p|div|li|ul|ol|h[1-6]|blockquote|table|tr|td|th|section|details|summary)\b[^>]*>/gi, ' ')
    .replace(/<[^>]*>/g, '');
  return decodeEntities(text).replace(/\s+/g, ' ').trim();
}

/** Cut to at most `max` characters on a word boundary, with `…` when anything was cut. */
export function truncateText(text: string, max = DESCRIPTION_MAX): string {
  const chars = [...text]; // code points: never split a surrogate pair
  if (chars.length <= max) return text;
  const head = chars.slice(0, max - 1).join('');
  const space = head.search(/\s\S*$/);
  const cut = space > max / 2 ? head.slice(0, space) : head;
  return `${cut.replace(/[\s,;:.\-–—]+$/, '')}…`;
}

/**
 * A release's summary: the notes' first paragraph with text (not an alert's title, not a heading, a
 * list or code) as plain text, else all of their text, cut to `max` characters on a word boundary.
 * Empty when the notes have no words (no letter or digit).
 */
export function notesSummary(html: string, max = DESCRIPTION_MAX): string {
  const withoutAlertTitles = html.replace(/<p\b[^>]*class="[^"]*markdown-alert-title[^"]*"[^>]*>[\s\S]*?<\/p>/gi, ' ');
  for (const m of withoutAlertTitles.matchAll(/<p\b[^>]*>([\s\S]*?)<\/p>/gi)) {
    const text = htmlToText(m[1]!);
    if (/[\p{L}\p{N}]/u.test(text)) return truncateText(text, max);
  }
  const all = htmlToText(withoutAlertTitles);
  return /[\p{L}\p{N}]/u.test(all) ? truncateText(all, max) : '';
}

// ---- Meta of each reader page ---------------------------------------------------------------------

/** `origin` + path, the path as the site writes it (already percent-encoded). */
export function absoluteUrl(origin: string, path: string): string {
  return `${origin.replace(/\/+$/, '')}${path.startsWith('/') ? path : `/${path}`}`;
}

/** Path of a project's card image (lib/site/og-operations.ts). */
export function projectImagePath(owner: string, repo: string): string {
  return `/api/og/${owner}/${repo}`;
}

/** Path of a release's card image: the tag's segments percent-encoded, slashes kept (as release pages). */
export function releaseImagePath(owner: string, repo: string, tag: string): string {
  return `/api/og/${owner}/${repo}/${tag.split('/').map(encodeURIComponent).join('/')}`;
}

const withSite = (title: string) => `${title} · ${SITE_NAME}`;
const releaseTitle = (r: { tag: string; name: string | null }) => (r.name && r.name.trim() && r.name !== r.tag ? r.name.trim() : r.tag);

export function homeMeta(origin: string, data: Pick<HomeData, 'projects'>): PageMeta {
  const n = data.projects.length;
  return {
    title: withSite('Changelogs'),
    shareTitle: `${SITE_NAME} changelogs`,
    description: n > 0 ? `Release notes of ${n} project${n === 1 ? '' : 's'}, published the moment they ship.` : 'Release notes for every project, published the moment they ship.',
    canonical: absoluteUrl(origin, '/'),
    image: null,
    type: 'website',
  };
}

export function ownerMeta(origin: string, data: OwnerPageData): PageMeta {
  const names = data.projects.map((p) => p.name);
  const listed = names.length <= 3 ? names.join(', ') : `${names.slice(0, 3).join(', ')} and ${names.length - 3} more`;
  return {
    title: withSite(data.owner),
    shareTitle: `${data.owner} changelogs`,
    description: truncateText(`Release notes of ${data.owner}'s projects: ${listed}.`),
    canonical: absoluteUrl(origin, ownerPagePath(data.owner)),
    image: null,
    type: 'website',
  };
}

export function projectMeta(origin: string, data: ProjectPageData): PageMeta {
  const { project, page } = data;
  const latest = data.page === 1 ? data.releases[0] : undefined;
  const description =
    project.description?.trim() ||
    (latest
      ? `Release notes of ${project.fullName}. Latest: ${releaseTitle(latest)}${latest.tag !== releaseTitle(latest) ? ` (${latest.tag})` : ''}.`
      : `Release notes of ${project.fullName}.`);
  const title = `${project.name} changelog${page > 1 ? ` (page ${page})` : ''}`;
  return {
    title: withSite(title),
    shareTitle: title,
    description: truncateText(description),
    canonical: absoluteUrl(origin, projectPagePath(project.owner, project.repo, page)),
    image: { url: absoluteUrl(origin, projectImagePath(project.owner, project.repo)), alt: `${project.name} changelog` },
    type: 'website',
  };
}

export function releaseMeta(origin: string, data: ReleasePageData): PageMeta {
  const { project, release } = data;
  const title = releaseTitle(release);
  const shareTitle = title === release.tag ? `${project.name} ${release.tag}` : `${title} · ${project.name} ${release.tag}`;
  return {
    title: withSite(`${title} · ${project.name}`),
    shareTitle,
    description: notesSummary(release.html) || `Release ${release.tag} of ${project.fullName}.`,
    canonical: absoluteUrl(origin, release.path),
    image: { url: absoluteUrl(origin, releaseImagePath(project.owner, project.repo, release.tag)), alt: shareTitle },
    type: 'article',
    publishedTime: release.publishedAt,
  };
}

export function notFoundMeta(): PageMeta {
  return {
    title: withSite('Not found'),
    shareTitle: 'Not found',
    description: 'That project or release does not exist (or is not public yet).',
    canonical: null,
    image: null,
    type: 'website',
    noindex: true,
  };
}
