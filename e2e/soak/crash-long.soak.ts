// The kill -9 tests of e2e/hardening/crash.ts, bigger and killed more often: an import of 1,000
// releases (10 pages) killed three times, and 1,000 webhook deliveries (500 releases, each sent twice)
// killed in the burst and again in the first redelivery. After the restarts: every release exactly
// once and complete, a delivery log that accounts for every send, the outbox ids 1..N with one event
// per release, and changelog pages showing every release.
import { defineCrashTests } from '../hardening/crash';

defineCrashTests({ importReleases: 1000, importKills: 3, webhookReleases: 500, webhookKills: 2, concurrency: 40, timeoutMs: 480_000 });
