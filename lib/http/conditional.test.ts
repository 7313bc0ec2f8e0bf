import type { IncomingMessage } from 'node:http';
import { invoke } from '../test/http';
import {
  appendVary,
  checkIfMatch,
  collectionEtag,
  contentHash,
  ifMatchRefs,
  isNotModified,
  resourceEtag,
  sendPrepared,
  sendRepresentation,
  PRIVATE_CACHE,
  PUBLIC_CACHE,
} from './conditional';
import { ApiError } from './errors';
import { methodRouter } from './method-router';

const withHeaders = (headers: Record<string, string>) => ({ headers, url: '/x' }) as unknown as IncomingMessage;
const REL = { kind: 'rel' as const, id: 7, version: 3 };
const ETAG = resourceEtag(REL, '{"a":1}');

function thrown(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('did not throw');
}

describe('ETags', () => {
  it('are strong, content-derived and name the resource and its row version', () => {
    expect(contentHash('{"a":1}')).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(contentHash('{"a":1}')).toBe(contentHash('{"a":1}'));
    expect(contentHash('{"a":1}')).not.toBe(contentHash('{"a":2}'));
    expect(ETAG).toBe(`"rel7.v3-${contentHash('{"a":1}')}"`);
    expect(collectionEtag('[]')).toBe(`"c-${contentHash('[]')}"`);
  });
});

describe('isNotModified() (If-None-Match, weak comparison)', () => {
  it.each<[string | undefined, boolean]>([
    [undefined, false],
    [ETAG, true],
    [`W/${ETAG}`, true],
    [`"other", ${ETAG}`, true],
    ['*', true],
    ['"other"', false],
    [ETAG.replace('.v3', '.v4'), false],
  ])('If-None-Match %s → %s', (header, expected) => {
    expect(isNotModified(withHeaders(header === undefined ? {} : { 'if-none-match': header }), ETAG)).toBe(expected);
  });
});

describe('ifMatchRefs() and checkIfMatch() (If-Match, strong)', () => {
  it.each<[string | undefined, unknown]>([
    [undefined, undefined],
    ['*', 'any'],
    [ETAG, [REL]],
    [`"junk", ${resourceEtag({ kind: 'prj', id: 2, version: 12 }, 'x')}`, [{ kind: 'prj', id: 2, version: 12 }]],
    [`${ETAG}, *`, 'any'],
    [`W/${ETAG}`, []],
    [collectionEtag('[]'), []],
  ])('If-Match %s → %j', (header, expected) => {
    expect(ifMatchRefs(withHeaders(header === undefined ? {} : { 'if-match': header }))).toEqual(expected);
  });

  it('passes the current ETag anywhere in the list, *, or no If-Match at all', () => {
    expect(() => checkIfMatch(withHeaders({ 'if-match': ETAG }), REL)).not.toThrow();
    expect(() => checkIfMatch(withHeaders({ 'if-match': `"rel7.v999-x", ${ETAG}` }), REL)).not.toThrow();
    expect(() => checkIfMatch(withHeaders({ 'if-match': '*' }), { ...REL, version: 9 })).not.toThrow();
    expect(() => checkIfMatch(withHeaders({}), { ...REL, version: 9 })).not.toThrow();
  });

  it.each([
    ['another version', ETAG, { ...REL, version: 4 }],
    ['another resource at the same version', ETAG, { ...REL, id: 8 }],
    ['another kind of resource', ETAG, { ...REL, kind: 'prj' as const }],
    ['a weak validator', `W/${ETAG}`, REL],
    ['a made-up tag', '"v3-fabricated"', REL],
    ['an empty tag', '""', REL],
  ])('412 for %s', (_name, header, current) => {
    const err = thrown(() => checkIfMatch(withHeaders({ 'if-match': header }), current));
    expect(err.status).toBe(412);
    expect(err.errors).toEqual([{ header: 'If-Match', detail: 'does not match the current ETag' }]);
  });
});

describe('sendRepresentation()', () => {
  const body = { hello: 'world' };
  const json = JSON.stringify(body);
  const handler = (status = 200) =>
    methodRouter({
      GET: (req, res) => {
        res.setHeader('Link', '</api/v2/x>; rel="successor-version"');
        sendRepresentation(req, res, {
          status,
          body,
          contentType: 'application/vnd.test+json',
          etag: (j) => resourceEtag({ kind: 'rel', id: 1, version: 5 }, j),
          cacheControl: PUBLIC_CACHE,
          headers: { Link: '</x?offset=20>; rel="next"', 'X-Total-Count': '1' },
        });
      },
    });

  it('answers 200 with the body, ETag, Cache-Control, Vary: Accept and merged Link', async () => {
    const r = await invoke(handler());
    expect(r.status).toBe(200);
    expect(r.json()).toEqual(body);
    expect(r.headers).toMatchObject({
      etag: resourceEtag({ kind: 'rel', id: 1, version: 5 }, json),
      'cache-control': PUBLIC_CACHE,
      vary: 'Accept',
      'content-type': 'application/vnd.test+json; charset=utf-8',
      'content-length': Buffer.byteLength(json),
      'x-total-count': '1',
      link: '</api/v2/x>; rel="successor-version", </x?offset=20>; rel="next"',
    });
  });

  it('answers a matching If-None-Match with 304, the ETag and no body', async () => {
    const r = await invoke(handler(), { headers: { 'if-none-match': resourceEtag({ kind: 'rel', id: 1, version: 5 }, json) } });
    expect([r.status, r.text, r.headers.etag, r.headers['content-type']]).toEqual([304, '', resourceEtag({ kind: 'rel', id: 1, version: 5 }, json), undefined]);
  });

  it('never turns a non-200 (e.g. 201) into a 304', async () => {
    const r = await invoke(handler(201), { headers: { 'if-none-match': '*' } });
    expect([r.status, r.text]).toEqual([201, json]);
  });

  it('answers HEAD with the headers only', async () => {
    const r = await invoke(handler(), { method: 'HEAD' });
    expect([r.status, r.text, r.headers['content-length']]).toEqual([200, '', Buffer.byteLength(json)]);
  });

  it('defaults to a collection ETag', async () => {
    const r = await invoke(methodRouter({ GET: (req, res) => sendRepresentation(req, res, { body: [1], contentType: 'application/json', cacheControl: PRIVATE_CACHE }) }));
    expect([r.headers.etag, r.headers['cache-control']]).toEqual([collectionEtag('[1]'), 'no-store']);
  });

  it('sendPrepared() keeps an existing Vary and does not repeat Accept', async () => {
    const r = await invoke(
      methodRouter({
        GET: (req, res) => {
          res.setHeader('Vary', 'Origin, accept');
          appendVary(res, 'Authorization');
          sendPrepared(req, res, { status: 200, json: '{}', etag: '"c-x"', contentType: 'application/json', cacheControl: PUBLIC_CACHE, headers: {} });
        },
      }),
    );
    expect(r.headers.vary).toBe('Origin, accept, Authorization');
  });
});
