import { benchBareRoute } from '@/lib/http/bench';

// The bare route at exactly the shape of `/api/[version]/projects/[owner]/[repo]/releases/[...tag]`:
// what Next.js's routing costs a single-release request before any of Shiplog's code runs. Benchmarks
// only (SHIPLOG_BENCH=1); a 404 problem document everywhere else. See lib/http/bench.ts.
export const config = { api: { bodyParser: false } };

export default benchBareRoute();
