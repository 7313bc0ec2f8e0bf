import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { closeMarkdownPool, renderMarkdown as render } from '../markdown';
import { decodeEntities, htmlToText, notesSummary, releaseMeta, releaseImagePath, truncateText, type PageMeta } from './meta';
import { escapeXml, robotsTxt, sitemapXml } from './sitemap';
import type { ReleasePageData } from './changelog';
import type * as PageHeadModule from './ui/PageHead';

const renderMarkdown = (markdown: string) => render(markdown, { repository: 'acme/rocket' });

afterAll(() => closeMarkdownPool());

describe('plain text from notes HTML', () => {
  it('drops tags, decodes references once and collapses whitespace', () => {
    expect(htmlToText('<p>Fast <strong>and</strong>\n  <a href="x">safe</a> &amp; sound &lt;b&gt; &#x1F680; &#169; &amp;lt;</p>')).toBe('Fast and safe & sound <b> 🚀 © &lt;');
    expect(decodeEntities('&bogus; &#0; &#xD800; &AMP;')).toBe('&bogus; \uFFFD \uFFFD &');
  });

  it('leaves out code blocks, footnote references, scripts and comments', () => {
    expect(htmlToText('<p>See<sup><a href="#fn-1">1</a></sup> this</p><pre><code>npm i</code></pre><script>alert(1)</script><!-- hidden -->')).toBe('See this');
  });

  it('keeps words apart across block elements and line breaks', () => {
    expect(htmlToText('<ul><li>one</li><li>two</li></ul><p>a<br>b</p>')).toBe('one two a b');
  });
});

describe('truncateText', () => {
  it('keeps short text as it is', () => {
    expect(truncateText('Short enough.', 200)).toBe('Short enough.');
  });

  it('cuts on a word boundary, without trailing punctuation, and marks the cut', () => {
    const text = 'The quick brown fox jumps over the lazy dog, again and again.';
    const cut = truncateText(text, 30);
    expect(cut).toBe('The quick brown fox jumps…');
    expect([...cut].length).toBeLessThanOrEqual(30);
    expect(truncateText('Alpha beta, gamma delta', 14)).toBe('Alpha beta…');
  });

  it('never splits a surrogate pair, and cuts a word with no space near the end', () => {
    const emoji = '🚀'.repeat(50);
    const cut = truncateText(emoji, 10);
    expect(cut).toBe(`${'🚀'.repeat(9)}…`);
    expect(truncateText('a'.repeat(300), 200)).toBe(`${'a'.repeat(199)}…`);
  });
});

describe('notesSummary (from notes rendered by the real renderer)', () => {
  it('is the first paragraph, not a heading, an alert title or a list', async () => {
    const html = await renderMarkdown('## Highlights\n\n> [!NOTE]\n> Upgrade `foo` **first** & read [the guide](https://example.com).\n\n- a list item\n\nSecond paragraph.');
    expect(notesSummary(html)).toBe('Upgrade foo first & read the guide.');
  });

  it('falls back to any text, and is empty for notes without text', async () => {
    expect(notesSummary(await renderMarkdown('- only\n- a list'))).toBe('only a list');
    expect(notesSummary(await renderMarkdown(''))).toBe('');
    expect(notesSummary('<p>  </p><p>:)</p>')).toBe('');
  });

  it('is cut to about 200 characters on a word boundary', async () => {
    const long = Array.from({ length: 80 }, (_, i) => `word${i}`).join(' ');
    const summary = notesSummary(await renderMarkdown(long));
    expect([...summary].length).toBeLessThanOrEqual(200);
    expect(summary.endsWith('…')).toBe(true);
    expect(long.startsWith(summary.slice(0, -1))).toBe(true);
    expect(long.charAt(summary.length - 1)).toBe(' '); // the cut falls between words
  });
});

