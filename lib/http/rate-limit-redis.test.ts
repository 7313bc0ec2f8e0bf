// With REDIS_URL the budgets live in Redis (every instance counts there): a real Redis, the machine's
// (TEST_REDIS_URL, default redis://127.0.0.1:6379). Two "instances" are two limiter sets here: the
// process-wide limiters are dropped between them, so only Redis carries the count.
import { spawnSync } from 'node:child_process';
import { invoke } from '../test/http';
import { versionedMethodRouter } from './method-router';
import { sendJson } from './method-router';

const REDIS = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Whether a Redis answers PING there (checked once, synchronously, so the test is skipped visibly). */
function reachable(url: string): boolean {
  const { hostname, port } = new URL(url);
  const probe =
    `const s=require('net').connect(${Number(port || 6379)},${JSON.stringify(hostname)});s.setTimeout(1000,()=>process.exit(1));` +
    `s.on('error',()=>process.exit(1));s.on('connect',()=>s.write('PING\\r\\n'));s.on('data',d=>process.exit(String(d).startsWith('+PONG')?0:1));`;
  return spawnSync(process.execPath, ['-e', probe], { timeout: 5_000 }).status === 0;
}
const up = reachable(REDIS);
if (!up) console.warn(`rate limits in Redis: no Redis answers at ${REDIS} (set TEST_REDIS_URL): skipped`);

const endpoint = versionedMethodRouter({ GET: (req, res) => sendJson(req, res, 200, { ok: true }) });
const g = globalThis as typeof globalThis & { __shiplogLimits?: unknown; __shiplogLimitRedis?: { client: Promise<{ disconnect(): void }> } };

describe('rate limits in Redis (REDIS_URL)', () => {
  beforeAll(() => {
    process.env.REDIS_URL = REDIS;
    process.env.SHIPLOG_RATE_LIMIT_READ = '3';
    process.env.SHIPLOG_TRUST_PROXY = '1';
  });
  afterAll(async () => {
    (await g.__shiplogLimitRedis?.client)?.disconnect();
    delete process.env.REDIS_URL;
    delete process.env.SHIPLOG_RATE_LIMIT_READ;
    delete process.env.SHIPLOG_TRUST_PROXY;
  });

  (up ? it : it.skip)('one budget across instances: counted in Redis, headers say what is left', async () => {
    const address = `198.18.${Math.floor(Math.random() * 250)}.${Date.now() % 250}`;
    const call = () => invoke(endpoint, { method: 'GET', url: '/api/v2/things', query: { version: 'v2' }, headers: { 'x-forwarded-for': address } });
    const seen: unknown[] = [];
    for (let i = 0; i < 4; i++) {
      g.__shiplogLimits = undefined; // a fresh "instance": nothing counted in this process survives
      const r = await call();
      seen.push([r.status, r.headers.ratelimit]);
    }
    expect(seen).toEqual([
      [200, expect.stringMatching(/^"read";r=2;/)],
      [200, expect.stringMatching(/^"read";r=1;/)],
      [200, expect.stringMatching(/^"read";r=0;/)],
      [429, expect.stringMatching(/^"read";r=0;/)],
    ]);
  });
});
