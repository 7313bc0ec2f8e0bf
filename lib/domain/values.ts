import { z } from 'zod';

/**
 * The domain's value rules (dates it can store, links it keeps, text it cleans), shared by the write
 * schemas, the repositories and the HTTP layer alike. Nothing here knows about HTTP.
 */

/** Years 1 to 9999: PostgreSQL has no year 0, and JSON/ISO 8601 have no five-digit years. */
export function storableDate(ms: number): boolean {
  if (Number.isNaN(ms)) return false;
  const year = new Date(ms).getUTCFullYear();
  return year >= 1 && year <= 9999;
}

export const Timestamp = z.iso
  .datetime({ offset: true })
  .refine((v) => storableDate(Date.parse(v)), { error: 'must be a date from year 1 to 9999' })
  .meta({ example: '2026-11-01T12:00:00.000Z' });

/**
 * Characters XML 1.0 cannot carry (C0 controls other than tab, newline and carriage return; U+FFFE,
 * U+FFFF; unpaired surrogates). Free text is cleaned of them once, where it enters the domain (the
 * release and project write functions), so no feed, page or export ever meets one.
 */
const XML_FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function cleanText(s: string): string;
export function cleanText(s: string | null): string | null;
export function cleanText(s: string | null): string | null {
  return s === null ? null : s.replace(XML_FORBIDDEN, '');
}

/** Only http(s) links are stored or served: `javascript:`, `data:` and the like never are. */
export function isWebUrl(s: string): boolean {
  if (!/^https?:\/\//i.test(s)) return false;
  try {
    const u = new URL(s);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

/** A link as every input path accepts it: an absolute http(s) URL of at most 2,048 characters. */
export const WebUrl = z.string().max(2048).refine(isWebUrl, { error: 'must be an absolute http:// or https:// URL' }).meta({ format: 'uri' });

/** For the write functions: a link that is not http(s) is stored as null (defence in depth behind WebUrl). */
export const webUrlOrNull = (s: string | null | undefined): string | null => (s && isWebUrl(s) ? s : null);
