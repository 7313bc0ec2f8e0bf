/** What a suite hands back to bench/run.ts, which renders it into bench/RESULTS.md. */
export interface Target {
  /** e.g. "hot list ≥ 80 % of the bare route (PGlite)". */
  name: string;
  met: boolean;
  /** The measured figure, as shown. */
  measured: string;
}

export interface Table {
  caption?: string;
  head: string[];
  rows: (string | number)[][];
}

export interface Section {
  id: string;
  title: string;
  /** What was measured and how, in a sentence or two. */
  method: string;
  tables: Table[];
  notes: string[];
  targets: Target[];
}

export interface SuiteContext {
  quick: boolean;
  engines: ('pglite' | 'postgres')[];
  log(message: string): void;
}

export function renderTable(t: Table): string {
  const head = `| ${t.head.join(' | ')} |`;
  const rule = `| ${t.head.map((h, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`;
  const rows = t.rows.map((r) => `| ${r.map(String).join(' | ')} |`);
  return [...(t.caption ? [`*${t.caption}*`, ''] : []), head, rule, ...rows].join('\n');
}
