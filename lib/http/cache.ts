import { LRUCache } from 'lru-cache';
import { onCommittedEvent } from '../events/bus';
import type { Prepared } from './conditional';

/**
 * Hot reads skip the database: prepared responses (JSON, ETag, headers) keyed by version, path,
 * query, representation and visibility. One generation counter, bumped by every committed outbox
 * event (local writes at once, other instances through LISTEN/NOTIFY), retires every entry at once:
 * a response computed before a write can never be served after it.
 */
interface Entry {
  generation: number;
  prepared: Prepared;
}

interface CacheState {
  generation: number;
  entries: LRUCache<string, Entry>;
  pending: Map<string, Promise<Prepared>>;
  unsubscribe?: () => void;
}

const g = globalThis as typeof globalThis & { __shiplogCache?: CacheState };

function state(): CacheState {
  if (!g.__shiplogCache) {
    const s: CacheState = {
      generation: 0,
      entries: new LRUCache<string, Entry>({ max: 2_000, maxSize: 64 * 1024 * 1024, sizeCalculation: (e) => e.prepared.json.length + 256 }),
      pending: new Map(),
    };
    s.unsubscribe = onCommittedEvent(() => {
      s.generation++;
      s.pending.clear();
    });
    g.__shiplogCache = s;
  }
  return g.__shiplogCache;
}

export function cacheGeneration(): number {
  return state().generation;
}

/** Returns the cached response for `key`, or produces, stores and returns it (one producer per key at a time). */
export async function cachedResponse(key: string, produce: () => Promise<Prepared>): Promise<Prepared> {
  const s = state();
  const generation = s.generation;
  const hit = s.entries.get(key);
  if (hit && hit.generation === generation) return hit.prepared;
  const inflight = s.pending.get(key);
  if (inflight) return inflight;
  const work = produce().then(
    (prepared) => {
      if (s.pending.get(key) === work) s.pending.delete(key);
      // Stored only if nothing was committed while it was computed.
      if (s.generation === generation) s.entries.set(key, { generation, prepared });
      return prepared;
    },
    (err) => {
      if (s.pending.get(key) === work) s.pending.delete(key);
      throw err;
    },
  );
  s.pending.set(key, work);
  return work;
}
