import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { and, eq, like, lt } from 'drizzle-orm';
import { getDb } from '../db';
import { siteState } from '../db/schema';
import { appendSetCookie, cookieOf, serializeCookie } from '../auth/cookies';
import { secureCookies, subKey } from '../auth/session';

/**
 * Flash messages: what a form endpoint tells the page it redirects to ("Saved", a validation error
 * with the user's input to put back, "changed by someone else", a new token's secret shown once).
 * Carried in a short-lived cookie, encrypted and authenticated (AES-256-GCM with a key derived from
 * the session key), read once by the page it names and then cleared. Input too large for a cookie
 * (a long release note) waits in the `site_state` table for a few minutes instead.
 */
export const FLASH_COOKIE = 'shiplog_flash';
const FLASH_SECONDS = 120;
const STASH_PREFIX = 'admin.flash:';
const COOKIE_BUDGET = 3_000; // bytes of cookie value; browsers keep at most ~4 KB per cookie

export type FlashKind = 'success' | 'error' | 'conflict' | 'info';

export interface FieldError {
  field: string;
  detail: string;
}

export interface FlashMessage {
  kind: FlashKind;
  message: string;
  /** Problems per form field (validation). */
  errors?: FieldError[];
  /** The user's input, to put back into the form. */
  form?: Record<string, string | string[]>;
  /** Anything else the page needs once (a new token's secret, the project just added). */
  data?: Record<string, string>;
}

interface Sealed extends FlashMessage {
  /** The page (path and query) it is for. */
  to: string;
  exp: number;
  stash?: string;
}

async function seal(value: Sealed): Promise<string> {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', await subKey('flash'), iv);
  const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
}

async function unseal(raw: string): Promise<Sealed | undefined> {
  try {
    const bytes = Buffer.from(raw, 'base64url');
    if (bytes.length < 29) return undefined;
    const decipher = createDecipheriv('aes-256-gcm', await subKey('flash'), bytes.subarray(0, 12));
    decipher.setAuthTag(bytes.subarray(12, 28));
    const json = Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8');
    return JSON.parse(json) as Sealed;
  } catch {
    return undefined;
  }
}

/** Path and query, with the query's parameters in a stable order: redirects and pages compare equal. */
export function canonicalTarget(url: string): string {
  const u = new URL(url, 'http://x');
  const params = [...u.searchParams.entries()].sort(([a, av], [b, bv]) => (a === b ? av.localeCompare(bv) : a.localeCompare(b)));
  const q = new URLSearchParams(params).toString();
  return q ? `${u.pathname}?${q}` : u.pathname;
}

/** Sets the flash for the page at `to` (the redirect target). */
export async function setFlash(res: ServerResponse, to: string, message: FlashMessage): Promise<void> {
  const sealed: Sealed = { ...message, to: canonicalTarget(to), exp: Date.now() + FLASH_SECONDS * 1000 };
  let value = await seal(sealed);
  if (value.length > COOKIE_BUDGET && message.form) {
    const stash = randomBytes(16).toString('hex');
    const db = await getDb();
    await db.delete(siteState).where(and(like(siteState.key, `${STASH_PREFIX}%`), lt(siteState.updatedAt, new Date(Date.now() - FLASH_SECONDS * 5_000))));
    await db.insert(siteState).values({ key: `${STASH_PREFIX}${stash}`, value: { form: message.form } });
    value = await seal({ ...sealed, form: undefined, stash });
  }
  if (value.length > COOKIE_BUDGET) value = await seal({ ...sealed, form: undefined, errors: sealed.errors?.slice(0, 5), message: sealed.message.slice(0, 500) });
  appendSetCookie(res, serializeCookie(FLASH_COOKIE, value, { maxAgeSeconds: FLASH_SECONDS, secure: secureCookies() }));
}

/**
 * The flash for this page, if there is one: cleared once read. A flash meant for another page is
 * left for that page.
 */
export async function takeFlash(req: IncomingMessage, res: ServerResponse, here: string): Promise<FlashMessage | undefined> {
  const raw = cookieOf(req, FLASH_COOKIE);
  if (!raw) return undefined;
  const sealed = await unseal(raw);
  const clear = () => appendSetCookie(res, serializeCookie(FLASH_COOKIE, '', { maxAgeSeconds: 0, secure: secureCookies() }));
  if (!sealed || sealed.exp < Date.now()) {
    clear();
    return undefined;
  }
  if (sealed.to !== canonicalTarget(here)) return undefined;
  clear();
  const { to: _to, exp: _exp, stash, ...message } = sealed;
  if (stash && /^[0-9a-f]{32}$/.test(stash)) {
    const db = await getDb();
    const [row] = await db
      .delete(siteState)
      .where(eq(siteState.key, `${STASH_PREFIX}${stash}`))
      .returning();
    const form = (row?.value as { form?: FlashMessage['form'] } | undefined)?.form;
    if (form) message.form = form;
  }
  return message;
}
