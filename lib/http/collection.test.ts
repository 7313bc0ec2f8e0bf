import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import {
  boolParam,
  dateParam,
  DEFAULT_LIMIT,
  isCalendarDate,
  encodeCursor,
  linkHeader,
  MAX_LIMIT,
  parseCollectionQuery,
  pickFields,
  sortString,
  type CollectionSpec,
} from './collection';
import { ApiError } from './errors';

type Key = 'name' | 'createdAt' | 'stars';
const spec = (cursor: boolean): CollectionSpec<Key> => ({
  filters: z.object({ status: z.enum(['open', 'closed']).optional(), archived: boolParam.optional(), since: dateParam.optional() }),
  sortKeys: ['name', 'createdAt', 'stars'],
  defaultSort: [{ key: 'createdAt', dir: 'desc' }],
  fields: ['id', 'name', 'createdAt'],
  cursor,
});

const req = (query: string) => ({ url: `/api/things${query ? `?${query}` : ''}`, headers: {} }) as IncomingMessage;
const parse = (query: string, cursor = true) => parseCollectionQuery<Key, Record<string, unknown>>(req(query), spec(cursor));

function problems(query: string, cursor = true): { parameter?: string; detail: string }[] {
  try {
    parse(query, cursor);
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(400);
    return (err as ApiError).errors ?? [];
  }
  throw new Error(`?${query} was accepted`);
}

