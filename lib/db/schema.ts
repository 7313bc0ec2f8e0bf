import { sql } from 'drizzle-orm';
import { bigint, boolean, check, index, integer, jsonb, pgTable, primaryKey, smallint, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

const timestamps = {
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
};

export const projects = pgTable(
  'projects',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    owner: text('owner').notNull(),
    repo: text('repo').notNull(),
    name: text('name').notNull(),
    description: text('description'),
    homepage: text('homepage'),
    /** Never returned by any API: write-only. */
    webhookSecret: text('webhook_secret'),
    /** The project's secret before its last change, still accepted while GitHub's hook is being updated. */
    webhookSecretPrevious: text('webhook_secret_previous'),
    /** GitHub's `repository.id`: follows renames and transfers (null until a delivery or import names it). */
    githubRepositoryId: bigint('github_repository_id', { mode: 'number' }),
    /**
     * The project's own tag patterns (lib/packages/tags.ts): regular expressions with named groups
     * `version` and optionally `package`, tried before the defaults. Null: the defaults only.
     */
    tagPatterns: jsonb('tag_patterns').$type<string[]>(),
    /** Row version, bumped on every change; drives ETags and If-Match. */
    version: integer('version').notNull().default(1),
    ...timestamps,
  },
  (t) => [uniqueIndex('projects_owner_repo_ci').on(sql`lower(${t.owner})`, sql`lower(${t.repo})`), uniqueIndex('projects_github_repository_id').on(t.githubRepositoryId)],
);

/** Names a project had before a rename: their pages and API URLs answer 308 to the current name. */
export const projectAliases = pgTable(
  'project_aliases',
  {
    owner: text('owner').notNull(),
    repo: text('repo').notNull(),
    projectId: integer('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('project_aliases_owner_repo_ci').on(sql`lower(${t.owner})`, sql`lower(${t.repo})`), index('project_aliases_project').on(t.projectId)],
);

export const releaseSources = ['github', 'manual'] as const;
export type ReleaseSource = (typeof releaseSources)[number];

export const releases = pgTable(
  'releases',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    projectId: integer('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    tag: text('tag').notNull(),
    githubId: bigint('github_id', { mode: 'number' }),
    name: text('name'),
    body: text('body').notNull().default(''),
    bodyHtml: text('body_html').notNull().default(''),
    /**
     * The version of the renderer that made body_html (lib/markdown, MARKDOWN_RENDERER_VERSION): rows made
     * by an older one are rendered again (lib/markdown/refresh.ts). Rows from before this column say 1; the
     * default is the current version (raised with it by a migration), for rows written with their own HTML.
     */
    bodyHtmlRenderer: smallint('body_html_renderer').notNull().default(3),
    publishedAt: timestamp('published_at', { withTimezone: true, mode: 'date' }),
    prerelease: boolean('prerelease').notNull().default(false),
    draft: boolean('draft').notNull().default(false),
    hidden: boolean('hidden').notNull().default(false),
    authorLogin: text('author_login'),
    authorAvatarUrl: text('author_avatar_url'),
    authorUrl: text('author_url'),
    htmlUrl: text('html_url'),
    source: text('source', { enum: releaseSources }).notNull().default('manual'),
    version: integer('version').notNull().default(1),
    /**
     * The newest time evidence of the GitHub payload last applied (repository `updated_at`/`pushed_at`,
     * release `published_at`/`created_at`): a payload with older evidence never overwrites it.
     */
    githubEvidenceAt: timestamp('github_evidence_at', { withTimezone: true, mode: 'date' }),
    /** The package the tag names (lib/packages): null for a single-package tag (`v1.2.3`) or one that names no version. */
    package: text('package'),
    /** The version the tag names, without a leading `v` (`2.0.0-rc.1`); null when it names none. */
    packageVersion: text('package_version'),
    /** A key that sorts in semver order under `collate "C"` (lib/packages/versions.ts); null when the version is not semver. */
    versionKey: text('version_key'),
    /** major, minor, patch, prerelease or other: relative to the package's previous stable release in semver order. */
    level: text('level'),
    /** From `!` in a conventional title, BREAKING CHANGE, or a "Breaking changes" section. */
    breaking: boolean('breaking').notNull().default(false),
    /**
     * Which derivation rules made package … breaking (lib/packages, DERIVATION_VERSION); 0: not derived
     * yet (rows from before these columns, or written by an older release): lib/packages/derive.ts does.
     */
    derived: smallint('derived').notNull().default(0),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('releases_project_tag').on(t.projectId, t.tag),
    // GitHub release ids are one project's (its repository's): another project's secret cannot reach them.
    uniqueIndex('releases_project_github_id').on(t.projectId, t.githubId),
    index('releases_project_published').on(t.projectId, t.publishedAt.desc()),
    index('releases_published').on(t.publishedAt.desc()),
    // Finds notes made by an older renderer (lib/markdown/refresh.ts) without reading every row.
    index('releases_body_html_renderer').on(t.bodyHtmlRenderer, t.id),
    // The order every release list, page, feed and export reads in (publishedAt, falling back to createdAt for drafts).
    index('releases_project_order').on(t.projectId, sql`coalesce(${t.publishedAt}, ${t.createdAt}) desc`, sql`${t.id} desc`),
    index('releases_order').on(sql`coalesce(${t.publishedAt}, ${t.createdAt}) desc`, sql`${t.id} desc`),
    // One package's history in semver order (sort_by=version, compare, levels).
    index('releases_project_package_version').on(t.projectId, t.package, sql`${t.versionKey} collate "C"`, t.id),
    // Rows still to derive (lib/packages/derive.ts), per project.
    index('releases_derived').on(t.derived, t.projectId),
    check('releases_source_check', sql`${t.source} in ('github', 'manual')`),
  ],
);

export const tokenScopes = ['read', 'write', 'admin'] as const;
export type TokenScope = (typeof tokenScopes)[number];

export const apiTokens = pgTable(
  'api_tokens',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    name: text('name').notNull(),
    /** SHA-256 of the secret, hex. The secret itself is shown once and never stored. */
    tokenHash: text('token_hash').notNull(),
    /** First characters of the secret, to recognise a token in lists. */
    prefix: text('prefix').notNull(),
    scopes: text('scopes').array().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [uniqueIndex('api_tokens_hash').on(t.tokenHash)],
);

export const deliveryStatuses = ['processed', 'ignored', 'failed'] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];

export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    guid: text('guid').notNull(),
    event: text('event').notNull(),
    action: text('action'),
    projectId: integer('project_id').references(() => projects.id, { onDelete: 'set null' }),
    receivedAt: timestamp('received_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    status: text('status').notNull(),
    error: text('error'),
    /** What processing did (created, updated, deleted, …): shown in the log and returned on replay. */
    outcome: text('outcome'),
    payload: jsonb('payload').notNull(),
    /** How many more times GitHub (or anyone) sent this delivery id; they are answered `duplicate`. */
    duplicates: integer('duplicates').notNull().default(0),
    replayedAt: timestamp('replayed_at', { withTimezone: true, mode: 'date' }),
    /** SHA-256 of the signed body: the same body under another delivery id is a replay, never applied twice. */
    payloadDigest: text('payload_digest'),
  },
  (t) => [uniqueIndex('webhook_deliveries_guid').on(t.guid), index('webhook_deliveries_received').on(t.receivedAt.desc()), index('webhook_deliveries_digest').on(t.payloadDigest)],
);

