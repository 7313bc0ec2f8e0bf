// Property-based fuzzing (fast-check) of paths, query strings, headers and bodies against a running
// server: nothing answers 5xx, and every error is application/problem+json carrying the request id.
// Writes with the privileged token only ever touch the fuzzing's own project (other test files may
// share the server), so the fuzzing cannot disturb them; that token is the fuzzing's own (every scope),
// so its writes spend their own rate-limit budget, not the admin token's that other files use.
// Used by fuzz.test.ts (npm test) and e2e/soak/fuzz-long.soak.ts (many more runs).
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { sign } from '../../lib/github/signature';
import { TEST_WEBHOOK_SECRET } from '../harness/server';
import { checkProblem, raw, type RawResponse } from './raw';

export interface FuzzTarget {
  url: string;
  adminToken: string;
}

let target: () => FuzzTarget = () => ({ url: process.env.SHIPLOG_TEST_URL!, adminToken: process.env.SHIPLOG_TEST_ADMIN_TOKEN! });
const base = () => target().url;
let token = '';
let tokenId = 0;
const admin = () => token;
const owner = `fuzz-${randomBytes(3).toString('hex')}`;
const repo = 'app';
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
let RUNS = 1;

/** Status counts per property: proof the fuzzing reaches past the first validation. */
const seen: Record<string, Record<number, number>> = {};
function tally(property: string, status: number): void {
  const t = (seen[property] ??= {});
  t[status] = (t[status] ?? 0) + 1;
}

/** True when Next.js cannot percent-decode the path (it answers such URLs before any route runs). */
function undecodable(path: string): boolean {
  try {
    path
      .split('?')[0]!
      .split('/')
      .forEach((s) => decodeURIComponent(s));
    return false;
  } catch {
    return true;
  }
}

/** Fails with the request that broke the rule (fast-check then shrinks it). */
function expectSane(method: string, path: string, res: RawResponse): void {
  if (res.status >= 500) throw new Error(`${method} ${path} → ${res.status}: ${res.body.slice(0, 300)}`);
  // Next.js normalises trailing and doubled slashes with a 308 before any route runs.
  if (res.status === 308) return;
  // Known limit: Next.js answers OPTIONS to a URL it cannot decode with a bare 400 of its own before
  // any page or route can run (pages/_error turns every other method's 400 into problem+json).
  if (method.toUpperCase() === 'OPTIONS' && res.status === 400 && undecodable(path)) return;
  // Dot segments resolve before routing: `/api/../x` is the site's `/x`, not an API path.
  const resolved = new URL(path, 'http://shiplog.test').pathname;
  if (resolved !== '/api' && !resolved.startsWith('/api/')) return;
  const check = checkProblem(method, res);
  if (!check.ok) throw new Error(`${method} ${path} → ${res.status}: ${check.why}; ${String(res.headers['content-type'])} ${res.body.slice(0, 200)}`);
}

// --- arbitraries -------------------------------------------------------------------------------------

