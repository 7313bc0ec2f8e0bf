import { asc, sql } from 'drizzle-orm';
import { useTestDatabase } from '../test/db';
import { emit } from './outbox';
import { events } from './schema';
import { write } from './write';

const t = useTestDatabase();

const ids = async () => (await t.db().select({ id: events.id }).from(events).orderBy(asc(events.id))).map((r) => r.id);
const contiguous = (list: number[]) => list.every((id, i) => id === i + 1);

describe('the outbox', () => {
  it('gives a rolled-back write its id back: ids stay 1..N with no gap', async () => {
    await write((tx) => emit(tx, { type: 'token.created', projectId: null, payload: { n: 1 } }));
    await expect(
      write(async (tx) => {
        await emit(tx, { type: 'token.created', projectId: null, payload: { n: 'rolled back' } });
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    const third = await write((tx) => emit(tx, { type: 'token.created', projectId: null, payload: { n: 2 } }));
    expect(third).toBe(2);
    expect(await ids()).toEqual([1, 2]);
  });

  it('hands out ids in commit order to concurrent writers, with no gap and no duplicate', async () => {
    const before = (await ids()).length;
    const committed: number[] = [];
    // Writers that take different times between their event and their commit: with a sequence, a slow
    // writer's smaller id would commit after a fast writer's larger one (a reader at "max id" skips it).
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        write(async (tx) => {
          const id = await emit(tx, { type: 'token.created', projectId: null, payload: { i } });
          await tx.execute(sql`select pg_sleep(${(i % 4) * 0.002})`);
          return id;
        }).then((id) => committed.push(id)),
      ),
    );
    expect(committed).toEqual([...committed].sort((a, b) => a - b));
    const all = await ids();
    expect(all).toHaveLength(before + 40);
    expect(contiguous(all)).toBe(true);
  });
});
