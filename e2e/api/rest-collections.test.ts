// Collections over real HTTP: filters, sort_by, offset/limit, v1 Link + X-Total-Count, the v2 envelope
// with cursor paging, Prefer: count=exact, and 400 problems naming every bad parameter.
// Reads the seeded demo data only (never writes).
import { api, createToken, getJson, parseLink, pathOf, problem, revokeToken, tags, type CreatedToken, type Json } from './rest-helpers';

const ROCKET = '/projects/acme/rocket/releases';
interface Envelope {
  data: Json[];
  links: { self: string; next: string | null; prev: string | null };
  meta: { limit: number; total?: number };
}

/** Newest first, by publication time then id (the API's documented default order). */
const byPublishedDesc = (a: Json, b: Json) => Date.parse(b.publishedAt as string) - Date.parse(a.publishedAt as string) || (b.id as number) - (a.id as number);

let all: Json[]; // every public acme/rocket release, full v1 representation
let reader: CreatedToken;

beforeAll(async () => {
  all = (await getJson<Json[]>(`/api/v1${ROCKET}?limit=100`)).body;
  reader = await createToken(['read']);
});
afterAll(() => revokeToken(reader));

describe('the seeded acme/rocket collection', () => {
  it('has 41 public releases (42 minus the draft), 8 of them prereleases, newest first by default', () => {
    expect(all).toHaveLength(41);
    expect(all.filter((r) => r.prerelease)).toHaveLength(8);
    expect(all.some((r) => r.tag === 'v3.6.0' || r.draft)).toBe(false);
    expect(tags(all)).toEqual(tags([...all].sort(byPublishedDesc)));
    expect(all[0]!.tag).toBe('v3.5.0');
    expect(all[40]!.tag).toBe('v0.9.0');
  });
});

describe('the issue check: prerelease=false&sort_by=publishedAt.desc&offset=20&limit=10 (v1)', () => {
  const url = `/api/v1${ROCKET}?prerelease=false&sort_by=publishedAt.desc&offset=20&limit=10`;

  it('returns exactly the 21st–30th non-prerelease public releases, newest first', async () => {
    const expected = all
      .filter((r) => r.prerelease === false)
      .sort(byPublishedDesc)
      .slice(20, 30);
    expect(expected).toHaveLength(10);
    const { res, body } = await getJson<Json[]>(url);
    expect(body.map((r) => r.id)).toEqual(expected.map((r) => r.id));
    expect(tags(body)).toEqual(tags(expected));
    expect(body.every((r) => r.prerelease === false)).toBe(true);
    expect(res.headers.get('x-total-count')).toBe('33');
  });

  it('links first/prev/next/last with the same filters and the successor version', async () => {
    const res = await api(url);
    const links = parseLink(res.headers.get('link'));
    const offsetOf = (rel: string) => new URL(links[rel]!, 'http://x').searchParams;
    expect(Object.keys(links).sort()).toEqual(['first', 'last', 'next', 'prev', 'successor-version']);
    expect([offsetOf('first'), offsetOf('prev'), offsetOf('next'), offsetOf('last')].map((q) => q.get('offset'))).toEqual(['0', '10', '30', '30']);
    for (const rel of ['first', 'prev', 'next', 'last']) {
      expect(new URL(links[rel]!, 'http://x').pathname).toBe(`/api/v1${ROCKET}`);
      expect(Object.fromEntries(offsetOf(rel))).toMatchObject({ prerelease: 'false', sort_by: 'publishedAt.desc', limit: '10' });
    }
    expect(links['successor-version']).toBe(`/api/v2${ROCKET}`);
    // Following next gives the rest: 31st–33rd, and no next link.
    const last = await api(pathOf(links.next!));
    expect(tags((await last.json()) as Json[])).toEqual(tags(all.filter((r) => !r.prerelease).slice(30)));
    expect(parseLink(last.headers.get('link')).next).toBeUndefined();
  });
});

