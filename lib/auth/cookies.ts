import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Cookies for the admin console. Reads go through `req.cookies` (Next.js parses them for API routes
 * and getServerSideProps); a plain IncomingMessage (tests, other callers) falls back to the header.
 */
export function cookiesOf(req: IncomingMessage): Record<string, string> {
  const parsed = (req as IncomingMessage & { cookies?: Partial<Record<string, string>> }).cookies;
  if (parsed && Object.keys(parsed).length) return parsed as Record<string, string>;
  const out: Record<string, string> = {};
  for (const part of String(req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    if (!name || name in out) continue;
    const raw = part
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1');
    try {
      out[name] = decodeURIComponent(raw);
    } catch {
      out[name] = raw;
    }
  }
  return out;
}

export function cookieOf(req: IncomingMessage, name: string): string | undefined {
  const value = cookiesOf(req)[name];
  return value ? value : undefined;
}

export interface CookieOptions {
  maxAgeSeconds: number;
  secure: boolean;
  path?: string;
}

/** A `Set-Cookie` value: always HttpOnly and SameSite=Lax; Secure when asked. Values must be cookie-safe. */
export function serializeCookie(name: string, value: string, o: CookieOptions): string {
  if (!/^[A-Za-z0-9_.-]+$/.test(name) || !/^[A-Za-z0-9_.~-]*$/.test(value)) throw new Error(`unsafe cookie ${name}`);
  const parts = [`${name}=${value}`, `Path=${o.path ?? '/'}`, `Max-Age=${Math.max(0, Math.floor(o.maxAgeSeconds))}`, 'HttpOnly', 'SameSite=Lax'];
  if (o.maxAgeSeconds <= 0) parts.push('Expires=Thu, 01 Jan 1970 00:00:00 GMT');
  if (o.secure) parts.push('Secure');
  return parts.join('; ');
}

/** Adds a Set-Cookie header, keeping any already set on the response. */
export function appendSetCookie(res: ServerResponse, cookie: string): void {
  const current = res.getHeader('Set-Cookie');
  const list = current === undefined ? [] : Array.isArray(current) ? current.map(String) : [String(current)];
  const name = cookie.slice(0, cookie.indexOf('='));
  res.setHeader('Set-Cookie', [...list.filter((c) => !c.startsWith(`${name}=`)), cookie]);
}
