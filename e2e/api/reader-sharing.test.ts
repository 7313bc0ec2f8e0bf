// Sharing and discovery over real HTTP, as link unfurlers, crawlers and feed readers see a site: a
// release page names its title, description, canonical URL and card image (Open Graph, Twitter), and
// that image is a 1200×630 PNG; the sitemap lists every public page and robots.txt points at it; feed
// autodiscovery links lead to feeds; a hidden release has no card. On a server of its own, whose
// public URL (SHIPLOG_PUBLIC_URL) is its own address, so absolute URLs can be followed.
import { randomBytes } from 'node:crypto';
import { SaxesParser } from 'saxes';
import { freePort, startServer, type RunningServer } from '../harness/server';
import { newStorage, postgresAdminUrl, type Storage } from '../harness/storage';

let storage: Storage;
let server: RunningServer;
const owner = 'sharing';
const repo = `unfurl-${randomBytes(3).toString('hex')}`;

const auth = () => ({ authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' });
const get = (path: string, headers: Record<string, string> = {}) => fetch(path.startsWith('http') ? path : `${server.url}${path}`, { headers });

async function post(path: string, body: unknown): Promise<void> {
  const res = await fetch(`${server.url}${path}`, { method: 'POST', headers: auth(), body: JSON.stringify(body) });
  if (res.status !== 201) throw new Error(`POST ${path}: ${res.status} ${await res.text()}`);
}

const decode = (v: string) => v.replace(/&(amp|lt|gt|quot|#x27|#39);/g, (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#x27': "'", '#39': "'" })[e]!);

/** The attributes of every `<meta>` and `<link>` in a page's `<head>`. */
function headTags(html: string): { tag: string; attrs: Record<string, string> }[] {
  const head = html.slice(0, html.indexOf('</head>'));
  return [...head.matchAll(/<(meta|link)\s([^>]*?)\/?>/g)].map((m) => ({
    tag: m[1]!,
    attrs: Object.fromEntries([...m[2]!.matchAll(/([\w:-]+)="([^"]*)"/g)].map((a) => [a[1]!, decode(a[2]!)])),
  }));
}

function meta(html: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const { tag, attrs } of headTags(html)) {
    const key = tag === 'link' ? `link:${attrs.rel}${attrs.type ? `:${attrs.type}` : ''}` : (attrs.property ?? attrs.name);
    const value = tag === 'link' ? attrs.href : attrs.content;
    if (key && value !== undefined) (out[key] ??= []).push(value);
  }
  return out;
}

const one = (m: Record<string, string[]>, key: string): string => {
  expect({ key, values: m[key] }).toEqual({ key, values: [expect.any(String)] });
  return m[key]![0]!;
};

/** Width and height from a PNG's IHDR chunk (after the 8-byte signature and the chunk's length and type). */
function pngSize(bytes: Buffer): { width: number; height: number } {
  expect(bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
  expect(bytes.subarray(12, 16).toString('latin1')).toBe('IHDR');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

/** Every `<loc>` (and whether each `<url>` had a `<lastmod>`) of a sitemap, parsed by a strict XML parser. */
function parseSitemap(xml: string): { root: string; urls: { loc: string; lastmod?: string }[] } {
  const parser = new SaxesParser({ xmlns: true });
  let root = '';
  const urls: { loc: string; lastmod?: string }[] = [];
  const path: string[] = [];
  parser.on('opentag', (t) => {
    if (!root) root = `{${t.uri}}${t.local}`;
    path.push(t.local);
    if (t.local === 'url' || t.local === 'sitemap') urls.push({ loc: '' });
  });
  parser.on('text', (text) => {
    const at = path[path.length - 1];
    const last = urls[urls.length - 1];
    if (last && at === 'loc') last.loc += text;
    if (last && at === 'lastmod') last.lastmod = (last.lastmod ?? '') + text;
  });
  parser.on('closetag', () => path.pop());
  parser.write(xml).close();
  return { root, urls };
}

beforeAll(async () => {
  const port = await freePort();
  // PostgreSQL when the run has one (TEST_DATABASE_URL), else PGlite.
  storage = await newStorage(postgresAdminUrl() ? 'postgres' : 'pglite', 'sharing');
  server = await startServer({ port, dataDir: storage.dataDir, databaseUrl: storage.databaseUrl, env: { SHIPLOG_PUBLIC_URL: `http://127.0.0.1:${port}` } });
  await post('/api/v1/projects', { owner, repo, name: 'Unfurl', description: 'A project whose links unfurl.' });
  await post(`/api/v1/projects/${owner}/${repo}/releases`, {
    tag: 'v1.0.0',
    name: 'Launch "day" <1>',
    body: '## Highlights\n\n> [!NOTE]\n> First paragraph with **bold** & <b>inline HTML</b>, [a link](https://example.com) and `code`.\n\nSecond paragraph.',
  });
  await post(`/api/v1/projects/${owner}/${repo}/releases`, { tag: 'tools/v2.0.0', name: 'Tools two', body: 'Tools, version two.' });
  await post(`/api/v1/projects/${owner}/${repo}/releases`, { tag: 'v0.9.0-secret', name: 'Secret', body: 'Not yet.', hidden: true });
}, 180_000);

afterAll(async () => {
  await server?.stop();
  await storage?.dispose();
});

describe('a shared release link unfurls with its image', () => {
  it('the release page has title, description, canonical, Open Graph and Twitter card', async () => {
    const res = await get(`/${owner}/${repo}/releases/v1.0.0`);
    expect(res.status).toBe(200);
    const html = await res.text();
    const m = meta(html);
    const page = `${server.url}/${owner}/${repo}/releases/v1.0.0`;
    expect(one(m, 'link:canonical')).toBe(page);
    expect(one(m, 'og:url')).toBe(page);
    expect(one(m, 'og:type')).toBe('article');
    expect(one(m, 'og:site_name')).toBe('Shiplog');
    expect(one(m, 'og:title')).toBe('Launch "day" <1> · Unfurl v1.0.0');
    expect(one(m, 'twitter:title')).toBe('Launch "day" <1> · Unfurl v1.0.0');
    // The notes' first paragraph as plain text (the alert's title and the heading are not part of it).
    expect(one(m, 'description')).toBe('First paragraph with bold & inline HTML, a link and code.');
    expect(one(m, 'og:description')).toBe(one(m, 'description'));
    expect(one(m, 'twitter:card')).toBe('summary_large_image');
    expect(one(m, 'og:image')).toBe(`${server.url}/api/og/${owner}/${repo}/v1.0.0`);
    expect(one(m, 'twitter:image')).toBe(one(m, 'og:image'));
    expect([one(m, 'og:image:width'), one(m, 'og:image:height'), one(m, 'og:image:type')]).toEqual(['1200', '630', 'image/png']);
    expect(one(m, 'article:published_time')).toMatch(/^\d{4}-\d\d-\d\dT/);
    // One title: the page's own was replaced, not repeated.
    expect([...html.matchAll(/<title[^>]*>([^<]*)<\/title>/g)].map((t) => decode(t[1]!))).toEqual(['Launch "day" <1> · Unfurl · Shiplog']);

    const image = await get(one(m, 'og:image'));
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/png');
    expect(image.headers.get('cache-control')).toMatch(/^public, /);
    const etag = image.headers.get('etag');
    expect(etag).toMatch(/^"og\d+-[\w-]+"$/);
    const bytes = Buffer.from(await image.arrayBuffer());
    expect(Number(image.headers.get('content-length'))).toBe(bytes.length);
    expect(pngSize(bytes)).toEqual({ width: 1200, height: 630 });

    const again = await get(one(m, 'og:image'), { 'if-none-match': etag! });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(etag);
  });

  it('a tag with a slash has its card too', async () => {
    const m = meta(await (await get(`/${owner}/${repo}/releases/tools/v2.0.0`)).text());
    expect(one(m, 'og:image')).toBe(`${server.url}/api/og/${owner}/${repo}/tools/v2.0.0`);
    const image = await get(one(m, 'og:image'));
    expect(image.status).toBe(200);
    expect(pngSize(Buffer.from(await image.arrayBuffer()))).toEqual({ width: 1200, height: 630 });
  });

  it('the project page has its own card image', async () => {
    const m = meta(await (await get(`/${owner}/${repo}`)).text());
    expect(one(m, 'link:canonical')).toBe(`${server.url}/${owner}/${repo}`);
    expect(one(m, 'description')).toBe('A project whose links unfurl.');
    expect(one(m, 'og:image')).toBe(`${server.url}/api/og/${owner}/${repo}`);
    const image = await get(one(m, 'og:image'));
    expect(image.status).toBe(200);
    expect(pngSize(Buffer.from(await image.arrayBuffer()))).toEqual({ width: 1200, height: 630 });
  });

  it('a hidden release, an unknown release and an unknown project have no card (404 problem+json)', async () => {
    for (const path of [`/api/og/${owner}/${repo}/v0.9.0-secret`, `/api/og/${owner}/${repo}/v9.9.9`, `/api/og/${owner}/nothing-here`]) {
      const res = await get(path);
      expect({ path, status: res.status, type: res.headers.get('content-type') }).toEqual({ path, status: 404, type: 'application/problem+json; charset=utf-8' });
      expect(((await res.json()) as { status: number }).status).toBe(404);
    }
    expect((await get(`/${owner}/${repo}/releases/v0.9.0-secret`)).status).toBe(404);
  });

  it('every reader page has a title, description and canonical URL; the 404 page is not indexed', async () => {
    for (const path of ['/', `/${owner}`, `/${owner}/${repo}`, '/acme/rocket/page/2']) {
      const res = await get(path);
      expect({ path, status: res.status }).toEqual({ path, status: 200 });
      const m = meta(await res.text());
      expect(one(m, 'link:canonical')).toBe(`${server.url}${path}`);
      expect(one(m, 'description').length).toBeGreaterThan(10);
      expect(one(m, 'og:title')).toBeTruthy();
      expect(one(m, 'twitter:card')).toMatch(/^summary/);
    }
    const missing = await get('/nobody-at-all/nothing');
    expect(missing.status).toBe(404);
    const m = meta(await missing.text());
    expect(one(m, 'robots')).toBe('noindex');
    expect(m['link:canonical']).toBeUndefined();
  });
});

describe('feed autodiscovery', () => {
  it.each([['/'], [`/${owner}/${repo}`], [`/${owner}/${repo}/releases/v1.0.0`]])('the links on %s lead to feeds of their type', async (path) => {
    const tags = headTags(await (await get(path)).text()).filter((t) => t.tag === 'link' && t.attrs.rel === 'alternate');
    expect(tags.map((t) => t.attrs.type).sort()).toEqual(['application/atom+xml', 'application/feed+json', 'application/rss+xml']);
    for (const t of tags) {
      const res = await get(new URL(t.attrs.href!, `${server.url}${path}`).href);
      expect({ href: t.attrs.href, status: res.status, type: res.headers.get('content-type') }).toEqual({
        href: t.attrs.href,
        status: 200,
        type: `${t.attrs.type}; charset=utf-8`,
      });
      expect((await res.text()).length).toBeGreaterThan(100);
    }
  });
});

describe('sitemap.xml and robots.txt', () => {
  it('robots.txt points at the sitemap and keeps crawlers out of the console and the API, not the feeds', async () => {
    const res = await get('/robots.txt');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(res.headers.get('cache-control')).toMatch(/^public, /);
    const text = await res.text();
    const sitemap = /^Sitemap: (\S+)$/m.exec(text)?.[1];
    expect(sitemap).toBe(`${server.url}/sitemap.xml`);
    expect(text).toMatch(/^Disallow: \/admin$/m);
    expect(text).toMatch(/^Disallow: \/api\/$/m);
    expect(text).toMatch(/^Allow: \/api\/feed$/m);
    expect(text).toMatch(/^Allow: \/api\/og\/$/m);
    expect((await get(sitemap!)).status).toBe(200);
  });

  it('the sitemap parses as XML and lists every public page with lastmod, never a hidden release', async () => {
    const res = await get('/sitemap.xml');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/xml; charset=utf-8');
    const etag = res.headers.get('etag');
    const { root, urls } = parseSitemap(await res.text());
    expect(root).toBe('{http://www.sitemaps.org/schemas/sitemap/0.9}urlset');
    const locs = urls.map((u) => u.loc);
    for (const path of ['/', `/${owner}`, `/${owner}/${repo}`, `/${owner}/${repo}/releases/v1.0.0`, `/${owner}/${repo}/releases/tools/v2.0.0`, '/acme/rocket']) {
      expect(locs).toContain(`${server.url}${path}`);
    }
    expect(locs.some((l) => l.includes('v0.9.0-secret'))).toBe(false);
    expect(new Set(locs).size).toBe(locs.length);
    const release = urls.find((u) => u.loc === `${server.url}/${owner}/${repo}/releases/v1.0.0`)!;
    expect(Number.isNaN(Date.parse(release.lastmod ?? ''))).toBe(false);
    // Every listed release page is one a reader can open.
    const sample = locs.filter((l) => l.includes('/releases/')).slice(0, 5);
    for (const loc of sample) expect({ loc, status: (await get(loc)).status }).toEqual({ loc, status: 200 });
    expect((await get('/sitemap.xml', { 'if-none-match': etag! })).status).toBe(304);
    // Its first page, by number, is the same list; past the last page is a 404.
    expect(parseSitemap(await (await get('/sitemap-1.xml')).text()).urls.length).toBe(urls.length);
    expect((await get('/sitemap-99.xml')).status).toBe(404);
  });
});
