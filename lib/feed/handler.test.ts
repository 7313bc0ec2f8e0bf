import { parseFeed } from '@rowanmanning/feed-parser';
import RssParser from 'rss-parser';
import { SaxesParser } from 'saxes';
import { write } from '../db/write';
import { methodRouter } from '../http/method-router';
import { createProject, type ProjectRecord } from '../projects/repo';
import { createRelease, deleteRelease, findRelease } from '../releases/repo';
import type { ReleaseWrite } from '../releases/schema';
import { useTestDatabase } from '../test/db';
import { invoke } from '../test/http';
import { getFeed } from './handler';

process.env.SHIPLOG_RATE_LIMIT_READ = '0';
useTestDatabase();
jest.setTimeout(120_000); // property runs and database writes on a loaded machine
const app = methodRouter({ GET: getFeed });

const release = (tag: string, o: Partial<ReleaseWrite> = {}): ReleaseWrite => ({
  tag,
  name: null,
  body: `Notes of ${tag}`,
  url: null,
  publishedAt: null,
  prerelease: false,
  draft: false,
  hidden: false,
  author: null,
  ...o,
});

/** GET /api/feed[/owner[/repo]] in-process, as Next routes it. */
function feed(scope: string[], format: 'atom' | 'rss' | 'json', headers: Record<string, string> = {}) {
  const url = `/api/feed${scope.map((s) => `/${s}`).join('')}?format=${format}`;
  return invoke(app, { url, query: { scope, format }, headers: { host: 'shiplog.example', ...headers } });
}

/** The document as a strict XML 1.0 parser reads it: element names with their text. */
function elements(xml: string): { name: string; text: string; attributes: Record<string, string> }[] {
  const out: { name: string; text: string; attributes: Record<string, string> }[] = [];
  const stack: { name: string; text: string; attributes: Record<string, string> }[] = [];
  const parser = new SaxesParser({ xmlns: true });
  parser.on('opentag', (t) => stack.push({ name: t.name, text: '', attributes: Object.fromEntries(Object.entries(t.attributes).map(([k, a]) => [k, a.value])) }));
  parser.on('text', (text) => {
    if (stack.length) stack[stack.length - 1]!.text += text;
  });
  parser.on('closetag', () => out.push(stack.pop()!));
  parser.write(xml).close();
  return out;
}

let project: ProjectRecord;
beforeAll(async () => {
  project = await write((tx) => createProject(tx, { owner: 'feeder', repo: 'app', name: 'Feeder App', description: null, homepage: null }));
  await write((tx) => createRelease(tx, project, release('v1.0.0', { name: 'First', publishedAt: new Date('2026-01-01T00:00:00Z') }), 'manual'));
  await write((tx) =>
    createRelease(
      tx,
      project,
      release('v1.1.0', { body: '', publishedAt: new Date('2026-02-01T00:00:00Z'), author: { login: 'octocat', avatarUrl: null, url: 'https://github.com/octocat' } }),
      'manual',
    ),
  );
});

describe('feed injection (issue: titles in CDATA, only the first ]]> escaped)', () => {
  const INJECTION = ']]>]]></title><link href="https://evil.example/phish"/></entry><entry><title>Injected</title><id>urn:evil</id></entry><entry><title><![CDATA[';
  it('a release named to close the CDATA adds no entry: one entry, the name as text, in Atom and RSS', async () => {
    const p = await write((tx) => createProject(tx, { owner: 'inject', repo: 'one', name: 'x', description: null, homepage: null }));
    await write((tx) =>
      createRelease(tx, p, release('v6.6.6', { name: INJECTION, body: '<x:script xmlns:x="http://www.w3.org/1999/xhtml">alert(1)</x:script> ]]> and ]]>' }), 'manual'),
    );
    for (const scope of [['inject', 'one'], ['inject']]) {
      for (const format of ['atom', 'rss'] as const) {
        const res = await feed(scope, format);
        expect(res.status).toBe(200);
        const parsed = elements(res.text);
        expect(parsed.filter((e) => e.name === 'entry' || e.name === 'item')).toHaveLength(1);
        expect(res.text).not.toContain('evil.example/phish"/>');
        expect(parsed.some((e) => e.name.endsWith('script'))).toBe(false);
        const a = parseFeed(res.text).items;
        const b = (await new RssParser().parseString(res.text)).items;
        expect(a).toHaveLength(1);
        expect(b).toHaveLength(1);
        expect(b[0]!.title).toContain(`v6.6.6: ${INJECTION}`);
        // The notes travel as escaped HTML text: the reader's sanitizer sees them, no XML parser runs them.
        const content = parsed.find((e) => (e.name === 'content' || e.name === 'description') && e.text.includes('x:script'))!;
        expect(content.text).toContain('script');
      }
    }
  });
});

