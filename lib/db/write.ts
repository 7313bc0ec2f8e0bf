import { dispatchCommitted, noteCommitted } from '../events/bus';
import { getDb, writeLockTimeoutMs, type Tx } from './index';
import { lockOutbox } from './outbox';

/**
 * Every write goes through here: one transaction (the change and its outbox event commit together),
 * holding the outbox head from its first statement (see `lockOutbox`; a server's write waits for
 * locks at most `writeLockTimeoutMs`),
 * then local listeners (the response cache) hear of it at once, before the response is sent, and the
 * request is marked as having committed (its route regenerates the affected pages after answering).
 */
export async function write<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
  const db = await getDb();
  const result = await db.transaction(async (tx) => {
    await lockOutbox(tx, writeLockTimeoutMs());
    return work(tx);
  });
  noteCommitted();
  dispatchCommitted();
  return result;
}