describe('parseCollectionQuery()', () => {
  it('defaults: the spec sort, offset 0, limit 20, no fields or cursor', () => {
    const q = parse('');
    expect(q).toEqual({
      filters: {},
      sort: [{ key: 'createdAt', dir: 'desc' }],
      offset: 0,
      limit: DEFAULT_LIMIT,
      cursor: undefined,
      fields: undefined,
      base: new URLSearchParams(),
    });
    expect([DEFAULT_LIMIT, MAX_LIMIT]).toEqual([20, 100]);
  });

  it('parses typed filters, a multi-key sort, paging and fields', () => {
    const q = parse('status=open&archived=false&since=2026-01-31&sort_by=stars.desc,name&offset=40&limit=100&fields=name,id');
    expect(q.filters).toEqual({ status: 'open', archived: false, since: new Date('2026-01-31T00:00:00Z') });
    expect(q.sort).toEqual([
      { key: 'stars', dir: 'desc' },
      { key: 'name', dir: 'asc' },
    ]);
    expect([q.offset, q.limit, q.fields]).toEqual([40, 100, ['name', 'id']]);
    expect(q.base.toString()).toBe('status=open&archived=false&since=2026-01-31&sort_by=stars.desc%2Cname&limit=100&fields=name%2Cid');
  });

  it.each<[string, string, RegExp]>([
    ['colour=red', 'colour', /not a known parameter \(known: status, archived, since, sort_by/],
    ['status=maybe', 'status', /./],
    ['archived=yes', 'archived', /must be true or false/],
    ['since=31/01/2026', 'since', /ISO 8601/],
    ['since=2026-02-30T25:00:00Z', 'since', /ISO 8601/],
    ['status=open&status=closed', 'status', /must be given once/],
    ['sort_by=colour', 'sort_by', /"colour" is not a sort key; use one of name, createdAt, stars/],
    ['sort_by=name.up', 'sort_by', /"name.up" is not a sort key/],
    ['sort_by=name,name.desc', 'sort_by', /"name" is named twice/],
    ['limit=0', 'limit', /from 1 to 100/],
    ['limit=101', 'limit', /from 1 to 100/],
    ['limit=1.5', 'limit', /whole number/],
    ['offset=-1', 'offset', /whole number from 0/],
    ['offset=abc', 'offset', /whole number/],
    ['fields=name,secret', 'fields', /unknown field\(s\) secret; known: id, name, createdAt/],
    ['fields=,', 'fields', /names no field/],
    ['cursor=not-a-cursor', 'cursor', /is not valid/],
  ])('?%s → 400 for %s', (query, parameter, detail) => {
    expect(problems(query)).toEqual([{ parameter, detail: expect.stringMatching(detail) }]);
  });

  it('reports every problem at once', () => {
    expect(problems('colour=red&limit=0&sort_by=x').map((p) => p.parameter)).toEqual(['colour', 'sort_by', 'limit']);
  });

  it('takes a cursor made for the same sort, and carries it through', () => {
    const cursor = { after: ['2026-01-01T00:00:00Z', 7], sort: 'createdAt.desc' };
    const q = parse(`cursor=${encodeCursor(cursor)}&limit=5`);
    expect(q.cursor).toEqual(cursor);
    expect(q.base.toString()).toBe('limit=5');
    const sorted = { before: ['b', 3], sort: 'name.asc,stars.desc' };
    expect(parse(`sort_by=name,stars.desc&cursor=${encodeCursor(sorted)}`).cursor).toEqual(sorted);
  });

  it.each<[string, string]>([
    [`sort_by=name&cursor=${encodeCursor({ after: [1], sort: 'createdAt.desc' })}`, 'cursor'],
    [`offset=10&cursor=${encodeCursor({ after: [1], sort: 'createdAt.desc' })}`, 'offset'],
    [`cursor=${encodeCursor({ sort: 'createdAt.desc' } as never)}`, 'cursor'],
    [`cursor=${Buffer.from('null').toString('base64url')}`, 'cursor'],
  ])('rejects a cursor that does not fit: ?%s → %s', (query, parameter) => {
    expect(problems(query).map((p) => p.parameter)).toEqual([parameter]);
  });

  it('treats cursor as unknown where the collection has no cursors (v1)', () => {
    expect(problems(`cursor=${encodeCursor({ after: [1], sort: 'createdAt.desc' })}`, false)).toEqual([
      { parameter: 'cursor', detail: expect.stringMatching(/^is not a known parameter/) },
    ]);
    expect(problems('colour=1', false)[0]!.detail).not.toContain('cursor');
  });
});

describe('date filters', () => {
  it('take only days and times that exist: no rolling 2026-02-30 over into March', () => {
    for (const ok of ['2026-02-28', '2024-02-29', '2000-02-29', '2026-12-31T23:59:59Z', '2026-01-31T12:00:00.123+02:00', '2026-01-31T12:00Z'])
      expect([ok, isCalendarDate(ok)]).toEqual([ok, true]);
    for (const bad of [
      '2026-02-30',
      '2026-02-29',
      '1900-02-29',
      '2026-04-31',
      '2026-13-01',
      '2026-00-10',
      '2026-01-00',
      '2026-01-31T24:00:00Z',
      '2026-01-31T12:60:00Z',
      '2026-1-31',
      'yesterday',
    ])
      expect([bad, isCalendarDate(bad)]).toEqual([bad, false]);
    const r = dateParam.safeParse('2026-02-30');
    expect(r.success).toBe(false);
  });
});

describe('helpers', () => {
  it('sortString() is the canonical sort_by', () => {
    expect(
      sortString([
        { key: 'name', dir: 'asc' },
        { key: 'stars', dir: 'desc' },
      ]),
    ).toBe('name.asc,stars.desc');
  });

  it('pickFields() keeps the named members in the order asked, skipping absent ones', () => {
    const item = { id: 1, name: 'n', createdAt: 'c', extra: true };
    expect(pickFields(item, undefined)).toBe(item);
    expect(Object.entries(pickFields(item, ['createdAt', 'missing', 'id']))).toEqual([
      ['createdAt', 'c'],
      ['id', 1],
    ]);
  });

  it('linkHeader() joins the links that exist, in order', () => {
    expect(linkHeader({ first: '/a?offset=0', prev: undefined, next: '/a?offset=20' })).toBe('</a?offset=0>; rel="first", </a?offset=20>; rel="next"');
    expect(linkHeader({ next: undefined })).toBe('');
  });

  it.each([
    ['true', true],
    ['false', false],
  ])('boolParam %s → %s', (input, output) => {
    expect(boolParam.parse(input)).toBe(output);
  });

  it.each([
    ['2026-01-31', '2026-01-31T00:00:00.000Z'],
    ['2026-01-31T12:30:00Z', '2026-01-31T12:30:00.000Z'],
    ['2026-01-31T12:30:00.250+02:00', '2026-01-31T10:30:00.250Z'],
    ['2026-01-31 12:30:00-0130', '2026-01-31T14:00:00.000Z'],
  ])('dateParam %s → %s', (input, iso) => {
    expect(dateParam.parse(input).toISOString()).toBe(iso);
  });

  it.each(['TRUE', '1', ''])('boolParam rejects %j', (input) => {
    expect(boolParam.safeParse(input).success).toBe(false);
  });

  it.each(['yesterday', '2026-1-5', '20260131', '2026-13-01'])('dateParam rejects %j', (input) => {
    expect(dateParam.safeParse(input).success).toBe(false);
  });
});

describe('a huge sort_by (14 KB) is not echoed back', () => {
  it('names the first few bad terms, each cut short, and says there are more', () => {
    const bad = problems(`sort_by=${encodeURIComponent(Array.from({ length: 2_000 }, (_, i) => `bogus${i}`).join(','))}`);
    expect(bad.length).toBeLessThanOrEqual(4);
    expect(JSON.stringify(bad).length).toBeLessThan(1_000);
    expect(bad.at(-1)).toEqual({ parameter: 'sort_by', detail: 'names more terms that are not sort keys' });
    const long = problems(`sort_by=${'x'.repeat(14_000)}`);
    expect(JSON.stringify(long).length).toBeLessThan(300);
    const twice = problems(`sort_by=${Array.from({ length: 3_000 }, () => 'name').join(',')}`);
    expect(twice).toEqual([{ parameter: 'sort_by', detail: '"name" is named twice' }]);
  });
});
