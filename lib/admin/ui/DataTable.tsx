import type { ReactNode } from 'react';

/** A column heading: its text, or the text and `num` for a right-aligned column of numbers. */
export type Column = string | { label: string; num?: boolean };

/**
 * One of the console's tables: labelled for screen readers, headed by `columns` (plus a last,
 * visually hidden "Actions" column with `actions`), one row per item, drawn by the caller (a `<tr>`
 * with its key and data-* attributes). With no items, the note `empty` stands in its place.
 */
export function DataTable<T>({
  label,
  columns,
  actions = false,
  rows,
  row,
  empty,
}: {
  label: string;
  columns: Column[];
  actions?: boolean;
  rows: readonly T[];
  row: (item: T) => ReactNode;
  empty: ReactNode;
}) {
  if (rows.length === 0) return <p className="empty-note">{empty}</p>;
  return (
    <div className="table-wrap">
      <table className="data" aria-label={label}>
        <thead>
          <tr>
            {columns.map((c) => {
              const { label: text, num } = typeof c === 'string' ? { label: c, num: false } : c;
              return (
                <th key={text} scope="col" className={num ? 'num' : undefined}>
                  {text}
                </th>
              );
            })}
            {actions ? (
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            ) : null}
          </tr>
        </thead>
        <tbody>{rows.map(row)}</tbody>
      </table>
    </div>
  );
}
