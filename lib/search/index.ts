import { sql, type Placeholder, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { SEARCH_MAX } from './limits';

/**
 * Full-text search over releases, on PostgreSQL's own text search (the same on PGlite): what a query
 * string means, how matches are ranked and how a snippet is made. The API's `q=` and the search pages
 * both go through `listReleases` (lib/releases/repo.ts), which puts these pieces into its one query.
 *
 * - The stored vector is `releases.search_vector` (migration 0014, kept by a trigger): the tag and its version prefixes
 *   (weight A), the name (B) and the notes (C), with the `english` configuration (stemming; version
 *   numbers and paths are kept whole).
 * - A query is read by `websearch_to_tsquery`: words (all must match), `"quoted phrases"`, `-word`
 *   (without), `or`. `1.4` and `v1.4` find `v1.4.0` (tags carry every dot-prefix of their versions).
 * - Relevance: a release whose tag or name alone matches the whole query comes first (1 + …), then
 *   cover density (`ts_rank_cd`, normalised into 0…1), so many mentions in long notes never outrank a title.
 */

/** The text search configuration of the stored vector and of every query (migration 0014). */
export const SEARCH_CONFIG = 'english';

export { SEARCH_MAX } from './limits';

/**
 * `q`: what to search for. Refused (400 naming `q`) when empty or blank, too long, or holding control
 * characters (no stored text has them, and PostgreSQL cannot take a NUL).
 */
export const SearchText = z
  .string()
  .max(SEARCH_MAX, { error: `must be at most ${SEARCH_MAX} characters` })
  .refine((v) => v.trim() !== '', { error: 'must name something to search for (it is empty)' })
  .refine((v) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(v), { error: 'must not contain control characters' })
  .transform((v) => v.trim());

/** `q=` as the API documents it. */
export const RELEASE_Q_DESCRIPTION =
  'Full-text search in tag, name and notes (English stemming: `crashes` finds "crash"), best matches first unless `sort_by` says otherwise; ' +
  'each item then carries `search: { rank, snippet }`. Words must all match; `"a phrase"`, `-word` (without it) and `or` work as in web search engines. ' +
  'Versions match by their dot-prefixes: `1.4` or `v1.4` finds `v1.4.0`. At most 200 characters; empty or blank → 400.';

/** What a search adds to each release it found. */
export const SearchMatch = z
  .object({
    rank: z.number().meta({ description: 'Relevance (higher first): 1 and more when the tag or name matches the whole query, else below 1.', example: 1.29 }),
    snippet: z.string().meta({
      description:
        'HTML: text of the notes around the matches, escaped, with each match in `<mark>…</mark>` (nothing else is markup); the first words of the notes when only the tag or name matched.',
      example: 'Cold starts are up to 40% <mark>faster</mark> thanks to snapshot-based boot.',
    }),
  })
  .meta({ id: 'SearchMatch', description: 'Why this release was found: only present when the list was searched (`q=`).' });

export type SearchMatch = z.infer<typeof SearchMatch>;

/** The query as PostgreSQL reads it; `q` is a value or a placeholder of a prepared statement. */
export function tsQuery(q: string | Placeholder): SQL {
  return sql`websearch_to_tsquery(${sql.raw(`'${SEARCH_CONFIG}'`)}::regconfig, ${q}::text)`;
}

/** The stored vector of `releases` (not in lib/db/schema.ts, so that whole-row reads never carry it). */
const vector = sql.raw('"releases"."search_vector"');

/** The releases the query finds (served by the GIN index `releases_search`). */
export function searchCondition(q: string | Placeholder): SQL {
  return sql`${vector} @@ ${tsQuery(q)}`;
}

/** Relevance as float8 (a keyset sort term): 1 + when the tag or name (weights A, B) alone match the whole query, plus cover density in 0…1. */
export function relevance(q: string | Placeholder): SQL<number> {
  const tq = tsQuery(q);
  return sql<number>`((ts_rank_cd('{0,0,1,1}'::float4[], ${vector}, ${tq}) > 0)::int + ts_rank_cd(${vector}, ${tq}, 32))::float8`;
}

/** Marks around the matches in a headline: control characters no stored text contains (lib/domain/values cleanText removes them). */
const START = '\u0001';
const STOP = '\u0002';

/**
 * The notes' rendered HTML as text for a headline: block elements become a space, inline ones nothing
 * ("**a**." stays "a."), character references stay (decoded by `snippetHtml`, after the marks are in).
 */
const BLOCK = 'p|div|h[1-6]|li|ul|ol|pre|blockquote|table|thead|tbody|tr|td|th|br|hr|section|details|summary|dl|dd|dt|figure|figcaption|img';
const notesText = sql.raw(`regexp_replace(regexp_replace("releases"."body_html", '</?(${BLOCK})([\\s/][^>]*)?>', ' ', 'gi'), '<[^>]*>', '', 'g')`);

/**
 * The headline of the notes' text, with raw marks; `snippetHtml` turns it into safe HTML. Evaluated
 * after the sort and limit, for the page's rows only.
 */
export function headline(q: string | Placeholder): SQL<string> {
  return sql<string>`ts_headline(${sql.raw(`'${SEARCH_CONFIG}'`)}::regconfig, ${notesText}, ${tsQuery(q)}, ${sql.raw(
    `'StartSel=' || chr(1) || ', StopSel=' || chr(2) || ', MaxWords=35, MinWords=15, MaxFragments=2, FragmentDelimiter=" … "'`,
  )})`;
}

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** Character references of (sanitized) HTML text, decoded; unknown names are left as they are. */
export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]{2,8});/gi, (whole, ref: string) => {
    if (ref[0] !== '#') return NAMED[ref.toLowerCase()] ?? whole;
    const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    // Never a control character (the marks are two of them), a surrogate or past Unicode.
    const ok = (code >= 0x20 || code === 0x09 || code === 0x0a || code === 0x0d) && code !== 0x7f && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff);
    return ok ? String.fromCodePoint(code) : '\uFFFD';
  });
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/**
 * A headline as HTML that can be inserted as is: the text is decoded, then escaped whole, and only
 * then are the marks turned into `<mark>` (paired; a stray mark is dropped). Nothing of the notes'
 * own markup survives.
 */
export function snippetHtml(raw: string): string {
  const text = decodeEntities(raw).replace(/\s+/g, ' ').trim();
  return escapeHtml(text)
    .replace(new RegExp(`${START}([^${START}${STOP}]*)${STOP}`, 'g'), '<mark>$1</mark>')
    .replace(new RegExp(`[${START}${STOP}]`, 'g'), '');
}
