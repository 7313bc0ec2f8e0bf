import { startInstances, type Instances } from '../../e2e/harness/instances';
import { pgbouncerBinary } from '../../e2e/harness/pgbouncer';
import type { Section, SuiteContext, Target } from '../lib/report';
import { POLL_MS, sleep, visible } from '../lib/visible';
import { postgresAdminUrl, type RunningServer } from '../lib/servers';
import { median, ms, percentile } from '../lib/stats';

/**
 * Publish-to-visible across instances: two `next start` instances (A and B) in serverless mode
 * (SHIPLOG_SERVERLESS=1: no LISTEN, no background loop), both with DATABASE_URL through a stock
 * PgBouncer in transaction mode, sharing one PostgreSQL database. A release is created on A through
 * the API; the clock stops when B's static project page holds the new tag. Nothing runs on B but the
 * polling reads: what B serves is the page A regenerated after its commit, through the shared page
 * cache (lib/isr/cache-handler.cjs).
 */
const TARGET_MS = 2_000;

export async function instancesSuite(ctx: SuiteContext): Promise<Section> {
  if (!ctx.engines.includes('postgres')) throw new Error('the two-instance suite needs PostgreSQL (--engines postgres)');
  if (!pgbouncerBinary()) throw new Error('the two-instance suite needs PgBouncer (Debian: apt-get install pgbouncer)');
  const count = ctx.quick ? 10 : 50;
  const rows: (string | number)[][] = [];
  const targets: Target[] = [];
  let instances: Instances | undefined;
  try {
    process.env.TEST_DATABASE_URL ??= postgresAdminUrl();
    instances = await startInstances({
      route: 'pgbouncer',
      label: 'shiplog_bench_instances',
      env: { SHIPLOG_SERVERLESS: '1', SHIPLOG_BENCH: '1', SHIPLOG_RATE_LIMIT_READ: '0', SHIPLOG_RATE_LIMIT_WRITE: '0', SHIPLOG_LOG_LEVEL: 'warn' },
    });
    const [a, b] = instances.servers as [RunningServer, RunningServer];
    const token = instances.adminToken;
    const post = (p: string, body: unknown) =>
      fetch(`${a.url}${p}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const created = await post('/api/v1/projects', { owner: 'bench', repo: 'shared' });
    if (created.status !== 201) throw new Error(`creating bench/shared → ${created.status}: ${await created.text()}`);
    const page = '/bench/shared';
    for (const s of [a, b]) if ((await fetch(`${s.url}${page}`)).status !== 200) throw new Error(`${page} is not served by ${s.url}`);
    const total: number[] = [];
    const ack: number[] = [];
    for (let i = 0; i < count; i++) {
      const tag = `v2.0.${i}`;
      const t0 = performance.now();
      const res = await post('/api/v1/projects/bench/shared/releases', { tag, body: `Release ${i}`, publishedAt: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString() });
      const t1 = performance.now();
      if (res.status !== 201) throw new Error(`POST on A → ${res.status}: ${await res.text()}`);
      await res.arrayBuffer();
      total.push((await visible(b, page, tag)) - t0);
      ack.push(t1 - t0);
      await sleep(50);
    }
    const p95 = percentile(total, 95);
    ctx.log(`  A → B through PgBouncer, serverless: p50 ${ms(median(total))}, p95 ${ms(p95)}, max ${ms(Math.max(...total))}`);
    rows.push(['PostgreSQL via PgBouncer (transaction mode)', count, ms(median(ack)), ms(median(total)), ms(p95), ms(Math.max(...total))]);
    targets.push({ name: 'publish on A, visible on B, serverless via PgBouncer: p95 < 2 s', met: p95 < TARGET_MS, measured: ms(p95) });
  } finally {
    await instances?.stop();
  }
  return {
    id: 'instances',
    title: '6. Publish on one instance, visible on another',
    method:
      'Two `next start` instances A and B in serverless mode (`SHIPLOG_SERVERLESS=1`: no LISTEN connection, no background loop), `DATABASE_URL` through a stock PgBouncer in transaction mode (no `DATABASE_DIRECT_URL`), one PostgreSQL database. ' +
      'A release is created on A (`POST /api/v1/projects/bench/shared/releases`); the clock stops when the HTML of the static page `/bench/shared` served by B contains `data-tag="<tag>"`. ' +
      'Both pages were generated beforehand. B serves the render A made after its commit, from the shared page cache (the `isr_cache` table).',
    tables: [{ head: ['Database', 'Releases', 'POST on A (p50)', 'Visible on B p50', 'Visible on B p95', 'Max'], rows }],
    notes: [
      `Resolution: B's page is polled every ${POLL_MS} ms. Each release is created once the previous one is visible on B (50 ms apart). Before this work: never, until the 3600 s ISR window ended.`,
    ],
    targets,
  };
}
