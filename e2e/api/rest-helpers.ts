// Shared helpers for the rest-*.test.ts REST integration tests (real HTTP against `next start`).
import { randomBytes } from 'node:crypto';

export const base = () => process.env.SHIPLOG_TEST_URL!;
export const adminToken = () => process.env.SHIPLOG_TEST_ADMIN_TOKEN!;
export const bearer = (token: string = adminToken()) => ({ Authorization: `Bearer ${token}` });

export type Json = Record<string, unknown>;

/** Headers of a JSON merge-patch body (RFC 7396). */
export const MERGE = { 'Content-Type': 'application/merge-patch+json' };

export interface ApiInit extends Omit<RequestInit, 'body' | 'headers'> {
  headers?: Record<string, string>;
  /** Sends `Authorization: Bearer <token>`. */
  token?: string;
  /** Serialised as the body; Content-Type defaults to application/json. */
  json?: unknown;
  body?: string;
  /** Base URL (a dedicated server); defaults to the harness server. */
  url?: string;
}

/** fetch against the API; never follows redirects (so 307s stay visible). */
export function api(path: string, init: ApiInit = {}): Promise<Response> {
  const { headers = {}, token, json, url, ...rest } = init;
  const h: Record<string, string> = { ...headers };
  if (token) h.Authorization = `Bearer ${token}`;
  let body = init.body;
  if (json !== undefined) {
    body = JSON.stringify(json);
    if (!Object.keys(h).some((k) => k.toLowerCase() === 'content-type')) h['Content-Type'] = 'application/json';
  }
  return fetch(`${url ?? base()}${path}`, { redirect: 'manual', ...rest, headers: h, body });
}

export async function getJson<T = Json>(path: string, init: ApiInit = {}): Promise<{ res: Response; body: T }> {
  const res = await api(path, init);
  const text = await res.text();
  if (res.status !== 200) throw new Error(`GET ${path} → ${res.status}: ${text}`);
  return { res, body: JSON.parse(text) as T };
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance: string;
  requestId: string;
  errors?: { pointer?: string; parameter?: string; header?: string; detail: string }[];
  [k: string]: unknown;
}

/** Asserts an RFC 9457 problem document (status, type, requestId = X-Request-Id) and returns it. */
export async function problem(res: Response, status?: number): Promise<Problem> {
  const text = await res.text();
  if (status !== undefined && res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${text}`);
  expect(res.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
  const body = JSON.parse(text) as Problem;
  expect(body.status).toBe(res.status);
  expect(body.type).toMatch(/^\/problems\/[a-z-]+$/);
  expect(typeof body.title).toBe('string');
  expect(body.requestId).toBeTruthy();
  expect(body.requestId).toBe(res.headers.get('x-request-id'));
  return body;
}

/** Names usable as GitHub owner/repo, unique per call. */
export function unique(prefix = 'it'): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

export interface TestProject {
  owner: string;
  repo: string;
  /** `/projects/{owner}/{repo}` (append to `/api/v1` or `/api/v2`). */
  path: string;
}

/** Creates a fresh project (admin token unless given another write token). */
export async function createProject(token: string = adminToken()): Promise<TestProject> {
  const owner = unique('it');
  const repo = `r${randomBytes(3).toString('hex')}`;
  const res = await api('/api/v1/projects', { method: 'POST', token, json: { owner, repo, name: `Test ${repo}` } });
  if (res.status !== 201) throw new Error(`creating project ${owner}/${repo} → ${res.status}: ${await res.text()}`);
  await res.arrayBuffer();
  return { owner, repo, path: `/projects/${owner}/${repo}` };
}

export async function deleteProject(p: TestProject | undefined, token: string = adminToken()): Promise<void> {
  if (!p) return;
  await (await api(`/api/v1${p.path}`, { method: 'DELETE', token })).arrayBuffer();
}

/** POST a release (v1 shape) and return its JSON and ETag. */
export async function createRelease(p: TestProject, release: Json, token: string = adminToken()): Promise<{ body: Json; etag: string }> {
  const res = await api(`/api/v1${p.path}/releases`, { method: 'POST', token, json: release });
  const text = await res.text();
  if (res.status !== 201) throw new Error(`creating release ${String(release.tag)} → ${res.status}: ${text}`);
  return { body: JSON.parse(text) as Json, etag: res.headers.get('etag')! };
}

/** Path of a release, the tag as one percent-encoded segment. */
export const releaseUrl = (version: '1' | '2', p: TestProject, tag: string) => `/api/v${version}${p.path}/releases/${encodeURIComponent(tag)}`;

export interface CreatedToken {
  id: number;
  token: string;
  prefix: string;
  location: string;
}

export async function createToken(scopes: string[], name = unique('tok')): Promise<CreatedToken> {
  const res = await api('/api/v1/tokens', { method: 'POST', token: adminToken(), json: { name, scopes } });
  const text = await res.text();
  if (res.status !== 201) throw new Error(`creating token → ${res.status}: ${text}`);
  const body = JSON.parse(text) as CreatedToken;
  return { ...body, location: res.headers.get('location')! };
}

export async function revokeToken(t: CreatedToken | undefined): Promise<void> {
  if (!t) return;
  await (await api(`/api/v1/tokens/${t.id}`, { method: 'DELETE', token: adminToken() })).arrayBuffer();
}

/** RFC 8288 Link header → rel → URL (a rel given twice keeps the first). */
export function parseLink(header: string | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of (header ?? '').matchAll(/<([^>]*)>\s*;\s*rel="([^"]+)"/g)) {
    if (!(m[2]! in out)) out[m[2]!] = m[1]!;
  }
  return out;
}

/** A path+query from a link, relative to the server. */
export function pathOf(link: string): string {
  const u = new URL(link, base());
  return `${u.pathname}${u.search}`;
}

export const tags = (items: Json[]) => items.map((r) => r.tag as string);
