import { benchBareRoute } from '@/lib/http/bench';

// Benchmarks only (SHIPLOG_BENCH=1); a 404 problem document everywhere else. See lib/http/bench.ts.
export const config = { api: { bodyParser: false } };

export default benchBareRoute();
