// The webhook storm of e2e/hardening/storm.ts, bigger: 500 releases, 2,500 signed deliveries
// (published twice; edited, unpublished or deleted twice plus every publish redelivered; late
// publishes and edits of deleted releases), 100 in flight at once, against the shared test server.
// Each is applied exactly once, deleted releases stay deleted, the delivery log accounts for every
// send, nothing answers 5xx. SOAK_STORM_RELEASES changes the size.
import { defineStorm } from '../hardening/storm';

jest.setTimeout(600_000);

defineStorm({ releases: Number(process.env.SOAK_STORM_RELEASES ?? 500), concurrency: 100 });
