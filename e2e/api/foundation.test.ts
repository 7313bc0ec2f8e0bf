// The foundation over real HTTP against `next start` (see e2e/harness): health, the toolkit's
// guarantees on real requests, the API 404, version selection and the start-up refreshed home page.
const base = () => process.env.SHIPLOG_TEST_URL!;
const admin = () => process.env.SHIPLOG_TEST_ADMIN_TOKEN!;

async function problem(res: Response) {
  expect(res.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
  const body = (await res.json()) as Record<string, unknown>;
  expect(body.status).toBe(res.status);
  expect(body.requestId).toBe(res.headers.get('x-request-id'));
  return body;
}

describe('GET /api/health', () => {
  it('is 200 with database "up" on the engine under test', async () => {
    const res = await fetch(`${base()}/api/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      status: 'ok',
      database: 'up',
      engine: process.env.SHIPLOG_TEST_ENGINE,
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
      uptime: expect.any(Number),
    });
  });

  it('answers HEAD with 200 and no body', async () => {
    const res = await fetch(`${base()}/api/health`, { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
  });

  it('answers DELETE with 405, Allow and a problem document carrying the request id', async () => {
    const res = await fetch(`${base()}/api/health`, { method: 'DELETE' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
    expect(await problem(res)).toMatchObject({ type: '/problems/method-not-allowed', instance: '/api/health' });
  });

  it('answers OPTIONS with 204 and Allow', async () => {
    const res = await fetch(`${base()}/api/health`, { method: 'OPTIONS' });
    expect(res.status).toBe(204);
    expect(res.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
  });

  it('echoes the client request id', async () => {
    const res = await fetch(`${base()}/api/health`, { headers: { 'X-Request-Id': 'it-req-42' } });
    expect(res.headers.get('x-request-id')).toBe('it-req-42');
  });
});

describe('unknown API paths', () => {
  it.each([
    ['GET', '/api/nope'],
    ['POST', '/api/nope/deeper/still'],
    ['GET', '/api'],
    ['DELETE', '/api/v1/nothing-here'],
  ])('%s %s is a 404 problem document, not an HTML page', async (method, path) => {
    const res = await fetch(`${base()}${path}`, { method });
    expect(res.status).toBe(404);
    expect(await problem(res)).toMatchObject({ type: '/problems/not-found', instance: path });
  });
});

describe('API version selection for unversioned paths', () => {
  it('rejects an unknown API-Version with a 400 problem naming the header', async () => {
    const res = await fetch(`${base()}/api/releases`, { headers: { 'API-Version': '9' } });
    expect(res.status).toBe(400);
    expect(await problem(res)).toMatchObject({
      type: '/problems/unknown-version',
      errors: [{ header: 'API-Version', detail: 'must be one of 1, 2' }],
    });
  });

  it('rejects an unknown vendor media type version the same way', async () => {
    const res = await fetch(`${base()}/api/releases`, { headers: { Accept: 'application/vnd.shiplog.v5+json' } });
    expect(res.status).toBe(400);
    expect(await problem(res)).toMatchObject({ errors: [{ header: 'Accept' }] });
  });
});

describe('POST /api/revalidate', () => {
  const post = (body: string, headers: Record<string, string> = {}) =>
    fetch(`${base()}/api/revalidate`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });

  it('needs a token: 401 with WWW-Authenticate', async () => {
    const res = await post('{"paths":["/"]}');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer /);
    await problem(res);
  });

  it('rejects an unknown token', async () => {
    const res = await post('{"paths":["/"]}', { authorization: 'Bearer shp_not-a-real-token' });
    expect(res.status).toBe(401);
  });

  it('answers 415 for a body that is not JSON', async () => {
    const res = await post('paths=/', { authorization: `Bearer ${admin()}`, 'content-type': 'application/x-www-form-urlencoded' });
    expect(res.status).toBe(415);
    expect(await problem(res)).toMatchObject({ errors: [{ header: 'Content-Type' }] });
  });

  it('answers 413 problem+json past its body limit', async () => {
    const res = await post(JSON.stringify({ paths: ['/'], pad: 'x'.repeat(100_000) }), { authorization: `Bearer ${admin()}` });
    expect(res.status).toBe(413);
    await problem(res);
  });

  it('answers 422 with a pointer for an invalid path', async () => {
    const res = await post('{"paths":["no-slash"]}', { authorization: `Bearer ${admin()}` });
    expect(res.status).toBe(422);
    expect(await problem(res)).toMatchObject({ errors: [{ pointer: '/paths/0' }] });
  });

  it('regenerates a page and reports a path that has no page', async () => {
    const res = await post('{"paths":["/","/no/such/page"]}', { authorization: `Bearer ${admin()}` });
    expect(res.status).toBe(207);
    const body = (await res.json()) as { revalidated: string[]; failed: { path: string }[] };
    expect(body.revalidated).toEqual(['/']);
    expect(body.failed.map((f) => f.path)).toEqual(['/no/such/page']);
  });
});

describe('the home page', () => {
  it('shows the seeded projects and their latest releases (refreshed at start, never the build placeholder)', async () => {
    const res = await fetch(`${base()}/`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).not.toContain('data-placeholder="true"');
    for (const p of ['acme/rocket', 'acme/ui', 'northwind/ledger', 'octo-org/hello-api']) {
      expect(html).toContain(`data-project="${p}"`);
    }
    expect(html).toMatch(/<span class="badge badge-latest">Latest<\/span> <span class="tag">v\d+\.\d+\.\d+<\/span>/);
  });

  it('answers an unknown page with the 404 page', async () => {
    const res = await fetch(`${base()}/this/does/not/exist`);
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('Nothing here');
  });
});

describe('GET /api/openapi.json', () => {
  it('serves the OpenAPI 3.1 document to any origin, with an ETag answered by 304', async () => {
    const res = await fetch(`${base()}/api/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const doc = (await res.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/projects', '/api/v2/releases', '/api/webhooks/github']));
    const etag = res.headers.get('etag')!;
    expect((await fetch(`${base()}/api/openapi.json`, { headers: { 'if-none-match': etag } })).status).toBe(304);
  });
});
