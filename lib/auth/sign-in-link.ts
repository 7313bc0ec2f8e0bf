import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { config } from '../config';
import { getDb, type Executor, type Tx } from '../db';
import { apiTokens, siteState, type ApiTokenRow } from '../db/schema';
import { createToken } from '../tokens/repo';

/**
 * The way into the console on a fresh install. While the server has no admin credential (no
 * SHIPLOG_ADMIN_TOKEN, no stored token with the `admin` scope), `npm start` asks it for a one-time
 * sign-in link and prints it. The link's code is stored only as its SHA-256 with an expiry, in one
 * `site_state` row (a new link replaces the previous one); using it deletes the row in the same
 * transaction that creates the console's first admin token, so it works once. The token's secret is
 * never shown: the session opened with it lasts as long as the token, and the person signed in creates
 * the tokens they want to keep under /admin/tokens.
 */
const STATE_KEY = 'admin.sign-in-link';
export const SIGN_IN_LINK_MINUTES = 60;
export const FIRST_TOKEN_NAME = 'console (first sign-in link)';
const CODE = /^sil_[A-Za-z0-9_-]{43}$/;

interface Stored {
  hash: string;
  expiresAt: string;
}

const hash = (code: string) => createHash('sha256').update(code).digest('hex');

/** True while nobody can sign in to the console: no SHIPLOG_ADMIN_TOKEN and no token with the `admin` scope. */
export async function needsFirstAdmin(db: Executor): Promise<boolean> {
  if (config().SHIPLOG_ADMIN_TOKEN) return false;
  const [row] = await db
    .select({ id: apiTokens.id })
    .from(apiTokens)
    .where(sql`'admin' = any(${apiTokens.scopes})`)
    .limit(1);
  return !row;
}

/** A new one-time code (replacing any earlier one), or undefined when an admin credential exists. */
export async function issueSignInLink(tx: Tx, nowMs = Date.now()): Promise<{ code: string; expiresAt: Date } | undefined> {
  if (!(await needsFirstAdmin(tx))) return undefined;
  const code = `sil_${randomBytes(32).toString('base64url')}`;
  const expiresAt = new Date(nowMs + SIGN_IN_LINK_MINUTES * 60_000);
  const value: Stored = { hash: hash(code), expiresAt: expiresAt.toISOString() };
  await tx.insert(siteState).values({ key: STATE_KEY, value }).onConflictDoUpdate({ target: siteState.key, set: { value } });
  return { code, expiresAt };
}

async function stored(db: Executor): Promise<Stored | undefined> {
  const [row] = await db.select().from(siteState).where(eq(siteState.key, STATE_KEY)).limit(1);
  const value = row?.value as Partial<Stored> | undefined;
  return typeof value?.hash === 'string' && typeof value.expiresAt === 'string' ? (value as Stored) : undefined;
}

function matches(entry: Stored | undefined, code: string, nowMs: number): entry is Stored {
  if (!entry || !CODE.test(code)) return false;
  const given = Buffer.from(hash(code));
  const expected = Buffer.from(entry.hash);
  return given.length === expected.length && timingSafeEqual(given, expected) && Date.parse(entry.expiresAt) > nowMs;
}

/** Whether `code` is the current, unexpired link (the sign-in page asks before offering its button). */
export async function signInLinkValid(db: Executor, code: string, nowMs = Date.now()): Promise<boolean> {
  return matches(await stored(db), code, nowMs);
}

/**
 * Uses the link: deletes it (only one caller can) and creates the first admin token. Undefined when the
 * code is wrong, used or expired, or when an admin credential appeared meanwhile.
 */
export async function redeemSignInLink(tx: Tx, code: string, nowMs = Date.now()): Promise<ApiTokenRow | undefined> {
  const entry = await stored(tx);
  if (!matches(entry, code, nowMs)) return undefined;
  const [gone] = await tx
    .delete(siteState)
    .where(and(eq(siteState.key, STATE_KEY), sql`${siteState.value}->>'hash' = ${entry.hash}`))
    .returning({ key: siteState.key });
  if (!gone || !(await needsFirstAdmin(tx))) return undefined;
  const { row } = await createToken(tx, { name: FIRST_TOKEN_NAME, scopes: ['admin'] });
  return row;
}

/** What the sign-in page tells the visitor: whether any admin credential exists, and what the `?link=` it was opened with is worth. */
export async function signInPageState(link: string | undefined): Promise<{ noAdmin: boolean; link: 'valid' | 'invalid' | null }> {
  const db = await getDb();
  return {
    noAdmin: await needsFirstAdmin(db),
    link: link ? ((await signInLinkValid(db, link)) ? 'valid' : 'invalid') : null,
  };
}
