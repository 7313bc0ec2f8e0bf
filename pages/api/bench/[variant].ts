import { benchBareRoute } from '@/lib/http/bench';

// The bare route behind a dynamic segment (`/api/bench/dynamic`), as Shiplog's `/api/[version]/...`
// routes are: separates what Next's dynamic routing costs from what Shiplog's code costs. Benchmarks
// only (SHIPLOG_BENCH=1); a 404 problem document everywhere else. See lib/http/bench.ts.
export const config = { api: { bodyParser: false } };

export default benchBareRoute();
