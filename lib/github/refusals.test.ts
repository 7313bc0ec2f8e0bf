import type { NextApiRequest, NextApiResponse } from 'next';
import { eq } from 'drizzle-orm';
import { siteState } from '../db/schema';
import { methodRouter } from '../http/method-router';
import { useTestDatabase } from '../test/db';
import { invoke } from '../test/http';
import { appendRefusal, listRefusals, REFUSALS_KEPT, withRefusalLog } from './refusals';
import { sign } from './signature';
import { postGitHubWebhook } from './webhook';

process.env.SHIPLOG_RATE_LIMIT_READ = '0';
process.env.SHIPLOG_RATE_LIMIT_WRITE = '0';
// This file counts recorded refusals; answering an address 429 past its refusals is webhook-hardening.test.ts's.
process.env.SHIPLOG_WEBHOOK_REFUSAL_LIMIT = '0';
const t = useTestDatabase();
const SECRET = 'the-right-webhook-secret';
const receiver = methodRouter({ POST: withRefusalLog(postGitHubWebhook) });

beforeEach(async () => {
  process.env.GITHUB_WEBHOOK_SECRET = SECRET;
  await t.db().delete(siteState).where(eq(siteState.key, 'webhook.refusals'));
  (globalThis as { __shiplogRefusals?: unknown }).__shiplogRefusals = undefined;
});
afterAll(() => delete process.env.GITHUB_WEBHOOK_SECRET);

function deliver(guid: string, secret: string) {
  const body = JSON.stringify({ zen: 'Keep it logically awesome.', hook_id: 1 });
  return invoke(receiver, {
    method: 'POST',
    url: '/api/webhooks/github',
    body,
    headers: { 'content-type': 'application/json', 'x-github-event': 'ping', 'x-github-delivery': guid, 'x-hub-signature-256': sign(secret, body) },
  });
}

describe('refused webhook deliveries', () => {
  it('a delivery with a wrong signature is answered 401 as before and recorded without its payload', async () => {
    const r = await deliver('guid-wrong-1', 'a-wrong-secret');
    expect(r.status).toBe(401);
    const [refusal, ...rest] = await listRefusals(t.db());
    expect(rest).toEqual([]);
    expect(refusal).toMatchObject({ event: 'ping', guid: 'guid-wrong-1', reason: expect.stringMatching(/X-Hub-Signature-256/) });
    expect(Date.now() - Date.parse(refusal!.at)).toBeLessThan(60_000);
    expect(JSON.stringify(refusal)).not.toContain('logically awesome');
    // A verified one is not a refusal.
    expect((await deliver('guid-right-1', SECRET)).status).toBeLessThan(300);
    expect((await listRefusals(t.db())).map((x) => x.guid)).toEqual(['guid-wrong-1']);
  });

  it('records at most 30 a minute, counting the ones it skipped on the next record', async () => {
    for (let i = 0; i < 35; i++) expect((await deliver(`flood-${i}`, 'wrong')).status).toBe(401);
    const kept = await listRefusals(t.db());
    expect(kept).toHaveLength(30);
    expect(kept[0]!.guid).toBe('flood-29');
    const state = (globalThis as { __shiplogRefusals?: { skipped: number } }).__shiplogRefusals!;
    expect(state.skipped).toBe(5);
  });

  it('keeps the newest 100', async () => {
    for (let i = 0; i < REFUSALS_KEPT + 5; i++) {
      await appendRefusal(t.db(), {
        at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
        address: '203.0.113.7',
        reason: 'wrong signature',
        event: 'release',
        guid: `g-${i}`,
      });
    }
    const kept = await listRefusals(t.db());
    expect(kept).toHaveLength(REFUSALS_KEPT);
    expect([kept[0]!.guid, kept.at(-1)!.guid]).toEqual([`g-${REFUSALS_KEPT + 4}`, 'g-5']);
  });

  it('answers other than 401 (a verified delivery that failed, a 400) are not refusals', async () => {
    const failing = withRefusalLog(async (_req: NextApiRequest, _res: NextApiResponse) => {
      throw new Error('boom');
    });
    await expect(failing({ headers: {} } as NextApiRequest, {} as NextApiResponse)).rejects.toThrow('boom');
    const noEvent = await invoke(receiver, { method: 'POST', url: '/api/webhooks/github', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(noEvent.status).toBe(400);
    expect(await listRefusals(t.db())).toEqual([]);
  });
});