/**
 * Append-only outbox. Every write inserts its event in the same transaction; the live stream and
 * page revalidation read from here, so `Last-Event-ID` can resume. Ids come from `outbox_head`, not a
 * sequence: they are gapless (a rolled-back or killed transaction gives its number back) and assigned
 * in commit order (writers hold the head row until they commit), so a reader that has seen id N has
 * seen every event up to N. No foreign key: events outlive the rows they describe.
 */
export const events = pgTable(
  'events',
  {
    id: bigint('id', { mode: 'number' }).primaryKey(),
    type: text('type').notNull(),
    projectId: integer('project_id'),
    payload: jsonb('payload').notNull(),
    /**
     * What the anonymous live stream says for this event, fixed when it is written (so a replayed id
     * always means the same event): `{"event": {...}}`, or `{"event": null}` when anonymous readers are
     * told nothing. NULL on rows written before this column existed (or by an older release).
     */
    publicEvent: jsonb('public_event'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [index('events_project').on(t.projectId, t.id)],
);

/** The outbox's single head row: the last event id handed out. See `events`. */
export const outboxHead = pgTable(
  'outbox_head',
  {
    id: smallint('id').primaryKey().default(1),
    lastId: bigint('last_id', { mode: 'number' }).notNull().default(0),
  },
  (t) => [check('outbox_head_single_row', sql`${t.id} = 1`)],
);

/**
 * How far the pages have been regenerated, for every instance: every outbox event with an id up to
 * `last_id` has had its pages revalidated (contiguously). A drainer claims the row with a lease (taken
 * with `FOR UPDATE SKIP LOCKED`, so two drainers never work on the same range) and advances it only
 * while it holds the lease.
 */
export const revalidationCursor = pgTable(
  'revalidation_cursor',
  {
    id: smallint('id').primaryKey().default(1),
    lastId: bigint('last_id', { mode: 'number' }).notNull().default(0),
    leaseToken: text('lease_token'),
    leaseUntil: timestamp('lease_until', { withTimezone: true, mode: 'date' }),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [check('revalidation_cursor_single_row', sql`${t.id} = 1`)],
);

export type ProjectRow = typeof projects.$inferSelect;
export type ReleaseRow = typeof releases.$inferSelect;
export type ApiTokenRow = typeof apiTokens.$inferSelect;
export type DeliveryRow = typeof webhookDeliveries.$inferSelect;
export type EventRow = typeof events.$inferSelect;

export const reactionContents = ['+1', 'laugh', 'hooray', 'heart', 'rocket', 'eyes'] as const;
export type ReactionContent = (typeof reactionContents)[number];

/** One counter per release and reaction; adding a reaction is an upsert that increments it. */
export const releaseReactions = pgTable(
  'release_reactions',
  {
    releaseId: integer('release_id')
      .notNull()
      .references(() => releases.id, { onDelete: 'cascade' }),
    content: text('content').notNull(),
    count: integer('count').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.releaseId, t.content] })],
);

