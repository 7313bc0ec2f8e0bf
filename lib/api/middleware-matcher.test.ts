import { config } from '../../middleware';
import { apiDocument } from './registry';

/**
 * middleware.ts rewrites unversioned API paths (`/api/tokens`) to a version. Next.js needs its matcher
 * as a static literal, so it is written out there; this test derives it from the versioned paths the
 * API documents (the registry's operations, and the ones still written by hand) and fails when the two
 * disagree: a new versioned area needs its entry in the matcher.
 */
function derivedMatcher(): string[] {
  const below = new Map<string, boolean>(); // first segment → whether deeper paths exist
  for (const path of Object.keys(apiDocument().paths ?? {})) {
    const m = /^\/api\/v\d+\/([^/]+)(\/.*)?$/.exec(path);
    if (!m) continue;
    below.set(m[1]!, (below.get(m[1]!) ?? false) || m[2] !== undefined);
  }
  return [...below].map(([segment, deeper]) => (deeper ? `/api/${segment}/:path*` : `/api/${segment}`));
}

describe('middleware matcher', () => {
  it('lists exactly the versioned areas of the API, and the webhook (for its Vercel body limit)', () => {
    expect([...config.matcher].sort()).toEqual([...derivedMatcher(), '/api/webhooks/:path*'].sort());
  });
});
