import type { IncomingMessage } from 'node:http';
import { config } from '../config';

const first = (v: string | string[] | undefined) =>
  String(Array.isArray(v) ? v[0] : (v ?? ''))
    .split(',')[0]!
    .trim();

/**
 * The origin this request was addressed to, from its Host (and X-Forwarded-Proto/Host only behind a
 * trusted proxy, SHIPLOG_TRUST_PROXY=1).
 */
export function requestOrigin(req: IncomingMessage): string {
  const trust = config().SHIPLOG_TRUST_PROXY;
  const host = (trust && first(req.headers['x-forwarded-host'])) || first(req.headers.host) || 'localhost';
  const proto = (trust && first(req.headers['x-forwarded-proto'])) || ((req.socket as { encrypted?: boolean } | undefined)?.encrypted ? 'https' : 'http');
  return `${proto}://${/^[A-Za-z0-9.:[\]-]+$/.test(host) ? host : 'localhost'}`;
}

/**
 * The site's public origin for absolute links (feeds, the widget): SHIPLOG_PUBLIC_URL when set, else
 * the request's own origin (see requestOrigin).
 */
export function publicOrigin(req: IncomingMessage): string {
  const configured = config().SHIPLOG_PUBLIC_URL;
  if (configured) return configured.replace(/\/$/, '');
  return requestOrigin(req);
}

/**
 * The request headers `publicOrigin` reads, for `Vary`: none when SHIPLOG_PUBLIC_URL fixes the origin,
 * else Host (and X-Forwarded-Host/Proto behind a trusted proxy).
 */
export function originVary(): string[] {
  if (config().SHIPLOG_PUBLIC_URL) return [];
  return config().SHIPLOG_TRUST_PROXY ? ['Host', 'X-Forwarded-Host', 'X-Forwarded-Proto'] : ['Host'];
}
