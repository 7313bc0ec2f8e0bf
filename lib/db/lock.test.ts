import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { acquireLock, DatabaseBusyError, lockPath, ownerLives, processStart } from './lock';

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

describe('a lock left behind by a process that is gone', () => {
  const waitExit = (child: ReturnType<typeof spawn>) => new Promise((r) => child.once('exit', r));

  it('is taken over when its pid now belongs to a program that is not Node.js (a reused pid)', async () => {
    const dataDir = dir();
    const other = spawn('sleep', ['30']);
    try {
      fs.writeFileSync(lockPath(dataDir), JSON.stringify({ pid: other.pid, role: 'server', startedAt: 'then' }));
      const release = acquireLock(dataDir, 'cli');
      expect(JSON.parse(fs.readFileSync(lockPath(dataDir), 'utf8')).pid).toBe(process.pid);
      release();
    } finally {
      other.kill();
    }
  });

  it('is taken over when its pid is alive but started at another time than the owner it names', async () => {
    const dataDir = dir();
    const node = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    try {
      const boot = fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
      const start = processStart(node.pid!)!;
      fs.writeFileSync(lockPath(dataDir), JSON.stringify({ pid: node.pid, role: 'server', startedAt: 'then', boot, start: String(Number(start) - 1) }));
      const release = acquireLock(dataDir, 'cli');
      release();
      // The same pid with its real start time is the owner, and is honoured.
      fs.writeFileSync(lockPath(dataDir), JSON.stringify({ pid: node.pid, role: 'server', startedAt: 'now', boot, start }));
      expect(() => acquireLock(dataDir, 'cli')).toThrow(DatabaseBusyError);
      // ... but not after a reboot (another boot id).
      fs.writeFileSync(lockPath(dataDir), JSON.stringify({ pid: node.pid, role: 'server', startedAt: 'then', boot: 'another-boot', start }));
      acquireLock(dataDir, 'cli')();
    } finally {
      node.kill();
      await waitExit(node);
    }
  });

  it('a lock this process writes names its boot and start time', () => {
    const dataDir = dir();
    const release = acquireLock(dataDir, 'server');
    try {
      const info = JSON.parse(fs.readFileSync(lockPath(dataDir), 'utf8'));
      expect(info).toMatchObject({ pid: process.pid, role: 'server', boot: fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim(), start: processStart(process.pid) });
      expect(info.start).toMatch(/^\d+$/);
      expect(ownerLives(info)).toBe(false); // this process is never "another owner"
    } finally {
      release();
    }
  });

  it('a failed open of the embedded database leaves no exit listener behind (checked in a real process)', () => {
    // Jest gives each test file its own `process` object, so the count is taken in a child process.
    const base = fs.mkdtempSync(path.join(os.tmpdir(), 'shiplog-lock-'));
    const notADirectory = path.join(base, 'file');
    fs.writeFileSync(notADirectory, 'not a database');
    const script = `
      const { getDb } = require(${JSON.stringify(path.join(__dirname, 'index.ts'))});
      (async () => {
        const before = process.listenerCount('exit');
        let failures = 0;
        for (let i = 0; i < 3; i++) await getDb().catch(() => failures++);
        console.log(JSON.stringify({ failures, added: process.listenerCount('exit') - before }));
      })();`;
    const out = execFileSync(path.join(process.cwd(), 'node_modules/.bin/tsx'), ['-e', script], {
      env: { ...process.env, SHIPLOG_ROLE: 'cli', SHIPLOG_DATA_DIR: notADirectory, SHIPLOG_LOG_LEVEL: 'silent' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    const { failures, added } = JSON.parse(out.trim().split('\n').pop()!);
    expect(failures).toBe(3);
    expect(added).toBeLessThanOrEqual(0); // before: one more per failed open
  }, 90_000);
});
