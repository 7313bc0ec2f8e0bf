import fs from 'node:fs';
import path from 'node:path';

/**
 * PGlite has no multi-process lock: two processes on one data directory silently see stale data.
 * This is ours: `<dataDir>.lock` names the owner (pid, and where the system tells, the boot and the
 * process's start time); a live owner makes every other opener fail with a message that says what
 * to do instead. A lock left behind by a process that died is taken over, even when its pid now
 * belongs to some other process (after a reboot or a container restart pids are reused).
 */
export class DatabaseBusyError extends Error {
  constructor(
    message: string,
    readonly ownerPid: number,
  ) {
    super(message);
    this.name = 'DatabaseBusyError';
  }
}

interface LockInfo {
  pid: number;
  role: string;
  startedAt: string;
  /** Linux: /proc/sys/kernel/random/boot_id when the lock was taken. */
  boot?: string;
  /** Linux: the owner's start time (clock ticks since boot, field 22 of /proc/<pid>/stat). */
  start?: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function read(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

const bootId = () => read('/proc/sys/kernel/random/boot_id')?.trim() || undefined;

/** A process's start time from /proc (the command name, field 2, may hold spaces and parentheses). */
export function processStart(pid: number): string | undefined {
  const stat = read(`/proc/${pid}/stat`);
  if (!stat) return undefined;
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
}

/** The program a process runs, from /proc (undefined where the system does not tell). */
function programOf(pid: number): string | undefined {
  const cmdline = read(`/proc/${pid}/cmdline`);
  return cmdline === undefined ? undefined : path.basename(cmdline.split('\0')[0] ?? '');
}

/**
 * Whether the process a lock names is still the one that took it. Where /proc tells (Linux), the
 * boot and start time must match, so a reused pid does not count; a lock written without them
 * counts only while its pid runs Node.js. Elsewhere, a live pid is all there is to go on.
 */
export function ownerLives(owner: LockInfo): boolean {
  if (!Number.isInteger(owner.pid) || owner.pid <= 0 || owner.pid === process.pid || !alive(owner.pid)) return false;
  const boot = bootId();
  if (boot === undefined) return true; // no /proc: nothing more to check
  if (owner.boot !== undefined || owner.start !== undefined) {
    return owner.boot === boot && owner.start !== undefined && processStart(owner.pid) === owner.start;
  }
  const program = programOf(owner.pid);
  return program === undefined || /^node(js)?(\d+(\.\d+)*)?$/.test(program) || program === 'bun' || program === 'deno';
}

export function lockPath(dataDir: string): string {
  return path.join(path.dirname(dataDir), `${path.basename(dataDir)}.lock`);
}

export function acquireLock(dataDir: string, role: string): () => void {
  const file = lockPath(dataDir);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const mine: LockInfo = { pid: process.pid, role, startedAt: new Date().toISOString(), boot: bootId(), start: processStart(process.pid) };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, JSON.stringify(mine), { flag: 'wx' });
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        process.removeListener('exit', release); // one listener per open, gone with it (a failed open must not leak one)
        try {
          const current = JSON.parse(fs.readFileSync(file, 'utf8')) as LockInfo;
          if (current.pid === process.pid) fs.unlinkSync(file);
        } catch {
          /* already gone */
        }
      };
      process.once('exit', release);
      return release;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let owner: LockInfo | undefined;
      try {
        owner = JSON.parse(fs.readFileSync(file, 'utf8')) as LockInfo;
      } catch {
        owner = undefined; // torn or empty lock file: treat as stale
      }
      if (owner && ownerLives(owner)) {
        const who = owner.role === 'server' ? 'the Shiplog server' : `a Shiplog ${owner.role}`;
        throw new DatabaseBusyError(
          `The embedded database at ${dataDir} is in use by ${who} (pid ${owner.pid}, since ${owner.startedAt}). ` +
            `PGlite serves one process only: stop that process first, or do this through the running server's HTTP API.`,
          owner.pid,
        );
      }
      fs.rmSync(file, { force: true }); // stale: its owner is gone
    }
  }
  throw new Error(`Could not take the database lock ${file}`);
}
