import { config } from '../config';
import type { GitHubRelease } from './payload';

/**
 * The GitHub REST API, with the server-side token. The token is sent only to GITHUB_API_URL's origin
 * (a `Link` to anywhere else is refused) and is never logged or returned.
 */
export interface RateLimit {
  remaining?: number;
  resetAt?: Date;
  retryAfterSeconds?: number;
}

export interface PageResult {
  status: number;
  releases: GitHubRelease[];
  next?: string;
  /** The number of the last page, from `Link: rel="last"`. */
  lastPage?: number;
  etag?: string;
  rateLimit: RateLimit;
  /** Set for 403/429 rate-limit answers: when it is worth trying again. */
  limitedUntil?: Date;
  errorText?: string;
}

export function apiUrl(): string {
  return config().GITHUB_API_URL.replace(/\/$/, '');
}

function headers(etag?: string): Record<string, string> {
  const token = config().GITHUB_TOKEN;
  return {
    accept: 'application/vnd.github+json',
    'x-github-api-version': '2022-11-28',
    'user-agent': 'shiplog',
    ...(token ? { authorization: `Bearer ${token}` } : {}),
    ...(etag ? { 'if-none-match': etag } : {}),
  };
}

function sameOrigin(url: string): boolean {
  try {
    return new URL(url).origin === new URL(apiUrl()).origin;
  } catch {
    return false;
  }
}

function linkRel(link: string | null, rel: string): string | undefined {
  if (!link) return undefined;
  for (const part of link.split(',')) {
    const m = /<([^>]+)>\s*;\s*rel="?([a-z]+)"?/.exec(part);
    if (m && m[2] === rel) return m[1];
  }
  return undefined;
}

function pageNumber(url: string | undefined): number | undefined {
  if (!url) return undefined;
  const page = Number(new URL(url).searchParams.get('page'));
  return Number.isInteger(page) && page > 0 ? page : undefined;
}

function rateLimitOf(res: Response): RateLimit {
  const num = (h: string) => (res.headers.get(h) !== null ? Number(res.headers.get(h)) : undefined);
  const reset = num('x-ratelimit-reset');
  return { remaining: num('x-ratelimit-remaining'), resetAt: reset !== undefined ? new Date(reset * 1000) : undefined, retryAfterSeconds: num('retry-after') };
}

export function releasesUrl(owner: string, repo: string): string {
  return `${apiUrl()}/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}/releases?per_page=100`;
}

export async function fetchReleasesPage(url: string, etag?: string): Promise<PageResult> {
  if (!sameOrigin(url)) throw new Error(`refusing to send the GitHub token to ${new URL(url).origin}`);
  const res = await fetch(url, { headers: headers(etag), signal: AbortSignal.timeout(30_000) });
  const rateLimit = rateLimitOf(res);
  const link = res.headers.get('link');
  const base = { status: res.status, rateLimit, etag: res.headers.get('etag') ?? undefined, next: linkRel(link, 'next'), lastPage: pageNumber(linkRel(link, 'last')) };
  if (res.status === 304) return { ...base, releases: [] };
  if (res.ok) return { ...base, releases: (await res.json()) as GitHubRelease[] };
  const text = await res.text().catch(() => '');
  const limited = res.status === 429 || (res.status === 403 && (rateLimit.remaining === 0 || rateLimit.retryAfterSeconds !== undefined || /rate limit/i.test(text)));
  const limitedUntil = limited
    ? rateLimit.retryAfterSeconds !== undefined
      ? new Date(Date.now() + rateLimit.retryAfterSeconds * 1000)
      : (rateLimit.resetAt ?? new Date(Date.now() + 60_000))
    : undefined;
  return { ...base, releases: [], limitedUntil, errorText: text.slice(0, 300) };
}

/** The current state of one release (settles races between `edited` deliveries). Undefined when gone. */
export async function fetchRelease(owner: string, repo: string, id: number, timeoutMs = 3_000): Promise<GitHubRelease | 'gone' | undefined> {
  const url = `${apiUrl()}/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}/releases/${id}`;
  try {
    const res = await fetch(url, { headers: headers(), signal: AbortSignal.timeout(timeoutMs) });
    if (res.status === 404) return 'gone';
    if (!res.ok) return undefined;
    return (await res.json()) as GitHubRelease;
  } catch {
    return undefined;
  }
}