const printable = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 60 });
const anyText = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 20 }), printable);
const tricky = fc.constantFrom(
  '',
  '.',
  '..',
  '%2E%2E',
  '%2F',
  '%00',
  '%ZZ',
  '%',
  '%E0%A4%A',
  '%C0%AE',
  '%FF',
  '~',
  '@scope%2Fpkg@1.0.0',
  'v1.0.0',
  'a'.repeat(300),
  'x'.repeat(3000),
  '%20',
  '+',
  '*',
  'null',
  '-1',
  '0',
  '999999999999',
  '%F0%9F%9A%80',
  'CON',
  'reactions',
  'latest',
);
const segment = fc.oneof(
  { weight: 3, arbitrary: anyText.map(encodeURIComponent) },
  { weight: 2, arbitrary: tricky },
  { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z0-9._~!$&'()*+,;=:@-]{1,24}$/) },
);
const version = fc.oneof({ weight: 4, arbitrary: fc.constantFrom('v1', 'v2') }, { weight: 1, arbitrary: segment });
const ownerRepo = fc.oneof(fc.constant(['acme', 'rocket']), fc.constant([owner, repo]), fc.tuple(segment, segment));

const apiPath = fc.oneof(
  fc.tuple(version).map(([v]) => `/api/${v}/releases`),
  fc.tuple(version).map(([v]) => `/api/${v}/projects`),
  fc.tuple(version, ownerRepo).map(([v, [o, r]]) => `/api/${v}/projects/${o}/${r}`),
  fc.tuple(version, ownerRepo).map(([v, [o, r]]) => `/api/${v}/projects/${o}/${r}/releases`),
  fc.tuple(version, ownerRepo, fc.array(segment, { minLength: 1, maxLength: 3 })).map(([v, [o, r], t]) => `/api/${v}/projects/${o}/${r}/releases/${t.join('/')}`),
  fc.tuple(version, ownerRepo, segment).map(([v, [o, r], t]) => `/api/${v}/projects/${o}/${r}/releases/${t}/reactions`),
  fc.tuple(version, ownerRepo, fc.constantFrom('changelog', 'imports', 'releases/latest')).map(([v, [o, r], s]) => `/api/${v}/projects/${o}/${r}/${s}`),
  fc.tuple(version, ownerRepo, segment).map(([v, [o, r], id]) => `/api/${v}/projects/${o}/${r}/imports/${id}`),
  fc.tuple(version, fc.constantFrom('tokens', 'deliveries', 'stream'), fc.option(segment)).map(([v, s, id]) => `/api/${v}/${s}${id !== null ? `/${id}` : ''}`),
  fc.tuple(version, segment).map(([v, id]) => `/api/${v}/deliveries/${id}/replay`),
  fc.tuple(fc.array(segment, { maxLength: 2 })).map(([s]) => `/api/feed${s.map((x) => `/${x}`).join('')}`),
  fc.constantFrom(
    '/api/health',
    '/api/openapi.json',
    '/api/revalidate',
    '/api/webhooks/github',
    '/api/releases',
    '/api/projects',
    '/api/tokens',
    '/api/bench/bare',
    '/api/bench/dynamic',
    '/api',
    '/api/',
  ),
  fc.tuple(fc.constantFrom('projects', 'releases', 'tokens'), fc.array(segment, { maxLength: 3 })).map(([s, rest]) => `/api/${s}${rest.map((x) => `/${x}`).join('')}`),
  fc.array(segment, { minLength: 1, maxLength: 4 }).map((s) => `/api/${s.join('/')}`),
);

const KEYS = [
  'limit',
  'offset',
  'cursor',
  'sort_by',
  'fields',
  'representation',
  'q',
  'prerelease',
  'draft',
  'hidden',
  'author',
  'since',
  'until',
  'tag_prefix',
  'source',
  'project',
  'format',
  'lastEventId',
  'owner',
  'event',
  'action',
  'status',
];
const value = fc.oneof(
  anyText.map(encodeURIComponent),
  tricky,
  fc.integer({ min: -5, max: 2_000_000 }).map(String),
  fc.constantFrom(
    'true',
    'false',
    'brief',
    'extended',
    'full',
    'markdown',
    'ndjson',
    'publishedAt.desc',
    'tag.asc,name',
    'tag,name,publishedAt',
    'acme/rocket',
    '2026-01-31',
    '2026-01-31T12:00:00Z',
    '0000-01-01',
    '9999-12-31',
    '1969-12-31T23:59:59Z',
    '2026-02-30',
    'eyJzb3J0IjoicHVibGlzaGVkQXQuZGVzYyIsImFmdGVyIjpbXX0',
    'manual',
    'github',
  ),
);
const query = fc
  .array(fc.tuple(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...KEYS) }, { weight: 1, arbitrary: segment }), value), { maxLength: 5 })
  .map((pairs) => (pairs.length ? `?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}` : ''));

const METHODS = ['GET', 'GET', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'PATCH', 'DELETE', 'PROPFIND', 'get'];
const method = fc.constantFrom(...METHODS);

/** Authorization values: none, garbage, a well-formed unknown token, or (where safe) the admin token. */
const auth = fc.constantFrom<string | undefined>(
  undefined,
  undefined,
  'ADMIN',
  'Bearer shp_notarealtoken0000000000000000000000000000',
  'Basic YWRtaW46YWRtaW4=',
  'Bearer',
  'Bearer  ',
  'bearer x y',
  'Bearer int_forged',
);

/** The admin token goes only with reads, or with writes aimed at this file's own project. */
function authorize(m: string, path: string, a: string | undefined): string | undefined {
  if (a !== 'ADMIN') return a;
  const read = ['GET', 'HEAD', 'OPTIONS'].includes(m.toUpperCase());
  const own = path.startsWith(`/api/v1/projects/${owner}/${repo}/`) || path.startsWith(`/api/v2/projects/${owner}/${repo}/`);
  return read || own ? `Bearer ${admin()}` : 'Bearer shp_notarealtoken0000000000000000000000000000';
}

