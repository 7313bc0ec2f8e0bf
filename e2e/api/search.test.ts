// Release search over real HTTP: the API's q= (ranked, with snippets, refused clearly when bad) and the
// search pages (/search, /{owner}/{repo}/search), read as a browser without JavaScript reads them: the
// server's HTML, and the form followed by hand.
import { startServer, type RunningServer } from '../harness/server';
import { newStorage, type Storage } from '../harness/storage';

let server: RunningServer;
let storage: Storage;
type Json = Record<string, unknown>;

const get = (p: string, headers: Record<string, string> = {}) => fetch(`${server.url}${p}`, { headers });
const json = async (p: string) => {
  const res = await get(p);
  return { res, body: (await res.json()) as Json };
};
const tags = (items: Json[]) => items.map((r) => r.tag);

beforeAll(async () => {
  storage = await newStorage(process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite', 'search');
  server = await startServer({ ...storage, env: { SHIPLOG_SEED_DEMO: '0', SHIPLOG_RATE_LIMIT_WRITE: '0', SHIPLOG_RATE_LIMIT_READ: '0' } });
  const h = { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' };
  const post = async (p: string, body: unknown) => {
    const res = await fetch(`${server.url}${p}`, { method: 'POST', headers: h, body: JSON.stringify(body) });
    expect(res.status).toBe(201);
  };
  await post('/api/v2/projects', { owner: 'srch', repo: 'engine', name: 'Engine' });
  await post('/api/v2/projects', { owner: 'srch', repo: 'other', name: 'Other' });
  let day = 0;
  const release = (repo: string, tag: string, name: string | null, notes: string, more: Json = {}) =>
    post(`/api/v2/projects/srch/${repo}/releases`, {
      tag,
      name,
      notes: { markdown: notes },
      ...(more.draft ? {} : { publishedAt: new Date(Date.UTC(2026, 0, 1 + day++)).toISOString() }),
      ...more,
    });
  await release('engine', 'v1.3.0', 'Maintenance', 'Telemetry telemetry telemetry: the telemetry pipeline and telemetry exporters.');
  await release('engine', 'v1.4.0', 'Telemetry', 'A new pipeline for metrics.');
  await release('engine', 'v1.4.2', 'Patch', 'Fixes a crash when the cache is cold. <script>alert("pwned")</script> `<img src=x onerror=alert(1)>` crash');
  await release('engine', 'v2.0.0-beta.1', 'Beta', 'Cold start rewritten, crash fixed.', { prerelease: true });
  await release('other', 'v1.4.1', 'Other kit', 'Buttons, no crash.');
  await release('engine', 'v9.0.0', 'Hidden crash', 'crash telemetry secretword', { hidden: true });
  await release('engine', 'v9.1.0', 'Draft crash', 'crash telemetry secretword', { draft: true, publishedAt: null });
  // Enough matches for two pages of ten.
  for (let i = 0; i < 12; i++) await release('other', `paging-${i}`, `Paging ${i}`, 'zebra stripes');
}, 600_000);

afterAll(async () => {
  await server?.stop();
  await storage?.dispose();
});

describe('the API: q= is a ranked full-text search', () => {
  it('orders by relevance (title before notes) and gives each item search { rank, snippet }, in v2 and v1', async () => {
    const { res, body } = await json('/api/v2/releases?q=telemetry');
    expect(res.status).toBe(200);
    const data = body.data as Json[];
    expect(tags(data)).toEqual(['v1.4.0', 'v1.3.0']);
    const [title, notes] = data.map((r) => r.search as { rank: number; snippet: string });
    expect(title!.rank).toBeGreaterThan(notes!.rank);
    expect(notes!.snippet).toContain('<mark>Telemetry</mark>');
    const v1 = await json('/api/v1/projects/srch/engine/releases?q=telemetry');
    expect(tags(v1.body as unknown as Json[])).toEqual(['v1.4.0', 'v1.3.0']);
    expect((v1.body as unknown as Json[])[0]!.search).toEqual(title);
  });

  it('takes phrases, -exclusion, or and version prefixes', async () => {
    const find = async (q: string) => new Set(tags((await json(`/api/v2/releases?q=${encodeURIComponent(q)}&limit=100`)).body.data as Json[]));
    expect(await find('crash -beta')).toEqual(new Set(['v1.4.2', 'v1.4.1']));
    expect(await find('"cold start"')).toEqual(new Set(['v2.0.0-beta.1']));
    expect(await find('metrics or buttons')).toEqual(new Set(['v1.4.0', 'v1.4.1']));
    expect(await find('1.4')).toEqual(new Set(['v1.4.0', 'v1.4.2', 'v1.4.1']));
    expect(await find('v1.4.2')).toEqual(new Set(['v1.4.2']));
  });

  it('never returns notes markup unescaped in a snippet', async () => {
    const { body } = await json('/api/v2/projects/srch/engine/releases?q=crash');
    const patch = (body.data as Json[]).find((r) => r.tag === 'v1.4.2')!;
    const snippet = (patch.search as { snippet: string }).snippet;
    expect(snippet).toContain('<mark>crash</mark>');
    expect(snippet).not.toMatch(/<(?!\/?mark>)/);
    expect(snippet).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('never finds hidden releases or drafts without a token; a read token finds them', async () => {
    expect((await json('/api/v2/releases?q=secretword')).body.data).toEqual([]);
    const authed = await get('/api/v2/releases?q=secretword', { authorization: `Bearer ${server.adminToken}` });
    expect(new Set(tags(((await authed.json()) as Json).data as Json[]))).toEqual(new Set(['v9.0.0', 'v9.1.0']));
  });

  it('an explicit sort_by wins over relevance; fields= may keep search; a list without q has no search', async () => {
    const byDate = await json('/api/v2/projects/srch/engine/releases?q=telemetry&sort_by=publishedAt.asc&fields=tag,search');
    expect(tags(byDate.body.data as Json[])).toEqual(['v1.3.0', 'v1.4.0']);
    expect((byDate.body.data as Json[]).map((r) => Object.keys(r))).toEqual([
      ['tag', 'search'],
      ['tag', 'search'],
    ]);
    const plain = await json('/api/v2/projects/srch/engine/releases?limit=3');
    expect((plain.body.data as Json[]).some((r) => 'search' in r)).toBe(false);
  });

  it.each([
    ['q=', 'q', 'empty'],
    ['q=%20%20', 'q', 'empty'],
    [`q=${'x'.repeat(201)}`, 'q', 'at most 200'],
    ['q=a%00b', 'q', 'NUL'],
    ['q=a%01b', 'q', 'control characters'],
    ['sort_by=relevance', 'sort_by', 'q'],
  ])('answers ?%s with a 400 problem naming %s', async (query, parameter, detail) => {
    const res = await get(`/api/v2/releases?${query}`);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const problem = (await res.json()) as { errors: { parameter: string; detail: string }[] };
    expect(problem.errors).toEqual([expect.objectContaining({ parameter, detail: expect.stringContaining(detail) })]);
  });
});

describe('the search pages (server-rendered, no JavaScript)', () => {
  /** What a browser without JavaScript does with the page's search form: GET its action with q. */
  function submit(html: string, q: string): string {
    const form = /<form[^>]*role="search"[^>]*>[\s\S]*?<\/form>/.exec(html)?.[0];
    expect(form).toBeDefined();
    const action = /action="([^"]+)"/.exec(form!)![1]!;
    expect(form).toMatch(/method="get"/i);
    const inputId = /<input[^>]*id="([^"]+)"[^>]*name="q"|<input[^>]*name="q"[^>]*id="([^"]+)"/.exec(form!);
    const id = inputId?.[1] ?? inputId?.[2];
    // The input is labelled.
    expect(form).toContain(`for="${id}"`);
    const hidden = [...form!.matchAll(/<input[^>]*type="hidden"[^>]*>/g)].map((m) => [/name="([^"]+)"/.exec(m[0])![1]!, /value="([^"]*)"/.exec(m[0])![1]!]);
    return `${action}?${new URLSearchParams([...hidden, ['q', q]] as [string, string][])}`;
  }

  it('the home page and a project page carry the search form; following it finds releases with highlighted snippets', async () => {
    const home = await (await get('/')).text();
    const url = submit(home, 'telemetry');
    expect(url).toBe('/search?q=telemetry');
    const res = await get(url);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('href="/srch/engine/releases/v1.4.0"');
    expect(html).toContain('href="/srch/engine/releases/v1.3.0"');
    expect(html.indexOf('/srch/engine/releases/v1.4.0')).toBeLessThan(html.indexOf('/srch/engine/releases/v1.3.0'));
    expect(html).toContain('<mark>Telemetry</mark>');
    expect(html).toMatch(/2 releases match/);

    const project = await (await get('/srch/engine')).text();
    // The project header's form (a plain GET, redirected to the project's own search page).
    const scoped = submit(project, '1.4');
    const followed = await get(scoped);
    expect(followed.url).toBe(`${server.url}/srch/engine/search?q=1.4`);
    const found = await followed.text();
    expect(found).toContain('href="/srch/engine/releases/v1.4.0"');
    expect(found).toContain('href="/srch/engine/releases/v1.4.2"');
    expect(found).not.toContain('/srch/other/releases/v1.4.1'); // another project's
  });

  it('escapes what the notes and the query hold', async () => {
    const html = await (await get('/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E+crash')).text();
    expect(html).not.toContain('<script>alert(');
    const page = await (await get('/srch/engine/search?q=crash')).text();
    expect(page).toContain('<mark>crash</mark>');
    expect(page).not.toContain('<script>alert("pwned")');
    expect(page).not.toContain('<img src=x');
  });

  it('shows the empty form, a no-results state, and never hidden or draft releases', async () => {
    const empty = await get('/search');
    expect(empty.status).toBe(200);
    expect(await empty.text()).toContain('name="q"');
    const none = await (await get('/search?q=secretword')).text();
    expect(none).toMatch(/No releases match/);
    expect(none).not.toContain('/srch/engine/releases/v9.');
  });

  it('pages through many results, ten at a time', async () => {
    const first = await (await get('/search?q=zebra')).text();
    expect(first).toMatch(/12 releases match/);
    expect((first.match(/class="search-hit"/g) ?? []).length).toBe(10);
    expect(first).toContain('href="/search?q=zebra&amp;page=2"');
    const second = await (await get('/search?q=zebra&page=2')).text();
    expect((second.match(/class="search-hit"/g) ?? []).length).toBe(2);
    expect(second).toContain('href="/search?q=zebra"');
  });

  it('answers a query it cannot take with 400 and says why; an unknown project is a 404', async () => {
    const long = await get(`/search?q=${'x'.repeat(300)}`);
    expect(long.status).toBe(400);
    expect(await long.text()).toMatch(/The search must be at most 200 characters/);
    expect((await get('/nobody/nothing/search?q=x')).status).toBe(404);
  });
});
