// An export of 100,000 releases streams with flat server memory: the server's RSS is sampled while
// the whole changelog is read, and must not grow with the size of the export.
import fs from 'node:fs';
import { sql } from 'drizzle-orm';
import type { Db } from '../../lib/db';
import { startServer } from '../harness/server';
import { newStorage, withDatabase } from '../harness/storage';

const COUNT = 100_000;

function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}

/** Writes the releases straight into the database before the server starts (the CLI's way in). */
async function seed(db: Db): Promise<void> {
  await db.execute(sql`insert into projects (owner, repo, name) values ('bulk', 'export', 'Bulk export')`);
  await db.execute(sql`
    insert into releases (project_id, tag, name, body, body_html, published_at, source)
    select p.id, 'v' || g, 'Release ' || g,
           '## Changes in ' || g || E'\n\n- Fixed a bug in the widget frobnicator (#' || g || E')\n- Improved startup time by ' || (g % 97) || E'%\n- Updated dependencies\n',
           '<h2>Changes in ' || g || '</h2><ul><li>Fixed a bug</li></ul>',
           timestamptz '2020-01-01' + make_interval(mins => g::int), 'manual'
    from projects p, generate_series(1, ${COUNT}) g where p.repo = 'export'`);
}

it(`streams ${COUNT.toLocaleString('en')} releases as NDJSON and Markdown with flat server memory`, async () => {
  const storage = await newStorage(process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite', 'bulk');
  await withDatabase(storage, seed);
  const server = await startServer({ ...storage, env: { SHIPLOG_SEED_DEMO: '0' } });
  const growth: number[] = [];
  try {
    const pid = server.process.pid!;
    // Warm up the route so its code is loaded before the baseline.
    await (await fetch(`${server.url}/api/v1/projects/bulk/export/releases?limit=100`)).text();
    const baseline = rssMb(pid);
    let highWater = baseline;
    for (const format of ['ndjson', 'markdown'] as const) {
      let peak = baseline;
      const sampler = setInterval(() => (peak = Math.max(peak, rssMb(pid))), 50);
      const res = await fetch(`${server.url}/api/v1/projects/bulk/export/changelog?format=${format}`);
      let bytes = 0;
      let lines = 0;
      // Peak RSS by the time each quarter of the export has been read.
      const quarters: number[] = [];
      const expected = format === 'ndjson' ? 50e6 : 16e6;
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        bytes += chunk.length;
        for (const b of chunk) if (b === 10) lines++;
        while (quarters.length < 4 && bytes >= ((quarters.length + 1) * expected) / 4) quarters.push(Math.max(peak, rssMb(pid)));
      }
      clearInterval(sampler);
      console.log(
        `${format}: ${(bytes / 1e6).toFixed(1)} MB; server RSS ${baseline.toFixed(0)} → peak ${peak.toFixed(0)} MB; by quarter ${quarters.map((q) => q.toFixed(0)).join(', ')} MB`,
      );
      if (format === 'ndjson') expect(lines).toBe(COUNT);
      else expect(bytes).toBeGreaterThan(COUNT * 80);
      // Flat: memory reaches a plateau early (V8 sizes its heap for the churn) and then stops growing;
      // the last three quarters add (almost) nothing above the highest level already reached, where
      // buffering would keep adding with every MB sent. GC dips are not growth: compare with the
      // high-water mark. (Absolute figures and targets: bench/RESULTS.md.)
      expect(quarters).toHaveLength(4);
      const level = Math.max(highWater, quarters[0]!);
      expect(Math.max(...quarters.slice(1)) - level).toBeLessThan(48);
      highWater = Math.max(highWater, peak);
      growth.push(peak - baseline);
    }
    // Whatever the format, the peak stays far below the size of what was sent (~67 MB in all).
    expect(Math.max(...growth)).toBeLessThan(200);
  } finally {
    await server.stop();
    await storage.dispose();
  }
}, 240_000);