const headerValue = fc.oneof(
  printable,
  fc.constantFrom(
    '*/*',
    'application/json',
    'application/vnd.shiplog.release.brief+json',
    'application/vnd.shiplog.v2+json',
    'application/vnd.shiplog.v7+json',
    'text/html',
    'text/event-stream',
    'application/x-ndjson;q=0.5, text/markdown',
    '"c-abc"',
    '*',
    'W/"x", "y"',
    '1',
    '2',
    '99',
    'v2',
    'count=exact',
    'return=minimal',
    '0',
    '-1',
    'application/merge-patch+json',
    'application/json-patch+json',
    'application/json; charset=latin1',
    'text/plain',
    'https://evil.example',
    'PUT',
  ),
);
const HEADERS = [
  'accept',
  'if-none-match',
  'if-match',
  'api-version',
  'version',
  'prefer',
  'x-request-id',
  'content-type',
  'origin',
  'last-event-id',
  'access-control-request-method',
  'idempotency-key',
  'accept-encoding',
  'x-github-event',
  'x-github-delivery',
  'x-hub-signature-256',
  'x-forwarded-for',
];
const headers = fc.dictionary(fc.constantFrom(...HEADERS), headerValue, { maxKeys: 5 });

/**
 * Defines the fuzzing tests against `server` (the harness's shared server by default): each property
 * runs `runs` × its base count (× FUZZ_RUNS from the environment). FUZZ_SEED replays a failure.
 */
