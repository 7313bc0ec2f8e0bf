import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { compileErrors, validate } from '@readme/openapi-parser';
import type { oas31 } from 'zod-openapi';
import { apiDocument as openApiDocument, OPERATIONS } from '../api/registry';
import { leftOutOperations, postmanCollection } from './postman';

jest.setTimeout(60_000);

/** What the document must list: the registered operations, each path with its methods. */
function expected(versioned: boolean): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const o of OPERATIONS) {
    if (!!o.versions !== versioned) continue;
    const methods = (out[o.path] ??= []);
    if (!methods.includes(o.method.toLowerCase())) methods.push(o.method.toLowerCase()); // one per version may share it
  }
  return out;
}
const VERSIONED = expected(true);
const UNVERSIONED = expected(false);
/**
 * GETs whose 200 has no ETag (a probe, a scheduler's call, a live stream, a redirect, no-store admin
 * reads of state that changes under the reader): the document's paths (`/api/vN` prefixed when versioned).
 */
const UNCONDITIONAL = new Set(
  OPERATIONS.filter((o) => o.method === 'GET' && !o.conditional).flatMap((o) => (o.versions ? o.versions.map((v) => `/api/v${v}${o.path}`) : [o.path])),
);
/** The one GET without an ETag (a live event stream: nothing to revalidate). */
const STREAM = /^\/api\/v\d+\/stream$/;
const WEBHOOK = '/api/webhooks/github';
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

type Operation = oas31.OperationObject;

function operations(doc: oas31.OpenAPIObject, prefix = ''): [string, string, Operation][] {
  const out: [string, string, Operation][] = [];
  for (const [p, item] of Object.entries(doc.paths ?? {})) {
    if (!p.startsWith(prefix)) continue;
    for (const m of HTTP_METHODS) {
      const o = (item as oas31.PathItemObject)[m];
      if (o) out.push([p, m, o]);
    }
  }
  return out;
}

/** A parameter's component name, or the name of one documented inline (operation definitions). */
function paramName(x: unknown): string | undefined {
  return refName(x) ?? (x as { name?: string }).name;
}

function refName(x: unknown): string | undefined {
  const ref = (x as { $ref?: string } | undefined)?.$ref;
  return ref?.split('/').pop();
}