describe('feed details', () => {
  it('Atom has a feed-level author (RFC 4287 §4.1.1), so entries without one are valid', async () => {
    const res = await feed(['feeder', 'app'], 'atom');
    const parsed = elements(res.text);
    const authors = parsed.filter((e) => e.name === 'author');
    expect(authors).toHaveLength(2); // the feed's and octocat's (v1.0.0 has none)
    const names = parsed.filter((e) => e.name === 'name').map((e) => e.text);
    expect(names).toEqual(expect.arrayContaining(['feeder', 'octocat']));
    const feedAuthor = parseFeed(res.text).authors.map((a) => a.name);
    expect(feedAuthor).toEqual(['feeder']);
  });

  it('RSS gives every item a description, also a release without notes', async () => {
    const res = await feed(['feeder', 'app'], 'rss');
    const items = (await new RssParser().parseString(res.text)).items;
    expect(items).toHaveLength(2);
    for (const item of items) expect(item.content ?? '').not.toBe('');
    const parsed = elements(res.text);
    expect(parsed.filter((e) => e.name === 'description')).toHaveLength(3); // the channel's and one per item
  });

  it('sends Last-Modified and answers 304 to If-Modified-Since, and 200 again after a deletion', async () => {
    const first = await feed(['feeder', 'app'], 'atom');
    const lastModified = first.headers['last-modified'] as string;
    expect(lastModified).toMatch(/GMT$/);
    expect((await feed(['feeder', 'app'], 'atom', { 'if-modified-since': lastModified })).status).toBe(304);
    expect((await feed(['feeder', 'app'], 'atom', { 'if-modified-since': 'Thu, 01 Jan 2026 00:00:00 GMT' })).status).toBe(200);
    // If-None-Match wins over If-Modified-Since (RFC 9110 §13.1.3).
    expect((await feed(['feeder', 'app'], 'atom', { 'if-modified-since': lastModified, 'if-none-match': '"other"' })).status).toBe(200);
    // A deleted entry changes the feed though no remaining entry changed: not "not modified".
    await new Promise((r) => setTimeout(r, 1100));
    const extra = await write((tx) => createRelease(tx, project, release('v0.9.0', { publishedAt: new Date('2025-01-01T00:00:00Z') }), 'manual'));
    const withExtra = await feed(['feeder', 'app'], 'atom');
    await new Promise((r) => setTimeout(r, 1100));
    await write(async (tx) => deleteRelease(tx, project, (await findRelease(tx, project.id, extra.tag, { seeAll: true, forUpdate: true }))!));
    const after = await feed(['feeder', 'app'], 'atom', { 'if-modified-since': withExtra.headers['last-modified'] as string });
    expect(after.status).toBe(200);
    expect(Date.parse(after.headers['last-modified'] as string)).toBeGreaterThan(Date.parse(withExtra.headers['last-modified'] as string));
  });

  it('builds links from SHIPLOG_PUBLIC_URL when set; otherwise from Host, and says so with Vary', async () => {
    const byHost = await feed(['feeder', 'app'], 'atom', { host: 'a.example' });
    expect(String(byHost.headers.vary)).toMatch(/\bHost\b/);
    expect(byHost.text).toContain('href="http://a.example/feeder/app"');
    process.env.SHIPLOG_PUBLIC_URL = 'https://changelog.example.com/';
    try {
      const fixed = await feed(['feeder', 'app'], 'atom', { host: 'evil.example' });
      expect(fixed.text).toContain('href="https://changelog.example.com/feeder/app"');
      expect(fixed.text).not.toContain('evil.example');
      expect(String(fixed.headers.vary)).not.toMatch(/\bHost\b/);
    } finally {
      delete process.env.SHIPLOG_PUBLIC_URL;
    }
  });
});
