// Feeds and exports over real HTTP: Atom and RSS parse in a real feed parser, JSON Feed 1.1 has what
// its spec requires, formats follow ?format= and Accept, friendly URLs work, ETag/304, and the
// changelog export streams Markdown and NDJSON.
import { parseFeed } from '@rowanmanning/feed-parser';
import RssParser from 'rss-parser';

const base = () => process.env.SHIPLOG_TEST_URL!;
const get = (path: string, headers: Record<string, string> = {}) => fetch(`${base()}${path}`, { headers });

describe('feeds', () => {
  it.each([
    ['/acme/rocket/feed.atom', 'application/atom+xml', 'atom'],
    ['/acme/rocket/feed.rss', 'application/rss+xml', 'rss'],
    ['/api/feed/acme/rocket', 'application/atom+xml', 'atom'],
    ['/api/feed/acme/rocket?format=rss', 'application/rss+xml', 'rss'],
  ])('%s is a valid %s feed of the project, without prereleases', async (path, type, kind) => {
    const res = await get(path);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(`${type}; charset=utf-8`);
    const feed = parseFeed(await res.text());
    expect(feed.meta.type).toBe(kind);
    expect(feed.title).toBe('Rocket releases');
    expect(feed.items.length).toBeGreaterThan(20);
    const first = feed.items[0]!;
    expect(first.url).toMatch(new RegExp(`^${base()}/acme/rocket/releases/v\\d+\\.\\d+\\.\\d+$`));
    expect(first.content).toMatch(/^<(p|h2|h3|ul)>/);
    expect(feed.items.some((i) => /-(beta|rc)/.test(i.title ?? ''))).toBe(false);
  });

  it('includes prereleases with ?prerelease=true', async () => {
    const feed = parseFeed(await (await get('/api/feed/acme/rocket?prerelease=true&limit=100')).text());
    expect(feed.items.some((i) => /-(beta|rc)/.test(i.title ?? ''))).toBe(true);
  });

  it('serves JSON Feed 1.1 by extension, ?format=json or Accept', async () => {
    for (const [path, headers] of [
      ['/acme/rocket/feed.json', {}],
      ['/api/feed/acme/rocket?format=json', {}],
      ['/api/feed/acme/rocket', { accept: 'application/feed+json' }],
    ] as const) {
      const res = await get(path, headers);
      expect(res.headers.get('content-type')).toBe('application/feed+json; charset=utf-8');
      const feed = (await res.json()) as { version: string; title: string; feed_url: string; items: { id: string; url: string; content_html: string; date_published: string }[] };
      expect(feed.version).toBe('https://jsonfeed.org/version/1.1');
      expect(feed.title).toBe('Rocket releases');
      expect(feed.feed_url).toBe(`${base()}/acme/rocket/feed.json`);
      expect(feed.items.length).toBeGreaterThan(20);
      for (const item of feed.items) {
        expect(item.id).toBeTruthy();
        expect(item.content_html).toBeTruthy();
        expect(Number.isNaN(Date.parse(item.date_published))).toBe(false);
      }
    }
  });

  it('has a feed for everything and per owner, naming the project in each entry', async () => {
    const all = parseFeed(await (await get('/feed.atom')).text());
    expect(new Set(all.items.map((i) => i.title?.split(' ')[0])).size).toBeGreaterThan(1);
    const owner = parseFeed(await (await get('/acme/feed.rss')).text());
    expect(owner.items.every((i) => /^acme\/(rocket|ui) /.test(i.title ?? ''))).toBe(true);
  });

  it('answers 304 to If-None-Match and 406 to an Accept it cannot serve', async () => {
    const first = await get('/api/feed/acme/rocket');
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"/);
    expect((await get('/api/feed/acme/rocket', { 'if-none-match': etag })).status).toBe(304);
    const refused = await get('/api/feed/acme/rocket', { accept: 'image/png' });
    expect(refused.status).toBe(406);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
  });

  it('404s an unknown project or owner, and 400s an unknown format', async () => {
    expect((await get('/api/feed/acme/nope')).status).toBe(404);
    expect((await get('/api/feed/nobody')).status).toBe(404);
    expect((await get('/api/feed/acme/rocket?format=xml')).status).toBe(400);
  });

  it('is linked from the pages with <link rel="alternate">', async () => {
    const html = await (await get('/acme/rocket')).text();
    expect(html).toMatch(/<link rel="alternate" type="application\/atom\+xml" title="Rocket releases \(Atom\)" href="\/acme\/rocket\/feed\.atom"/);
    expect(html).toContain('type="application/feed+json"');
  });
});