export function defineFuzzing(options: { runs?: number; server?: () => FuzzTarget } = {}): void {
  RUNS = (options.runs ?? 1) * Number(process.env.FUZZ_RUNS ?? 1);
  if (options.server) target = options.server;
  afterAll(() =>
    console.log(
      `fuzzing statuses (seed ${SEED}, ${RUNS}× runs):\n${Object.entries(seen)
        .map(([k, v]) => `  ${k}: ${JSON.stringify(v)}`)
        .join('\n')}`,
    ),
  );

  beforeAll(async () => {
    const minted = await raw(base(), {
      method: 'POST',
      path: '/api/v1/tokens',
      headers: { authorization: `Bearer ${target().adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: `fuzz-${owner}`, scopes: ['read', 'write', 'admin'] }),
    });
    expect(minted.status).toBe(201);
    const t = JSON.parse(minted.body) as { id: number; token: string };
    token = t.token;
    tokenId = t.id;
    const res = await raw(base(), {
      method: 'POST',
      path: '/api/v1/projects',
      headers: { authorization: `Bearer ${admin()}`, 'content-type': 'application/json' },
      body: JSON.stringify({ owner, repo, name: 'Fuzz target' }),
    });
    expect(res.status).toBe(201);
    for (const tag of ['v1.0.0', 'v2.0.0', 'release/2026-01']) {
      const created = await raw(base(), {
        method: 'POST',
        path: `/api/v1/projects/${owner}/${repo}/releases`,
        headers: { authorization: `Bearer ${admin()}`, 'content-type': 'application/json' },
        body: JSON.stringify({ tag, body: `Notes for ${tag}` }),
      });
      expect(created.status).toBe(201);
    }
  });

  afterAll(async () => {
    await raw(base(), { method: 'DELETE', path: `/api/v1/projects/${owner}/${repo}`, headers: { authorization: `Bearer ${admin()}` } });
    await raw(base(), { method: 'DELETE', path: `/api/v1/tokens/${tokenId}`, headers: { authorization: `Bearer ${target().adminToken}` } });
  });

  /** Undefined five times in six: for the unusual variations that would otherwise hide everything else. */
  const rarely = <T>(a: fc.Arbitrary<T>) => fc.oneof({ weight: 5, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: a });

  const params = (runs: number) => ({ numRuns: runs * RUNS, seed: SEED, endOnFailure: false, interruptAfterTimeLimit: 60_000 * RUNS });

  describe(`fuzzing (seed ${SEED}; FUZZ_SEED=${SEED} replays it)`, () => {
    it('paths, query strings and methods: no 5xx, errors are problem+json with the request id', async () => {
      await fc.assert(
        fc.asyncProperty(method, apiPath, query, auth, async (m, path, q, a) => {
          const full = `${path}${q}`;
          const authorization = authorize(m, full, a);
          const res = await raw(base(), { method: m, path: full, headers: authorization ? { authorization } : {} });
          tally('paths', res.status);
          expectSane(m, full, res);
        }),
        params(300),
      );
    });

    it('headers: no 5xx, errors are problem+json with the request id', async () => {
      const target = fc.oneof(
        fc.constantFrom(
          '/api/v1/releases',
          '/api/v2/releases?limit=5',
          '/api/releases',
          '/api/projects/acme/rocket',
          '/api/v1/projects/acme/rocket/releases/v1.0.0',
          '/api/v1/projects/acme/rocket/changelog',
          '/api/feed/acme/rocket',
          '/api/v1/stream',
          '/api/health',
          '/api/openapi.json',
          '/api/v1/tokens',
          '/api/v1/deliveries',
        ),
        fc.constant(`/api/v1/projects/${owner}/${repo}/releases/v1.0.0`),
        apiPath,
      );
      await fc.assert(
        fc.asyncProperty(fc.constantFrom('GET', 'HEAD', 'OPTIONS', 'GET', 'DELETE', 'PATCH'), target, headers, auth, async (m, path, h, a) => {
          const authorization = authorize(m, path, a);
          const res = await raw(base(), { method: m, path, headers: { ...h, ...(authorization ? { authorization } : {}) } });
          tally('headers', res.status);
          expectSane(m, path, res);
        }),
        params(250),
      );
    });

    it('bodies: no 5xx, errors are problem+json with the request id', async () => {
      const field = fc.oneof(
        fc.jsonValue({ maxDepth: 2 }),
        anyText,
        fc.constantFrom(
          '\u0000',
          'a\u0000b',
          '\ud800',
          'x'.repeat(70_000),
          '2026-13-01T00:00:00Z',
          '0000-01-01T00:00:00Z',
          'javascript:alert(1)',
          '<script>alert(1)</script>',
          '../../etc/passwd',
        ),
      );
      // Mostly valid documents with one or two fields replaced: they get past parsing to validation and storage.
      const RELEASE_KEYS = ['tag', 'name', 'body', 'url', 'publishedAt', 'prerelease', 'draft', 'hidden', 'author', 'notes', 'extra'] as const;
      const authorField = fc.oneof(field, fc.record({ login: field, avatarUrl: field, url: field }, { requiredKeys: [] }));
      const release = fc
        .tuple(
          fc.constantFrom<Record<string, unknown>>(
            { name: 'n', body: 'b', url: null, publishedAt: '2026-01-01T00:00:00Z', prerelease: false, draft: false, hidden: false, author: null },
            {
              name: 'n',
              notes: { markdown: '**b**' },
              url: 'https://example.com/r',
              publishedAt: null,
              prerelease: true,
              draft: false,
              hidden: false,
              author: { login: 'o', avatarUrl: null, url: null },
            },
            {},
          ),
          fc.stringMatching(/^[a-z0-9.-]{1,12}$/),
          fc.dictionary(fc.constantFrom(...RELEASE_KEYS), fc.oneof(field, authorField), { maxKeys: 2 }),
        )
        .map(([base, tag, changes]) => ({ tag: `fz-${tag}`, ...base, ...changes }));
      const patchOps = fc.array(
        fc.record(
          {
            op: fc.oneof(fc.constantFrom('add', 'remove', 'replace', 'move', 'copy', 'test'), anyText),
            path: fc.oneof(fc.constantFrom('/name', '/tag', '/body', '/notes/markdown', '/author/login', '/-', '', '/0'), anyText),
            value: field,
            from: fc.oneof(fc.constantFrom('/name', '/tag'), anyText),
          },
          { requiredKeys: [] },
        ),
        { maxLength: 4 },
      );
      const body = fc.oneof(
        release.map((r) => JSON.stringify(r)),
        patchOps.map((p) => JSON.stringify(p)),
        fc.jsonValue().map((v) => JSON.stringify(v)),
        anyText,
        fc.constantFrom(
          '',
          '{',
          '{"tag":',
          'null',
          '[]',
          '{"tag":"\\u0000"}',
          '{"tag":"a","tag":"b"}',
          '\uFEFF{"tag":"bom"}',
          '{"paths":["/"]}',
          '{"content":"rocket"}',
          '{"scopes":["read"],"name":"x"}',
        ),
      );
      const own = `/projects/${owner}/${repo}`;
      const mergePatch = fc.oneof(
        release.map((r) => JSON.stringify(r)),
        fc.dictionary(fc.constantFrom(...RELEASE_KEYS), fc.oneof(field, fc.constant(null)), { maxKeys: 3 }).map((d) => JSON.stringify(d)),
      );
      // Each endpoint with the method, media type and kind of body it takes — mostly right, sometimes not.
      const endpoint = fc.constantFrom(
        { m: 'POST', path: `/api/v1${own}/releases`, ct: 'application/json', body: release.map((r) => JSON.stringify(r)) },
        { m: 'POST', path: `/api/v2${own}/releases`, ct: 'application/json', body: release.map((r) => JSON.stringify(r)) },
        { m: 'PUT', path: `/api/v1${own}/releases/v1.0.0`, ct: 'application/json', body: release.map((r) => JSON.stringify({ ...r, tag: 'v1.0.0' })) },
        { m: 'PUT', path: `/api/v2${own}/releases/v2.0.0`, ct: 'application/json', body: release.map((r) => JSON.stringify({ ...r, tag: 'v2.0.0' })) },
        { m: 'PATCH', path: `/api/v1${own}/releases/release%2F2026-01`, ct: 'application/merge-patch+json', body: mergePatch },
        { m: 'PATCH', path: `/api/v2${own}/releases/v2.0.0`, ct: 'application/json-patch+json', body: patchOps.map((o) => JSON.stringify(o)) },
        {
          m: 'PATCH',
          path: `/api/v1${own}/releases?tag_prefix=zzz`,
          ct: 'application/merge-patch+json',
          body: fc.dictionary(fc.constantFrom('hidden', 'prerelease', 'name'), fc.oneof(fc.boolean(), field), { maxKeys: 2 }).map((d) => JSON.stringify(d)),
        },
        {
          m: 'POST',
          path: `/api/v1${own}/releases/v1.0.0/reactions`,
          ct: 'application/json',
          body: fc.record({ content: fc.oneof(fc.constantFrom('+1', 'rocket', 'heart', 'eyes'), field) }, { requiredKeys: [] }).map((d) => JSON.stringify(d)),
        },
        { m: 'POST', path: `/api/v1${own}/imports`, ct: 'application/json', body: fc.constant('') },
        {
          m: 'POST',
          path: '/api/v1/projects',
          ct: 'application/json',
          body: fc
            .record(
              {
                owner: fc.oneof(fc.stringMatching(/^fz[a-z0-9-]{1,10}$/), field),
                repo: fc.oneof(fc.stringMatching(/^[a-z0-9._-]{1,10}$/), field),
                name: field,
                description: field,
                homepage: field,
                webhookSecret: field,
              },
              { requiredKeys: [] },
            )
            .map((d) => JSON.stringify(d)),
        },
        {
          m: 'POST',
          path: '/api/v1/tokens',
          ct: 'application/json',
          body: fc
            .record({ name: field, scopes: fc.oneof(fc.subarray(['read', 'write', 'admin', 'root']), field), expiresAt: field }, { requiredKeys: [] })
            .map((d) => JSON.stringify(d)),
        },
        {
          m: 'POST',
          path: '/api/revalidate',
          ct: 'application/json',
          body: fc
            .record(
              { paths: fc.oneof(fc.array(fc.oneof(fc.constantFrom('/', '/acme/rocket', '/nope/nope', '/a?b', '/%00'), anyText), { maxLength: 3 }), field) },
              { requiredKeys: [] },
            )
            .map((d) => JSON.stringify(d)),
        },
      );
      const contentType = fc.constantFrom(
        'application/json',
        'application/json; charset=utf-8',
        'application/merge-patch+json',
        'application/json-patch+json',
        'application/x-www-form-urlencoded',
        'text/plain',
        'application/json; charset=utf-16',
        'multipart/form-data; boundary=x',
        'application/json;;',
        '',
        'application/vnd.shiplog.release+json',
      );
      const request = endpoint.chain((e) =>
        fc.record({
          m: fc.oneof({ weight: 5, arbitrary: fc.constant(e.m) }, { weight: 1, arbitrary: fc.constantFrom('POST', 'PUT', 'PATCH', 'DELETE') }),
          path: fc.constant(e.path),
          ct: fc.oneof({ weight: 5, arbitrary: fc.constant(e.ct) }, { weight: 1, arbitrary: contentType }),
          body: fc.oneof({ weight: 5, arbitrary: e.body }, { weight: 1, arbitrary: body }),
        }),
      );
      await fc.assert(
        fc.asyncProperty(request, fc.boolean(), rarely(fc.constantFrom('gzip', 'br', 'identity', 'x')), async ({ m, path, ct, body: b }, withKey, encoding) => {
          const h: Record<string, string> = {
            ...(ct ? { 'content-type': ct } : {}),
            authorization: `Bearer ${admin()}`,
            ...(withKey ? { 'idempotency-key': `fuzz-${randomBytes(4).toString('hex')}` } : {}),
            ...(encoding ? { 'content-encoding': encoding } : {}),
          };
          const res = await raw(base(), { method: m, path, headers: h, body: b });
          tally('bodies', res.status);
          expectSane(m, path, res);
        }),
        params(250),
      );
    });

    it('webhook deliveries, signed and not: no 5xx, errors are problem+json with the request id', async () => {
      const field = fc.oneof(fc.jsonValue({ maxDepth: 2 }), anyText, fc.constantFrom('\u0000', 'x'.repeat(10_000)));
      const payload = fc.record(
        {
          action: fc.oneof(fc.constantFrom('published', 'released', 'prereleased', 'created', 'edited', 'unpublished', 'deleted', 'x'), field),
          release: fc.oneof(
            // A valid GitHub release with at most one field replaced, or anything at all.
            {
              weight: 3,
              arbitrary: fc
                .tuple(
                  fc.integer({ min: 1, max: 2 ** 40 }),
                  fc.stringMatching(/^[a-z0-9.-]{1,10}$/),
                  fc.dictionary(
                    fc.constantFrom('id', 'tag_name', 'name', 'body', 'draft', 'prerelease', 'html_url', 'published_at', 'created_at', 'author'),
                    fc.oneof(field, fc.constantFrom('2026-01-01T00:00:00Z', '0000-01-01T00:00:00Z', 'not a date', null)),
                    { maxKeys: 1 },
                  ),
                )
                .map(([id, tag, changes]) => ({
                  id,
                  tag_name: `gh-${tag}`,
                  name: 'n',
                  body: 'b',
                  draft: false,
                  prerelease: false,
                  html_url: null,
                  published_at: '2026-01-01T00:00:00Z',
                  author: { login: 'octocat' },
                  ...changes,
                })),
            },
            { weight: 1, arbitrary: field },
          ),
          // Signed deliveries only ever name this file's own project (or none that exists).
          repository: fc.oneof(
            field,
            fc.constant({ name: repo, full_name: `${owner}/${repo}`, owner: { login: owner } }),
            fc.record({ name: anyText, full_name: anyText.map((s) => `${owner}/${s}`), owner: fc.constant({ login: owner }) }),
          ),
          zen: field,
        },
        { requiredKeys: [] },
      );
      await fc.assert(
        fc.asyncProperty(
          payload,
          fc.constantFrom('release', 'release', 'release', 'release', 'ping', 'star', 'x'.repeat(70), '', 'Release'),
          fc.constantFrom('good', 'good', 'good', 'bad', 'none', 'garbage'),
          rarely(fc.constantFrom('application/x-www-form-urlencoded', 'text/plain', 'application/json; charset=iso-8859-1')),
          rarely(printable),
          async (p, event, signature, ct, guid) => {
            const body = ct === 'application/x-www-form-urlencoded' ? `payload=${encodeURIComponent(JSON.stringify(p))}` : JSON.stringify(p);
            const h: Record<string, string> = {
              'content-type': ct ?? 'application/json',
              'x-github-event': event,
              'x-github-delivery': guid ?? `fuzz-${randomBytes(6).toString('hex')}`,
            };
            if (signature === 'good') h['x-hub-signature-256'] = sign(TEST_WEBHOOK_SECRET, body);
            if (signature === 'bad') h['x-hub-signature-256'] = sign('wrong', body);
            if (signature === 'garbage') h['x-hub-signature-256'] = 'sha256=zz';
            const res = await raw(base(), { method: 'POST', path: '/api/webhooks/github', headers: h, body });
            tally('webhooks', res.status);
            expectSane('POST', '/api/webhooks/github', res);
          },
        ),
        params(200),
      );
    });

    it('reached past validation: writes succeeded and bodies were refused for their content, not just their form', () => {
      const ok = (t: Record<number, number> | undefined, statuses: number[]) => statuses.some((x) => (t?.[x] ?? 0) > 0);
      expect(ok(seen.bodies, [200, 201])).toBe(true);
      expect(ok(seen.bodies, [422])).toBe(true);
      expect(ok(seen.webhooks, [200])).toBe(true);
      expect(ok(seen.webhooks, [401])).toBe(true);
      expect(ok(seen.paths, [200])).toBe(true);
      expect(ok(seen.paths, [404])).toBe(true);
    });
  });
}
