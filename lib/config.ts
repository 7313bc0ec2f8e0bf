import path from 'node:path';
import { z } from 'zod';

/**
 * Every environment variable Shiplog reads, validated in one place (platform variables such as
 * NODE_ENV, VERCEL and CI excepted). Read lazily, once per process: CLIs change the environment before
 * first use; unit tests (SHIPLOG_ROLE=test) change it between calls, so there it is read every time.
 * An empty variable counts as unset.
 *
 * To add a setting: one line in EnvSchema, with the rule in the schema's messages and an example in
 * `.meta({ example })`; `npm start` then refuses a bad value at once, naming the variable, the rule
 * and the example (see `configProblems`).
 */
const FLAG_RULE = 'must be 1 or 0 (true/false and yes/no work too)';
const flagValue = z.enum(['1', '0', 'true', 'false', 'yes', 'no'], { error: FLAG_RULE });
/** On/off; unset is off. */
const flag = flagValue.optional().transform((v) => v === '1' || v === 'true' || v === 'yes');
/** On/off; unset stays undefined (the caller picks the default). */
const optionalFlag = flagValue.optional().transform((v) => (v === undefined ? undefined : v === '1' || v === 'true' || v === 'yes'));
const int = (min: number, max: number) => {
  const rule = `must be a whole number from ${min} to ${max}`;
  // (z.coerce turns an empty or blank value into 0: empty values are dropped before parsing, see `known`.)
  return z.coerce.number({ error: rule }).int(rule).min(min, rule).max(max, rule);
};
const url = (what = 'an http(s) URL') => z.url({ protocol: /^https?$/, error: `must be ${what}` });
const secret = (min: number) => z.string().min(min, `must be at least ${min} characters`);
const list = z
  .string()
  .optional()
  .transform((v) =>
    (v ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );

const EnvSchema = z.object({
  // --- database
  DATABASE_URL: z
    .url({ protocol: /^postgres(ql)?$/, error: 'must be a PostgreSQL URL' })
    .optional()
    .meta({ example: 'postgres://user:password@db.example.com:5432/shiplog' }),
  /**
   * A direct (unpooled) connection to the same database, for LISTEN and migrations, when DATABASE_URL
   * is a transaction pooler (PgBouncer, Neon's or Supabase's pooled URL). Optional.
   */
  DATABASE_DIRECT_URL: z
    .url({ protocol: /^postgres(ql)?$/, error: 'must be a PostgreSQL URL' })
    .optional()
    .meta({ example: 'postgres://user:password@db.example.com:5432/shiplog' }),
  /** Redis shared by every instance: rate-limit budgets and the page cache (lib/isr/cache-handler.cjs reads it); unset: the database. */
  REDIS_URL: z
    .url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' })
    .optional()
    .meta({ example: 'redis://127.0.0.1:6379' }),
  DATABASE_POOL_MAX: int(1, 200).default(10).meta({ example: '10' }),
  DATABASE_QUERY_TIMEOUT_MS: int(100, 600_000).default(5_000).meta({ example: '5000' }),
  SHIPLOG_DATA_DIR: z.string().default('.data/pglite').meta({ example: '.data/pglite' }),
  SHIPLOG_SEED_DEMO: flag.meta({ example: '1' }),
  // --- the server
  PORT: int(0, 65_535).default(3000).meta({ example: '3000' }),
  SHIPLOG_HOST: z.string().optional().meta({ example: '0.0.0.0' }),
  SHIPLOG_PUBLIC_URL: url().optional().meta({ example: 'https://changelog.example.com' }),
  /** No longer used (pages regenerate in-process, no self-call); accepted so existing settings keep working. */
  SHIPLOG_INTERNAL_URL: url().optional().meta({ example: 'http://10.0.0.5:3000' }),
  SHIPLOG_TRUST_PROXY: flag.meta({ example: '1' }),
  SHIPLOG_CORS_ORIGINS: list.meta({ example: 'https://admin.example.com,https://ops.example.com' }),
  SHIPLOG_RATE_LIMIT_READ: int(0, 1_000_000_000).default(3000).meta({ example: '3000' }),
  SHIPLOG_RATE_LIMIT_WRITE: int(0, 1_000_000_000).default(600).meta({ example: '600' }),
  SHIPLOG_SSE_HEARTBEAT_MS: int(100, 300_000).default(15_000).meta({ example: '15000' }),
  /** Longest one live-stream response lasts before it ends itself (clients resume with Last-Event-ID). Unset: unlimited; on Vercel 285 s. */
  SHIPLOG_STREAM_MAX_SECONDS: int(1, 86_400).optional().meta({ example: '285' }),
  /** Open live streams one client address may hold per instance (one more: 429). */
  SHIPLOG_STREAMS_PER_CLIENT: int(1, 100_000).default(20).meta({ example: '20' }),
  /** Read by lib/isr/cache-handler.cjs itself (Next.js loads it as plain CommonJS); validated here so npm start refuses a bad value. */
  SHIPLOG_ISR_FRESH_MS: int(1, 3_600_000).optional().meta({ example: '1000' }),
  /** Longest a markdown render may run before it is cancelled: a body that needs more is refused, or stored unformatted. */
  SHIPLOG_MARKDOWN_TIMEOUT_MS: int(50, 600_000).default(10_000).meta({ example: '10000' }),
  /** Worker threads rendering markdown; unset: one per core beyond the first (at least one, at most four). */
  SHIPLOG_MARKDOWN_THREADS: int(1, 64).optional().meta({ example: '2' }),
  SHIPLOG_LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { error: 'must be one of fatal, error, warn, info, debug, trace, silent' })
    .optional()
    .meta({ example: 'info' }),
  // --- the admin console and tokens
  SHIPLOG_ADMIN_TOKEN: secret(16).optional().meta({ example: '"$(openssl rand -hex 24)"' }),
  /** Key for signing admin console sessions; unset: derived from SHIPLOG_ADMIN_TOKEN, else generated once and kept in the database. */
  SHIPLOG_SESSION_SECRET: secret(32).optional().meta({ example: '"$(openssl rand -hex 32)"' }),
  SHIPLOG_SESSION_HOURS: z.coerce
    .number({ error: 'must be a number of hours from 0.1 to 720' })
    .min(0.1, 'must be a number of hours from 0.1 to 720')
    .max(24 * 30, 'must be a number of hours from 0.1 to 720')
    .default(12)
    .meta({ example: '12' }),
  /** Session cookies carry `Secure`: default on in production (NODE_ENV=production). */
  SHIPLOG_SESSION_SECURE: optionalFlag.meta({ example: '0' }),
  // --- GitHub
  GITHUB_WEBHOOK_SECRET: z.string().optional().meta({ example: '"$(openssl rand -hex 32)"' }),
  GITHUB_WEBHOOK_SECRETS_PREVIOUS: list.meta({ example: 'old-secret-1,old-secret-2' }),
  SHIPLOG_AUTO_REGISTER: flag.meta({ example: '1' }),
  GITHUB_TOKEN: z.string().optional().meta({ example: 'github_pat_…' }),
  GITHUB_API_URL: url().default('https://api.github.com').meta({ example: 'https://github.example.com/api/v3' }),
  /** Webhook deliveries per client address and minute (0 = no limit); GitHub's own stay far below. */
  SHIPLOG_WEBHOOK_RATE_LIMIT: int(0, 1_000_000_000).default(3000).meta({ example: '3000' }),
  /** Deliveries refused for their signature per client address and minute, past which the address is answered 429 unread (0 = no limit). */
  SHIPLOG_WEBHOOK_REFUSAL_LIMIT: int(0, 1_000_000_000).default(30).meta({ example: '30' }),
  SHIPLOG_IMPORT_MAX_WAIT_MS: int(0, 3_600_000).default(60_000).meta({ example: '60000' }),
  /** How long an import runner's claim lasts without renewal (renewed every third of it while it works): a dead runner's import resumes after it. */
  SHIPLOG_IMPORT_LEASE_SECONDS: int(2, 3600).default(15).meta({ example: '15' }),
  /** Longest one request-driven import step (serverless mode, polls, the cron drain) works before handing over. */
  SHIPLOG_IMPORT_STEP_SECONDS: int(1, 600).default(10).meta({ example: '10' }),
  // --- serverless
  /**
   * Serverless mode: no timers, no LISTEN connection, no work after a response except through
   * `waitUntil`. On by itself on Vercel (VERCEL=1).
   */
  SHIPLOG_SERVERLESS: flag.meta({ example: '1' }),
  /** Bearer secret of `GET /api/cron/drain` (Vercel Cron sends `Authorization: Bearer $CRON_SECRET`). */
  CRON_SECRET: secret(16).optional().meta({ example: '"$(openssl rand -hex 24)"' }),
  // --- command-line tools (npm run import / token): which server to talk to, with which token
  SHIPLOG_URL: url().optional().meta({ example: 'http://127.0.0.1:3000' }),
  SHIPLOG_TOKEN: z.string().optional().meta({ example: 'shp_…' }),
  // --- internal: set by Shiplog's own launchers and benchmarks, not by operators
  SHIPLOG_ROLE: z.enum(['server', 'cli', 'test'], { error: 'must be server, cli or test' }).default('server').meta({ example: 'server' }),
  SHIPLOG_LAUNCH_KEY: secret(32).optional().meta({ example: '(set by npm start)' }),
  SHIPLOG_BENCH: flag.meta({ example: '1' }),
  /** Where `next build` writes and `next start` reads (next.config.js reads it itself); unset: `.next`. */
  SHIPLOG_DIST_DIR: z
    .string()
    .regex(/^(?![\\/])(?!.*(^|[\\/])\.\.([\\/]|$))/, 'must be a folder inside the project (a relative path without ..)')
    .optional()
    .meta({ example: '.next-soak' }),
  SHIPLOG_BENCH_BODY: z.string().optional().meta({ example: 'bench/.tmp/releases.json' }),
});