describe('feeds against hostile release names (over HTTP)', () => {
  const auth = () => ({ authorization: `Bearer ${process.env.SHIPLOG_TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' });
  const owner = `inj${Date.now().toString(36)}`;
  const INJECTION = ']]>]]></title><link href="https://evil.example/phish"/></entry><entry><title>Injected</title></entry><entry><title><![CDATA[';

  beforeAll(async () => {
    expect((await fetch(`${base()}/api/v2/projects`, { method: 'POST', headers: auth(), body: JSON.stringify({ owner, repo: 'app' }) })).status).toBe(201);
    const created = await fetch(`${base()}/api/v2/projects/${owner}/app/releases`, {
      method: 'POST',
      headers: auth(),
      body: JSON.stringify({ tag: 'v1.0.0', name: INJECTION, notes: { markdown: 'Fixed ]]> and ]]> <x:script xmlns:x="http://www.w3.org/1999/xhtml">alert(1)</x:script>' } }),
    });
    expect(created.status).toBe(201);
  });

  it('a name that closes the CDATA adds no entry to the project, owner and global feeds (Atom and RSS, two parsers)', async () => {
    for (const path of [`/${owner}/app/feed.atom`, `/${owner}/app/feed.rss`, `/${owner}/feed.atom`, `/${owner}/feed.rss`]) {
      const xml = await (await get(path)).text();
      expect(parseFeed(xml).items).toHaveLength(1);
      const items = (await new RssParser().parseString(xml)).items;
      expect(items).toHaveLength(1);
      expect(items[0]!.title).toContain(INJECTION);
      expect(xml).not.toContain('<x:script');
    }
    const all = await (await get('/feed.atom?limit=100')).text();
    const mine = parseFeed(all).items.filter((i) => i.url?.includes(`/${owner}/`));
    expect(mine).toHaveLength(1);
    expect(all).not.toContain('evil.example/phish"');
  });

  it('sends Last-Modified (304 for If-Modified-Since) and Vary: Host, and links to an owner page that exists', async () => {
    const res = await get(`/${owner}/feed.atom`);
    const lastModified = res.headers.get('last-modified')!;
    expect(lastModified).toMatch(/GMT$/);
    expect(res.headers.get('vary')).toMatch(/\bHost\b/);
    expect((await get(`/${owner}/feed.atom`, { 'if-modified-since': lastModified })).status).toBe(304);
    const xml = await res.text();
    const home = /<link rel="alternate" type="text\/html" href="([^"]+)"\/>/.exec(xml)![1]!;
    expect(home).toBe(`${base()}/${owner}`);
    const page = await fetch(home);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(`data-project="${owner}/app"`);
  });
});

describe('owner pages', () => {
  it('404s an owner with no project and redirects another spelling to the stored one', async () => {
    expect((await get('/nobody-owns-this')).status).toBe(404);
    const res = await fetch(`${base()}/ACME`, { redirect: 'manual' });
    expect(res.status).toBe(308);
    expect(res.headers.get('location')).toMatch(/\/acme$/);
  });

  it("follows a new release of one of the owner's projects within seconds (on-demand revalidation)", async () => {
    const auth = { authorization: `Bearer ${process.env.SHIPLOG_TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' };
    const owner = `own${Date.now().toString(36)}`;
    await fetch(`${base()}/api/v2/projects`, { method: 'POST', headers: auth, body: JSON.stringify({ owner, repo: 'one' }) });
    expect((await get(`/${owner}`)).status).toBe(200); // rendered and cached now
    await fetch(`${base()}/api/v2/projects/${owner}/one/releases`, { method: 'POST', headers: auth, body: JSON.stringify({ tag: 'v7.0.0' }) });
    const started = Date.now();
    while (!(await (await get(`/${owner}`)).text()).includes('data-tag="v7.0.0"')) {
      if (Date.now() - started > 15_000) throw new Error('the owner page did not show the new release within 15 s');
      await new Promise((r) => setTimeout(r, 100));
    }
  });
});

describe('changelog exports', () => {
  it('streams a CHANGELOG.md for Accept: text/markdown', async () => {
    const res = await get('/api/v1/projects/acme/rocket/changelog', { accept: 'text/markdown' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/markdown; charset=utf-8');
    const text = await res.text();
    expect(text.startsWith('# Changelog\n')).toBe(true);
    const headings = text.match(/^## \[[^\]]+\] - \d{4}-\d{2}-\d{2}/gm) ?? [];
    expect(headings).toHaveLength(41); // every public release, drafts excluded
    expect(text).not.toContain('[v3.6.0]');
  });

  it('streams NDJSON, one release per line in the version shape, newest first', async () => {
    const res = await get('/api/v2/projects/acme/rocket/changelog', { accept: 'application/x-ndjson' });
    expect(res.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
    const lines = (await res.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { tag: string; publishedAt: string; notes: { markdown: string } });
    expect(lines).toHaveLength(41);
    expect(lines[0]!.notes.markdown.length).toBeGreaterThan(0);
    const times = lines.map((l) => Date.parse(l.publishedAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });

  it('has an ETag (304) and refuses other types with 406', async () => {
    const first = await get('/api/v1/projects/acme/rocket/changelog?format=ndjson');
    await first.text();
    const etag = first.headers.get('etag')!;
    expect((await get('/api/v1/projects/acme/rocket/changelog?format=ndjson', { 'if-none-match': etag })).status).toBe(304);
    expect((await get('/api/v1/projects/acme/rocket/changelog', { accept: 'application/pdf' })).status).toBe(406);
  });
});