/**
 * Idempotency-Key records: a POST's first response, replayed for a retry with the same key and body.
 * `requestHash` tells a retry from a different request reusing the key; `state` tells one in flight.
 */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    principal: text('principal').notNull(),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    state: text('state', { enum: ['running', 'done'] }).notNull(),
    responseStatus: integer('response_status'),
    responseHeaders: jsonb('response_headers').$type<Record<string, string>>(),
    responseBody: text('response_body'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('idempotency_keys_principal_key').on(t.principal, t.key), index('idempotency_keys_created').on(t.createdAt)],
);

/**
 * GitHub release ids deleted on GitHub, per project (its repository): a late `published`/`edited` for
 * one of them must not resurrect it, and another project's deliveries cannot tombstone it.
 */
export const releaseTombstones = pgTable(
  'release_tombstones',
  {
    githubId: bigint('github_id', { mode: 'number' }).notNull(),
    projectId: integer('project_id').references(() => projects.id, { onDelete: 'cascade' }),
    tag: text('tag').notNull(),
    deletedAt: timestamp('deleted_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('release_tombstones_project_github').on(t.projectId, t.githubId)],
);

export const importStates = ['queued', 'running', 'succeeded', 'failed', 'rate_limited'] as const;
export type ImportState = (typeof importStates)[number];

/**
 * Backfills from the GitHub REST API. Each page commits together with its progress (`nextUrl`), so
 * an import killed half way resumes where it stopped and never creates a release twice.
 */
export const imports = pgTable(
  'imports',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    projectId: integer('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    state: text('state', { enum: importStates }).notNull().default('queued'),
    pagesDone: integer('pages_done').notNull().default(0),
    /** From GitHub's `Link: rel="last"` when it gives one. */
    pagesTotal: integer('pages_total'),
    created: integer('created').notNull().default(0),
    updated: integer('updated').notNull().default(0),
    skipped: integer('skipped').notNull().default(0),
    errors: jsonb('errors').$type<string[]>().notNull().default([]),
    nextUrl: text('next_url'),
    message: text('message'),
    retryAt: timestamp('retry_at', { withTimezone: true, mode: 'date' }),
    ...timestamps,
    finishedAt: timestamp('finished_at', { withTimezone: true, mode: 'date' }),
    /**
     * Who is advancing the import and until when: a runner claims an unleased (or expired) row with
     * `FOR UPDATE SKIP LOCKED`, renews the lease as it goes and clears it when it stops. A runner that
     * died (kill -9, a frozen serverless function) loses the import when its lease expires.
     */
    leaseToken: text('lease_token'),
    leaseUntil: timestamp('lease_until', { withTimezone: true, mode: 'date' }),
  },
  (t) => [index('imports_project').on(t.projectId, t.id)],
);

/** ETags of GitHub API pages, for conditional requests (a 304 costs no rate limit). */
export const githubEtags = pgTable('github_etags', {
  url: text('url').primaryKey(),
  etag: text('etag').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});

export type ImportRow = typeof imports.$inferSelect;

/** Small per-instance state, e.g. how far the page revalidator has read the outbox. */
export const siteState = pgTable('site_state', {
  key: text('key').primaryKey(),
  value: jsonb('value').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});

/**
 * Regenerated pages shared by every instance on this database (lib/isr/cache-handler.cjs, the Next.js
 * `cacheHandler` used when DATABASE_URL is set). One row per page and build: a
 * build never serves HTML that references another build's scripts. `value` is Next.js's cache entry as
 * JSON (NULL: a cached 404); `last_modified` is when it was rendered (ms since the epoch).
 */
export const isrCache = pgTable(
  'isr_cache',
  {
    buildId: text('build_id').notNull(),
    key: text('key').notNull(),
    value: text('value'),
    lastModified: bigint('last_modified', { mode: 'number' }).notNull(),
    tags: text('tags')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.buildId, t.key] }), index('isr_cache_key').on(t.key)],
);

/**
 * Rate-limit counters shared by every instance on this database (lib/http/rate-limit.ts, through
 * rate-limiter-flexible's Drizzle store; Redis instead when REDIS_URL is set). One row per budget
 * and client: points used in the current window, and when the window ends.
 */
export const rateLimits = pgTable(
  'rate_limits',
  {
    key: text('key').primaryKey(),
    points: integer('points').notNull().default(0),
    expire: timestamp('expire', { withTimezone: true, mode: 'date' }),
  },
  (t) => [index('rate_limits_expire').on(t.expire)],
);
