// The fuzzing of e2e/hardening/fuzz.ts (paths, query strings, methods, headers, bodies, webhook
// deliveries) with many more runs: zero 5xx, and every error is application/problem+json carrying the
// request id. It runs against a server of its own with the write rate limit off, so the many more
// bodies reach validation and storage instead of a 429 (npm test's fuzzing covers the limiter).
// SOAK_FUZZ_RUNS (default 20) multiplies the base counts (1,000 requests); FUZZ_SEED replays a failure.
import { defineFuzzing } from '../hardening/fuzz';
import { startServer, type RunningServer } from '../harness/server';
import { newStorage, type Storage } from '../harness/storage';

const runs = Number(process.env.SOAK_FUZZ_RUNS ?? 20);
// Each property may take (fast-check stops it at) a minute per run multiple.
jest.setTimeout(70_000 * runs * Number(process.env.FUZZ_RUNS ?? 1));

let server: RunningServer;
let storage: Storage;

beforeAll(async () => {
  storage = await newStorage(process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite', 'soak_fuzz');
  server = await startServer({ ...storage, env: { SHIPLOG_RATE_LIMIT_WRITE: '0', SHIPLOG_RATE_LIMIT_READ: '0' } });
}, 120_000);

defineFuzzing({ runs, server: () => ({ url: server.url, adminToken: server.adminToken }) });

// After defineFuzzing's own clean-up, which still needs the server.
afterAll(async () => {
  await server?.stop();
  await storage?.dispose();
});
