/** Small statistics and formatting helpers for the benchmark report. */

/** Nearest-rank percentile of unsorted samples (p in 0..100); NaN for no samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (!samples.length) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

export function mean(samples: readonly number[]): number {
  return samples.length ? samples.reduce((a, b) => a + b, 0) / samples.length : NaN;
}

export function median(samples: readonly number[]): number {
  return percentile(samples, 50);
}

/** `1,234` / `12.3` / `0.123` — enough digits to read, no more. */
export function num(n: number, digits?: number): string {
  if (!Number.isFinite(n)) return 'n/a';
  const d = digits ?? (Math.abs(n) >= 100 ? 0 : Math.abs(n) >= 10 ? 1 : 2);
  return n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
}

export function ms(n: number): string {
  return Number.isFinite(n) ? `${num(n, Math.abs(n) >= 100 ? 0 : 1)} ms` : 'n/a';
}

export function mb(bytes: number): string {
  return Number.isFinite(bytes) ? `${num(bytes / (1024 * 1024), 1)} MB` : 'n/a';
}

/** A ratio as a percentage: `83 %`. */
export function pct(ratio: number): string {
  return Number.isFinite(ratio) ? `${num(ratio * 100, ratio >= 0.1 ? 0 : 1)} %` : 'n/a';
}

/** A ratio as a multiple: `×2.4`. */
export function times(ratio: number): string {
  return Number.isFinite(ratio) ? `×${num(ratio, ratio >= 10 ? 0 : 2)}` : 'n/a';
}
