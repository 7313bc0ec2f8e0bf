/**
 * In-process fan-out of committed outbox events. The database layer feeds it from Postgres/PGlite
 * LISTEN (so events written by any instance arrive), and local writes feed it right after commit
 * (read-your-writes without waiting for the notification).
 */
type Listener = (eventId: number | undefined) => void;

const g = globalThis as typeof globalThis & { __shiplogBus?: Set<Listener> };
const listeners = (g.__shiplogBus ??= new Set<Listener>());

export function onCommittedEvent(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** `undefined` means "something may have changed" (a reconnect, a local write). */
export function dispatchCommitted(eventId?: number): void {
  for (const listener of listeners) {
    try {
      listener(eventId);
    } catch {
      /* one listener's failure must not stop the others */
    }
  }
}
