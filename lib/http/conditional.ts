import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ExpectedVersion } from '../domain/expected-version';
import { ApiError } from './errors';

/**
 * Strong ETags. Single resources: `"rel42.v3-<content hash>"` — which resource, its row version, and
 * a hash that makes every representation distinct and changes with any byte. If-Match checks the
 * resource and the version, so a client holding any representation of the current state may write,
 * and an ETag of another resource never matches. Collections: the content hash.
 */
export function contentHash(text: string): string {
  return createHash('sha1').update(text).digest('base64url').slice(0, 22);
}

/** Which resource an ETag speaks for: a kind prefix, its id and its row version. */
export interface ResourceRef {
  kind: 'rel' | 'prj';
  id: number;
  version: number;
}

export function resourceEtag(ref: ResourceRef, body: string): string {
  return `"${ref.kind}${ref.id}.v${ref.version}-${contentHash(body)}"`;
}

export function collectionEtag(body: string): string {
  return `"c-${contentHash(body)}"`;
}

function tags(header: string): string[] {
  return header
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
}

/** If-None-Match (weak comparison, as RFC 9110 says for it). */
export function isNotModified(req: IncomingMessage, etag: string): boolean {
  const header = req.headers['if-none-match'];
  if (!header) return false;
  const bare = etag.replace(/^W\//, '');
  return tags(header).some((t) => t === '*' || t.replace(/^W\//, '') === bare);
}

const RESOURCE_TAG = /^"([a-z]+)(\d+)\.v(\d+)-[A-Za-z0-9_-]+"$/;

/** The resources and versions an If-Match names; `'any'` for `*`; undefined when none was sent. */
export function ifMatchRefs(req: IncomingMessage): ResourceRef[] | 'any' | undefined {
  const header = req.headers['if-match'];
  if (header === undefined) return undefined;
  return etagRefs(header);
}

/** The resources and versions a list of ETags names (an If-Match value, or an ETag a form carried). */
export function etagRefs(header: string): ResourceRef[] | 'any' {
  const list = tags(header);
  if (list.includes('*')) return 'any';
  return list.flatMap((tag) => {
    const m = RESOURCE_TAG.exec(tag);
    return m ? [{ kind: m[1] as ResourceRef['kind'], id: Number(m[2]), version: Number(m[3]) }] : [];
  });
}

const IF_MATCH_FAILED = 'The resource changed since you read it (If-Match does not match its ETag). GET it again, reapply your change and retry.';

export function preconditionFailed(detail = IF_MATCH_FAILED): ApiError {
  return new ApiError(412, { detail, errors: [{ header: 'If-Match', detail: 'does not match the current ETag' }] });
}

/**
 * Throws 412 unless If-Match is absent, `*`, or lists (anywhere in the list, RFC 9110) an ETag of this
 * resource at its current version. Weak or malformed validators never match.
 */
export function checkIfMatch(req: IncomingMessage, current: ResourceRef): void {
  const held = ifMatchRefs(req);
  if (held === undefined || held === 'any') return;
  if (!held.some((h) => h.kind === current.kind && h.id === current.id && h.version === current.version)) throw preconditionFailed();
}

/**
 * RFC 9110 §13.2.1: preconditions are evaluated before the request content. Called before a write
 * reads its body: when If-Match names versions and none is the resource's current one, 412 at once
 * (even if the body is also malformed or invalid). `current` reads the resource without locking it;
 * undefined (it does not exist) is left to the write (404). The write checks If-Match again on the
 * locked row, so a change in between is still a 412.
 */
export async function checkIfMatchFirst(req: IncomingMessage, current: () => Promise<ResourceRef | undefined>): Promise<void> {
  const held = ifMatchRefs(req);
  if (held === undefined || held === 'any') return;
  const ref = await current();
  if (ref && !held.some((h) => h.kind === ref.kind && h.id === ref.id && h.version === ref.version)) throw preconditionFailed();
}

/**
 * If-Match as the version a write expects, for the domain services (which check it on the locked row,
 * the same rule as `checkIfMatch`): undefined when absent; `*` expects whatever is current.
 */
export function expectedVersion(req: IncomingMessage, kind: ResourceRef['kind']): ExpectedVersion | undefined {
  const held = ifMatchRefs(req);
  if (held === undefined) return undefined;
  return { held: held === 'any' ? 'any' : held.filter((h) => h.kind === kind).map(({ id, version }) => ({ id, version })), stale: IF_MATCH_FAILED };
}

export interface Representation {
  status?: number;
  body: unknown;
  contentType: string;
  etag?: string | ((json: string) => string);
  cacheControl: string;
  headers?: Record<string, string>;
}

/** Serialises once, sets ETag, answers 304 to a matching If-None-Match, and HEAD without a body. */
export function sendRepresentation(req: IncomingMessage, res: ServerResponse, rep: Representation): void {
  const json = JSON.stringify(rep.body);
  const etag = typeof rep.etag === 'function' ? rep.etag(json) : (rep.etag ?? collectionEtag(json));
  sendPrepared(req, res, { status: rep.status ?? 200, json, etag, contentType: rep.contentType, cacheControl: rep.cacheControl, headers: rep.headers ?? {} });
}

export interface Prepared {
  status: number;
  json: string;
  etag: string;
  contentType: string;
  cacheControl: string;
  headers: Record<string, string>;
  /** When the representation last changed: sent as `Last-Modified`, checked against If-Modified-Since. */
  lastModified?: Date;
}

/**
 * If-Modified-Since, for a GET or HEAD without If-None-Match (which takes precedence, RFC 9110
 * §13.1.3): not modified when the last change is no later than the date given (whole seconds).
 */
export function isNotModifiedSince(req: IncomingMessage, lastModified: Date): boolean {
  if (req.headers['if-none-match'] !== undefined || (req.method !== 'GET' && req.method !== 'HEAD')) return false;
  const header = req.headers['if-modified-since'];
  const since = header ? Date.parse(header) : NaN;
  if (Number.isNaN(since)) return false;
  return Math.floor(lastModified.getTime() / 1000) * 1000 <= since;
}

export function sendPrepared(req: IncomingMessage, res: ServerResponse, p: Prepared): void {
  for (const [name, value] of Object.entries(p.headers)) {
    if (name === 'Vary') appendVary(res, ...value.split(',').map((v) => v.trim()));
    else {
      const existing = name === 'Link' ? res.getHeader('Link') : undefined; // keep the version's successor link
      res.setHeader(name, existing ? `${String(existing)}, ${value}` : value);
    }
  }
  res.setHeader('ETag', p.etag);
  res.setHeader('Cache-Control', p.cacheControl);
  if (p.lastModified) res.setHeader('Last-Modified', p.lastModified.toUTCString());
  appendVary(res, 'Accept');
  if (p.status === 200 && (isNotModified(req, p.etag) || (p.lastModified && isNotModifiedSince(req, p.lastModified)))) {
    res.statusCode = 304;
    res.end();
    return;
  }
  res.statusCode = p.status;
  res.setHeader('Content-Type', `${p.contentType}; charset=utf-8`);
  res.setHeader('Content-Length', Buffer.byteLength(p.json));
  res.end(req.method === 'HEAD' ? undefined : p.json);
}

export function appendVary(res: ServerResponse, ...names: string[]): void {
  const current = String(res.getHeader('Vary') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const name of names) if (!current.some((c) => c.toLowerCase() === name.toLowerCase())) current.push(name);
  res.setHeader('Vary', current.join(', '));
}

export const PUBLIC_CACHE = 'public, max-age=0, s-maxage=30, stale-while-revalidate=300';
export const PRIVATE_CACHE = 'no-store';