describe('filters (v1 list of acme/rocket)', () => {
  const author = () => (all.find((r) => r.author)!.author as { login: string }).login;
  const at = (i: number) => all[i]!.publishedAt as string;
  it.each<[string, () => string, (r: Json) => boolean]>([
    ['prerelease=true', () => 'prerelease=true', (r) => r.prerelease === true],
    ['prerelease=false', () => 'prerelease=false', (r) => r.prerelease === false],
    ['tag_prefix=v2.', () => 'tag_prefix=v2.', (r) => (r.tag as string).startsWith('v2.')],
    ['author (any case)', () => `author=${author().toUpperCase()}`, (r) => (r.author as { login: string } | null)?.login === author()],
    ['since', () => `since=${encodeURIComponent(at(10))}`, (r) => Date.parse(r.publishedAt as string) >= Date.parse(at(10))],
    ['until', () => `until=${encodeURIComponent(at(30))}`, (r) => Date.parse(r.publishedAt as string) <= Date.parse(at(30))],
    // A bare date in until means the end of that day (UTC): the whole of 2025.
    ['since+until (dates)', () => 'since=2025-01-01&until=2025-12-31', (r) => (r.publishedAt as string).startsWith('2025-')],
    ['until a bare date includes that whole day', () => `until=${at(20).slice(0, 10)}`, (r) => (r.publishedAt as string).slice(0, 10) <= at(20).slice(0, 10)],
    // q is full-text search (lib/search): words, any case, sorted by publishedAt here (an explicit sort_by wins over relevance).
    ['q (a word of tag, name or notes, any case)', () => 'q=ROLLBACK&sort_by=publishedAt.desc', (r) => /\brollback/i.test(`${r.tag} ${r.name ?? ''} ${r.body}`)],
    ['q of punctuation only (no word) finds nothing (%)', () => 'q=%25', () => false],
    ['q of punctuation only (no word) finds nothing (_)', () => 'q=_', () => false],
    ['tag_prefix=v1.0.0-', () => 'tag_prefix=v1.0.0-', (r) => (r.tag as string).startsWith('v1.0.0-')],
    ['an unknown author', () => 'author=nobody-at-all', () => false],
    ['source=github', () => 'source=github', (r) => r.source === 'github'],
    ['source=manual', () => 'source=manual', (r) => r.source === 'manual'],
    ['draft=false', () => 'draft=false', (r) => r.draft === false],
    ['hidden=true (anonymous sees none)', () => 'hidden=true', () => false],
  ])('%s returns exactly the matching releases', async (_name, query, match) => {
    const expected = all.filter(match);
    const { res, body } = await getJson<Json[]>(`/api/v1${ROCKET}?${query()}&limit=100`);
    expect(tags(body)).toEqual(tags(expected));
    expect(res.headers.get('x-total-count')).toBe(String(expected.length));
  });

  it('the filters select something and not everything (the table above is not vacuous)', () => {
    expect(all.filter((r) => (r.tag as string).startsWith('v2.')).length).toBe(14);
    const q = all.filter((r) => `${r.tag} ${r.name ?? ''} ${r.body}`.toLowerCase().includes('rollback')).length;
    expect(q).toBeGreaterThan(0);
    expect(q).toBeLessThan(41);
  });

  it('draft=true: anonymous sees none, a read token sees the draft v3.6.0', async () => {
    expect((await getJson<Json[]>(`/api/v1${ROCKET}?draft=true`)).body).toEqual([]);
    const { body } = await getJson<Json[]>(`/api/v1${ROCKET}?draft=true`, { token: reader.token });
    expect(tags(body)).toEqual(['v3.6.0']);
    expect(body[0]).toMatchObject({ draft: true, publishedAt: null });
  });

  it('project= on /releases restricts to the named projects (case-insensitive)', async () => {
    const { res, body } = await getJson<Json[]>('/api/v1/releases?project=ACME/rocket,northwind/ledger&limit=100');
    expect(new Set(body.map((r) => r.project))).toEqual(new Set(['acme/rocket', 'northwind/ledger']));
    expect(res.headers.get('x-total-count')).toBe('71'); // 41 + 30 public
    expect(body).toHaveLength(71);
    expect(tags(body)).toEqual(tags([...body].sort(byPublishedDesc)));
  });
});

