import { and, eq } from 'drizzle-orm';
import { idempotencyKeys } from '../db/schema';
import { useTestDatabase } from '../test/db';
import { invoke } from '../test/http';
import { versionedMethodRouter } from './method-router';
import { readBody } from './body';
import { ApiError } from './errors';
import { idempotentWrite } from './idempotency';

process.env.SHIPLOG_RATE_LIMIT_READ = '0';
process.env.SHIPLOG_RATE_LIMIT_WRITE = '0';
const t = useTestDatabase();

/**
 * A tiny POST endpoint: counts how often its write really runs. The caller is named by `x-caller`
 * (keys are scoped per caller); `{"fail": true}` makes the write fail; `gate` holds a write open.
 */
let runs = 0;
let gate: Promise<void> | undefined;
const endpoint = versionedMethodRouter({
  POST: async (req, res) => {
    const body = await readBody(req, { types: ['application/json'] });
    const input = body.value as { name: string; fail?: boolean };
    await idempotentWrite(req, res, String(req.headers['x-caller'] ?? 'alice'), body.raw, async () => {
      runs++;
      const n = runs;
      await gate;
      if (input.fail) throw ApiError.validation('asked to fail', [{ pointer: '/fail', detail: 'was true' }]);
      return { status: 201, body: { run: n, name: input.name }, contentType: 'application/vnd.test+json', headers: { Location: `/things/${n}` } };
    });
  },
});

function post(body: unknown, headers: Record<string, string> = {}, url = '/api/v1/things') {
  return invoke(endpoint, { method: 'POST', url, query: { version: 'v1' }, body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } });
}

const stored = (principal: string, key: string) =>
  t
    .db()
    .select()
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.principal, principal), eq(idempotencyKeys.key, key)));

beforeEach(() => {
  runs = 0;
  gate = undefined;
});

