import type { IncomingMessage } from 'node:http';
import { LRUCache } from 'lru-cache';
import { outboxHeadFresh } from '../db/head';
import { onCommittedEvent } from '../events/bus';
import type { Prepared } from './conditional';

/**
 * Hot reads skip the database: prepared responses (JSON, ETag, headers) keyed by version, path,
 * query, representation and visibility. One generation counter, bumped by every committed outbox
 * event, retires every entry at once: local writes bump it at once (a response computed before a
 * write is never served after it), other instances' writes through LISTEN/NOTIFY when it works and,
 * whatever happens to LISTEN, through the outbox head read at most once a second (`outboxHeadFresh`):
 * nothing served from here is more than about a second behind the database.
 */
interface Entry {
  generation: number;
  prepared: Prepared;
}

interface CacheState {
  generation: number;
  entries: LRUCache<string, Entry>;
  /** Small derived values (collection totals) under the same generation rule. */
  values: LRUCache<string, { generation: number; value: number }>;
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
      values: new LRUCache({ max: 1_000 }),
    };
    s.unsubscribe = onCommittedEvent(() => {
      s.generation++;
      s.pending.clear();
    });
    g.__shiplogCache = s;
  }
  return g.__shiplogCache;
}

/**
 * A request that says `Cache-Control: no-cache` (or `Pragma: no-cache`) wants an answer computed now:
 * it skips the stored response (and stored totals), and what it computes is stored for the next.
 */
export function wantsFresh(req: IncomingMessage): boolean {
  const cc = req.headers['cache-control'];
  if (cc) return /(?:^|,)\s*no-cache\s*(?:,|$)/i.test(cc);
  return /no-cache/i.test(String(req.headers.pragma ?? ''));
}

/**
 * Returns the cached response for `key`, or produces, stores and returns it (one producer per key at
 * a time). `req` asking for a fresh answer (`wantsFresh`) always produces.
 */
export async function cachedResponse(req: IncomingMessage, key: string, produce: () => Promise<Prepared>): Promise<Prepared> {
  const s = state();
  const checking = outboxHeadFresh();
  if (checking) await checking;
  const generation = s.generation;
  const fresh = wantsFresh(req);
  const hit = fresh ? undefined : s.entries.get(key);
  if (hit && hit.generation === generation) return hit.prepared;
  const inflight = fresh ? undefined : s.pending.get(key);
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
  if (!fresh) s.pending.set(key, work);
  return work;
}

/**
 * A number derived from the data (a collection's total for `X-Total-Count`), computed once per
 * generation: the same filters give the same total on every page of a listing, whatever the offset.
 */
export async function cachedCount(key: string, produce: () => Promise<number>, fresh = false): Promise<number> {
  const s = state();
  const checking = fresh ? undefined : outboxHeadFresh();
  if (checking) await checking;
  const generation = s.generation;
  const hit = fresh ? undefined : s.values.get(key);
  if (hit && hit.generation === generation) return hit.value;
  const value = await produce();
  if (s.generation === generation) s.values.set(key, { generation, value });
  return value;
}