describe('sort_by', () => {
  it.each<[string, (a: Json, b: Json) => number]>([
    ['tag.asc', (a, b) => ((a.tag as string) < (b.tag as string) ? -1 : 1)],
    ['tag.desc', (a, b) => ((a.tag as string) < (b.tag as string) ? 1 : -1)],
    ['tag', (a, b) => ((a.tag as string) < (b.tag as string) ? -1 : 1)],
    ['publishedAt.asc', (a, b) => -byPublishedDesc(a, b)],
  ])('sort_by=%s orders the whole collection', async (sortBy, cmp) => {
    const { body } = await getJson<Json[]>(`/api/v1${ROCKET}?sort_by=${sortBy}&limit=100`);
    expect(tags(body)).toEqual(tags([...all].sort(cmp)));
  });

  it('publishedAt.desc,tag.asc keeps publication order', async () => {
    const { body } = await getJson<Json[]>(`/api/v1${ROCKET}?sort_by=publishedAt.desc,tag.asc&limit=100`);
    expect(tags(body)).toEqual(tags(all));
  });
});

describe('offset and limit', () => {
  it.each([
    ['', 20],
    ['limit=1', 1],
    ['limit=100', 41],
    ['offset=35', 6],
    ['offset=41', 0],
  ])('?%s gives %i items', async (query, n) => {
    const { body } = await getJson<Json[]>(`/api/v1${ROCKET}?${query}`);
    expect(body).toHaveLength(n);
    const offset = Number(new URLSearchParams(query).get('offset') ?? 0);
    expect(tags(body)).toEqual(tags(all.slice(offset, offset + n)));
  });
});

describe('bad query parameters → 400 problem naming each one', () => {
  it.each<[string, string, string[]]>([
    ['1', '?foo=1&bar=2', ['foo', 'bar']],
    ['2', '?limit=101', ['limit']],
    ['1', '?limit=0', ['limit']],
    ['1', '?offset=-1', ['offset']],
    ['1', '?limit=ten', ['limit']],
    ['2', '?fields=tag,nope', ['fields']],
    ['1', '?sort_by=nope.desc', ['sort_by']],
    ['1', '?sort_by=tag.sideways', ['sort_by']],
    ['1', '?sort_by=prerelease', ['sort_by']],
    ['1', '?sort_by=tag,tag.desc', ['sort_by']],
    ['2', '?prerelease=maybe', ['prerelease']],
    ['1', '?source=svn', ['source']],
    ['1', '?since=yesterday', ['since']],
    ['1', '?prerelease=true&prerelease=false', ['prerelease']],
    ['1', '?project=acme/rocket', ['project']], // only /releases takes project
    ['1', '?cursor=abc', ['cursor']], // v1 has no cursors
    ['2', '?cursor=not-a-cursor', ['cursor']],
    ['2', '?foo=1&limit=500&draft=x', ['foo', 'draft', 'limit']],
  ])('v%s %s', async (version, query, parameters) => {
    const res = await api(`/api/v${version}${ROCKET}${query}`);
    const body = await problem(res, 400);
    expect(body.type).toBe('/problems/invalid-parameters');
    expect([...new Set(body.errors!.map((e) => e.parameter))].sort()).toEqual([...parameters].sort());
    for (const e of body.errors!) expect(e.detail).toBeTruthy();
  });

  it('/releases rejects a malformed project list', async () => {
    const body = await problem(await api('/api/v2/releases?project=acme'), 400);
    expect(new Set(body.errors!.map((e) => e.parameter))).toEqual(new Set(['project']));
  });

  // A cursor is opaque, but a client can still send a damaged or forged one: that is the client's
  // error (400 naming cursor), never a 500.
  it.each<[string, unknown[]]>([
    ['a value that is not a time', ['not-a-date', '1']],
    ['an id that is not a number', ['2026-01-01 00:00:00+00', 'abc']],
    ['an object instead of a value', [{ x: 1 }, 2]],
  ])('a forged cursor with %s → 400 naming cursor', async (_n, after) => {
    const cursor = Buffer.from(JSON.stringify({ after, sort: 'publishedAt.desc' })).toString('base64url');
    const body = await problem(await api(`/api/v2${ROCKET}?cursor=${cursor}`), 400);
    expect(body.errors).toEqual([expect.objectContaining({ parameter: 'cursor' })]);
  });
});

