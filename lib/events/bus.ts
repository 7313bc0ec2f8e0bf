import { AsyncLocalStorage } from 'node:async_hooks';
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

/**
 * Which request a commit happened in: the route wrapper opens a scope per request, `write` marks it,
 * and after the handler the route regenerates the affected pages (see lib/site/revalidation-cursor.ts).
 */
export interface CommitScope {
  committed: boolean;
}

const gs = globalThis as typeof globalThis & { __shiplogCommitScope?: AsyncLocalStorage<CommitScope> };
const scopes = (gs.__shiplogCommitScope ??= new AsyncLocalStorage<CommitScope>());

export function withCommitScope<T>(scope: CommitScope, work: () => T): T {
  return scopes.run(scope, work);
}

/** Called by `write` after its transaction committed. */
export function noteCommitted(): void {
  const scope = scopes.getStore();
  if (scope) scope.committed = true;
}
