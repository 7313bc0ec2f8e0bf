import fs from 'node:fs';

/** Resident set size of a process, in bytes (Linux /proc). */
export function rss(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) * 1024;
}

/** The kernel's high-water mark of the resident set (VmHWM), in bytes. */
function hwm(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) * 1024;
}

/**
 * Samples a process's RSS every `intervalMs` and, where the kernel allows it, also reads its exact
 * high-water mark (VmHWM, reset at the start through /proc/<pid>/clear_refs), so a spike between two
 * samples is not missed. `stop()` returns the baseline and the peak.
 */
export function watchRss(pid: number, intervalMs = 20): { stop(): { baseline: number; peak: number; samples: number } } {
  let exact = false;
  try {
    fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
    exact = true;
  } catch {
    /* not permitted here: sampling only */
  }
  const baseline = rss(pid);
  let peak = baseline;
  let samples = 1;
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, rss(pid));
      samples++;
    } catch {
      /* the process ended */
    }
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      try {
        peak = Math.max(peak, rss(pid), exact ? hwm(pid) : 0);
      } catch {
        /* gone */
      }
      return { baseline, peak, samples };
    },
  };
}
