import { invoke } from '../test/http';
import { ApiError } from './errors';
import { notFoundRoute, methodRouter, sendJson } from './method-router';

const hello = methodRouter({
  GET: (req, res) => sendJson(req, res, 200, { hello: 'world' }),
  POST: () => {
    throw ApiError.validation('The request body is not valid: /name: is required.', [{ pointer: '/name', detail: 'is required' }]);
  },
  DELETE: () => {
    throw new Error('database exploded at /secret/path');
  },
});

describe('methodRouter(): the method map', () => {
  it('answers GET with the handler and sets X-Request-Id', async () => {
    const r = await invoke(hello, { method: 'GET', url: '/api/hello' });
    expect(r.status).toBe(200);
    expect(r.json()).toEqual({ hello: 'world' });
    expect(r.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('derives HEAD from GET: same status and headers, no body', async () => {
    const r = await invoke(hello, { method: 'HEAD' });
    expect(r.status).toBe(200);
    expect(r.text).toBe('');
    expect(r.headers['content-length']).toBe(Buffer.byteLength(JSON.stringify({ hello: 'world' })));
  });

  it('answers OPTIONS with 204 and Allow listing every method in order', async () => {
    const r = await invoke(hello, { method: 'OPTIONS' });
    expect(r.status).toBe(204);
    expect(r.headers.allow).toBe('GET, HEAD, POST, DELETE, OPTIONS');
  });

  it('answers an unsupported method with 405, Allow and a problem document', async () => {
    const r = await invoke(methodRouter({ GET: () => undefined }), { method: 'PUT', url: '/api/x?y=1' });
    expect(r.status).toBe(405);
    expect(r.headers.allow).toBe('GET, HEAD, OPTIONS');
    expect(r.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    const problem = r.json();
    expect(problem).toMatchObject({ type: '/problems/method-not-allowed', status: 405, instance: '/api/x' });
    expect(problem.requestId).toBe(r.headers['x-request-id']);
  });

  it('echoes a sane client X-Request-Id and replaces a malformed one', async () => {
    const echoed = await invoke(hello, { headers: { 'x-request-id': 'abc-123' } });
    expect(echoed.headers['x-request-id']).toBe('abc-123');
    const replaced = await invoke(hello, { headers: { 'x-request-id': 'bad id\nwith newline' } });
    expect(replaced.headers['x-request-id']).not.toContain('bad');
  });

  it('renders a thrown ApiError once, with its errors', async () => {
    const r = await invoke(hello, { method: 'POST', headers: { 'x-request-id': 'req-1' } });
    expect(r.status).toBe(422);
    expect(r.json()).toEqual({
      type: '/problems/validation',
      title: 'Validation Failed',
      status: 422,
      detail: 'The request body is not valid: /name: is required.',
      instance: '/',
      requestId: 'req-1',
      errors: [{ pointer: '/name', detail: 'is required' }],
    });
  });

  it('turns an unexpected error into a 500 with no stack or message leaked', async () => {
    const r = await invoke(hello, { method: 'DELETE' });
    expect(r.status).toBe(500);
    expect(r.text).not.toContain('exploded');
    expect(r.text).not.toContain('/secret/path');
    expect(r.text).not.toMatch(/at .*\.ts/);
    expect(r.json()).toMatchObject({ type: '/problems/internal', status: 500 });
  });

  it('drops success headers such as ETag when a handler fails after setting them', async () => {
    const r = await invoke(
      methodRouter({
        GET: (_req, res) => {
          res.setHeader('ETag', '"v1"');
          throw ApiError.notFound('gone');
        },
      }),
    );
    expect(r.status).toBe(404);
    expect(r.headers.etag).toBeUndefined();
  });

  it('lets a hook answer the request before the method handler runs', async () => {
    const handler = jest.fn();
    const r = await invoke(methodRouter({ GET: handler }, { hooks: [(_req, res) => void res.status(204).end()] }));
    expect(r.status).toBe(204);
    expect(handler).not.toHaveBeenCalled();
  });
});

describe('notFoundRoute()', () => {
  it.each(['GET', 'POST', 'DELETE'])('answers %s with a 404 problem document', async (method) => {
    const r = await invoke(notFoundRoute(), { method, url: '/api/nope?x=1' });
    expect(r.status).toBe(404);
    expect(r.json()).toMatchObject({ type: '/problems/not-found', status: 404, instance: '/api/nope' });
    expect(r.headers['x-request-id']).toBeDefined();
  });
});

describe('problem documents stay small whatever the request held', () => {
  const noisy = methodRouter({
    GET: () => {
      const errors = Array.from({ length: 5_000 }, (_, i) => ({ parameter: `p${i}${'q'.repeat(500)}`, detail: `bad value ${'v'.repeat(2_000)}` }));
      throw ApiError.badRequest(`Invalid query: ${'x'.repeat(100_000)}`, errors);
    },
  });

  it('lists at most 20 problems, each member cut short, says how many were left out, and cuts detail and instance', async () => {
    const r = await invoke(noisy, { url: `/api/${'long-path/'.repeat(500)}?q=1` });
    expect(r.status).toBe(400);
    expect(r.text.length).toBeLessThan(16_000);
    const body = r.json<{ detail: string; instance: string; errors: { parameter: string; detail: string }[]; errorsOmitted: number }>();
    expect(body.errors).toHaveLength(20);
    expect(body.errorsOmitted).toBe(4_980);
    expect(body.detail.length).toBeLessThanOrEqual(1_000);
    expect(body.detail.endsWith('…')).toBe(true);
    expect(body.instance.length).toBeLessThanOrEqual(1_000);
    for (const e of body.errors) expect(e.detail.length + e.parameter.length).toBeLessThanOrEqual(500);
  });
});
