import type { RunningServer } from './servers';

/** How often a page is polled: each publish-to-visible figure may be up to this late. */
export const POLL_MS = 10;
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `page` on `server` until its HTML holds `data-tag="<tag>"`; resolves with performance.now() then. */
export async function visible(server: RunningServer, page: string, tag: string, timeoutMs = 30_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const html = await (await fetch(`${server.url}${page}`)).text();
    if (html.includes(`data-tag="${tag}"`)) return performance.now();
    if (Date.now() > deadline) throw new Error(`${tag} did not appear on ${page} within ${timeoutMs} ms`);
    await sleep(POLL_MS);
  }
}
