import { Client } from 'pg';
import { dispatchCommitted } from '../events/bus';
import { log } from '../log';
import { EVENTS_CHANNEL } from './outbox';

const LIVENESS_MS = 10_000;

/**
 * Feeds committed outbox events from every instance into this process (cache invalidation, live
 * stream): Postgres LISTEN on a dedicated connection that reconnects by itself. After a reconnect an
 * `undefined` event says "you may have missed some".
 */
export function listenPostgres(url: string): () => Promise<void> {
  let client: Client | undefined;
  let stopped = false;
  let delay = 500;
  // A partitioned connection fails nothing by itself: it just goes quiet. A cheap query on a timer
  // proves it alive; one that does not answer in time cuts it, and the reconnect below takes over.
  const liveness = setInterval(() => {
    const c = client;
    if (!c || stopped) return;
    c.query({ text: 'select 1', query_timeout: 5_000 } as { text: string }).catch((err: Error) => {
      if (client !== c || stopped) return;
      log().warn({ err: err.message }, 'LISTEN connection stopped answering; reconnecting');
      (c as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
    });
  }, LIVENESS_MS);
  liveness.unref();
  const connect = async () => {
    if (stopped) return;
    const c = new Client({ connectionString: url, connectionTimeoutMillis: 5_000, keepAlive: true });
    c.on('notification', (msg) => {
      if (msg.channel === EVENTS_CHANNEL) dispatchCommitted(Number(msg.payload) || undefined);
    });
    c.on('error', (err) => log().warn({ err: err.message }, 'LISTEN connection failed'));
    c.on('end', () => {
      if (client === c && !stopped) {
        client = undefined;
        setTimeout(() => void connect(), delay).unref();
      }
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
    clearInterval(liveness);
    await client?.end().catch(() => {});
  };
}

/** PGlite delivers NOTIFY to listeners in the same process. */
export async function listenPglite(client: { listen(channel: string, cb: (payload: string) => void): Promise<() => Promise<void>> }): Promise<() => Promise<void>> {
  return client.listen(EVENTS_CHANNEL, (payload) => dispatchCommitted(Number(payload) || undefined));
}
