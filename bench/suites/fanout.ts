import fs from 'node:fs';
import path from 'node:path';
import { deliver, releaseEvent } from '../lib/github';
import type { Section, SuiteContext, Target } from '../lib/report';
import { rss, watchRss } from '../lib/rss';
import { createProject, engineName, onFreshServer, startRawServer, TMP, type RawServer } from '../lib/servers';
import { openCrowd, type SseCrowd } from '../lib/sse';
import { mb, median, ms, percentile, pct, times } from '../lib/stats';

/**
 * Live fan-out: N open SSE clients (raw http.request sockets) on /api/v1/stream; a signed webhook
 * publishes a release; each client's latency runs from the webhook's 2xx to the moment the frame with
 * the new tag reaches it. Server memory before the clients, with them connected, and at its peak.
 * Baseline in the same run: a raw node:http server writing the same frame to the same number of clients.
 */
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Measured {
  latencies: number[];
  lastPerEvent: number[];
  idle: number;
  connected: number;
  peak: number;
}

async function measure(crowd: SseCrowd, pid: number, events: number, fire: (i: number, tag: string) => Promise<number>): Promise<Omit<Measured, 'idle' | 'connected'>> {
  const latencies: number[] = [];
  const lastPerEvent: number[] = [];
  const watch = watchRss(pid);
  for (let i = 0; i < events; i++) {
    const tag = `v2.0.${i}`;
    const arriving = crowd.await(tag);
    const t2xx = await fire(i, tag);
    const arrivals = await arriving;
    const lat = arrivals.map((t) => t - t2xx);
    latencies.push(...lat);
    lastPerEvent.push(Math.max(...lat));
    await sleep(200);
  }
  return { latencies, lastPerEvent, peak: watch.stop().peak };
}

