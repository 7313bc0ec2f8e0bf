import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import type { Section, SuiteContext, Target } from '../lib/report';
import { rss, watchRss } from '../lib/rss';
import { engineName, onFreshServer, seedReleases, startRawServer, TMP, type RawServer } from '../lib/servers';
import { mb, ms, num, pct } from '../lib/stats';

/**
 * Export: the whole changelog of one project (100,000 releases) streamed as NDJSON and as Markdown.
 * MB/s as the client reads it, and the server's peak RSS growth over its idle baseline (sampled every
 * 20 ms plus the kernel's high-water mark). Baseline: a raw node:http server streaming as many bytes.
 */
const GROWTH_TARGET = 64 * 1024 * 1024;

interface Read {
  bytes: number;
  lines: number;
  seconds: number;
  status: number;
}

/** Reads a response to the end with a plain http.get, counting bytes and newlines. */
function readAll(url: string): Promise<Read> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    http
      .get(url, { agent: false }, (res) => {
        let bytes = 0;
        let lines = 0;
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) lines++;
        });
        res.on('end', () => resolve({ bytes, lines, seconds: (performance.now() - t0) / 1000, status: res.statusCode ?? 0 }));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

export async function exportSuite(ctx: SuiteContext): Promise<Section> {
  const count = ctx.quick ? 25_000 : 100_000;
  const rows: (string | number)[][] = [];
  const targets: Target[] = [];
  const notes: string[] = [];
  let largest = 0;
  const rates: number[] = [];
  for (const engine of ctx.engines) {
    const name = engineName(engine);
    ctx.log(`  ${name}: seeding ${num(count)} releases`);
    await onFreshServer(engine, 'export', { demo: false, seed: (db) => seedReleases(db, 'bulk', 'export', count) }, async (server) => {
      const pid = server.process.pid!;
      // Load the export route's code (a 404 for a project that does not exist), then let the server
      // settle: both exports are measured against this idle baseline, not against each other.
      await readAll(`${server.url}/api/v1/projects/bulk/export/releases?limit=100`);
      await readAll(`${server.url}/api/v1/projects/bulk/none/changelog?format=ndjson`);
      await new Promise((r) => setTimeout(r, 1_000));
      const baseline = rss(pid);
      for (const format of ['ndjson', 'markdown'] as const) {
        const watch = watchRss(pid);
        const read = await readAll(`${server.url}/api/v1/projects/bulk/export/changelog?format=${format}`);
        const { peak } = watch.stop();
        if (read.status !== 200) throw new Error(`export ${format} → ${read.status}`);
        if (format === 'ndjson' && read.lines !== count) notes.push(`${name}: the NDJSON export had ${read.lines} lines for ${count} releases.`);
        const growth = peak - baseline;
        const rate = read.bytes / 1e6 / read.seconds;
        rates.push(rate);
        largest = Math.max(largest, read.bytes);
        ctx.log(`  ${name} ${format}: ${mb(read.bytes)} in ${ms(read.seconds * 1000)} = ${num(rate)} MB/s; RSS ${mb(baseline)} → peak ${mb(peak)} (+${mb(growth)})`);
        rows.push([
          name,
          format === 'ndjson' ? 'NDJSON' : 'Markdown',
          mb(read.bytes),
          ms(read.seconds * 1000),
          num(rate),
          mb(baseline),
          mb(peak),
          `+${mb(growth)}`,
          pct(growth / GROWTH_TARGET),
        ]);
        targets.push({ name: `export RSS growth < 64 MB, ${format === 'ndjson' ? 'NDJSON' : 'Markdown'} (${name})`, met: growth < GROWTH_TARGET, measured: `+${mb(growth)}` });
        await new Promise((r) => setTimeout(r, 500));
      }
    });
  }
  let raw: RawServer | undefined;
  try {
    const bodyFile = path.join(TMP, 'export-raw.json');
    fs.writeFileSync(bodyFile, '{}');
    raw = await startRawServer(bodyFile);
    const bytes = largest || 50e6;
    await readAll(`${raw.url}/stream?bytes=${1e6}`);
    const watch = watchRss(raw.pid);
    const read = await readAll(`${raw.url}/stream?bytes=${bytes}`);
    const { baseline, peak } = watch.stop();
    const rate = read.bytes / 1e6 / read.seconds;
    rows.push(['raw node:http (the machine)', 'bytes', mb(read.bytes), ms(read.seconds * 1000), num(rate), mb(baseline), mb(peak), `+${mb(peak - baseline)}`, '—']);
    for (const r of rows) if (r[0] !== 'raw node:http (the machine)') r.push(pct(Number(String(r[4]).replace(/,/g, '')) / rate));
    rows[rows.length - 1]!.push('100 %');
  } finally {
    await raw?.stop();
  }
  notes.push(
    "MB/s is decimal megabytes per second of response body as the client read it; memory figures are MiB of the server process's resident set (growth = peak during the export − the idle server's RSS before the first export; both formats against that one baseline).",
  );
  return {
    id: 'export',
    title: '4. Export',
    method:
      `One project with ${num(count)} published releases (inserted in SQL before the server starts). ` +
      "`GET /api/v1/projects/bulk/export/changelog?format=ndjson|markdown` read to the end by a plain `http.get` client; the server's RSS is sampled every 20 ms and its kernel high-water mark (VmHWM, reset just before) is read at the end. " +
      'Baseline: the raw node:http server streaming as many bytes in 64 KB writes with backpressure.',
    tables: [{ head: ['Database', 'Format', 'Size', 'Time', 'MB/s', 'RSS before', 'RSS peak', 'Growth', 'Growth ÷ 64 MB', 'MB/s ÷ raw'], rows }],
    notes,
    targets,
  };
}
