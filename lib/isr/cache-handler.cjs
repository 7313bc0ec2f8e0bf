// @ts-check
/**
 * The page cache every instance shares (Next.js `cacheHandler`, see next.config.js): regenerated pages
 * live in the database (table `isr_cache`, migration 0007) or, when REDIS_URL is set, in Redis. A page
 * regenerated on one instance (`res.revalidate` after a write, or a stale page refreshed in the
 * background) is served by every instance, within FRESH_MS.
 *
 * Next.js loads this file itself, outside the webpack bundle, under `next start`: it is plain CommonJS
 * and reads its settings straight from the environment (lib/config.ts validates the same variables at
 * start). It never opens the embedded database: next.config.js installs it only when DATABASE_URL is set.
 *
 * - Entries are per build (BUILD_ID): HTML names its build's scripts, so a build never serves another's.
 *   An on-demand revalidation (the data changed) drops the other builds' copies of that page, so during
 *   a rolling deploy the old and the new build each render a changed page once, then serve it.
 * - Each instance keeps what it read for FRESH_MS and then asks the store whether the entry changed
 *   (one small query per page and second; the page body travels only when it changed).
 * - When the store cannot be reached, an instance keeps serving what it has and renders what it lacks.
 * - Redis keys are prefixed with an id stored in the database (site_state), so two databases sharing
 *   one Redis never see each other's pages: a restart on another database never serves a page that an
 *   earlier process wrote for the first.
 */
const fs = require('node:fs');
const path = require('node:path');
const { LRUCache } = require('lru-cache');

/** How long an instance serves an entry before asking the store whether it changed (SHIPLOG_ISR_FRESH_MS). */
const FRESH_MS = Number(process.env.SHIPLOG_ISR_FRESH_MS) > 0 ? Number(process.env.SHIPLOG_ISR_FRESH_MS) : 1_000;
/** Rows of builds that stopped writing this long ago are removed. */
const OLD_BUILD_DAYS = 7;
const REVALIDATE_HEADER = 'x-prerender-revalidate';

/** @typedef {{ lastModified: number, value: unknown, tags: string[], size: number, checkedAt: number }} Held */
/** @typedef {{ lastModified: number, json: string | null, tags: string[] } | null} Stored */
/**
 * @typedef {object} Store
 * @property {string} name
 * @property {(key: string, knownLastModified: number | undefined) => Promise<Stored | 'unchanged'>} get
 * @property {(key: string, json: string | null, lastModified: number, tags: string[], dropOtherBuilds: boolean) => Promise<void>} set
 * @property {(tags: string[]) => Promise<void>} dropTags
 */

// ---- Values: Next.js cache entries are JSON, except Buffers and Maps (App Router kinds) -------------

/** @param {string} _key @param {unknown} value */
function replacer(_key, value) {
  if (value instanceof Map) return { __shiplogMap: [...value.entries()] };
  if (value && typeof value === 'object' && /** @type {{type?: unknown}} */ (value).type === 'Buffer' && Array.isArray(/** @type {{data?: unknown}} */ (value).data)) {
    return { __shiplogBuffer: Buffer.from(/** @type {{data: number[]}} */ (value).data).toString('base64') };
  }
  return value;
}

/** @param {string} _key @param {any} value */
function reviver(_key, value) {
  if (value && typeof value === 'object') {
    if (typeof value.__shiplogBuffer === 'string') return Buffer.from(value.__shiplogBuffer, 'base64');
    if (Array.isArray(value.__shiplogMap)) return new Map(value.__shiplogMap);
  }
  return value;
}

/** @param {unknown} data */
const serialize = (data) => (data == null ? null : JSON.stringify(data, replacer));
/** @param {string | null} json */
const deserialize = (json) => (json == null ? null : JSON.parse(json, reviver));

/** Tags Next.js attached to an entry (App Router; pages carry none) plus the ones it passed in. */
function tagsOf(/** @type {any} */ data, /** @type {any} */ ctx) {
  const tags = new Set(Array.isArray(ctx?.tags) ? ctx.tags : []);
  const header = data?.headers?.['x-next-cache-tags'];
  if (typeof header === 'string') for (const t of header.split(',')) if (t) tags.add(t);
  return [...tags];
}

// ---- Stores ----------------------------------------------------------------------------------------

