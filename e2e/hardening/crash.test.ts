// kill -9 of the server during a GitHub import (400 releases, 4 pages) and during a burst of 200
// signed webhook deliveries, then a restart on the same database: no duplicate or half-written
// release, a delivery log that accounts for every delivery, an outbox with ids 1..N and an event for
// each release, and pages showing every release. The tests are in crash.ts; e2e/soak/crash-long.soak.ts
// runs bigger ones, killed several times.
import { defineCrashTests } from './crash';

defineCrashTests({ importReleases: 400, importKills: 1, webhookReleases: 100, webhookKills: 1, concurrency: 24, timeoutMs: 180_000 });
