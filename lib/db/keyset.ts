import { and, asc, desc, sql, type Placeholder, type SQL } from 'drizzle-orm';
import { InvalidParameterError } from '../domain/errors';

/** One sort key of a listing and its direction (`sort_by=publishedAt.desc`). */
export interface SortTerm<K extends string = string> {
  key: K;
  dir: 'asc' | 'desc';
}

/** Where a keyset page starts: the sort keys' values (and the id) of the row it starts after or before. */
export interface Cursor {
  /** Values of the sort keys (and the id) of the row the page starts after/before. */
  after?: unknown[];
  before?: unknown[];
  /** The sort the cursor was made for: a cursor only works with the same sort. */
  sort: string;
}

/** A sort as cursors record it: `publishedAt.desc,tag.asc`. */
export function sortString(sort: SortTerm[]): string {
  return sort.map((s) => `${s.key}.${s.dir}`).join(',');
}

/** One ORDER BY term of a keyset-paginated query: a total (never NULL) expression and its direction. */
export interface KeysetTerm {
  expr: SQL;
  type: 'timestamptz' | 'text' | 'int' | 'float';
  dir: 'asc' | 'desc';
}

/**
 * How a value enters a query: as a parameter of this query (`inline`, the default), or as a named
 * placeholder, so that a query built once can be prepared and run again with other values.
 */
export type Bind = <T>(name: string, value: T) => T | Placeholder;
export const inline: Bind = (_name, value) => value;

function literal(value: unknown, type: KeysetTerm['type'], bind: Bind, name: string): SQL {
  if (type === 'timestamptz') return sql`${bind(name, String(value))}::timestamptz`;
  if (type === 'int') return sql`${bind(name, Number(value))}::int`;
  if (type === 'float') return sql`${bind(name, String(value))}::float8`;
  return sql`(${bind(name, String(value))} collate "C")`;
}

/**
 * Rows strictly after (or, with `before`, before) the anchor row in the terms' order, each term in its
 * own direction: (t1 > v1) or (t1 = v1 and t2 > v2) or … The anchor holds the terms' values as text.
 */
export function keysetCondition(terms: KeysetTerm[], anchor: unknown[], before: boolean, bind: Bind = inline): SQL {
  const valid = (v: unknown, type: KeysetTerm['type']) =>
    type === 'int'
      ? (typeof v === 'number' || typeof v === 'string') && /^-?\d{1,15}$/.test(String(v))
      : type === 'float'
        ? typeof v === 'string' && /^-?\d{1,20}(?:\.\d{1,20})?(?:e[+-]?\d{1,3})?$/i.test(v)
        : type === 'timestamptz'
          ? typeof v === 'string' && (v === '-infinity' || !Number.isNaN(Date.parse(v.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00'))))
          : typeof v === 'string';
  if (anchor.length !== terms.length || terms.some((t, i) => !valid(anchor[i], t.type))) {
    throw new InvalidParameterError('cursor is not a cursor this API issued for this query; use the links from a previous page.', {
      issues: [{ in: 'query', path: 'cursor', reason: 'is not valid for this sort' }],
    });
  }
  // All in one direction (the usual case): a row comparison, which an index range scan can serve.
  if (terms.every((t) => t.dir === terms[0]!.dir)) {
    const forward = (terms[0]!.dir === 'asc') !== before;
    const left = sql.join(
      terms.map((t) => t.expr),
      sql`, `,
    );
    const right = sql.join(
      terms.map((t, i) => literal(anchor[i], t.type, bind, `k${i}`)),
      sql`, `,
    );
    return forward ? sql`((${left}) > (${right}))` : sql`((${left}) < (${right}))`;
  }
  const ors = terms.map((t, i) => {
    const eqs = terms.slice(0, i).map((u, j) => sql`${u.expr} = ${literal(anchor[j], u.type, bind, `k${j}`)}`);
    const forward = (t.dir === 'asc') !== before;
    return and(...eqs, forward ? sql`${t.expr} > ${literal(anchor[i], t.type, bind, `k${i}`)}` : sql`${t.expr} < ${literal(anchor[i], t.type, bind, `k${i}`)}`)!;
  });
  return sql`(${sql.join(ors, sql` or `)})`;
}

export function keysetOrder(terms: KeysetTerm[], before: boolean): SQL[] {
  return terms.map((t) => ((t.dir === 'asc') !== before ? asc(t.expr) : desc(t.expr)));
}

/** The terms' values as text columns `sk0…skN` (full precision, so cursors never skip a row). */
export function keysetColumns(terms: KeysetTerm[]): Record<string, SQL<string>> {
  return Object.fromEntries(terms.map((t, i) => [`sk${i}`, sql<string>`(${t.expr})::text`]));
}

export function keysetValues(row: Record<string, unknown>, terms: KeysetTerm[]): unknown[] {
  return terms.map((_, i) => row[`sk${i}`]);
}

export interface PageWindow {
  offset: number;
  limit: number;
  cursor?: { after?: unknown[]; before?: unknown[] };
}

/**
 * How to query one page: the extra condition (cursor), the order, limit+1 (to see if there is more), offset.
 * The cursor's values go through `bind` (named `k0`, `k1`, …).
 */
export function keysetPlan(terms: KeysetTerm[], w: PageWindow, bind: Bind = inline): { condition?: SQL; order: SQL[]; limit: number; offset?: number } {
  const before = !!w.cursor?.before;
  const anchor = w.cursor?.after ?? w.cursor?.before;
  return {
    condition: anchor ? keysetCondition(terms, anchor, before, bind) : undefined,
    order: keysetOrder(terms, before),
    limit: w.limit + 1,
    offset: !w.cursor && w.offset ? w.offset : undefined,
  };
}

export interface KeysetResult<R> {
  rows: R[];
  hasNext: boolean;
  nextCursor?: { after: unknown[]; sort: string };
  prevCursor?: { before: unknown[]; sort: string };
}

/** The page from the rows a plan returned, in display order, with cursors to either side. */
export function keysetResult<R extends Record<string, unknown>>(rows: R[], terms: KeysetTerm[], w: PageWindow, sort: string): KeysetResult<R> {
  const before = !!w.cursor?.before;
  const more = rows.length > w.limit;
  const page = rows.slice(0, w.limit);
  if (before) page.reverse();
  const hasNext = before ? true : more;
  const hasPrev = before ? more : !!w.cursor || w.offset > 0;
  const first = page[0];
  const last = page[page.length - 1];
  return {
    rows: page,
    hasNext,
    nextCursor: hasNext && last ? { after: keysetValues(last, terms), sort } : undefined,
    prevCursor: hasPrev && first ? { before: keysetValues(first, terms), sort } : undefined,
  };
}
