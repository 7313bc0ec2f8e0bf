import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A fake GitHub REST API on loopback for import tests: `GET /repos/{o}/{r}/releases?per_page=&page=`
 * with `Link` (next/last), ETag + 304 on If-None-Match, `x-ratelimit-*` headers, an optional 403
 * secondary rate limit (with retry-after) and a per-page delay; `GET /repos/{o}/{r}/releases/{id}`.
 * It records every request (URL, whether the token came) for assertions.
 */
export interface FakeRelease {
  id: number;
  tag_name: string;
  name: string | null;
  body: string;
  draft: boolean;
  prerelease: boolean;
  html_url: string;
  published_at: string;
  created_at: string;
  author: { login: string; avatar_url: string; html_url: string } | null;
}

export interface FakeGitHubOptions {
  repos?: Record<string, FakeRelease[]>;
  /** Pages (1-based) to answer once with a 403 secondary rate limit before serving them. */
  secondaryLimitOnPages?: number[];
  retryAfterSeconds?: number;
  /** Milliseconds to hold each page (to kill an import half way). */
  delayMs?: number;
  /** Answer every page with x-ratelimit-remaining: 0 and this reset (epoch seconds). */
  exhaustedUntil?: number;
  token?: string;
}

export interface FakeGitHub {
  url: string;
  requests: { url: string; authorized: boolean; conditional: boolean; status: number }[];
  options: FakeGitHubOptions;
  close(): Promise<void>;
}

export function fakeReleases(owner: string, repo: string, count: number, startId = 900_000_000): FakeRelease[] {
  const base = Date.UTC(2024, 0, 1);
  return Array.from({ length: count }, (_, i) => {
    const n = count - i; // newest first, as GitHub lists them
    const tag = `v1.${Math.floor(n / 10)}.${n % 10}`;
    return {
      id: startId + n,
      tag_name: tag,
      name: `Release ${tag}`,
      body: `## Changes in ${tag}\n\n- Fixed issue #${n}\n- Improved [docs](https://example.com/${n})`,
      draft: false,
      prerelease: n % 25 === 0,
      html_url: `https://github.com/${owner}/${repo}/releases/tag/${tag}`,
      published_at: new Date(base + n * 86_400_000).toISOString(),
      created_at: new Date(base + n * 86_400_000 - 3_600_000).toISOString(),
      author: { login: 'octocat', avatar_url: 'https://avatars.githubusercontent.com/u/583231?v=4', html_url: 'https://github.com/octocat' },
    };
  });
}

export async function startFakeGitHub(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  const requests: FakeGitHub['requests'] = [];
  const limited = new Set<number>();
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const authorized = !options.token || req.headers.authorization === `Bearer ${options.token}`;
    const record = (status: number) => requests.push({ url: url.pathname + url.search, authorized, conditional: !!req.headers['if-none-match'], status });
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      record(status);
      const json = body === undefined ? '' : JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json', 'x-ratelimit-limit': '5000', ...rateHeaders(), ...headers });
      res.end(json);
    };
    const rateHeaders = () =>
      options.exhaustedUntil
        ? { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(options.exhaustedUntil) }
        : { 'x-ratelimit-remaining': '4999', 'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600) };
    if (!authorized) return send(401, { message: 'Bad credentials' });
    const one = /^\/repos\/([^/]+)\/([^/]+)\/releases\/(\d+)$/.exec(url.pathname);
    const list = /^\/repos\/([^/]+)\/([^/]+)\/releases$/.exec(url.pathname);
    const key = (o: string, r: string) => `${decodeURIComponent(o)}/${decodeURIComponent(r)}`.toLowerCase();
    if (one) {
      const release = options.repos?.[key(one[1]!, one[2]!)]?.find((r) => r.id === Number(one[3]));
      return release ? send(200, release) : send(404, { message: 'Not Found' });
    }
    if (!list) return send(404, { message: 'Not Found' });
    const all = options.repos?.[key(list[1]!, list[2]!)];
    if (!all) return send(404, { message: 'Not Found' });
    const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 30), 100);
    const page = Number(url.searchParams.get('page') ?? 1);
    const pages = Math.max(1, Math.ceil(all.length / perPage));
    if (options.secondaryLimitOnPages?.includes(page) && !limited.has(page)) {
      limited.add(page);
      return send(403, { message: 'You have exceeded a secondary rate limit' }, { 'retry-after': String(options.retryAfterSeconds ?? 1) });
    }
    if (options.delayMs) await new Promise((r) => setTimeout(r, options.delayMs));
    const items = all.slice((page - 1) * perPage, page * perPage);
    const etag = `"p${page}-${all.length}-${all[0]?.id ?? 0}"`;
    if (req.headers['if-none-match'] === etag) return send(304, undefined, { etag });
    const link = (p: number) => `<http://${req.headers.host}${url.pathname}?per_page=${perPage}&page=${p}>`;
    const links = [
      ...(page < pages ? [`${link(page + 1)}; rel="next"`, `${link(pages)}; rel="last"`] : []),
      ...(page > 1 ? [`${link(1)}; rel="first"`, `${link(page - 1)}; rel="prev"`] : []),
    ];
    send(200, items, { etag, ...(links.length ? { link: links.join(', ') } : {}) });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    options,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