describe('OpenAPI document', () => {
  const doc = openApiDocument();

  it('is a valid OpenAPI 3.1 document', async () => {
    expect(doc.openapi).toMatch(/^3\.1\./);
    const result = await validate(structuredClone(doc) as never);
    if (!result.valid) throw new Error(compileErrors(result));
    expect(result.warnings).toEqual([]);
  });

  it('is memoised', () => {
    expect(openApiDocument()).toBe(doc);
  });

  it('names the API, its version and the bearer scheme', () => {
    expect(doc.info.title).toBe('Shiplog API');
    expect(doc.info.version).toBe(process.env.SHIPLOG_VERSION ?? '0.0.0-dev');
    expect(doc.components?.securitySchemes?.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it.each(['1', '2'])('documents every v%s path with its methods', (v) => {
    for (const [p, methods] of Object.entries(VERSIONED)) {
      const item = doc.paths?.[`/api/v${v}${p}`];
      const documented = item ? HTTP_METHODS.filter((m) => item[m]) : [];
      expect({ path: `/api/v${v}${p}`, methods: [...documented].sort() }).toEqual({ path: `/api/v${v}${p}`, methods: [...methods].sort() });
    }
    expect(operations(doc, `/api/v${v}/`)).toHaveLength(Object.values(VERSIONED).flat().length);
  });

  it('documents the unversioned endpoints', () => {
    for (const [p, methods] of Object.entries(UNVERSIONED)) {
      const item = doc.paths?.[p];
      const documented = item ? HTTP_METHODS.filter((m) => item[m]) : [];
      expect({ path: p, methods: [...documented].sort() }).toEqual({ path: p, methods: [...methods].sort() });
    }
    expect(operations(doc).filter(([p]) => !p.startsWith('/api/v'))).toHaveLength(Object.values(UNVERSIONED).flat().length);
  });

  it('marks every v1 operation deprecated, with its Deprecation, Sunset and Link headers, and no v2 operation', () => {
    for (const [p, m, o] of operations(doc, '/api/v1/')) {
      expect({ op: `${m} ${p}`, deprecated: o.deprecated }).toEqual({ op: `${m} ${p}`, deprecated: true });
      const success = Object.entries(o.responses ?? {}).filter(([code]) => /^[23]/.test(code) && code !== '304');
      expect(success.length).toBeGreaterThan(0);
      for (const [, r] of success) expect(Object.keys((r as oas31.ResponseObject).headers ?? {})).toEqual(expect.arrayContaining(['Deprecation', 'Sunset', 'Link']));
    }
    for (const [p, m, o] of operations(doc, '/api/v2/')) expect({ op: `${m} ${p}`, deprecated: o.deprecated }).toEqual({ op: `${m} ${p}`, deprecated: undefined });
  });

  it('documents no 428: If-Match is optional on every write (a write without it applies unconditionally)', () => {
    const with428 = operations(doc)
      .filter(([, , o]) => o.responses?.['428'])
      .map(([p, m]) => `${m} ${p}`);
    expect(with428).toEqual([]);
    expect(doc.components?.responses?.PreconditionRequired).toBeUndefined();
  });

  it('answers errors with the shared problem+json responses', () => {
    const responses = doc.components?.responses ?? {};
    for (const code of ['400', '401', '403', '404', '405', '406', '409', '412', '413', '415', '422', '429', '503']) {
      const used = new Set<string>();
      for (const [, , o] of operations(doc)) {
        const r = o.responses?.[code];
        if (r) used.add(refName(r) ?? 'inline');
      }
      expect({ code, used: [...used] }).toEqual({ code, used: [expect.any(String)] });
      const [name] = [...used] as [string];
      const shared = responses[name] as oas31.ResponseObject;
      expect(refName(shared.content?.['application/problem+json']?.schema)).toBe('Problem');
    }
    expect(doc.components?.schemas?.Problem).toBeDefined();
  });

  it('requires a bearer token for writes and admin endpoints, and documents the house headers', () => {
    for (const [p, m, o] of operations(doc)) {
      const op = `${m} ${p}`;
      if (m === 'get') {
        if (p.endsWith('/latest') || UNCONDITIONAL.has(p)) continue; // a redirect; a never-cached probe or call
        const headers = Object.keys((o.responses?.['200'] as oas31.ResponseObject).headers ?? {});
        const house = STREAM.test(p) ? ['Cache-Control', 'X-Request-Id'] : ['ETag', 'Cache-Control', 'Vary', 'X-Request-Id'];
        expect({ op, headers }).toEqual({ op, headers: expect.arrayContaining(house) });
        continue;
      }
      const scopes = (o.security ?? []).map((s) => s.bearer);
      if (p === WEBHOOK) {
        expect({ op, scopes }).toEqual({ op, scopes: [] }); // GitHub's signature, not a token
        continue;
      }
      const admin = p.includes('/tokens') || p.includes('/deliveries') || p === '/api/revalidate';
      expect({ op, scopes }).toEqual({ op, scopes: [admin ? ['admin'] : ['write']] });
      // POSTs that create (201) honour Idempotency-Key; the ones that start work (an import, a replay) do not and must not claim to.
      if (m === 'post' && p.startsWith('/api/v')) {
        const params = (o.parameters ?? []).map(refName);
        expect({ op, params }).toEqual({
          op,
          params: '201' in (o.responses ?? {}) ? expect.arrayContaining(['Idempotency-Key']) : expect.not.arrayContaining(['Idempotency-Key']),
        });
      }
      if ((m === 'put' || m === 'patch' || m === 'delete') && /\/projects\/\{owner\}\/\{repo\}(?:\/releases\/\{tag\})?$/.test(p)) {
        expect({ op, params: (o.parameters ?? []).map(paramName) }).toEqual({ op, params: expect.arrayContaining(['If-Match']) });
        expect({ op, has412: '412' in (o.responses ?? {}) }).toEqual({ op, has412: true });
      }
    }
    for (const [p, m, o] of operations(doc, '/api/v')) {
      if (m !== 'get' || UNCONDITIONAL.has(p)) continue;
      expect({ op: `${m} ${p}`, params: (o.parameters ?? []).map(refName) }).toEqual({ op: `${m} ${p}`, params: expect.arrayContaining(['If-None-Match']) });
      expect(Object.keys(o.responses ?? {})).toEqual(expect.arrayContaining(['200', '304', '429']));
    }
  });

  it('offers merge patch and JSON Patch on single resources', () => {
    for (const p of ['/projects/{owner}/{repo}', '/projects/{owner}/{repo}/releases/{tag}']) {
      for (const v of ['1', '2']) {
        const body = doc.paths?.[`/api/v${v}${p}`]?.patch?.requestBody as oas31.RequestBodyObject;
        expect(Object.keys(body.content)).toEqual(['application/merge-patch+json', 'application/json-patch+json']);
      }
    }
  });

  it('offers the vendor media types on negotiated reads', () => {
    const content = (doc.paths?.['/api/v2/projects/{owner}/{repo}/releases/{tag}']?.get?.responses?.['200'] as oas31.ResponseObject).content ?? {};
    expect(Object.keys(content)).toEqual([
      'application/json',
      'application/vnd.shiplog.release+json',
      'application/vnd.shiplog.release.brief+json',
      'application/vnd.shiplog.release.extended+json',
      'application/vnd.shiplog.release.sparse+json',
    ]);
    expect(Object.values(content).map((c) => refName(c.schema))).toEqual(['ReleaseV2', 'ReleaseV2', 'ReleaseBrief', 'ReleaseExtendedV2', 'ReleaseSparseV2']);
  });

  it('protects the delivery log with admin and reading imports with a read token', () => {
    for (const v of ['1', '2']) {
      for (const p of ['/deliveries', '/deliveries/{id}']) expect(doc.paths?.[`/api/v${v}${p}`]?.get?.security).toEqual([{ bearer: ['admin'] }]);
      for (const p of ['/projects/{owner}/{repo}/imports', '/projects/{owner}/{repo}/imports/{id}'])
        expect(doc.paths?.[`/api/v${v}${p}`]?.get?.security).toEqual([{ bearer: ['read'] }]);
    }
  });

  it('documents the GitHub webhook: its headers, both body encodings and every answer', () => {
    const o = doc.paths?.[WEBHOOK]?.post as Operation;
    const params = (o.parameters ?? []).map((p) => doc.components?.parameters?.[refName(p)!] as oas31.ParameterObject);
    expect(params.map((p) => [p.in, p.name, p.required])).toEqual([
      ['header', 'X-GitHub-Event', true],
      ['header', 'X-GitHub-Delivery', true],
      ['header', 'X-Hub-Signature-256', true],
    ]);
    expect(Object.keys((o.requestBody as oas31.RequestBodyObject).content)).toEqual(['application/json', 'application/x-www-form-urlencoded']);
    expect(Object.keys(o.responses ?? {}).sort()).toEqual(['200', '202', '400', '401', '404', '405', '409', '413', '415', '422', '503']);
    const ok = (o.responses?.['200'] as oas31.ResponseObject).content?.['application/json']?.schema as oas31.SchemaObject;
    expect((ok.anyOf ?? []).map(refName)).toEqual(['WebhookProcessed', 'WebhookPong', 'WebhookDuplicate']);
  });

  it('answers an import with 202 and Location', () => {
    const r = doc.paths?.['/api/v2/projects/{owner}/{repo}/imports']?.post?.responses?.['202'] as oas31.ResponseObject;
    expect(Object.keys(r.headers ?? {})).toEqual(expect.arrayContaining(['Location']));
    expect(refName(r.content?.['application/json']?.schema)).toBe('ImportStarted');
  });

  it('offers the media types of exports, the event stream and feeds', () => {
    const types = (p: string) => Object.keys((doc.paths?.[p]?.get?.responses?.['200'] as oas31.ResponseObject).content ?? {});
    expect(types('/api/v2/projects/{owner}/{repo}/changelog')).toEqual(['text/markdown', 'application/x-ndjson']);
    expect(types('/api/v2/stream')).toEqual(['text/event-stream']);
    for (const p of ['/api/feed', '/api/feed/{owner}', '/api/feed/{owner}/{repo}']) {
      expect(types(p)).toEqual(['application/atom+xml', 'application/rss+xml', 'application/feed+json']);
    }
    expect(doc.components?.schemas?.StreamEvent).toBeDefined();
  });
});

describe('Postman collection', () => {
  it('docs/postman.json is up to date', async () => {
    const fresh: unknown = JSON.parse(JSON.stringify(await postmanCollection()));
    let committed: unknown;
    try {
      committed = JSON.parse(await readFile(path.join(__dirname, '..', '..', 'docs', 'postman.json'), 'utf8'));
    } catch {
      committed = undefined;
    }
    if (!isDeepStrictEqual(committed, fresh)) throw new Error('docs/postman.json is out of date: run `npm run postman`');
  });

  it('is the same on every run, with no random ids', async () => {
    const a = JSON.stringify(await postmanCollection());
    const b = JSON.stringify(await postmanCollection());
    expect(a).toBe(b);
    expect(a).not.toMatch(/"(?:id|_postman_id)":"[0-9a-f]{8}-[0-9a-f]{4}-4/);
    const collection = JSON.parse(a) as { variable: { key: string; value: string }[] };
    expect(collection.variable).toEqual(expect.arrayContaining([expect.objectContaining({ key: 'baseUrl', value: 'http://localhost:3000' })]));
  });

  it('runs every operation but the deprecated v1 writes: a new write needs a step in postman-scenario.ts', () => {
    const left = leftOutOperations();
    expect(left.length).toBeGreaterThan(0);
    for (const op of left) expect(op).toMatch(/^(POST|PUT|PATCH|DELETE) \/api\/v1\//);
  });

  it('checks status and content type on every request, never hard-codes ids or demo data, signs webhooks', async () => {
    type Item = {
      name: string;
      item?: Item[];
      request?: {
        method: string;
        url: { path: string[]; variable?: { key: string; value: string }[] };
        header?: { key: string; value: string; disabled?: boolean }[];
        body?: { raw: string };
      };
      event?: { listen: string; script: { exec: string[] } }[];
    };
    const collection = (await postmanCollection()) as { item: Item[]; event: { listen: string; script: { exec: string[] } }[] };
    const requests: Item[] = [];
    const walk = (items: Item[]) => items.forEach((i) => (i.item ? walk(i.item) : requests.push(i)));
    walk(collection.item);
    expect(requests.length).toBeGreaterThan(45);
    for (const r of requests) {
      const tests = r.event?.find((e) => e.listen === 'test')?.script.exec.join('\n') ?? '';
      expect([r.name, /pm\.response\.code|to\.have\.status/.test(tests)]).toEqual([r.name, true]);
      expect([r.name, /Content-Type/.test(tests)]).toEqual([r.name, true]);
      for (const v of r.request?.url.variable ?? []) expect([r.name, v.key, v.value]).toEqual([r.name, v.key, expect.stringMatching(/^\{\{\w+\}\}$/)]);
      const url = r.request?.url as { path: string[]; query?: { key: string; value: string }[]; variable?: { value: string }[] } | undefined;
      const sent = {
        path: url?.path,
        query: url?.query?.map((q) => [q.key, q.value]),
        variables: url?.variable?.map((v) => v.value),
        header: r.request?.header?.filter((h) => !h.disabled),
        body: r.request?.body,
      };
      expect([r.name, JSON.stringify(sent)]).not.toEqual([r.name, expect.stringMatching(/acme|"repo": ?"rocket"|"draft": ?true/)]);
    }
    const hook = requests.find((r) => r.request?.url.path.join('/') === 'api/webhooks/github');
    expect(hook?.request?.body?.raw).toContain('{{owner}}/{{repo}}');
    expect(collection.event[0]?.script.exec.join('\n')).toMatch(/HmacSHA256[\s\S]*webhookSecret[\s\S]*X-Hub-Signature-256/);
  });
});
