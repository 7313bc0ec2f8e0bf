import { Client } from 'pg';
import { lockOutbox } from '../db/outbox';
import { useTestDatabase } from '../test/db';
import { toApiError } from './problem';

const { db } = useTestDatabase();

describe('toApiError for lock waits', () => {
  it('answers 503 with Retry-After and a reason when a write waited too long for a lock (55P03)', () => {
    const driver = Object.assign(new Error('canceling statement due to lock timeout'), { code: '55P03' });
    const wrapped = Object.assign(new Error('Failed query: select last_id from outbox_head'), { cause: driver });
    const err = toApiError(wrapped);
    expect([err.status, err.headers?.['Retry-After']]).toEqual([503, '1']);
    expect(err.detail).toMatch(/Other writes are in progress/);
  });

  (process.env.TEST_DATABASE_URL ? it : it.skip)('on PostgreSQL: a write queued behind the outbox head past its SET LOCAL lock_timeout is that 503', async () => {
    const url = process.env.DATABASE_URL!;
    const holder = new Client({ connectionString: url });
    await holder.connect();
    try {
      await holder.query('begin');
      await holder.query('select last_id from outbox_head where id = 1 for update');
      const started = Date.now();
      const thrown = await db()
        .transaction((tx) => lockOutbox(tx, 200))
        .catch((e: unknown) => e);
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(toApiError(thrown).status).toBe(503);
      expect(toApiError(thrown).detail).toMatch(/waited too long/);
    } finally {
      await holder.query('rollback').catch(() => {});
      await holder.end();
    }
  });
});
