import type { Principal } from '../auth/principal';
import { write } from '../db/write';
import { createProject } from '../projects/repo';
import { defaultReleaseSort, listReleases, type ListOptions, type ReleaseFilters, type ReleaseSortKey } from '../releases/repo';
import type { ReleaseWrite } from '../releases/schema';
import * as service from '../releases/service';
import type { SortTerm } from '../db/keyset';
import { useTestDatabase } from '../test/db';
import { decodeEntities, SearchText, snippetHtml } from '.';

// Runs on PGlite, and on PostgreSQL with TEST_DATABASE_URL: the same migration, queries and answers.
const t = useTestDatabase();

const principal: Principal = { kind: 'token', tokenId: 1, name: 'tester', scopes: ['read', 'write'] };
const person = { actor: { kind: 'person' as const, principal } };

let day = 0;
const release = (tag: string, over: Partial<ReleaseWrite> = {}): ReleaseWrite => ({
  tag,
  name: null,
  body: '',
  url: null,
  // Each release a day after the one before: the newest is the last created.
  publishedAt: new Date(Date.UTC(2026, 0, 1 + day++)),
  prerelease: false,
  draft: false,
  hidden: false,
  author: null,
  ...over,
});

const add = (repo: string, w: ReleaseWrite) => write((tx) => service.createRelease(tx, { owner: 'srch', repo }, w, person));

async function search(q: string, o: Partial<ListOptions> & { filters?: ReleaseFilters; sort?: SortTerm<ReleaseSortKey>[] } = {}) {
  const filters = { ...o.filters, q };
  return listReleases(t.db(), { seeAll: false, offset: 0, limit: 50, count: true, ...o, filters, sort: o.sort ?? defaultReleaseSort(filters) });
}
const tags = (page: { items: { tag: string }[] }) => page.items.map((r) => r.tag);

beforeAll(async () => {
  for (const repo of ['engine', 'other']) {
    await write((tx) => createProject(tx, { owner: 'srch', repo, name: repo, description: null, homepage: null }));
  }
  // Notes that mention "telemetry" many times, but not in the title...
  await add('engine', release('v1.3.0', { name: 'Maintenance', body: 'Telemetry telemetry telemetry: the telemetry pipeline and telemetry exporters, telemetry everywhere.' }));
  // ...rank below a release whose title names it once.
  await add('engine', release('v1.4.0', { name: 'Telemetry', body: 'A new pipeline for metrics.' }));
  await add('engine', release('v1.4.2', { name: 'Patch', body: 'Fixes a crash when the cache is cold.\n\nCold start is faster.' }));
  await add('engine', release('v1.40.0', { name: 'Big one', body: 'Start of something cold and new.' }));
  await add('engine', release('v2.0.0-beta.1', { name: 'Beta', body: 'Cold start rewritten. <script>alert("x")</script> and `<b>bold</b>` & more crash fixes', prerelease: true }));
  await add('engine', release('v2.0.0', { name: 'Two', body: 'Crashes fixed in the **renderer**. See [the docs](https://example.com/crash-guide).' }));
  await add('other', release('@acme/ui@1.4.1', { name: 'UI kit', body: 'Buttons.' }));
  // Never found by readers: a draft, a hidden release.
  await add('engine', release('v9.9.9-draft', { name: 'Secret crash plan', body: 'crash telemetry', draft: true, publishedAt: null }));
  await add('engine', release('v9.9.8', { name: 'Hidden crash', body: 'crash telemetry', hidden: true }));
}, 120_000);

