import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { cpuMs } from '../lib/cpu';
import { load, CONNECTIONS, type LoadSpec } from '../lib/load';
import type { Section, SuiteContext, Target } from '../lib/report';
import { benchServer, engineName, newStorage, seedReleases, startRawServer, stopAll, TMP, withDatabase, type RawServer, type RunningServer, type Storage } from '../lib/servers';
import { median, ms, num, pct } from '../lib/stats';

/**
 * API throughput and latency (autocannon, 20 connections): the release list hot (answered from the
 * response cache) and cold (every request a cache miss), one release, and a conditional GET answered
 * 304 — against the bare pages/api route in the same build answering the same JSON (the ceiling inside
 * Next.js) and a raw node:http server (the machine). On PGlite and PostgreSQL; rate limits off, and once on.
 *
 * The machine is shared and noisy, so the cases run in rounds, each round measuring the bare route
 * next to every case; a ratio is the median over rounds of (case ÷ bare route in the same round).
 * Server CPU time per request (from /proc) is reported too: it moves far less with the neighbours.
 */
const PROJECTS = 5;
const PER_PROJECT = 1_000;
/** Distinct offsets the deep-pages run cycles through: more than the response cache holds (2,000 entries). */
const COLD_RANGE = 3_000;
const LIST = '/api/v1/releases?limit=20';
const ONE = '/api/v1/projects/bench/p0/releases/v500';

type CaseId = 'bare' | 'dynamic' | 'shape' | 'hot' | 'cold' | 'deep' | 'one' | 'notModified';
const LABELS: Record<CaseId, string> = {
  bare: 'bare pages/api route',
  dynamic: 'bare route behind a dynamic segment',
  shape: 'bare route at the single-release route shape',
  hot: '`GET /api/v1/releases?limit=20`, hot',
  cold: '`GET /api/v1/releases?limit=20`, cache cold',
  deep: '`…?limit=20&offset=0…2,999`, cache cold (deep pages)',
  one: 'one release (cached)',
  notModified: 'conditional GET → 304',
};

interface Sample {
  rps: number;
  p50: number;
  p99: number;
  /** Server process CPU per answered request, µs. */
  cpu: number;
  /** PostgreSQL backends' CPU per answered request, µs. */
  dbCpu?: number;
  bad: number;
  statuses: Record<string, number>;
}

interface CaseResult {
  samples: Sample[];
  /** Per round: this case ÷ the bare route in the same round. */
  ratios: number[];
}

/** PIDs of the PostgreSQL backends serving a database (to account their CPU). */
async function backendPids(databaseUrl: string): Promise<number[]> {
  const name = new URL(databaseUrl).pathname.slice(1);
  const c = new Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    const { rows } = await c.query<{ pid: number }>('select pid from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [name]);
    return rows.map((r) => Number(r.pid));
  } finally {
    await c.end();
  }
}