describe('idempotentWrite()', () => {
  it('without a key, runs every request', async () => {
    const a = await post({ name: 'a' });
    const b = await post({ name: 'a' });
    expect([a.json(), b.json(), runs]).toEqual([{ run: 1, name: 'a' }, { run: 2, name: 'a' }, 2]);
    expect(a.headers['idempotent-replayed']).toBeUndefined();
    expect(a.headers['cache-control']).toBe('no-store');
  });

  it('runs once per key and replays the stored response, headers included, to a retry', async () => {
    const headers = { 'idempotency-key': 'key-replay' };
    const first = await post({ name: 'a' }, headers);
    const retry = await post({ name: 'a' }, headers);
    expect(runs).toBe(1);
    expect([first.status, retry.status, retry.text]).toEqual([201, 201, first.text]);
    expect(retry.headers).toMatchObject({ 'idempotent-replayed': 'true', location: '/things/1', 'content-type': 'application/vnd.test+json; charset=utf-8' });
    const [row] = await stored('alice', 'key-replay');
    expect(row).toMatchObject({ state: 'done', responseStatus: 201, responseBody: first.text });
  });

  it('answers the same key with another body, or on another path, with 422 and runs nothing', async () => {
    const headers = { 'idempotency-key': 'key-reused' };
    await post({ name: 'a' }, headers);
    for (const r of [await post({ name: 'b' }, headers), await post({ name: 'a' }, headers, '/api/v1/other')]) {
      expect(r.status).toBe(422);
      expect(r.json()).toMatchObject({ type: '/problems/idempotency-key-reused', errors: [{ header: 'Idempotency-Key' }] });
    }
    expect(runs).toBe(1);
  });

  it('scopes keys to the caller', async () => {
    const alice = await post({ name: 'a' }, { 'idempotency-key': 'key-shared', 'x-caller': 'alice' });
    const bob = await post({ name: 'a' }, { 'idempotency-key': 'key-shared', 'x-caller': 'bob' });
    expect([alice.json().run, bob.json().run, bob.headers['idempotent-replayed']]).toEqual([1, 2, undefined]);
  });

  it('frees the key when the write fails, so a corrected retry may use it', async () => {
    const headers = { 'idempotency-key': 'key-failed' };
    const failed = await post({ name: 'a', fail: true }, headers);
    expect(failed.status).toBe(422);
    expect(await stored('alice', 'key-failed')).toEqual([]);
    const again = await post({ name: 'a' }, headers);
    expect([again.status, again.headers['idempotent-replayed'], runs]).toEqual([201, undefined, 2]);
  });

  /** Starts a first request whose write stays open (the gate), then a duplicate with the same key. */
  async function concurrentDuplicate() {
    let open!: () => void;
    gate = new Promise((resolve) => (open = resolve));
    const headers = { 'idempotency-key': 'key-concurrent' };
    const first = post({ name: 'a' }, headers);
    while (runs === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const duplicate = post({ name: 'a' }, headers);
    const settledEarly = await Promise.race([duplicate.then(() => true), new Promise((resolve) => setTimeout(() => resolve(false), 300))]);
    open();
    return { settledEarly, first: await first, duplicate: await duplicate, retry: await post({ name: 'a' }, headers) };
  }

  // The claim is part of the write's transaction: the duplicate's claim waits for the first to commit,
  // then finds it done (on PostgreSQL across instances too; PGlite has one connection anyway).
  it('a concurrent duplicate waits for the first and gets its replay; the write ran once', async () => {
    const { settledEarly, first, duplicate, retry } = await concurrentDuplicate();
    expect(settledEarly).toBe(false);
    expect([first.status, duplicate.status, duplicate.headers['idempotent-replayed'], duplicate.text, runs]).toEqual([201, 201, 'true', first.text, 1]);
    expect([retry.status, retry.headers['idempotent-replayed'], retry.text]).toEqual([201, 'true', first.text]);
  });

  it('no claim exists before the write commits, and a claim an older release left running is taken over once abandoned', async () => {
    let open!: () => void;
    gate = new Promise((resolve) => (open = resolve));
    const first = post({ name: 'a' }, { 'idempotency-key': 'key-in-tx' });
    while (runs === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    if (process.env.TEST_DATABASE_URL) expect(await stored('alice', 'key-in-tx')).toEqual([]);
    open();
    expect((await first).status).toBe(201);
    // An older release claimed before its transaction; its process died and left the row `running`.
    await t.db().insert(idempotencyKeys).values({ principal: 'alice', key: 'key-legacy', requestHash: 'x', state: 'running' });
    const hash = (await t.db().select().from(idempotencyKeys).where(eq(idempotencyKeys.key, 'key-in-tx')))[0]!.requestHash;
    await t.db().update(idempotencyKeys).set({ requestHash: hash }).where(eq(idempotencyKeys.key, 'key-legacy'));
    const young = await post({ name: 'a' }, { 'idempotency-key': 'key-legacy' });
    expect([young.status, young.json().type]).toEqual([409, '/problems/idempotency-in-progress']);
    await t
      .db()
      .update(idempotencyKeys)
      .set({ createdAt: new Date(Date.now() - 60_000) })
      .where(eq(idempotencyKeys.key, 'key-legacy'));
    const taken = await post({ name: 'a' }, { 'idempotency-key': 'key-legacy' });
    expect([taken.status, taken.headers['idempotent-replayed']]).toEqual([201, undefined]);
    expect(await stored('alice', 'key-legacy')).toEqual([expect.objectContaining({ state: 'done', responseStatus: 201 })]);
  });

  it.each([['has space'], ['x'.repeat(256)], ['clé'], ['']])('answers a malformed key %j with 400 and runs nothing', async (key) => {
    const r = await post({ name: 'a' }, { 'idempotency-key': key });
    expect([r.status, r.json().errors, runs]).toEqual([400, [{ header: 'Idempotency-Key', detail: 'must be 1-255 visible ASCII characters' }], 0]);
  });

  it('accepts a 255-character key', async () => {
    expect((await post({ name: 'a' }, { 'idempotency-key': 'k'.repeat(255) })).status).toBe(201);
  });
});
