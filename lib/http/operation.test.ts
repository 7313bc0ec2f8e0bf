import { z } from 'zod';
import { resetConfig } from '../config';
import { write } from '../db/write';
import { createToken } from '../tokens/repo';
import { useTestDatabase } from '../test/db';
import { invoke } from '../test/http';
import { mount } from './mount';
import { preconditionFailed } from './conditional';
import { defineOperation } from './operation';

process.env.SHIPLOG_RATE_LIMIT_READ = '0';
process.env.SHIPLOG_RATE_LIMIT_WRITE = '0';
const ADMIN = 'operation-test-admin-token-0123';
useTestDatabase();
let readToken = '';

beforeAll(async () => {
  process.env.SHIPLOG_ADMIN_TOKEN = ADMIN;
  resetConfig();
  readToken = (await write((tx) => createToken(tx, { name: 'reader', scopes: ['read'] }))).secret;
});

const Widget = z.object({ id: z.number().int(), name: z.string(), colour: z.enum(['red', 'blue']) }).meta({ id: 'TestWidget' });

const getWidget = defineOperation({
  operationId: 'GetWidget',
  method: 'GET',
  path: '/widgets/{id}',
  versions: ['2'],
  area: 'tokens',
  summary: 'Get a widget',
  description: 'A test operation.',
  scope: 'read-optional',
  params: z.object({ id: z.string().regex(/^\d+$/, { error: 'is not a widget id' }).transform(Number) }),
  query: z.object({ colour: z.enum(['red', 'blue']).optional(), leak: z.enum(['true']).optional() }),
  responses: { 200: { description: 'The widget.', content: { 'application/json': Widget } } },
}).handle(({ params, query, principal }) => {
  if (query.leak) {
    // A member the schema does not list: caught outside production.
    return { status: 200, body: { id: params.id, name: principal ? 'seen' : 'anon', colour: 'red', secret: 'x' } as z.input<typeof Widget> };
  }
  return { status: 200, body: { id: params.id, name: principal ? principal.name : 'anon', colour: query.colour ?? 'blue' } };
});

const renameWidget = defineOperation({
  operationId: 'RenameWidget',
  method: 'PUT',
  path: '/widgets/{id}',
  versions: ['2'],
  area: 'tokens',
  summary: 'Rename a widget',
  description: 'A test write.',
  scope: 'write',
  params: z.object({ id: z.string().regex(/^\d+$/).transform(Number) }),
  // Widget 7 is at version 1: any other If-Match is stale.
  precondition: ({ req, params }) => {
    const held = req.headers['if-match'];
    if (held !== undefined && !(params.id === 7 && held === '"w7.v1"')) throw preconditionFailed();
  },
  body: { content: { 'application/json': z.strictObject({ name: z.string().min(1) }) }, schema: z.strictObject({ name: z.string().min(1) }) },
  limits: { body: 64 },
  responses: { 200: { description: 'Renamed.', content: { 'application/json': Widget } }, 204: { description: 'Unchanged.' } },
}).handle(({ params, body }) => (body.name === 'same' ? { status: 204 } : { status: 200, body: { id: params.id, name: body.name, colour: 'red' } }));

const widget = mount(getWidget, renameWidget);

function call(method: string, url: string, options: { bearer?: string; body?: string; headers?: Record<string, string> } = {}) {
  const id = url.split('?')[0]!.split('/')[4] ?? '';
  return invoke(widget, {
    method,
    url,
    body: options.body,
    query: { version: 'v2', id },
    headers: {
      ...(options.bearer ? { authorization: `Bearer ${options.bearer}` } : {}),
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...options.headers,
    },
  });
}

