// Property-based fuzzing of paths, query strings, headers and bodies against the shared test server:
// no 5xx, every error problem+json with the request id (the properties are in fuzz.ts; longer runs in
// e2e/soak/fuzz-long.soak.ts). FUZZ_SEED=<seed> replays a run, FUZZ_RUNS=<n> multiplies it.
import { defineFuzzing } from './fuzz';

defineFuzzing();