export async function fanoutSuite(ctx: SuiteContext): Promise<Section> {
  const clients = 1_000;
  const events = ctx.quick ? 5 : 20;
  const rows: (string | number)[][] = [];
  const targets: Target[] = [];
  const notes: string[] = [];
  let frame: string | undefined;
  const results: { name: string; m: Measured }[] = [];

  for (const engine of ctx.engines) {
    const name = engineName(engine);
    let crowd: SseCrowd | undefined;
    await onFreshServer(engine, 'fanout', { demo: false }, async (server) => {
      try {
        await createProject(server, 'bench', 'fanout');
        const pid = server.process.pid!;
        const url = server.url;
        await (await fetch(`${url}/api/v1/releases?limit=1`)).arrayBuffer(); // load the API's code before the baseline
        await sleep(500);
        const idle = rss(pid);
        ctx.log(`  ${name}: opening ${clients} streams`);
        crowd = await openCrowd(`${url}/api/v1/stream`, clients);
        // A first event proves every client is subscribed (and warms the path); it is not counted.
        const warm = crowd.await('v0.0.0');
        if ((await deliver(url, releaseEvent('published', 'bench', 'fanout', 2_000_000, 'v0.0.0'))).status !== 200) throw new Error('warm-up webhook failed');
        await warm;
        frame ??= crowd.frameOf('v0.0.0');
        await sleep(500);
        const connected = rss(pid);
        const m = await measure(crowd, pid, events, async (i, tag) => {
          const res = await deliver(url, releaseEvent('published', 'bench', 'fanout', 2_000_001 + i, tag));
          const t = performance.now();
          if (res.status !== 200) throw new Error(`webhook → ${res.status}`);
          await res.arrayBuffer();
          return t;
        });
        results.push({ name, m: { ...m, idle, connected } });
        ctx.log(
          `  ${name}: p50 ${ms(median(m.latencies))}, p99 ${ms(percentile(m.latencies, 99))}, last client max ${ms(Math.max(...m.lastPerEvent))}; RSS ${mb(idle)} → ${mb(connected)} connected, peak ${mb(m.peak)}`,
        );
      } finally {
        crowd?.close();
      }
    });
  }

  // The machine: the same clients and the same frame on a raw node:http server.
  let raw: Measured | undefined;
  let rawServer: RawServer | undefined;
  let crowd: SseCrowd | undefined;
  try {
    const bodyFile = path.join(TMP, 'fanout-raw.json');
    fs.writeFileSync(bodyFile, '{}');
    rawServer = await startRawServer(bodyFile);
    await sleep(300);
    const idle = rss(rawServer.pid);
    crowd = await openCrowd(`${rawServer.url}/sse`, clients);
    const connected = rss(rawServer.pid);
    const data = /data: (.*)\n/.exec(frame ?? '')?.[1] ?? JSON.stringify({ project: 'bench/fanout', tag: 'v0.0.0', release: null });
    const m = await measure(crowd, rawServer.pid, events, async (_i, tag) => {
      const res = await fetch(`${rawServer!.url}/fire`, { method: 'POST', body: data.replace('"tag":"v0.0.0"', `"tag":"${tag}"`) });
      const t = performance.now();
      await res.arrayBuffer();
      return t;
    });
    raw = { ...m, idle, connected };
    ctx.log(`  raw node:http: p50 ${ms(median(m.latencies))}, p99 ${ms(percentile(m.latencies, 99))}`);
  } finally {
    crowd?.close();
    await rawServer?.stop();
  }

  const rawP99 = raw ? percentile(raw.latencies, 99) : NaN;
  const line = (name: string, m: Measured) => {
    const p99 = percentile(m.latencies, 99);
    return [
      name,
      ms(median(m.latencies)),
      ms(p99),
      ms(median(m.lastPerEvent)),
      ms(Math.max(...m.lastPerEvent)),
      ms(Math.min(...m.latencies)),
      `${mb(m.idle)} → ${mb(m.connected)} (+${mb(m.connected - m.idle)})`,
      `${((m.connected - m.idle) / clients / 1024).toFixed(1)} KB`,
      mb(m.peak),
      name.startsWith('raw') ? '—' : times(p99 / rawP99),
    ];
  };
  for (const r of results) {
    rows.push(line(r.name, r.m));
    const p99 = percentile(r.m.latencies, 99);
    targets.push({ name: `fan-out p99 < 250 ms, ${clients} clients (${r.name})`, met: p99 < 250, measured: ms(p99) });
  }
  if (raw) rows.push(line('raw node:http (the machine)', raw));
  notes.push(
    `${events} events, each to all ${clients} clients (${events * clients} deliveries per row); latencies are from the webhook's 2xx as the bench saw it to the frame reaching a client, measured in the bench process that also reads all ${clients} sockets — a negative minimum means the frame overtook the 2xx.`,
    `*Last client*: per event, the time until the slowest client had it (median and max over the ${events} events). Memory is the server process's RSS (/proc) idle, with every client connected, and at its peak while the events went out.`,
  );
  if (results.length && raw)
    notes.push(
      `The raw server's p99 is ${ms(rawP99)}: that much is the machine (the bench reading ${clients} sockets on a shared CPU); Shiplog's p99 is ${pct(percentile(results[0]!.m.latencies, 99) / 250)} of the 250 ms budget on ${results[0]!.name}.`,
    );
  return {
    id: 'fanout',
    title: '3. Live fan-out (SSE)',
    method: `${clients} clients hold \`GET /api/v1/stream\` open (raw \`http.request\`, not EventSource). Unfiltered streams; a signed webhook publishes a release and each client records when the frame naming the new tag arrives. A warm-up event, not counted, proves every client is subscribed first.`,
    tables: [{ head: ['Server', 'p50', 'p99', 'Last client (p50)', 'Last client (max)', 'Min', 'RSS idle → connected', 'Per client', 'RSS peak', 'p99 ÷ raw'], rows }],
    notes,
    targets,
  };
}
