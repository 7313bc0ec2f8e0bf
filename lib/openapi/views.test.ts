// Every view of a release and a project, and fields= selections, as the handlers really answer them
// (seeded database, no mocks), validated with Ajv (JSON Schema 2020-12) against the schema the OpenAPI
// document names for the response's Content-Type. A typed client reads `application/json` as the full
// view: that media type must never carry another view or a sparse fieldset.
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { oas31 } from 'zod-openapi';
import { resetConfig } from '../config';
import { seedDemo } from '../db/seed';
import projectsRoute from '../../pages/api/[version]/projects/index';
import projectRoute from '../../pages/api/[version]/projects/[owner]/[repo]/index';
import releasesRoute from '../../pages/api/[version]/projects/[owner]/[repo]/releases/index';
import releaseRoute from '../../pages/api/[version]/projects/[owner]/[repo]/releases/[...tag]';
import allReleasesRoute from '../../pages/api/[version]/releases/index';
import { useTestDatabase } from '../test/db';
import { invoke } from '../test/http';
import { apiDocument } from '../api/registry';

process.env.SHIPLOG_RATE_LIMIT_READ = '0';
process.env.SHIPLOG_RATE_LIMIT_WRITE = '0';
const TOKEN = 'unit-admin-token-views-0123456789';
const t = useTestDatabase();

const routes = {
  projects: projectsRoute,
  project: projectRoute,
  releases: releasesRoute,
  release: releaseRoute,
  all: allReleasesRoute,
};

const JSON_TYPE = 'application/json';
const type = (resource: string, view?: string) => `application/vnd.shiplog.${resource}${view ? `.${view}` : ''}+json`;

const doc = apiDocument();
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(doc as object, 'openapi');

/** The document path a URL is answered under, and the route that answers it. */
function routeOf(url: string): { docPath: string; route: keyof typeof routes; query: Record<string, string | string[]> } {
  const [path = '', search] = url.split('?');
  const seg = path.split('/').slice(2).map(decodeURIComponent); // v2, projects, owner, repo, releases, ...tag
  const query: Record<string, string | string[]> = { ...Object.fromEntries(new URLSearchParams(search)), version: seg[0]! };
  const base = `/api/${seg[0]}`;
  if (seg[1] === 'releases') return { docPath: `${base}/releases`, route: 'all', query };
  if (seg.length === 2) return { docPath: `${base}/projects`, route: 'projects', query };
  Object.assign(query, { owner: seg[2]!, repo: seg[3]! });
  if (seg.length === 4) return { docPath: `${base}/projects/{owner}/{repo}`, route: 'project', query };
  if (seg.length === 5) return { docPath: `${base}/projects/{owner}/{repo}/releases`, route: 'releases', query };
  query.tag = seg.slice(5);
  return { docPath: `${base}/projects/{owner}/{repo}/releases/{tag}`, route: 'release', query };
}