export async function apiSuite(ctx: SuiteContext): Promise<Section> {
  const rounds = ctx.quick ? 1 : 3;
  const duration = ctx.quick ? 3 : 5;
  const warmup = ctx.quick ? 1 : 2;
  const rows: (string | number)[][] = [];
  const targets: Target[] = [];
  const notes: string[] = [];
  let raw: Sample | undefined;
  let rawServer: RawServer | undefined;

  const sample = async (spec: Omit<LoadSpec, 'duration' | 'warmup'>, pid: number, dbPids: number[], warm: boolean): Promise<Sample> => {
    if (warm) await load({ ...spec, duration: warmup, warmup: 0 });
    const c0 = cpuMs(pid);
    // Per backend: a connection the pool closes during the run is dropped from both ends (its /proc is
    // gone), so the sum never goes negative; the pool keeps its busy connections open.
    const d0 = new Map(dbPids.map((p) => [p, cpuMs(p)]));
    const r = await load({ ...spec, duration, warmup: 0 });
    const answered = Math.max(1, r.requests);
    return {
      rps: r.rps,
      p50: r.p50,
      p99: r.p99,
      cpu: ((cpuMs(pid) - c0) * 1000) / answered,
      dbCpu: dbPids.length
        ? (dbPids.reduce((sum, p) => {
            const now = cpuMs(p);
            return now > 0 ? sum + Math.max(0, now - d0.get(p)!) : sum;
          }, 0) *
            1000) /
          answered
        : undefined,
      bad: r.bad,
      statuses: r.statuses,
    };
  };
  const show = (label: string, s: Sample) =>
    ctx.log(
      `    ${label}: ${num(s.rps)} req/s, p50 ${ms(s.p50)}, p99 ${ms(s.p99)}, server CPU ${num(s.cpu)} µs/req${s.dbCpu !== undefined ? `, PostgreSQL ${num(s.dbCpu)} µs/req` : ''}${s.bad ? `, ${s.bad} bad ${JSON.stringify(s.statuses)}` : ''}`,
    );

  try {
    for (const engine of ctx.engines) {
      const name = engineName(engine);
      ctx.log(`  ${name}: seeding ${num(PROJECTS * PER_PROJECT)} releases`);
      let storage: Storage | undefined;
      let server: RunningServer | undefined;
      try {
        storage = await newStorage(engine, 'api');
        await withDatabase(storage, async (db) => {
          for (let p = 0; p < PROJECTS; p++) await seedReleases(db, 'bench', `p${p}`, PER_PROJECT, p * 7);
        });
        const bodyFile = path.join(TMP, `bare-${engine}.json`);
        server = await benchServer(storage, { demo: false, bareBody: bodyFile });
        // The bare routes answer exactly what the list answers (read once, at their first request).
        const list = await fetch(`${server.url}${LIST}`);
        if (list.status !== 200) throw new Error(`GET ${LIST} → ${list.status}`);
        fs.writeFileSync(bodyFile, Buffer.from(await list.arrayBuffer()));
        const one = await fetch(`${server.url}${ONE}`);
        const etag = one.headers.get('etag');
        if (one.status !== 200 || !etag) throw new Error(`GET ${ONE} → ${one.status}`);
        await one.arrayBuffer();

        if (!rawServer) {
          rawServer = await startRawServer(bodyFile);
          raw = await sample({ url: `${rawServer.url}/json` }, rawServer.pid, [], true);
          show('raw node:http, same JSON', raw);
          await rawServer.stop();
        }
        let n = 0;
        const specs: Record<CaseId, Omit<LoadSpec, 'duration' | 'warmup'>> = {
          bare: { url: `${server.url}/api/bench/bare` },
          dynamic: { url: `${server.url}/api/bench/dynamic` },
          shape: { url: `${server.url}/api/bench/deep/v1/projects/bench/p0/releases/v500` },
          hot: { url: `${server.url}${LIST}` },
          cold: { url: `${server.url}${LIST}`, headers: { 'cache-control': 'no-cache' } },
          deep: { url: server.url, setupRequest: (req) => ({ ...req, path: `${LIST}&offset=${n++ % COLD_RANGE}` }) },
          one: { url: `${server.url}${ONE}` },
          notModified: { url: `${server.url}${ONE}`, headers: { 'if-none-match': etag }, ok: (s) => s === 304 },
        };
        const results = Object.fromEntries(Object.keys(specs).map((k) => [k, { samples: [], ratios: [] } as CaseResult])) as Record<CaseId, CaseResult>;
        const pid = server.process.pid!;
        for (let round = 0; round < rounds; round++) {
          ctx.log(`  ${name}, round ${round + 1} of ${rounds}`);
          const dbPids = storage.databaseUrl ? await backendPids(storage.databaseUrl) : [];
          const bare = await sample(specs.bare, pid, dbPids, round === 0);
          show(LABELS.bare, bare);
          results.bare.samples.push(bare);
          results.bare.ratios.push(1);
          for (const id of ['dynamic', 'shape', 'hot', 'cold', 'deep', 'one', 'notModified'] as const) {
            const s = await sample(specs[id], pid, storage.databaseUrl ? await backendPids(storage.databaseUrl) : [], round === 0);
            show(LABELS[id], s);
            results[id].samples.push(s);
            results[id].ratios.push(s.rps / bare.rps);
          }
        }
        const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
        for (const id of Object.keys(LABELS) as CaseId[]) {
          const r = results[id];
          const cpu = median(r.samples.map((s) => s.cpu));
          const db = r.samples[0]?.dbCpu !== undefined ? median(r.samples.map((s) => s.dbCpu ?? 0)) : undefined;
          rows.push([
            LABELS[id],
            name,
            num(mean(r.samples.map((s) => s.rps))),
            ms(median(r.samples.map((s) => s.p50))),
            ms(median(r.samples.map((s) => s.p99))),
            id === 'bare' ? '100 %' : pct(median(r.ratios)),
            raw ? pct(mean(r.samples.map((s) => s.rps)) / raw.rps) : 'n/a',
            `${num(cpu)}${db !== undefined ? ` + ${num(db)} DB` : ''}`,
          ]);
          const bad = r.samples.reduce((a, s) => a + s.bad, 0);
          if (bad)
            notes.push(
              `${name}, ${LABELS[id]}: ${bad} unexpected answers or errors (${JSON.stringify(r.samples.map((s) => s.statuses))}); the figure counts only the expected ones.`,
            );
        }
        const ratio = (id: CaseId) => median(results[id].ratios);
        notes.push(
          `${name}: against the bare route at the same route shape (\`/api/bench/deep/[version]/projects/[owner]/[repo]/releases/[...tag]\`), one release (cached) is at ${pct(ratio('one') / ratio('shape'))} and the 304 at ${pct(ratio('notModified') / ratio('shape'))}: the rest of the gap to the bare route is Next.js routing a four-parameter catch-all route.`,
        );
        targets.push({ name: `hot list ≥ 80 % of the bare route (${name})`, met: ratio('hot') >= 0.8, measured: pct(ratio('hot')) });
        targets.push({ name: `304 ≥ 90 % of the bare route (${name})`, met: ratio('notModified') >= 0.9, measured: pct(ratio('notModified')) });
        if (engine === 'postgres') targets.push({ name: 'cold list ≥ 40 % of the bare route (PostgreSQL)', met: ratio('cold') >= 0.4, measured: pct(ratio('cold')) });
        // Issue 13 (one definition per operation): no slower than before it on the hot paths, and the
        // cold list on PostgreSQL at least a quarter of the bare route.
        if (engine === 'pglite') {
          for (const [id, label, floor] of [
            ['hot', 'hot list', 0.66],
            ['one', 'one release', 0.65],
            ['notModified', '304', 0.67],
          ] as const) {
            targets.push({ name: `${label} keeps ≥ ${Math.round(floor * 100)} % of the bare route (PGlite, issue 13)`, met: ratio(id) >= floor, measured: pct(ratio(id)) });
          }
        }
        if (engine === 'postgres') targets.push({ name: 'cold list ≥ 25 % of the bare route (PostgreSQL, issue 13)', met: ratio('cold') >= 0.25, measured: pct(ratio('cold')) });

        if (engine === ctx.engines[0]) {
          // Rate limits on, with a budget the run cannot exhaust: what the limiter itself costs.
          await server.stop();
          server = await benchServer(storage, { demo: false, bareBody: bodyFile, env: { SHIPLOG_RATE_LIMIT_READ: '1000000000', SHIPLOG_RATE_LIMIT_WRITE: '1000000000' } });
          ctx.log(`  ${name}, rate limits on`);
          const pid2 = server.process.pid!;
          const ratios: number[] = [];
          const on: Sample[] = [];
          for (let round = 0; round < rounds; round++) {
            // This server has a port of its own: `specs` point at the one just stopped.
            const bare = await sample({ url: `${server.url}/api/bench/bare` }, pid2, [], round === 0);
            const hot = await sample({ url: `${server.url}${LIST}` }, pid2, [], round === 0);
            show('hot list, rate limits on', hot);
            on.push(hot);
            ratios.push(hot.rps / bare.rps);
          }
          const onRatio = median(ratios);
          rows.push([
            `${LABELS.hot}, rate limits **on**`,
            name,
            num(mean(on.map((s) => s.rps))),
            ms(median(on.map((s) => s.p50))),
            ms(median(on.map((s) => s.p99))),
            pct(onRatio),
            raw ? pct(mean(on.map((s) => s.rps)) / raw.rps) : 'n/a',
            num(median(on.map((s) => s.cpu))),
          ]);
          notes.push(
            `Rate limits on ÷ off, hot list (each against its own server's bare route): ${pct(onRatio / ratio('hot'))} on ${name}. Measured with a budget of 10⁹ requests a minute, so the limiter runs on every request but never answers 429.`,
          );
        }
      } finally {
        await stopAll(server, storage);
      }
    }
  } finally {
    await rawServer?.stop();
  }
  if (raw) rows.unshift(['raw node:http (the machine)', '—', num(raw.rps), ms(raw.p50), ms(raw.p99), '—', '100 %', num(raw.cpu)]);
  if (!ctx.engines.includes('postgres')) targets.push({ name: 'cold list ≥ 40 % of the bare route (PostgreSQL)', met: false, measured: 'not measured (no PostgreSQL)' });
  return {
    id: 'api',
    title: '1. API throughput and latency',
    method:
      `autocannon, ${CONNECTIONS} connections, no \`Accept-Encoding\` (so no gzip), from the bench process on the same machine. ${rounds} round(s); in each, every row runs ${duration} s (after a ${warmup} s warm-up in the first round) right after the bare route, and *÷ bare route* is the median over rounds of the ratio within a round. ` +
      `Data: ${num(PROJECTS * PER_PROJECT)} published releases in ${PROJECTS} projects. ` +
      `**Rate limits off** (\`SHIPLOG_RATE_LIMIT_READ=0 SHIPLOG_RATE_LIMIT_WRITE=0\`) except where the row says otherwise. ` +
      `*Hot*: the same URL every time, answered from the response cache. *Cache cold*: the same URL with \`Cache-Control: no-cache\`, which makes the server compute every answer from the database (the page and, for v1's \`X-Total-Count\`, the total: one statement since issue 13, two queries before). *Deep pages*: every request a cache miss because \`offset\` cycles through ${num(COLD_RANGE)} values, more than the cache's 2,000 entries (the total is counted once per data generation; the page query walks past \`offset\` rows). ` +
      `*One release*: \`${ONE}\`. *304*: the same with \`If-None-Match\` holding its ETag. ` +
      "The bare route (`pages/api/bench/bare.ts`, only with `SHIPLOG_BENCH=1`) answers the captured list body with nothing else; the same route behind a dynamic segment (`/api/bench/[variant]`) and at the single-release route's shape (`/api/bench/deep/[version]/projects/[owner]/[repo]/releases/[...tag]`) show what Next.js's dynamic routing costs before any of Shiplog's code runs; the raw server (`bench/raw-server.cjs`) answers the same body in plain `node:http`. " +
      '*CPU µs/req*: CPU time of the server process (plus, on PostgreSQL, its backends) per answered request, from /proc — steadier than req/s on a shared machine.',
    tables: [{ head: ['Request', 'Database', 'req/s', 'p50', 'p99', '÷ bare route', '÷ raw node:http', 'CPU µs/req'], rows }],
    notes,
    targets,
  };
}