/** @param {string} url @param {string} buildId @returns {Store} */
function postgresStore(url, buildId) {
  const { Pool } = require('pg');
  // A small pool of its own: page reads must not wait behind API requests, and vice versa.
  const pool = new Pool({ connectionString: url, max: 3, connectionTimeoutMillis: 5_000, query_timeout: 5_000, idleTimeoutMillis: 30_000, keepAlive: true });
  pool.on('error', () => {});
  let swept = false;
  return {
    name: 'postgres',
    async get(key, known) {
      const { rows } = await pool.query(
        `select last_modified, tags, case when last_modified is distinct from $3::bigint then value end as value
           from isr_cache where build_id = $1 and key = $2`,
        [buildId, key, known ?? null],
      );
      const row = rows[0];
      if (!row) return null;
      const lastModified = Number(row.last_modified);
      if (known !== undefined && lastModified === known) return 'unchanged';
      return { lastModified, json: row.value, tags: row.tags ?? [] };
    },
    async set(key, json, lastModified, tags, dropOtherBuilds) {
      await pool.query(
        `with dropped as (delete from isr_cache where $5::boolean and key = $2 and build_id <> $1)
         insert into isr_cache (build_id, key, value, last_modified, tags, updated_at) values ($1, $2, $3, $4, $6, now())
         on conflict (build_id, key) do update set value = excluded.value, last_modified = excluded.last_modified,
           tags = excluded.tags, updated_at = now()
         where isr_cache.last_modified <= excluded.last_modified`,
        [buildId, key, json, lastModified, dropOtherBuilds, tags],
      );
      if (!swept) {
        swept = true;
        await pool.query(`delete from isr_cache where build_id <> $1 and updated_at < now() - make_interval(days => $2)`, [buildId, OLD_BUILD_DAYS]);
      }
    },
    async dropTags(tags) {
      await pool.query('delete from isr_cache where tags && $1::text[]', [tags]);
    },
  };
}

/** @param {string} redisUrl @param {string} databaseUrl @param {string} buildId @returns {Store} */
function redisStore(redisUrl, databaseUrl, buildId) {
  const Redis = require('ioredis');
  const redis = new Redis(redisUrl, { lazyConnect: false, maxRetriesPerRequest: 1, connectTimeout: 5_000, enableOfflineQueue: true });
  redis.on('error', () => {});
  const TTL_SECONDS = OLD_BUILD_DAYS * 24 * 3600;
  /** @type {Promise<string> | undefined} */
  let prefixPromise;
  // The database's own id (kept in site_state): Redis entries belong to one database.
  const prefix = () =>
    (prefixPromise ??= (async () => {
      const { Client } = require('pg');
      const client = new Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5_000 });
      await client.connect();
      try {
        const { rows } = await client.query(
          `with made as (
             insert into site_state (key, value) values ('isr_namespace', to_jsonb(md5(random()::text || clock_timestamp()::text)))
             on conflict (key) do nothing returning value)
           select value #>> '{}' as id from made union all select value #>> '{}' from site_state where key = 'isr_namespace' limit 1`,
        );
        return `shiplog:isr:${rows[0].id}:`;
      } finally {
        await client.end().catch(() => {});
      }
    })().catch((err) => {
      prefixPromise = undefined;
      throw err;
    }));
  return {
    name: 'redis',
    async get(key, known) {
      const k = (await prefix()) + key;
      const [lm, tags] = await redis.hmget(k, `${buildId}:lm`, `${buildId}:tags`);
      if (lm == null) return null;
      const lastModified = Number(lm);
      if (known !== undefined && lastModified === known) return 'unchanged';
      const json = await redis.hget(k, `${buildId}:v`);
      return { lastModified, json: json === '\u0000' ? null : json, tags: tags ? JSON.parse(tags) : [] };
    },
    async set(key, json, lastModified, tags, dropOtherBuilds) {
      const p = await prefix();
      const k = p + key;
      const tx = redis.multi();
      if (dropOtherBuilds) tx.del(k);
      tx.hset(k, `${buildId}:lm`, String(lastModified), `${buildId}:v`, json ?? '\u0000', `${buildId}:tags`, JSON.stringify(tags));
      tx.expire(k, TTL_SECONDS);
      for (const tag of tags) {
        tx.sadd(`${p}tag:${tag}`, key);
        tx.expire(`${p}tag:${tag}`, TTL_SECONDS);
      }
      await tx.exec();
    },
    async dropTags(tags) {
      const p = await prefix();
      for (const tag of tags) {
        const keys = await redis.smembers(`${p}tag:${tag}`);
        if (keys.length) await redis.del(...keys.map((key) => p + key));
        await redis.del(`${p}tag:${tag}`);
      }
    },
  };
}