describe('release search (websearch syntax, ranked, with snippets)', () => {
  it('ranks a release whose title matches above one that only mentions it in its notes, however often', async () => {
    const page = await search('telemetry');
    expect(tags(page)).toEqual(['v1.4.0', 'v1.3.0']);
    const [title, notes] = page.items;
    expect(title!.search!.rank).toBeGreaterThan(notes!.search!.rank);
    expect(title!.search!.rank).toBeGreaterThanOrEqual(1);
    expect(notes!.search!.rank).toBeLessThan(1);
    expect(page.total).toBe(2);
  });

  it('stems English words: "crashes" finds "crash", "Crashes", "crash fixes"', async () => {
    expect(new Set(tags(await search('crashes')))).toEqual(new Set(['v1.4.2', 'v2.0.0-beta.1', 'v2.0.0']));
  });

  it('matches a quoted phrase only as a phrase', async () => {
    // "cold start" as words: v1.40.0 has both (apart); as a phrase only the two that say "cold start".
    expect(new Set(tags(await search('cold start')))).toEqual(new Set(['v1.4.2', 'v1.40.0', 'v2.0.0-beta.1']));
    expect(new Set(tags(await search('"cold start"')))).toEqual(new Set(['v1.4.2', 'v2.0.0-beta.1']));
  });

  it('excludes a -word, and takes or', async () => {
    expect(new Set(tags(await search('crash -beta')))).toEqual(new Set(['v1.4.2', 'v2.0.0']));
    expect(new Set(tags(await search('telemetry or buttons')))).toEqual(new Set(['v1.4.0', 'v1.3.0', '@acme/ui@1.4.1']));
  });

  it('finds versions by their dot-prefixes, with or without v, and never 1.40 for 1.4', async () => {
    expect(new Set(tags(await search('1.4')))).toEqual(new Set(['v1.4.0', 'v1.4.2', '@acme/ui@1.4.1']));
    expect(new Set(tags(await search('v1.4')))).toEqual(new Set(['v1.4.0', 'v1.4.2', '@acme/ui@1.4.1']));
    expect(tags(await search('1.4.2'))).toEqual(['v1.4.2']);
    expect(tags(await search('v1.40'))).toEqual(['v1.40.0']);
    expect(new Set(tags(await search('2.0.0')))).toEqual(new Set(['v2.0.0', 'v2.0.0-beta.1']));
    // Words of a tag count too: the package name of a monorepo tag.
    expect(tags(await search('ui'))).toEqual(['@acme/ui@1.4.1']);
  });

  it('never finds drafts or hidden releases for readers; a token holder (seeAll) finds them', async () => {
    expect(tags(await search('secret'))).toEqual([]);
    expect(tags(await search('hidden crash'))).toEqual([]);
    expect(new Set(tags(await search('crash telemetry', { seeAll: true })))).toEqual(new Set(['v9.9.9-draft', 'v9.9.8']));
  });

  it('highlights matches in <mark> and escapes everything else: notes markup never comes back raw', async () => {
    const beta = (await search('crash')).items.find((r) => r.tag === 'v2.0.0-beta.1')!;
    const snippet = beta.search!.snippet;
    expect(snippet).toContain('<mark>crash</mark>');
    expect(snippet).not.toMatch(/<(?!\/?mark>)/); // no tag but mark
    expect(snippet).not.toContain('<script');
    // The code span's text is shown, escaped (the sanitizer dropped the script element itself).
    expect(snippet).toContain('&lt;b&gt;bold&lt;/b&gt;');
    expect(snippet).toContain('&amp; more');
    const two = (await search('renderer')).items[0]!;
    // The rendered text, not the Markdown: no ** and no link target.
    expect(two.search!.snippet).toBe('Crashes fixed in the <mark>renderer</mark>. See the docs');
  });

  it('shows the first words of the notes when only the title matched', async () => {
    const title = (await search('telemetry')).items[0]!;
    expect(title.search!.snippet).toBe('A new pipeline for metrics.');
  });

  it('sorts by relevance, then newest; an explicit sort wins, and the search filter still applies', async () => {
    const byDate = await search('crash', { sort: [{ key: 'publishedAt', dir: 'asc' }] });
    expect(tags(byDate)).toEqual(['v1.4.2', 'v2.0.0-beta.1', 'v2.0.0']);
    expect(byDate.items.every((r) => r.search && r.search.rank > 0)).toBe(true);
  });

  it('pages by relevance with cursors, forward and back, without losing or repeating a row', async () => {
    const all = tags(await search('cold or crash or telemetry'));
    expect(all.length).toBe(6);
    const seen: string[] = [];
    let page = await search('cold or crash or telemetry', { limit: 2, count: false });
    seen.push(...tags(page));
    while (page.nextCursor) {
      page = await search('cold or crash or telemetry', { limit: 2, count: false, cursor: page.nextCursor });
      seen.push(...tags(page));
    }
    expect(seen).toEqual(all);
    const back = await search('cold or crash or telemetry', { limit: 2, count: false, cursor: page.prevCursor });
    expect(tags(back)).toEqual(all.slice(2, 4));
  });

  it('filters combine with the search (project, prerelease)', async () => {
    expect(tags(await search('1.4', { filters: { project: [{ owner: 'srch', repo: 'other' }] } }))).toEqual(['@acme/ui@1.4.1']);
    expect(tags(await search('crash', { filters: { prerelease: false } })).sort()).toEqual(['v1.4.2', 'v2.0.0']);
  });

  it('a query of stop words or punctuation finds nothing (and is no error)', async () => {
    expect((await search('the')).items).toEqual([]);
    expect((await search('%')).items).toEqual([]);
    expect((await search('"')).total).toBe(0);
  });

  it('follows edits: new notes and a new tag are found, the old words no longer (the trigger keeps the vector)', async () => {
    await add('other', release('v5.0.0', { name: 'Before', body: 'quokka' }));
    expect(tags(await search('quokka'))).toEqual(['v5.0.0']);
    await write((tx) =>
      service.replaceRelease(
        tx,
        { owner: 'srch', repo: 'other', tag: 'v5.0.0' },
        release('v5.1.0', { name: 'Aardvark', body: 'wombat', publishedAt: new Date('2026-03-01T00:00:00Z') }),
        person,
      ),
    );
    expect(tags(await search('quokka'))).toEqual([]);
    expect(tags(await search('wombat 5.1'))).toEqual(['v5.1.0']);
    expect(tags(await search('aardvark'))).toEqual(['v5.1.0']);
    // A change that leaves tag, name and notes alone (hidden) keeps the vector: found again once visible.
    await write((tx) => service.changeReleases(tx, { owner: 'srch', repo: 'other' }, { tag_prefix: 'v5.' }, { hidden: true }));
    expect(tags(await search('wombat'))).toEqual([]);
    await write((tx) => service.changeReleases(tx, { owner: 'srch', repo: 'other' }, { tag_prefix: 'v5.' }, { hidden: false }));
    expect(tags(await search('wombat'))).toEqual(['v5.1.0']);
  });

  it('a list without q has no search member', async () => {
    const page = await listReleases(t.db(), { filters: {}, seeAll: false, sort: defaultReleaseSort({}), offset: 0, limit: 3, count: false });
    expect(page.items.map((r) => r.search)).toEqual([undefined, undefined, undefined]);
  });
});

describe('q and snippets (no database)', () => {
  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['x'.repeat(201), 'at most 200'],
    ['a\u0000b', 'control characters'],
  ])('refuses q=%j', (q, message) => {
    const r = SearchText.safeParse(q);
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.message).toContain(message);
  });

  it('keeps a usable q, trimmed', () => {
    expect(SearchText.parse('  cold start ')).toBe('cold start');
  });

  it('turns only paired marks into <mark>, after escaping', () => {
    expect(snippetHtml('a \u0001<b>\u0002 \u0001x & y\u0002 \u0002z\u0001')).toBe('a <mark>&lt;b&gt;</mark> <mark>x &amp; y</mark> z');
    expect(snippetHtml('&#x3C;script>alert(1)&#x3C;/script> &lt;img onerror=x&gt;')).toBe('&lt;script&gt;alert(1)&lt;/script&gt; &lt;img onerror=x&gt;');
  });

  it('decodes character references, never into a mark or a control character', () => {
    expect(decodeEntities('&#1;&#x2;&#0;&#xD800;&amp;&quot;&#x1F680;&bogus;')).toBe('\uFFFD\uFFFD\uFFFD\uFFFD&"🚀&bogus;');
  });
});
