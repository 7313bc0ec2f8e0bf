import autocannon from 'autocannon';

/** Every load test uses 20 connections (the setting). */
export const CONNECTIONS = 20;

export interface LoadSpec {
  url: string;
  path?: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Builds each request (unique bodies, varying paths). */
  setupRequest?: autocannon.RequestSpec['setupRequest'];
  /** Measured seconds, after `warmup` seconds of the same load that are thrown away. */
  duration: number;
  warmup: number;
  /** Statuses that count as answered correctly (default: 2xx). */
  ok?: (status: number) => boolean;
}

export interface LoadResult {
  /** Correct answers per second over the measured window. */
  rps: number;
  requests: number;
  p50: number;
  p99: number;
  mean: number;
  /** Answers that were not `ok` and connection errors/timeouts: a run with any is not a clean figure. */
  bad: number;
  statuses: Record<string, number>;
  seconds: number;
}

/** autocannon treats a key that is present but undefined as set: leave such keys out. */
function defined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

function options(spec: LoadSpec, duration: number): autocannon.Options {
  const request = defined({ path: spec.path, method: spec.method, headers: spec.headers, body: spec.body, setupRequest: spec.setupRequest });
  return defined({ url: spec.url, connections: CONNECTIONS, duration, timeout: 20, method: spec.method, headers: spec.headers, body: spec.body, requests: [request] });
}

/** Runs autocannon: a warm-up (discarded), then the measured run. */
export async function load(spec: LoadSpec): Promise<LoadResult> {
  if (spec.warmup > 0) await autocannon(options(spec, spec.warmup));
  const r = await autocannon(options(spec, spec.duration));
  const ok = spec.ok ?? ((s: number) => s >= 200 && s < 300);
  const statuses: Record<string, number> = {};
  let good = 0;
  let answered = 0;
  for (const [status, { count }] of Object.entries(r.statusCodeStats ?? {})) {
    statuses[status] = Number(count);
    answered += Number(count);
    if (ok(Number(status))) good += Number(count);
  }
  const seconds = r.duration || spec.duration;
  return {
    rps: good / seconds,
    requests: answered,
    p50: r.latency.p50,
    p99: r.latency.p99,
    mean: r.latency.average,
    bad: answered - good + r.errors + r.timeouts,
    statuses,
    seconds,
  };
}
