import { Client } from 'pg';
import { useTestDatabase } from '../test/db';
import { toApiError } from './problem';

useTestDatabase();

describe('toApiError for lock waits', () => {
  it('answers 503 with Retry-After and a reason when a write waited too long for a lock (55P03)', () => {
    const driver = Object.assign(new Error('canceling statement due to lock timeout'), { code: '55P03' });
    const wrapped = Object.assign(new Error('Failed query: select last_id from outbox_head'), { cause: driver });
    const err = toApiError(wrapped);
    expect([err.status, err.headers?.['Retry-After']]).toEqual([503, '1']);
    expect(err.detail).toMatch(/Other writes are in progress/);
  });

  (process.env.TEST_DATABASE_URL ? it : it.skip)('on PostgreSQL: a write queued behind the outbox head past lock_timeout is that 503', async () => {
    const url = process.env.DATABASE_URL!;
    const holder = new Client({ connectionString: url });
    const waiter = new Client({ connectionString: url, lock_timeout: 200 });
    await holder.connect();
    await waiter.connect();
    try {
      await holder.query('begin');
      await holder.query('select last_id from outbox_head where id = 1 for update');
      const thrown = await waiter.query('select last_id from outbox_head where id = 1 for update').catch((e: unknown) => e);
      expect(toApiError(thrown).status).toBe(503);
      expect(toApiError(thrown).detail).toMatch(/waited too long/);
    } finally {
      await holder.query('rollback').catch(() => {});
      await holder.end();
      await waiter.end();
    }
  });
});
