import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { setupLogging } from '@ccs/shared';
import { tempDirs } from '../test-support/temp-dirs';
import { DataDirLock, LOCK_FILE, isPidAlive, readLockHolder } from './data-dir.lock';
import { openDataStore } from './json-file.store';
import { DataDirLockedError } from './storage.errors';

const dirs = tempDirs();
afterEach(() => dirs.cleanup());

/** The pid of a process that has exited (and been reaped), i.e. a pid that is certainly not alive now. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  const pid = Number(r.stdout.toString());
  expect(isPidAlive(pid)).toBe(false);
  return pid;
}

function writeLock(dataDir: string, content: object | string): void {
  fs.writeFileSync(path.join(dataDir, LOCK_FILE), typeof content === 'string' ? content : JSON.stringify(content));
}

describe('data directory lock', () => {
  it('records pid, host and start time while held, and removes the lock on close', async () => {
    const dataDir = dirs.make();
    const store = await openDataStore({ dataDir });
    const holder = await readLockHolder(dataDir);
    expect(holder).toMatchObject({ pid: process.pid, host: os.hostname() });
    expect(Number.isNaN(Date.parse(holder!.started_at))).toBe(false);
    expect(fs.statSync(path.join(dataDir, LOCK_FILE)).mode & 0o777).toBe(0o600);
    await store.close();
    expect(fs.existsSync(path.join(dataDir, LOCK_FILE))).toBe(false);
  });

  it('fails fast for a second writer in the same process, and admits one again after close', async () => {
    const dataDir = dirs.make();
    const store = await openDataStore({ dataDir });
    await expect(openDataStore({ dataDir })).rejects.toThrow(DataDirLockedError);
    await expect(openDataStore({ dataDir })).rejects.toThrow(`(pid ${process.pid}`);
    await store.close();
    const again = await openDataStore({ dataDir });
    await again.close();
  });

  it('names the live holder: "in use by another claude-code-scheduler process (pid N)"', async () => {
    const dataDir = dirs.make();
    writeLock(dataDir, { pid: 1234, host: os.hostname(), started_at: '2026-01-01T00:00:00.000Z', token: 'x' });
    const err = await DataDirLock.acquire(dataDir, { isAlive: (pid) => pid === 1234 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataDirLockedError);
    expect((err as DataDirLockedError).holder.pid).toBe(1234);
    expect((err as Error).message).toBe(
      `Data directory ${dataDir} is in use by another claude-code-scheduler process (pid 1234). Stop it or use --data-dir.`,
    );
    // The live holder's lock is left alone.
    expect((await readLockHolder(dataDir))?.pid).toBe(1234);
  });

  it('takes over a stale lock (pid not running) with a warning', async () => {
    const dataDir = dirs.make();
    const stale = deadPid();
    writeLock(dataDir, { pid: stale, host: os.hostname(), started_at: '2025-01-01T00:00:00.000Z', token: 'old' });
    const lines: string[] = [];
    setupLogging(0, { write: (l) => void lines.push(l) });
    const store = await openDataStore({ dataDir });
    try {
      expect((await readLockHolder(dataDir))?.pid).toBe(process.pid);
      const warning = lines.find((l) => l.includes('[WARNING]') && l.includes('stale lock'));
      expect(warning).toContain(`pid ${stale} (started 2025-01-01T00:00:00.000Z) is not running`);
      expect(fs.readdirSync(dataDir).filter((n) => n.includes('.lock.'))).toEqual([]);
    } finally {
      await store.close();
      setupLogging(0, { write: (l) => void process.stderr.write(l) });
    }
  });

  it('takes over a lock file that is not a lock (unreadable content)', async () => {
    const dataDir = dirs.make();
    writeLock(dataDir, 'garbage');
    const lock = await DataDirLock.acquire(dataDir);
    expect(lock.tookOverFrom).not.toBeNull();
    expect((await readLockHolder(dataDir))?.pid).toBe(process.pid);
    await lock.release();
  });

  it('treats a lock from another host as held (its pid cannot be checked from here)', async () => {
    const dataDir = dirs.make();
    writeLock(dataDir, { pid: deadPid(), host: 'other-host.example', started_at: '', token: 'x' });
    await expect(DataDirLock.acquire(dataDir)).rejects.toThrow(/on host other-host\.example.*delete .*\.lock/);
  });

  it('release removes only its own lock and is idempotent', async () => {
    const dataDir = dirs.make();
    const lock = await DataDirLock.acquire(dataDir);
    // Someone else (wrongly) replaced the lock meanwhile: releasing must not delete theirs.
    writeLock(dataDir, { pid: 999999, host: os.hostname(), started_at: '', token: 'theirs' });
    await lock.release();
    await lock.release();
    expect((await readLockHolder(dataDir))?.pid).toBe(999999);
  });
});
