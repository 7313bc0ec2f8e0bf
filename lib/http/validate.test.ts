import { z } from 'zod';
import { invoke } from '../test/http';
import { methodRouter, sendJson } from './method-router';
import { parseBody, parseQuery, pointer } from './validate';

const Query = z.strictObject({ limit: z.coerce.number().int().min(1).max(100).optional(), q: z.string().optional() });
const Body = z.strictObject({ name: z.string().min(1), tags: z.array(z.string()).optional() });

const echo = methodRouter(
  {
    GET: (req, res) => sendJson(req, res, 200, parseQuery(req, Query)),
    POST: async (req, res) => sendJson(req, res, 201, await parseBody(req, Body)),
    PATCH: async (req, res) =>
      sendJson(
        req,
        res,
        200,
        await parseBody(req, Body.partial(), { types: ['application/merge-patch+json'], unsupportedHeaders: { 'Accept-Patch': 'application/merge-patch+json' } }),
      ),
  },
  { bodyLimit: 64 },
);

describe('query validation', () => {
  it('coerces and passes valid parameters', async () => {
    const r = await invoke(echo, { url: '/api/x?limit=5&q=rocket' });
    expect(r.status).toBe(200);
    expect(r.json()).toEqual({ limit: 5, q: 'rocket' });
  });

  it('names every unknown or invalid parameter in a 400', async () => {
    const r = await invoke(echo, { url: '/api/x?limit=500&colour=red' });
    expect(r.status).toBe(400);
    const problem = r.json<{ errors: { parameter: string; detail: string }[] }>();
    expect(problem.errors).toEqual(expect.arrayContaining([{ parameter: 'colour', detail: 'is not a known parameter' }, expect.objectContaining({ parameter: 'limit' })]));
  });

  it('rejects a parameter given twice', async () => {
    const r = await invoke(echo, { url: '/api/x?q=a&q=b' });
    expect(r.status).toBe(400);
    expect(r.json<{ errors: unknown[] }>().errors).toEqual([{ parameter: 'q', detail: 'must be given once' }]);
  });
});

describe('body reading and validation', () => {
  const json = { 'content-type': 'application/json' };

  it('parses and validates a JSON body', async () => {
    const r = await invoke(echo, { method: 'POST', headers: json, body: '{"name":"x"}' });
    expect(r.status).toBe(201);
    expect(r.json()).toEqual({ name: 'x' });
  });

  it('answers 422 with a JSON Pointer per problem', async () => {
    const r = await invoke(echo, { method: 'POST', headers: json, body: '{"tags":[1],"extra":true}' });
    expect(r.status).toBe(422);
    expect(r.json<{ errors: unknown[] }>().errors).toEqual(
      expect.arrayContaining([{ pointer: '/name', detail: 'is required' }, expect.objectContaining({ pointer: '/tags/0' }), { pointer: '/extra', detail: 'is not a known field' }]),
    );
  });

  it('answers 400 for malformed JSON', async () => {
    const r = await invoke(echo, { method: 'POST', headers: json, body: '{"name":' });
    expect(r.status).toBe(400);
    expect(r.json()).toMatchObject({ type: '/problems/malformed-json' });
  });

  it('answers 413 past the route body limit', async () => {
    const r = await invoke(echo, { method: 'POST', headers: json, body: JSON.stringify({ name: 'x'.repeat(100) }) });
    expect(r.status).toBe(413);
    expect(r.headers['content-type']).toContain('application/problem+json');
  });

  it('answers 415 for a content type the method does not take, with Accept-Patch when given', async () => {
    const r = await invoke(echo, { method: 'PATCH', headers: { 'content-type': 'text/plain' }, body: 'name=x' });
    expect(r.status).toBe(415);
    expect(r.headers['accept-patch']).toBe('application/merge-patch+json');
    expect(r.json<{ errors: unknown[] }>().errors).toEqual([{ header: 'Content-Type', detail: 'must be one of application/merge-patch+json' }]);
  });

  it('answers 400 when the body is missing', async () => {
    const r = await invoke(echo, { method: 'POST', headers: json });
    expect(r.status).toBe(400);
    expect(r.json()).toMatchObject({ type: '/problems/missing-body' });
  });
});

describe('pointer()', () => {
  it('escapes ~ and / as RFC 6901 says', () => {
    expect(pointer(['a/b', 'c~d', 0])).toBe('/a~1b/c~0d/0');
  });
});