describe('fields=', () => {
  it.each(['1', '2'])('v%s keeps only the named members, in each item', async (v) => {
    const { body } = await getJson<Json[] | Envelope>(`/api/v${v}${ROCKET}?fields=tag,name&limit=5`);
    const items = Array.isArray(body) ? body : body.data;
    expect(items).toHaveLength(5);
    for (const item of items) expect(Object.keys(item).sort()).toEqual(['name', 'tag']);
    expect(tags(items)).toEqual(tags(all.slice(0, 5)));
  });
});

describe('v2 envelope and cursors', () => {
  it('answers { data, links: { self, next, prev }, meta: { limit } } without a total unless asked', async () => {
    const { res, body } = await getJson<Envelope>(`/api/v2${ROCKET}?limit=5`);
    expect(Object.keys(body).sort()).toEqual(['data', 'links', 'meta']);
    expect(tags(body.data)).toEqual(tags(all.slice(0, 5)));
    expect(body.links.self).toBe(`/api/v2${ROCKET}?limit=5`);
    expect(body.links.prev).toBeNull();
    expect(body.links.next).toMatch(/cursor=/);
    expect(body.meta).toEqual({ limit: 5 });
    expect(res.headers.get('preference-applied')).toBeNull();
    expect(res.headers.get('x-total-count')).toBeNull();
    expect(res.headers.get('api-version')).toBe('2');
    expect(res.headers.get('deprecation')).toBeNull();
  });

  it('Prefer: count=exact adds meta.total and Preference-Applied', async () => {
    const { res, body } = await getJson<Envelope>(`/api/v2${ROCKET}?limit=5&prerelease=false`, { headers: { Prefer: 'count=exact' } });
    expect(body.meta).toEqual({ limit: 5, total: 33 });
    expect(res.headers.get('preference-applied')).toBe('count=exact');
  });

  async function walk(start: string, rel: 'next' | 'prev'): Promise<{ pages: Json[][]; last: Envelope }> {
    const pages: Json[][] = [];
    let url: string | null = start;
    let page: Envelope | undefined;
    for (let i = 0; url && i < 50; i++) {
      page = (await getJson<Envelope>(url)).body;
      pages.push(page.data);
      url = page.links[rel] ? pathOf(page.links[rel]!) : null;
    }
    return { pages, last: page! };
  }

  it.each(['publishedAt.desc', 'tag.asc', 'name.asc', 'publishedAt.asc,tag.desc', 'updatedAt.desc,name.desc'])(
    'sort_by=%s: forward to the end and back gives the offset order, no duplicates or gaps',
    async (sortBy) => {
      const offsetOrder = (await getJson<Envelope>(`/api/v2${ROCKET}?sort_by=${sortBy}&limit=100`)).body.data.map((r) => r.id);
      expect(offsetOrder).toHaveLength(41);
      const forward = await walk(`/api/v2${ROCKET}?sort_by=${sortBy}&limit=7`, 'next');
      expect(forward.pages.map((p) => p.length)).toEqual([7, 7, 7, 7, 7, 6]);
      expect(forward.pages.flat().map((r) => r.id)).toEqual(offsetOrder);
      expect(forward.last.links.next).toBeNull();
      const back = await walk(pathOf(forward.last.links.prev!), 'prev');
      expect(
        back.pages
          .reverse()
          .flat()
          .map((r) => r.id),
      ).toEqual(offsetOrder.slice(0, 35));
      expect(back.last.links.prev).toBeNull();
      // Offset pages agree with cursor pages.
      const third = (await getJson<Envelope>(`/api/v2${ROCKET}?sort_by=${sortBy}&limit=7&offset=14`)).body.data;
      expect(third.map((r) => r.id)).toEqual(forward.pages[2]!.map((r) => r.id));
    },
  );

  it('a cursor used with another sort_by → 400 naming cursor', async () => {
    const { body } = await getJson<Envelope>(`/api/v2${ROCKET}?sort_by=tag.asc&limit=5`);
    const cursor = new URL(body.links.next!, 'http://x').searchParams.get('cursor')!;
    const res = await api(`/api/v2${ROCKET}?sort_by=publishedAt.desc&limit=5&cursor=${cursor}`);
    expect((await problem(res, 400)).errors).toEqual([expect.objectContaining({ parameter: 'cursor' })]);
    const withOffset = await api(`/api/v2${ROCKET}?sort_by=tag.asc&limit=5&offset=5&cursor=${cursor}`);
    expect((await problem(withOffset, 400)).errors).toEqual([expect.objectContaining({ parameter: 'offset' })]);
  });
});

