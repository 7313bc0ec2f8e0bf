import path from 'node:path';
import { z } from 'zod';

/**
 * Every environment variable Shiplog reads, validated in one place.
 * Read lazily (tests and CLIs change the environment before first use).
 */
const flag = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', ''])
  .optional()
  .transform((v) => v === '1' || v === 'true' || v === 'yes');

const EnvSchema = z.object({
  DATABASE_URL: z.string().url().optional().or(z.literal('').transform(() => undefined)),
  /**
   * A direct (unpooled) connection to the same database, for LISTEN and migrations, when DATABASE_URL
   * is a transaction pooler (PgBouncer, Neon's or Supabase's pooled URL). Optional.
   */
  DATABASE_DIRECT_URL: z.string().url().optional().or(z.literal('').transform(() => undefined)),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  DATABASE_QUERY_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(5_000),
  SHIPLOG_DATA_DIR: z.string().min(1).default('.data/pglite'),
  SHIPLOG_SEED_DEMO: flag,
  SHIPLOG_ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional().or(z.literal('').transform(() => undefined)),
  SHIPLOG_INTERNAL_URL: z.string().url().optional().or(z.literal('').transform(() => undefined)),
  GITHUB_WEBHOOK_SECRET: z.string().min(1).optional().or(z.literal('').transform(() => undefined)),
  GITHUB_WEBHOOK_SECRETS_PREVIOUS: z
    .string()
    .optional()
    .transform((v) => (v ?? '').split(',').map((s) => s.trim()).filter(Boolean)),
  SHIPLOG_AUTO_REGISTER: flag,
  GITHUB_TOKEN: z.string().min(1).optional().or(z.literal('').transform(() => undefined)),
  GITHUB_API_URL: z.string().url().default('https://api.github.com'),
  /** Key for signing admin console sessions; unset: derived from SHIPLOG_ADMIN_TOKEN, else generated once and kept in the database. */
  SHIPLOG_SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional().or(z.literal('').transform(() => undefined)),
  SHIPLOG_SESSION_HOURS: z.coerce.number().positive().max(24 * 30).default(12),
  /** Session cookies carry `Secure`: default on in production (NODE_ENV=production). */
  SHIPLOG_SESSION_SECURE: z
    .enum(['1', '0', 'true', 'false', 'yes', 'no', ''])
    .optional()
    .transform((v) => (v === undefined || v === '' ? undefined : v === '1' || v === 'true' || v === 'yes')),
  SHIPLOG_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Config = z.infer<typeof EnvSchema> & { dataDir: string; engine: 'pglite' | 'postgres' };

let cached: Config | undefined;

export function config(): Config {
  if (cached) return cached;
  const parsed = EnvSchema.safeParse(process.env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid Shiplog configuration:\n${lines.join('\n')}`);
  }
  const env = parsed.data;
  cached = {
    ...env,
    dataDir: path.resolve(/*turbopackIgnore: true*/ process.cwd(), env.SHIPLOG_DATA_DIR),
    engine: env.DATABASE_URL ? 'postgres' : 'pglite',
  };
  return cached;
}

/** For tests and CLIs that change the environment after a first read. */
export function resetConfig(): void {
  cached = undefined;
}

export const VERSION: string = process.env.SHIPLOG_VERSION ?? '0.0.0-dev';

/** True inside `next build` (static generation workers), where the embedded database is never opened. */
export function isBuildPhase(): boolean {
  return process.env.NEXT_PHASE === 'phase-production-build';
}
