import { Client } from 'pg';
import { dispatchCommitted } from '../events/bus';
import { log } from '../log';
import { EVENTS_CHANNEL } from './outbox';

/**
 * Feeds committed outbox events from every instance into this process (cache invalidation, live
 * stream): Postgres LISTEN on a dedicated connection that reconnects by itself. After a reconnect an
 * `undefined` event says "you may have missed some".
 */
export function listenPostgres(url: string): () => Promise<void> {
  let client: Client | undefined;
  let stopped = false;
  let delay = 500;
  const connect = async () => {
    if (stopped) return;
    const c = new Client({ connectionString: url });
    c.on('notification', (msg) => {
      if (msg.channel === EVENTS_CHANNEL) dispatchCommitted(Number(msg.payload) || undefined);
    });
    c.on('error', (err) => log().warn({ err: err.message }, 'LISTEN connection failed'));
    c.on('end', () => {
      if (client === c && !stopped) setTimeout(() => void connect(), delay).unref();
    });
    try {
      await c.connect();
      await c.query(`listen ${EVENTS_CHANNEL}`);
      client = c;
      delay = 500;
      dispatchCommitted(undefined);
    } catch (err) {
      log().warn({ err: (err as Error).message }, 'LISTEN connection could not be opened; retrying');
      await c.end().catch(() => {});
      delay = Math.min(delay * 2, 10_000);
      setTimeout(() => void connect(), delay).unref();
    }
  };
  void connect();
  return async () => {
    stopped = true;
    await client?.end().catch(() => {});
  };
}

/** PGlite delivers NOTIFY to listeners in the same process. */
export async function listenPglite(client: { listen(channel: string, cb: (payload: string) => void): Promise<() => Promise<void>> }): Promise<() => Promise<void>> {
  return client.listen(EVENTS_CHANNEL, (payload) => dispatchCommitted(Number(payload) || undefined));
}
