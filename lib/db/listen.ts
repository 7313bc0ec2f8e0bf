import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { dispatchCommitted } from '../events/bus';
import { log } from '../log';

/** The NOTIFY channel every committed outbox event is announced on. */
export const EVENTS_CHANNEL = 'shiplog_events';

/** How often a LISTEN connection proves, with a NOTIFY of its own, that notifications still arrive. */
const PROOF_EVERY_MS = 10_000;
/** How long a proof NOTIFY may take to come back before LISTEN counts as absent. */
const PROOF_WAIT_MS = 3_000;
/** After a failed proof (a transaction pooler delivers nothing), how long until LISTEN is tried again. */
const RETRY_ABSENT_MS = 60_000;
const PROBE_PREFIX = 'probe:';

const g = globalThis as typeof globalThis & { __shiplogListen?: { proven: boolean } };
const status = (g.__shiplogListen ??= { proven: false });

/**
 * True while this process's LISTEN connection has proven (with a NOTIFY sent through the pool, as
 * writes send theirs) that other sessions' notifications reach it. LISTEN is an accelerator only:
 * the response cache checks the outbox head at least once a second whatever this says, and the live
 * stream polls the outbox faster while it is false.
 */
export function listenProven(): boolean {
  return status.proven;
}

function setProven(proven: boolean): void {
  if (status.proven === proven) return;
  status.proven = proven;
  // Losing LISTEN may have lost notifications: everything cached is suspect at once.
  if (!proven) dispatchCommitted(undefined);
}

/**
 * Feeds committed outbox events from every instance into this process (cache invalidation, live
 * stream): Postgres LISTEN on a dedicated connection that reconnects by itself. The connection counts
 * only once a NOTIFY sent through `notify` (the request pool: through the same pooler writes use)
 * came back on it; that proof is repeated every 10 s, and one that fails cuts the connection. Behind
 * a transaction pooler without DATABASE_DIRECT_URL the proof never succeeds: LISTEN is then absent
 * (logged once) and retried every minute. After a reconnect an `undefined` event says "you may have
 * missed some".
 */
export function listenPostgres(url: string, notify: (payload: string) => Promise<void>): () => Promise<void> {
  let client: Client | undefined;
  let stopped = false;
  let delay = 500;
  let warnedAbsent = false;
  const waiting = new Map<string, () => void>();

  const prove = async (c: Client): Promise<boolean> => {
    const token = `${PROBE_PREFIX}${randomBytes(9).toString('base64url')}`;
    const arrived = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        waiting.delete(token);
        resolve(false);
      }, PROOF_WAIT_MS);
      timer.unref();
      waiting.set(token, () => {
        clearTimeout(timer);
        waiting.delete(token);
        resolve(true);
      });
    });
    try {
      await notify(token);
    } catch (err) {
      log().warn({ err: (err as Error).message }, 'could not send the LISTEN proof NOTIFY');
      waiting.get(token)?.();
      return false;
    }
    return (await arrived) && client === c;
  };

  const cut = (c: Client) => (c as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();

  const proofTimer = setInterval(() => {
    const c = client;
    if (!c || stopped) return;
    void prove(c).then((ok) => {
      if (client !== c || stopped) return;
      if (ok) return setProven(true);
      log().warn('LISTEN connection stopped delivering notifications; reconnecting');
      setProven(false);
      cut(c);
    });
  }, PROOF_EVERY_MS);
  proofTimer.unref();

  const connect = async () => {
    if (stopped) return;
    const c = new Client({ connectionString: url, connectionTimeoutMillis: 5_000, keepAlive: true });
    c.on('notification', (msg) => {
      if (msg.channel !== EVENTS_CHANNEL) return;
      const payload = msg.payload ?? '';
      if (payload.startsWith(PROBE_PREFIX)) return waiting.get(payload)?.();
      dispatchCommitted(Number(payload) || undefined);
    });
    c.on('error', (err) => log().warn({ err: err.message }, 'LISTEN connection failed'));
    c.on('end', () => {
      if (client === c && !stopped) {
        client = undefined;
        setProven(false);
        setTimeout(() => void connect(), delay).unref();
      }
    });
    try {
      await c.connect();
      await c.query(`listen ${EVENTS_CHANNEL}`);
      client = c;
      if (!(await prove(c))) {
        if (client !== c) return; // ended meanwhile: `end` reconnects
        client = undefined;
        setProven(false);
        if (!warnedAbsent) {
          warnedAbsent = true;
          log().warn(
            'LISTEN receives no notifications (DATABASE_URL is probably a transaction pooler; set DATABASE_DIRECT_URL to a direct connection): ' +
              "other instances' changes reach this one by polling, within about a second",
          );
        }
        await c.end().catch(() => {});
        if (!stopped) setTimeout(() => void connect(), RETRY_ABSENT_MS).unref();
        return;
      }
      delay = 500;
      warnedAbsent = false;
      setProven(true);
      dispatchCommitted(undefined);
    } catch (err) {
      log().warn({ err: (err as Error).message }, 'LISTEN connection could not be opened; retrying');
      if (client === c) client = undefined;
      setProven(false);
      await c.end().catch(() => {});
      delay = Math.min(delay * 2, 10_000);
      if (!stopped) setTimeout(() => void connect(), delay).unref();
    }
  };
  void connect();
  return async () => {
    stopped = true;
    clearInterval(proofTimer);
    setProven(false);
    const c = client;
    client = undefined;
    await c?.end().catch(() => {});
  };
}

/** PGlite delivers NOTIFY to listeners in the same process (one process owns the database). */
export async function listenPglite(client: { listen(channel: string, cb: (payload: string) => void): Promise<() => Promise<void>> }): Promise<() => Promise<void>> {
  const unlisten = await client.listen(EVENTS_CHANNEL, (payload) => dispatchCommitted(Number(payload) || undefined));
  status.proven = true;
  return unlisten;
}
