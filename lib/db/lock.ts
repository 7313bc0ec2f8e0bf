import fs from 'node:fs';
import path from 'node:path';

/**
 * PGlite has no multi-process lock: two processes on one data directory silently see stale data.
 * This is ours: `<dataDir>.lock` holds the owner's pid; a live owner makes every other opener fail
 * with a message that says what to do instead.
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
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function lockPath(dataDir: string): string {
  return path.join(path.dirname(dataDir), `${path.basename(dataDir)}.lock`);
}

export function acquireLock(dataDir: string, role: string): () => void {
  const file = lockPath(dataDir);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const mine: LockInfo = { pid: process.pid, role, startedAt: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, JSON.stringify(mine), { flag: 'wx' });
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
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
      if (owner && owner.pid !== process.pid && alive(owner.pid)) {
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
