const dateTime = new Intl.DateTimeFormat('en', { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: 'UTC' });

/**
 * Date and time in UTC: the server and the browser render the same text (no hydration mismatch). The
 * hour cycle is h23: with `hour12: false` Node's ICU writes the first hour after midnight as 24:04 where
 * Chromium writes 00:04, and every console page showing such a time failed to hydrate.
 */
export function formatDateTime(iso: string | null | undefined): string {
  return iso ? `${dateTime.format(new Date(iso))} UTC` : '—';
}

export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
