// docs/postman.json run by newman (the Postman CLI's library) against the test server, as a user runs
// it: only baseUrl, bearerToken and webhookSecret set. Every request must pass every check, nothing
// may be left behind (the run's project is gone), and nothing of the run is left.
import path from 'node:path';
import { TEST_WEBHOOK_SECRET } from '../harness/server';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const newman = require('newman') as {
  run(options: Record<string, unknown>, done: (err: Error | null, summary: NewmanSummary) => void): void;
};

interface NewmanSummary {
  run: {
    stats: Record<'requests' | 'assertions' | 'testScripts' | 'prerequestScripts', { total: number; failed: number }>;
    failures: { error: { name: string; message: string; test?: string }; source?: { name?: string } }[];
    executions: { item: { name: string }; response?: { code: number } }[];
  };
}

const base = () => process.env.SHIPLOG_TEST_URL!;
const adminToken = () => process.env.SHIPLOG_TEST_ADMIN_TOKEN!;

function runCollection(envVars: Record<string, string>): Promise<NewmanSummary> {
  return new Promise((resolve, reject) => {
    newman.run(
      {
        collection: path.join(__dirname, '..', '..', 'docs', 'postman.json'),
        envVar: Object.entries(envVars).map(([key, value]) => ({ key, value })),
        reporters: [],
        // A request that hangs fails the run instead of stalling it.
        timeoutRequest: 30_000,
        timeout: 240_000,
      },
      (err, summary) => (err ? reject(err) : resolve(summary)),
    );
  });
}

describe('docs/postman.json under newman', () => {
  it('passes every request on the test server with only baseUrl, bearerToken and webhookSecret set, and cleans up', async () => {
    const summary = await runCollection({ baseUrl: base(), bearerToken: adminToken(), webhookSecret: TEST_WEBHOOK_SECRET });
    const failures = summary.run.failures.map((f) => `${f.source?.name ?? '?'}: ${f.error.test ?? f.error.name}: ${f.error.message}`);
    expect(failures).toEqual([]);
    const { requests, assertions } = summary.run.stats;
    expect(requests.failed).toBe(0);
    expect(requests.total).toBeGreaterThan(45);
    expect(assertions.failed).toBe(0);
    // At least a status and a content-type check per request.
    expect(assertions.total).toBeGreaterThanOrEqual(requests.total * 2);
    // Every v2 operation of the OpenAPI document was sent.
    const sent = summary.run.executions.map((e) => e.item.name);
    expect(sent).toEqual(
      expect.arrayContaining(["Create the run's project", "Receive a GitHub webhook delivery (signed by the collection's pre-request script)", "Delete the run's project"]),
    );
    // Nothing of the run is left (other test files share this server, so only the run's owner is checked).
    const left = (await (await fetch(`${base()}/api/v2/projects?owner=postman`)).json()) as { data: unknown[] };
    expect(left.data).toEqual([]);
  });
});