// ---- Process-wide state (Next.js makes one handler per request) -------------------------------------

/** @type {{ store?: Store, buildId?: string, memory?: LRUCache<string, Held>, reading: Map<string, Promise<Held | null>>, warned: number }} */
const state = { reading: new Map(), warned: 0 };

/** @param {string | undefined} serverDistDir */
function readBuildId(serverDistDir) {
  try {
    if (serverDistDir) return fs.readFileSync(path.join(serverDistDir, '..', 'BUILD_ID'), 'utf8').trim();
  } catch {
    /* fall through */
  }
  return 'unknown';
}

/** @param {string | undefined} serverDistDir */
function init(serverDistDir) {
  if (state.store) return state.store;
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) throw new Error('the shared page cache needs DATABASE_URL (next.config.js installs it only then)');
  const buildId = readBuildId(serverDistDir);
  state.buildId = buildId;
  state.memory = new LRUCache({ maxSize: 64 * 1024 * 1024, sizeCalculation: (held) => Math.max(1, held.size) });
  state.store = process.env.REDIS_URL ? redisStore(process.env.REDIS_URL, databaseUrl, buildId) : postgresStore(databaseUrl, buildId);
  return state.store;
}

/** One line per minute at most: a store that is down would otherwise log on every page view. */
function warn(/** @type {string} */ what, /** @type {unknown} */ err) {
  const now = Date.now();
  if (now - state.warned < 60_000) return;
  state.warned = now;
  console.warn(`[shiplog] shared page cache (${state.store?.name}): ${what}: ${err instanceof Error ? err.message : String(err)}; serving what this instance holds`);
}

class ShiplogCacheHandler {
  /** @param {{ serverDistDir?: string, _requestHeaders?: Record<string, string | string[] | undefined> }} ctx */
  constructor(ctx) {
    this.store = init(ctx.serverDistDir);
    // Next.js makes a handler per request; an on-demand revalidation (`res.revalidate`) carries this header.
    this.onDemand = Boolean(ctx._requestHeaders?.[REVALIDATE_HEADER]);
  }

  /** @param {string} key */
  async get(key) {
    const memory = /** @type {LRUCache<string, Held>} */ (state.memory);
    const held = memory.get(key);
    if (held && Date.now() - held.checkedAt < FRESH_MS) return { lastModified: held.lastModified, value: held.value };
    let reading = state.reading.get(key);
    if (!reading) {
      reading = this.read(key, held).finally(() => state.reading.delete(key));
      state.reading.set(key, reading);
    }
    const got = await reading;
    return got ? { lastModified: got.lastModified, value: got.value } : null;
  }

  /** @param {string} key @param {Held | undefined} held @returns {Promise<Held | null>} */
  async read(key, held) {
    const memory = /** @type {LRUCache<string, Held>} */ (state.memory);
    const checkedAt = Date.now();
    try {
      const stored = await this.store.get(key, held?.lastModified);
      if (stored === 'unchanged' && held) {
        held.checkedAt = checkedAt;
        return held;
      }
      if (!stored || stored === 'unchanged') {
        memory.delete(key);
        return null;
      }
      const next = { lastModified: stored.lastModified, value: deserialize(stored.json), tags: stored.tags, size: stored.json?.length ?? 0, checkedAt };
      memory.set(key, next);
      return next;
    } catch (err) {
      warn('read failed', err);
      return held ?? null;
    }
  }

  /** @param {string} key @param {unknown} data @param {unknown} ctx */
  async set(key, data, ctx) {
    const memory = /** @type {LRUCache<string, Held>} */ (state.memory);
    const lastModified = Date.now();
    const json = serialize(data);
    const tags = tagsOf(data, ctx);
    memory.set(key, { lastModified, value: data, tags, size: json?.length ?? 0, checkedAt: lastModified });
    try {
      await this.store.set(key, json, lastModified, tags, this.onDemand);
    } catch (err) {
      warn('write failed', err);
    }
  }

  /** @param {string | string[]} tags */
  async revalidateTag(tags) {
    const list = (Array.isArray(tags) ? tags : [tags]).filter(Boolean);
    if (!list.length) return;
    const memory = /** @type {LRUCache<string, Held>} */ (state.memory);
    for (const [key, held] of memory.entries()) if (held.tags.some((t) => list.includes(t))) memory.delete(key);
    await this.store.dropTags(list);
  }

  resetRequestCache() {}
}

module.exports = ShiplogCacheHandler;
module.exports.default = ShiplogCacheHandler;