describe('the projects collection', () => {
  it.each<[string, string[]]>([
    ['owner=acme', ['acme/rocket', 'acme/ui']],
    ['owner=ACME&sort_by=fullName.desc', ['acme/ui', 'acme/rocket']],
    ['q=ledger', ['northwind/ledger']],
    ['q=hello-api', ['octo-org/hello-api']],
  ])('?%s', async (query, expected) => {
    const { res, body } = await getJson<Json[]>(`/api/v1/projects?${query}`);
    expect(body.map((p) => p.fullName)).toEqual(expected);
    expect(res.headers.get('x-total-count')).toBe(String(expected.length));
  });

  it('each project counts its visible releases and names its latest stable one', async () => {
    const anon = (await getJson<Json[]>('/api/v1/projects?owner=acme')).body;
    const withToken = (await getJson<Json[]>('/api/v1/projects?owner=acme', { token: reader.token })).body;
    expect(anon.map((p) => [p.fullName, p.releaseCount])).toEqual([
      ['acme/rocket', 41],
      ['acme/ui', 33],
    ]);
    expect(withToken.map((p) => [p.fullName, p.releaseCount])).toEqual([
      ['acme/rocket', 42],
      ['acme/ui', 34],
    ]);
    expect(anon[0]!.latestRelease).toMatchObject({ project: 'acme/rocket', tag: 'v3.5.0', prerelease: false });
    const single = (await getJson('/api/v2/projects/acme/rocket')).body;
    expect(single).toMatchObject({ releaseCount: 41, latestRelease: { tag: 'v3.5.0' } });
  });

  it('sort_by=latestReleaseAt.desc orders by each project’s latest stable release', async () => {
    const seeded = ['acme/rocket', 'acme/ui', 'northwind/ledger', 'octo-org/hello-api'];
    const latest = new Map<string, number>();
    for (const p of seeded) {
      const [newest] = (await getJson<Json[]>(`/api/v1/projects/${p}/releases?prerelease=false&limit=1`)).body;
      latest.set(p, Date.parse(newest!.publishedAt as string));
    }
    const { body } = await getJson<Json[]>('/api/v1/projects?sort_by=latestReleaseAt.desc&limit=100');
    const order = body.map((p) => p.fullName as string).filter((n) => seeded.includes(n));
    expect(order).toEqual([...seeded].sort((a, b) => latest.get(b)! - latest.get(a)!));
  });

  it('v2 pages the projects with cursors and counts on request', async () => {
    const first = await getJson<Envelope>('/api/v2/projects?owner=acme&limit=1', { headers: { Prefer: 'count=exact' } });
    expect(first.body.meta).toEqual({ limit: 1, total: 2 });
    const second = await getJson<Envelope>(pathOf(first.body.links.next!));
    expect([...first.body.data, ...second.body.data].map((p) => p.fullName)).toEqual(['acme/rocket', 'acme/ui']);
    expect(second.body.links.next).toBeNull();
  });

  it('rejects unknown parameters and sort keys, naming them', async () => {
    const body = await problem(await api('/api/v1/projects?color=red&sort_by=stars'), 400);
    expect(body.errors!.map((e) => e.parameter).sort()).toEqual(['color', 'sort_by']);
  });
});