export type Env = z.infer<typeof EnvSchema>;

/** Every variable Shiplog reads (the documentation lists each one). */
export const SETTINGS = Object.keys(EnvSchema.shape) as (keyof Env)[];
/** Set by Shiplog's own launchers, tests and benchmarks, never by operators. */
export const INTERNAL_SETTINGS: readonly (keyof Env)[] = ['SHIPLOG_ROLE', 'SHIPLOG_LAUNCH_KEY', 'SHIPLOG_BENCH', 'SHIPLOG_BENCH_BODY'];
export type Config = Env & {
  dataDir: string;
  engine: 'pglite' | 'postgres';
  serverless: boolean;
  /**
   * The site's public origin for canonical URLs, sitemaps and card images, where no request says it
   * (pages rendered ahead of requests): SHIPLOG_PUBLIC_URL, else on Vercel the project's production
   * domain (VERCEL_PROJECT_PRODUCTION_URL, a platform variable), else http://localhost:PORT.
   */
  siteUrl: string;
};

/** One bad setting: the variable, the rule it breaks and an example of a good value. */
export interface ConfigProblem {
  variable: string;
  rule: string;
  example?: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: ConfigProblem[]) {
    super(formatProblems(problems));
    this.name = 'ConfigError';
  }
}

export function formatProblems(problems: ConfigProblem[]): string {
  const lines = problems.map((p) => `  ${p.variable} ${p.rule}${p.example ? `, for example ${p.variable}=${p.example}` : ''}`);
  return `Invalid Shiplog settings (environment variables):\n${lines.join('\n')}`;
}

