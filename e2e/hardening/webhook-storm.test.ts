// 500 concurrent webhook deliveries across 100 releases (publish, edit, unpublish, delete), duplicated
// and shuffled: each applied exactly once, deleted releases stay deleted, the delivery log accounts for
// every request, no 5xx. The test itself is in storm.ts (e2e/soak/storm-long.soak.ts runs a bigger one).
import { defineStorm } from './storm';

defineStorm({ releases: 100 });
