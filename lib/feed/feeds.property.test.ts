// Property: whatever strings end up in titles, names and notes (CDATA ends, control characters,
// entities, XHTML markup, lone surrogates), every feed (global, owner, project; Atom, RSS, JSON) is a
// well-formed XML 1.0 document (or JSON) that two independent feed parsers read, holding exactly the
// releases it should, with notes as text (never markup). A longer run: SHIPLOG_FEED_RUNS.
import { parseFeed } from '@rowanmanning/feed-parser';
import fc from 'fast-check';
import { decode as decodeHtmlEntities } from 'html-entities';
import RssParser from 'rss-parser';
import { SaxesParser } from 'saxes';
import { eq } from 'drizzle-orm';
import { releases } from '../db/schema';
import { write } from '../db/write';
import { methodRouter } from '../http/method-router';
import { cleanText } from '../http/schemas';
import { createProject, deleteProject, findProject } from '../projects/repo';
import { createRelease, type ReleaseRecord } from '../releases/repo';
import { useTestDatabase } from '../test/db';
import { invoke } from '../test/http';
import { renderFeed, xmlText, type FeedFormat } from './feeds';
import { getFeed } from './handler';

process.env.SHIPLOG_RATE_LIMIT_READ = '0';
const t = useTestDatabase();
jest.setTimeout(120_000); // property runs and database writes on a loaded machine
const RUNS = Number(process.env.SHIPLOG_FEED_RUNS ?? 0);

const NASTY = [
  ']]>',
  '<![CDATA[',
  ']]]]><![CDATA[>',
  ']]>]]></title><link href="https://evil.example/phish"/></entry><entry><title>x',
  '</description></item><item><title>injected</title>',
  '&amp;',
  '&lt;',
  '&#0;',
  '&#x1;',
  '&nbsp;',
  '&bogus;',
  '<x:script xmlns:x="http://www.w3.org/1999/xhtml">alert(1)</x:script>',
  '<script>alert(1)</script>',
  '<?xml version="1.0"?>',
  '\u0000',
  '\u0001',
  '\f',
  '\u000b',
  '\u001b',
  '\u0085',
  '\uD800',
  '\uDC00',
  '\uDBFF\uDFFF',
  '\uFFFE',
  '\uFFFF',
  '😀',
  '\r\n',
  '\r',
  '"',
  "'",
  '<',
  '>',
  '&',
];
const piece = fc.oneof(fc.constantFrom(...NASTY), fc.string({ unit: 'binary', maxLength: 6 }), fc.string({ maxLength: 8 }));
const nasty = fc.array(piece, { maxLength: 6 }).map((parts) => parts.join(''));

interface Spec {
  tag: string;
  name: string | null;
  body: string;
  author: string | null;
  visibility: 'public' | 'draft' | 'hidden';
  prerelease: boolean;
}

const specs = fc.uniqueArray(
  fc.record({
    tag: nasty.map((s) => `v${s}`),
    name: fc.option(nasty),
    body: nasty,
    author: fc.option(nasty.map((s) => `a${s}`)),
    visibility: fc.constantFrom('public', 'public', 'draft', 'hidden'),
    prerelease: fc.boolean(),
  }) as fc.Arbitrary<Spec>,
  {
    minLength: 1,
    maxLength: 4,
    selector: (s) =>
      cleanText(s.tag)
        .replace(/[\u0000-\u001f\u007f]/g, '')
        .toLowerCase(),
  },
);

/** What parsers give back for a text node, compared loosely: XML line ends and white space runs. */
const loose = (s: string) => s.replace(/\r\n?/g, '\n').replace(/\s+/g, ' ').trim();

const TEXT_ONLY = new Set(['title', 'content', 'encoded', 'summary', 'subtitle', 'description', 'name']);

/**
 * A strict XML 1.0 + namespaces parse (saxes rejects forbidden characters, bad entities, stray
 * markup). Returns how many entries/items it holds; fails when any text element holds markup.
 */
function strictXml(xml: string): number {
  const parser = new SaxesParser({ xmlns: true });
  let entries = 0;
  const open: string[] = [];
  parser.on('opentag', (tag) => {
    const inside = open.at(-1);
    if (inside && TEXT_ONLY.has(inside)) throw new Error(`<${tag.name}> inside <${inside}>: markup where text belongs`);
    if (tag.local === 'entry' || tag.local === 'item') entries++;
    open.push(tag.local);
  });
  parser.on('closetag', () => open.pop());
  parser.write(xml).close();
  return entries;
}

const rssParser = new RssParser();

/**
 * Parses a feed three ways and checks each holds exactly the expected entry titles. Parsers read
 * titles their own way: @rowanmanning/feed-parser decodes HTML entities in them once more (so its
 * reading is compared with the expected title read the same way), rss-parser keeps the text as is.
 */
async function expectFeed(format: FeedFormat, body: string, expected: string[]): Promise<void> {
  const same = (seen: string[], want: string[]) => expect(seen.map(loose).sort()).toEqual(want.map(loose).sort());
  if (format === 'json') {
    const feed = JSON.parse(body) as { items: { title: string }[] };
    same(
      feed.items.map((i) => i.title),
      expected,
    );
    return;
  }
  const count = strictXml(body);
  expect(count).toBe(expected.length);
  same(
    parseFeed(body).items.map((i) => i.title ?? ''),
    expected.map((s) => decodeHtmlEntities(s)),
  );
  same(
    (await rssParser.parseString(body)).items.map((i) => i.title ?? ''),
    expected,
  );
}

