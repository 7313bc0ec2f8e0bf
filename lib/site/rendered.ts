/**
 * Deep changelog pages (/owner/repo/page/n) this process has rendered, hence holds in its page cache
 * (kept in memory: next.config.js isrFlushToDisk). A new release shifts every page, so the revalidator
 * refreshes the first few always and deeper ones only if they are cached here.
 */
const g = globalThis as typeof globalThis & { __shiplogRendered?: Set<string> };
const rendered = (g.__shiplogRendered ??= new Set<string>());

export function markRendered(path: string): void {
  rendered.add(path);
}

export function wasRendered(path: string): boolean {
  return rendered.has(path);
}