describe('defineOperation + mount', () => {
  it('runs the handler with typed, validated params and query', async () => {
    const r = await call('GET', '/api/v2/widgets/7?colour=red');
    expect([r.status, r.json()]).toEqual([200, { id: 7, name: 'anon', colour: 'red' }]);
    expect(r.headers.etag).toMatch(/^"c-/);
    expect(r.headers['cache-control']).toBe('public, max-age=0, s-maxage=30, stale-while-revalidate=300');
    expect(r.headers['api-version']).toBe('2');
  });

  it('answers If-None-Match with 304, and HEAD with the headers only', async () => {
    const first = await call('GET', '/api/v2/widgets/7');
    const again = await call('GET', '/api/v2/widgets/7', { headers: { 'if-none-match': String(first.headers.etag) } });
    expect([again.status, again.text]).toEqual([304, '']);
    const head = await call('HEAD', '/api/v2/widgets/7');
    expect([head.status, head.text, head.headers['content-length']]).toEqual([200, '', first.headers['content-length']]);
  });

  it('names a bad query parameter and refuses unknown ones with 400', async () => {
    const bad = await call('GET', '/api/v2/widgets/7?colour=green');
    expect(bad.status).toBe(400);
    expect(bad.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(bad.json().errors).toEqual([{ parameter: 'colour', detail: expect.stringContaining('red') }]);
    const unknown = await call('GET', '/api/v2/widgets/7?limit=1');
    expect([unknown.status, unknown.json().errors]).toEqual([400, [{ parameter: 'limit', detail: 'is not a known parameter' }]]);
  });

  it('answers a path parameter that fails its schema with 404 naming it', async () => {
    const r = await call('GET', '/api/v2/widgets/abc');
    expect([r.status, r.json().errors]).toEqual([404, [{ parameter: 'id', detail: 'is not a widget id' }]]);
  });

  it('answers 404 in a version the operation is not in', async () => {
    const r = await invoke(widget, { url: '/api/v1/widgets/7', query: { version: 'v1', id: '7' } });
    expect(r.status).toBe(404);
    expect(r.headers.deprecation).toBeDefined();
  });

  it('checks the scope: 401 without a token, 403 with too small a one, then the body', async () => {
    const none = await call('PUT', '/api/v2/widgets/7', { body: '{"name":"x"}' });
    expect([none.status, none.headers['www-authenticate']]).toEqual([401, 'Bearer realm="shiplog", scope="write"']);
    const small = await call('PUT', '/api/v2/widgets/7', { bearer: readToken, body: '{"name":"x"}' });
    expect([small.status, small.headers['www-authenticate']]).toEqual([403, expect.stringContaining('insufficient_scope')]);
    const ok = await call('PUT', '/api/v2/widgets/7', { bearer: ADMIN, body: '{"name":"x"}' });
    expect([ok.status, ok.json(), ok.headers['cache-control']]).toEqual([200, { id: 7, name: 'x', colour: 'red' }, 'no-store']);
    const empty = await call('PUT', '/api/v2/widgets/7', { bearer: ADMIN, body: '{"name":"same"}' });
    expect([empty.status, empty.text]).toEqual([204, '']);
  });

  it('validates the body: 422 naming the member, 415 for another type, 413 past the limit', async () => {
    const invalid = await call('PUT', '/api/v2/widgets/7', { bearer: ADMIN, body: '{"name":"","extra":1}' });
    expect(invalid.status).toBe(422);
    expect(invalid.json().errors).toEqual(
      expect.arrayContaining([
        { pointer: '/name', detail: expect.any(String) },
        { pointer: '/extra', detail: 'is not a known field' },
      ]),
    );
    const type = await call('PUT', '/api/v2/widgets/7', { bearer: ADMIN, body: 'name=x', headers: { 'content-type': 'text/plain' } });
    expect([type.status, type.json().errors]).toEqual([415, [{ header: 'Content-Type', detail: 'must be one of application/json' }]]);
    const big = await call('PUT', '/api/v2/widgets/7', { bearer: ADMIN, body: JSON.stringify({ name: 'x'.repeat(100) }) });
    expect([big.status, big.headers['content-type']]).toEqual([413, 'application/problem+json; charset=utf-8']);
  });

  it('evaluates the precondition before the body (RFC 9110 §13.2.1): a stale If-Match is a 412 even when the body is wrong', async () => {
    const bad = { bearer: ADMIN, body: '{"name":""}' };
    const stale = await call('PUT', '/api/v2/widgets/7', { ...bad, headers: { 'if-match': '"w7.v0"' } });
    expect([stale.status, stale.json().errors]).toEqual([412, [{ header: 'If-Match', detail: 'does not match the current ETag' }]]);
    expect((await call('PUT', '/api/v2/widgets/7', { ...bad, headers: { 'if-match': '"w7.v1"' } })).status).toBe(422);
    const current = await call('PUT', '/api/v2/widgets/7', { bearer: ADMIN, body: '{"name":"x"}', headers: { 'if-match': '"w7.v1"' } });
    expect(current.status).toBe(200);
  });

  it('answers OPTIONS with Allow and other methods with 405 and Allow', async () => {
    const options = await call('OPTIONS', '/api/v2/widgets/7');
    expect([options.status, options.headers.allow]).toEqual([204, 'GET, HEAD, PUT, OPTIONS']);
    const del = await call('DELETE', '/api/v2/widgets/7', { bearer: ADMIN });
    expect([del.status, del.headers.allow, del.json().type]).toEqual([405, 'GET, HEAD, PUT, OPTIONS', '/problems/method-not-allowed']);
  });

  it('fails (outside production) a response with a member its schema does not document', async () => {
    const r = await call('GET', '/api/v2/widgets/7?leak=true');
    expect(r.status).toBe(500);
  });

  it('exposes its operations for the registry checks', () => {
    expect(widget.operations.map((o) => o.operationId)).toEqual(['GetWidget', 'RenameWidget']);
    expect(getWidget.errorStatuses).toEqual([400, 401, 404, 405, 429]);
    expect(renameWidget.errorStatuses).toEqual([400, 401, 403, 404, 405, 413, 415, 422, 429]);
  });
});

describe('the reply type', () => {
  it('rejects at compile time a body that is not the declared schema for its status', () => {
    const op = () =>
      defineOperation({
        operationId: 'Typed',
        method: 'GET',
        path: '/typed',
        versions: ['2'],
        area: 'tokens',
        summary: 's',
        description: 'd',
        scope: 'public',
        responses: { 200: { description: 'ok', content: { 'application/json': Widget } } },
      })
        // @ts-expect-error: `colour` must be 'red' or 'blue', and 201 is not a declared status
        .handle(() => ({ status: 201, body: { id: 1, name: 'n', colour: 'green' } }));
    expect(typeof op).toBe('function');
    const wrongBody = () =>
      defineOperation({
        operationId: 'Typed2',
        method: 'GET',
        path: '/typed',
        versions: ['2'],
        area: 'tokens',
        summary: 's',
        description: 'd',
        scope: 'public',
        responses: { 200: { description: 'ok', content: { 'application/json': Widget } } },
      })
        // @ts-expect-error: `id` must be a number
        .handle(() => ({ status: 200, body: { id: 'one', name: 'n', colour: 'red' } }));
    const literal = () =>
      defineOperation({
        operationId: 'Typed3',
        method: 'GET',
        path: '/typed',
        versions: ['2'],
        area: 'tokens',
        summary: 's',
        description: 'd',
        scope: 'public',
        responses: { 200: { description: 'ok', content: { 'application/json': Widget } }, 204: { description: 'none' } },
        // Literal members are checked against the schema, not widened (no `as const` needed).
      }).handle(async ({ version }) => (version === '1' ? { status: 204 } : { status: 200, body: { id: 1, name: 'n', colour: 'red' } }));
    expect(typeof literal).toBe('function');
    expect(typeof wrongBody).toBe('function');
  });
});
