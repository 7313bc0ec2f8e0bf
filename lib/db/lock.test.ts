import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { acquireLock, DatabaseBusyError, lockPath } from './lock';

const dir = () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'shiplog-lock-')), 'pglite');

describe('the embedded database lock', () => {
  it('refuses a second process while the owner lives, naming it', async () => {
    const dataDir = dir();
    const owner = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    try {
      fs.writeFileSync(lockPath(dataDir), JSON.stringify({ pid: owner.pid, role: 'server', startedAt: 'now' }));
      expect(() => acquireLock(dataDir, 'cli')).toThrow(DatabaseBusyError);
      expect(() => acquireLock(dataDir, 'cli')).toThrow(/in use by the Shiplog server \(pid \d+/);
    } finally {
      owner.kill();
    }
  });

  it('takes over a lock whose owner is gone, and releases it', async () => {
    const dataDir = dir();
    const gone = spawn(process.execPath, ['-e', '0']);
    await new Promise((r) => gone.once('exit', r));
    fs.writeFileSync(lockPath(dataDir), JSON.stringify({ pid: gone.pid, role: 'server', startedAt: 'then' }));
    const release = acquireLock(dataDir, 'cli');
    expect(JSON.parse(fs.readFileSync(lockPath(dataDir), 'utf8')).pid).toBe(process.pid);
    release();
    expect(fs.existsSync(lockPath(dataDir))).toBe(false);
  });
});