const label = (r: { tag: string; name: string | null }) => (r.name && r.name !== r.tag ? `${r.tag}: ${r.name}` : r.tag);

describe('feeds with hostile strings in every field', () => {
  it('renderFeed: every format parses with a strict XML parser and two feed parsers, entries intact', async () => {
    const now = Date.now();
    await fc.assert(
      fc.asyncProperty(nasty, nasty, specs, async (title, description, list) => {
        const records = list.map(
          (s, i) =>
            ({
              id: i + 1,
              projectId: 1,
              tag: s.tag,
              name: s.name,
              body: s.body,
              bodyHtml: s.body,
              htmlUrl: null,
              githubId: null,
              publishedAt: new Date(now - i * 60_000),
              createdAt: new Date(now - i * 60_000),
              updatedAt: new Date(now),
              prerelease: s.prerelease,
              draft: false,
              hidden: false,
              authorLogin: s.author,
              authorAvatarUrl: null,
              authorUrl: s.author ? `https://example.com/${encodeURIComponent(xmlText(s.author))}` : null,
              owner: 'acme',
              repo: 'rocket',
              projectName: title,
              reactions: {},
              version: 1,
              source: 'manual',
            }) as unknown as ReleaseRecord,
        );
        for (const format of ['atom', 'rss', 'json'] as const) {
          for (const pagePath of ['/', '/acme/rocket']) {
            const body = renderFeed(format, {
              origin: 'http://example.test',
              pagePath,
              feedPath: `${pagePath === '/' ? '' : pagePath}/feed`,
              title,
              description,
              author: title,
              releases: records,
              updated: new Date(now),
            });
            const prefix = pagePath === '/' ? 'acme/rocket ' : '';
            const expected = list.map((s) => `${prefix}${label(s)}`).map((s) => (format === 'json' ? s : xmlText(s)));
            await expectFeed(format, body, expected);
          }
        }
      }),
      { numRuns: RUNS || 60 },
    );
  });

  const app = methodRouter({ GET: getFeed });
  let run = 0;

  it('the feed endpoints (global, owner, project × Atom, RSS, JSON) hold exactly the public releases, whatever they are called', async () => {
    await fc.assert(
      fc.asyncProperty(nasty, nasty, specs, async (name, description, list) => {
        const owner = `prop${++run}`;
        const repo = 'feed';
        // Stored text never holds NUL (PostgreSQL refuses it); everything else goes in as it is, but tags
        // are identities the domain refuses rather than rewrites (release schema's Tag): only valid ones here.
        const stored = (s: string) => s.replace(/\u0000/g, '');
        const storedTag = (s: string) => cleanText(s).replace(/[\u0000-\u001f\u007f]/g, '');
        const project = await write((tx) => createProject(tx, { owner, repo, name: stored(name) || 'x', description: stored(description) || null, homepage: null }));
        const base = Date.now();
        for (const [i, s] of list.entries()) {
          await write((tx) =>
            createRelease(
              tx,
              project,
              {
                tag: storedTag(s.tag),
                name: s.name === null ? null : stored(s.name),
                body: stored(s.body),
                url: null,
                publishedAt: new Date(base - i * 60_000),
                prerelease: s.prerelease,
                draft: s.visibility === 'draft',
                hidden: s.visibility === 'hidden',
                author: s.author ? { login: stored(s.author), avatarUrl: null, url: null } : null,
              },
              'manual',
            ),
          );
        }
        try {
          // Notes HTML as it might be stored by anything (not only our renderer): raw, hostile. Only
          // well-formed: a database cannot hold a lone surrogate (the update would fail, not the feed).
          const [first] = list;
          if (first)
            await t
              .db()
              .update(releases)
              .set({ bodyHtml: stored(first.body).replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD') })
              .where(eq(releases.projectId, project.id));
          const rows = await t.db().select().from(releases).where(eq(releases.projectId, project.id));
          const shown = rows.filter((r) => !r.draft && !r.hidden && !r.prerelease);
          for (const [scope, prefix] of [
            [[owner, repo], ''],
            [[owner], `${owner}/${repo} `],
            [[], `${owner}/${repo} `],
          ] as const) {
            for (const format of ['atom', 'rss', 'json'] as const) {
              const path = `/api/feed${scope.map((s) => `/${s}`).join('')}?format=${format}&limit=100`;
              const res = await invoke(app, { url: path, query: { scope: [...scope], format, limit: '100' }, headers: { host: 'feeds.example' } });
              expect(res.status).toBe(200);
              const expected = shown.map((r) => `${prefix}${label(r)}`).map((s) => (format === 'json' ? s : xmlText(s)));
              await expectFeed(format, res.text, expected);
            }
          }
        } finally {
          await write(async (tx) => deleteProject(tx, (await findProject(tx, owner, repo, { seeAll: true, forUpdate: true }))!));
        }
      }),
      { numRuns: RUNS ? Math.ceil(RUNS / 4) : 12 },
    );
  });
});
