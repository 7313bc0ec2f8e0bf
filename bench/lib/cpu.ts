import fs from 'node:fs';

/** CPU time a process has used so far, in milliseconds: user, system and both (Linux /proc; zeros if gone). */
export function cpuTimes(pid: number): { user: number; system: number; total: number } {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const user = (Number(fields[11]) * 1000) / 100; // utime, in USER_HZ (100 on Linux)
    const system = (Number(fields[12]) * 1000) / 100; // stime
    return { user, system, total: user + system };
  } catch {
    return { user: 0, system: 0, total: 0 };
  }
}

export function cpuMs(pid: number): number {
  return cpuTimes(pid).total;
}