const pointer = (...tokens: string[]) => tokens.map((s) => encodeURIComponent(s.replace(/~/g, '~0').replace(/\//g, '~1'))).join('/');

interface Answer {
  status: number;
  contentType: string;
  body: unknown;
  /** The schema the document names for this operation, status and Content-Type. */
  validate: (body: unknown) => string | null;
  documented: string[];
}

async function call(method: string, url: string, headers: Record<string, string> = {}, body?: unknown): Promise<Answer> {
  const { docPath, route, query } = routeOf(url);
  const json = body === undefined ? undefined : JSON.stringify(body);
  const res = await invoke(routes[route], {
    method,
    url,
    query,
    body: json,
    headers: { ...(method === 'GET' ? {} : { authorization: `Bearer ${TOKEN}` }), ...(json ? { 'content-type': 'application/json' } : {}), ...headers },
  });
  const contentType = String(res.headers['content-type'] ?? '')
    .split(';')[0]!
    .trim();
  const op = (doc.paths?.[docPath] as Record<string, oas31.OperationObject> | undefined)?.[method.toLowerCase()];
  const response = op?.responses?.[String(res.status)] as oas31.ResponseObject | undefined;
  const documented = Object.keys(response?.content ?? {});
  const validate = (value: unknown) => {
    if (!documented.includes(contentType)) return `${contentType} is not documented for ${method} ${docPath} ${res.status}`;
    const check = ajv.compile({ $ref: `openapi#/${pointer('paths', docPath, method.toLowerCase(), 'responses', String(res.status), 'content', contentType, 'schema')}` });
    return check(value) ? null : ajv.errorsText(check.errors);
  };
  return { status: res.status, contentType, body: res.text ? JSON.parse(res.text) : undefined, validate, documented };
}

beforeAll(async () => {
  process.env.SHIPLOG_ADMIN_TOKEN = TOKEN;
  resetConfig();
  await seedDemo(t.db());
});

const REL = (v: string) => `/api/v${v}/projects/acme/rocket/releases`;

describe.each(['1', '2'])('release views (v%s)', (v) => {
  it.each<[string, string, Record<string, string>, string]>([
    ['full, no Accept', '', {}, JSON_TYPE],
    ['full, Accept: application/json', '', { accept: JSON_TYPE }, JSON_TYPE],
    ['full, its vendor type', '', { accept: type('release') }, type('release')],
    ['brief by Accept', '', { accept: type('release', 'brief') }, type('release', 'brief')],
    ['brief by representation=', '?representation=brief', {}, type('release', 'brief')],
    ['brief by representation= next to Accept: application/json', '?representation=brief', { accept: JSON_TYPE }, type('release', 'brief')],
    ['extended by Accept', '', { accept: type('release', 'extended') }, type('release', 'extended')],
    ['extended by representation=', '?representation=extended', { accept: '*/*' }, type('release', 'extended')],
    ['fields=tag,name', '?fields=tag,name', {}, type('release', 'sparse')],
    ['brief fields=', '?representation=brief&fields=tag,url', {}, type('release', 'sparse')],
    ['extended fields= (project is an object there)', '?representation=extended&fields=project,previous,next', {}, type('release', 'sparse')],
  ])('one release: %s', async (_name, query, headers, expected) => {
    const res = await call('GET', `${REL(v)}/v3.4.1${query}`, headers);
    expect(res.status).toBe(200);
    expect(res.contentType).toBe(expected);
    expect(res.validate(res.body)).toBeNull();
  });

  it.each<[string, string, Record<string, string>, string]>([
    ['full', '?limit=3', {}, JSON_TYPE],
    ['brief', '?limit=3', { accept: type('release', 'brief') }, type('release', 'brief')],
    ['extended', '?limit=3&representation=extended', {}, type('release', 'extended')],
    ['fields=', '?limit=3&fields=tag,publishedAt', {}, type('release', 'sparse')],
  ])("a project's releases: %s", async (_name, query, headers, expected) => {
    const res = await call('GET', `${REL(v)}${query}`, headers);
    expect([res.status, res.contentType]).toEqual([200, expected]);
    expect(res.validate(res.body)).toBeNull();
  });

  it.each<[string, string, string]>([
    ['full', '?limit=3', JSON_TYPE],
    ['fields=', '?limit=3&fields=project,tag', type('release', 'sparse')],
  ])('releases across projects: %s', async (_name, query, expected) => {
    const res = await call('GET', `/api/v${v}/releases${query}`);
    expect([res.status, res.contentType]).toEqual([200, expected]);
    expect(res.validate(res.body)).toBeNull();
  });

  it('a write asked for the extended view answers the full view, typed as the full view', async () => {
    const created = await call('POST', `${REL(v)}?representation=extended`, {}, { tag: `views-${v}` });
    expect([created.status, created.contentType]).toEqual([201, JSON_TYPE]);
    expect(created.validate(created.body)).toBeNull();
    const brief = await call(
      'PUT',
      `${REL(v)}/views-${v}`,
      { accept: type('release', 'brief') },
      {
        tag: `views-${v}`,
        name: 'Views',
        url: null,
        publishedAt: '2026-01-02T03:04:05.000Z',
        prerelease: false,
        draft: false,
        hidden: false,
        author: null,
        ...(v === '1' ? { body: 'Notes' } : { notes: { markdown: 'Notes' } }),
      },
    );
    expect([brief.status, brief.contentType]).toEqual([200, type('release', 'brief')]);
    expect(brief.validate(brief.body)).toBeNull();
    const extended = await call(
      'PUT',
      `${REL(v)}/views-${v}`,
      { accept: type('release', 'extended') },
      {
        tag: `views-${v}`,
        name: 'Views',
        url: null,
        publishedAt: '2026-01-02T03:04:05.000Z',
        prerelease: false,
        draft: false,
        hidden: false,
        author: null,
        ...(v === '1' ? { body: 'Notes' } : { notes: { markdown: 'Notes' } }),
      },
    );
    expect([extended.status, extended.contentType]).toEqual([200, JSON_TYPE]);
    expect(extended.validate(extended.body)).toBeNull();
  });
});

describe.each(['1', '2'])('project views (v%s)', (v) => {
  const P = `/api/v${v}/projects`;

  it.each<[string, string, Record<string, string>, string]>([
    ['full', '', {}, JSON_TYPE],
    ['brief', '?representation=brief', {}, type('project', 'brief')],
    ['extended', '', { accept: type('project', 'extended') }, type('project', 'extended')],
    ['fields=', '?fields=fullName,releaseCount', {}, type('project', 'sparse')],
    ['extended fields=', '?representation=extended&fields=recentReleases', {}, type('project', 'sparse')],
  ])('one project: %s', async (_name, query, headers, expected) => {
    const res = await call('GET', `${P}/acme/rocket${query}`, headers);
    expect([res.status, res.contentType]).toEqual([200, expected]);
    expect(res.validate(res.body)).toBeNull();
  });

  it.each<[string, string, Record<string, string>, string]>([
    ['full', '', {}, JSON_TYPE],
    ['brief', '', { accept: type('project', 'brief') }, type('project', 'brief')],
    ['extended (lists have none: the full view)', '?representation=extended', {}, JSON_TYPE],
    ['fields=', '?fields=owner,repo', {}, type('project', 'sparse')],
  ])('the project list: %s', async (_name, query, headers, expected) => {
    const res = await call('GET', `${P}${query}`, headers);
    expect([res.status, res.contentType]).toEqual([200, expected]);
    expect(res.validate(res.body)).toBeNull();
  });
});

describe('the document', () => {
  it('documents each view once per media type: application/json is the full view, never a union', () => {
    for (const [p, item] of Object.entries(doc.paths ?? {})) {
      for (const [m, op] of Object.entries(item as Record<string, oas31.OperationObject>)) {
        const schema = (op.responses?.['200'] as oas31.ResponseObject | undefined)?.content?.[JSON_TYPE]?.schema as oas31.SchemaObject | undefined;
        if (!schema || !/\/(projects|releases)/.test(p) || /changelog|imports|reactions/.test(p)) continue;
        expect({ op: `${m} ${p}`, ref: '$ref' in schema, union: 'anyOf' in schema || 'oneOf' in schema }).toEqual({ op: `${m} ${p}`, ref: true, union: false });
      }
    }
  });

  it('a fields= selection fails the full view and passes the sparse one (what a client validating by media type needs)', async () => {
    const sparse = await call('GET', `${REL('2')}/v3.4.1?fields=tag,name`);
    expect(sparse.body).toEqual({ tag: 'v3.4.1', name: expect.any(String) });
    const full = ajv.compile({ $ref: 'openapi#/components/schemas/ReleaseV2' });
    expect(full(sparse.body)).toBe(false);
    const sparseSchema = ajv.compile({ $ref: 'openapi#/components/schemas/ReleaseSparseV2' });
    expect(sparseSchema(sparse.body)).toBe(true);
    expect(sparseSchema({ ...(sparse.body as object), colour: 'red' })).toBe(false);
  });
});