const releaseData = (over: Partial<ReleasePageData['release']> = {}): ReleasePageData => ({
  project: { owner: 'acme', repo: 'rocket', fullName: 'acme/rocket', name: 'Rocket', description: null, homepage: null },
  release: {
    tag: 'v1.0.0/beta',
    name: 'Quotes "and" <tags>',
    publishedAt: '2026-11-01T12:00:00.000Z',
    prerelease: false,
    html: '<p>Hello <em>"world"</em> &amp; <script>x</script>friends</p>',
    url: null,
    path: '/acme/rocket/releases/v1.0.0/beta',
    project: 'acme/rocket',
    author: null,
    ...over,
  },
  latest: false,
  previous: null,
  next: null,
});

describe('releaseMeta and PageHead', () => {
  it('builds absolute canonical and image URLs on the origin', () => {
    const meta = releaseMeta('https://changelog.example.com/', releaseData());
    expect(meta.canonical).toBe('https://changelog.example.com/acme/rocket/releases/v1.0.0/beta');
    expect(meta.image?.url).toBe('https://changelog.example.com/api/og/acme/rocket/v1.0.0/beta');
    expect(releaseImagePath('acme', 'rocket', 'a b/c#d')).toBe('/api/og/acme/rocket/a%20b/c%23d');
    expect(meta.description).toBe('Hello "world" & friends');
    expect(meta.type).toBe('article');
  });

  it('falls back to the tag when the release has no name or notes', () => {
    const meta = releaseMeta('https://x.example', releaseData({ name: null, html: '' }));
    expect(meta.shareTitle).toBe('Rocket v1.0.0/beta');
    expect(meta.description).toBe('Release v1.0.0/beta of acme/rocket.');
  });

  it('renders escaped attributes (quotes and angle brackets never break out)', async () => {
    // next/head renders nothing outside Next.js: the same elements are rendered here through a stand-in.
    jest.resetModules();
    jest.doMock('next/head', () => ({ __esModule: true, default: ({ children }: { children: unknown }) => children }));
    const { PageHead } = (await import('./ui/PageHead')) as typeof PageHeadModule;
    const meta: PageMeta = releaseMeta('https://x.example', releaseData());
    const html = renderToStaticMarkup(createElement(PageHead, { meta }));
    expect(html).toContain('<meta property="og:title" content="Quotes &quot;and&quot; &lt;tags&gt; · Rocket v1.0.0/beta"/>');
    expect(html).toContain('<meta name="twitter:card" content="summary_large_image"/>');
    expect(html).toContain('<link rel="canonical" href="https://x.example/acme/rocket/releases/v1.0.0/beta"/>');
    expect(html).not.toMatch(/<tags>|<script/);
    jest.dontMock('next/head');
  });
});

describe('sitemap and robots', () => {
  it('escapes URLs in XML and names the sitemap in robots.txt', () => {
    expect(escapeXml(`a&b<c>"d'`)).toBe('a&amp;b&lt;c&gt;&quot;d&apos;');
    const xml = sitemapXml('https://x.example', { kind: 'urlset', entries: [{ path: '/acme/rocket/releases/a&b', lastmod: new Date('2026-01-02T03:04:05Z') }] });
    expect(xml).toContain('<url><loc>https://x.example/acme/rocket/releases/a&amp;b</loc><lastmod>2026-01-02T03:04:05.000Z</lastmod></url>');
    const index = sitemapXml('https://x.example', {
      kind: 'index',
      pages: [
        { n: 1, lastmod: null },
        { n: 2, lastmod: null },
      ],
    });
    expect(index).toContain('<sitemapindex');
    expect(index).toContain('<loc>https://x.example/sitemap-2.xml</loc>');
    expect(robotsTxt('https://x.example')).toMatch(/^Sitemap: https:\/\/x\.example\/sitemap\.xml$/m);
    expect(robotsTxt('https://x.example')).toMatch(/^Disallow: \/admin$/m);
  });
});