/** The variables EnvSchema knows, from `env` with empty values dropped (an empty variable counts as unset). */
function known(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(EnvSchema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') out[key] = value;
  }
  return out;
}

function parse(env: Readonly<Record<string, string | undefined>>): { ok: true; env: Env } | { ok: false; problems: ConfigProblem[] } {
  const parsed = EnvSchema.safeParse(known(env));
  if (parsed.success) return { ok: true, env: parsed.data };
  const problems = parsed.error.issues.map((issue) => {
    const variable = String(issue.path[0] ?? '');
    const field = EnvSchema.shape[variable as keyof typeof EnvSchema.shape] as z.ZodType | undefined;
    const example = (field?.meta() as { example?: string } | undefined)?.example;
    return { variable, rule: issue.message, ...(example ? { example } : {}) };
  });
  return { ok: false, problems };
}

/** What is wrong with `env` (empty when every setting is valid): for `npm start`'s check before it starts anything. */
export function configProblems(env: Readonly<Record<string, string | undefined>> = process.env): ConfigProblem[] {
  const result = parse(env);
  return result.ok ? [] : result.problems;
}

let cached: Config | undefined;

/** The validated settings; throws a ConfigError naming every bad variable. */
export function config(): Config {
  if (cached && process.env.SHIPLOG_ROLE !== 'test') return cached;
  const result = parse(process.env);
  if (!result.ok) throw new ConfigError(result.problems);
  const env = result.env;
  cached = {
    ...env,
    dataDir: path.resolve(/*turbopackIgnore: true*/ process.cwd(), env.SHIPLOG_DATA_DIR),
    engine: env.DATABASE_URL ? 'postgres' : 'pglite',
    serverless: env.SHIPLOG_SERVERLESS || process.env.VERCEL === '1',
    siteUrl: siteUrlOf(env),
  };
  return cached;
}

function siteUrlOf(env: Env): string {
  if (env.SHIPLOG_PUBLIC_URL) return env.SHIPLOG_PUBLIC_URL.replace(/\/+$/, '');
  const vercel = process.env.VERCEL_PROJECT_PRODUCTION_URL;
  if (process.env.VERCEL === '1' && vercel && /^[A-Za-z0-9.-]+(:\d+)?$/.test(vercel)) return `https://${vercel}`;
  return `http://localhost:${env.PORT}`;
}

/** Serverless mode (SHIPLOG_SERVERLESS=1 or VERCEL=1): nothing may run outside a request's lifetime. */
export function serverless(): boolean {
  return config().serverless;
}

/** For tests and CLIs that change the environment after a first read. */
export function resetConfig(): void {
  cached = undefined;
}

/**
 * NODE_ENV, set by Next.js (production under `next start`) and by the test runner: a platform variable,
 * not a Shiplog setting, so it is passed through as it is, never refused.
 */
export function nodeEnv(): string | undefined {
  return process.env.NODE_ENV;
}

/** Inlined at build time (next.config.js `env`). */
export const VERSION: string = process.env.SHIPLOG_VERSION ?? '0.0.0-dev';

/** True inside `next build` (static generation workers), where the embedded database is never opened. */
export function isBuildPhase(): boolean {
  return process.env.NEXT_PHASE === 'phase-production-build';
}
