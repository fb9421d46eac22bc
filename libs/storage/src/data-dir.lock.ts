import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { getLogger } from '@ccs/shared';
import { FILE_MODE, fsyncDir, tempPathFor } from './atomic-write';
import { DataDirLockedError, LockHolder } from './storage.errors';

export const LOCK_FILE = '.lock';

const log = getLogger('storage.lock');

/** Lock paths held by this process: a second open in the same process must fail like one from another process. */
const heldInThisProcess = new Set<string>();

interface LockFileContent extends LockHolder {
  product: 'claude-code-scheduler';
  /** Random per acquisition, so release never deletes a lock some other process took over in the meantime. */
  token: string;
}

export interface DataDirLockOptions {
  /** Defaults to os.hostname(). */
  host?: string;
  now?: () => Date;
  /** Liveness probe; injectable for tests. Defaults to `kill(pid, 0)`. */
  isAlive?: (pid: number) => boolean;
}

/** `kill(pid, 0)` delivers nothing but says whether the pid exists; EPERM means it exists under another user. */
export function isPidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Reads `<dataDir>/.lock`; null when there is none or it cannot be read as a lock. */
export async function readLockHolder(dataDir: string): Promise<LockHolder | null> {
  const content = await readLockFile(path.join(dataDir, LOCK_FILE));
  return content ? { pid: content.pid, host: content.host, started_at: content.started_at } : null;
}

async function readLockFile(lockPath: string): Promise<LockFileContent | null> {
  let text: string;
  try {
    text = await fsp.readFile(lockPath, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  return parseLock(text);
}

function parseLock(text: string): LockFileContent | null {
  try {
    const v = JSON.parse(text) as Partial<LockFileContent>;
    if (typeof v.pid !== 'number' || typeof v.host !== 'string') return null;
    return {
      product: 'claude-code-scheduler',
      pid: v.pid,
      host: v.host,
      started_at: typeof v.started_at === 'string' ? v.started_at : '',
      token: typeof v.token === 'string' ? v.token : '',
    };
  } catch {
    return null;
  }
}

/**
 * The single-writer lock of a data directory: `<dataDir>/.lock` holding the holder's pid, host and start time.
 *
 * The lock file appears atomically (written to a temp file, then hard-linked into place; `link` fails if the name
 * exists), so a competitor never reads a half-written lock. A lock whose pid is dead is stale: it is moved aside
 * and taken over with a warning. A lock from another host cannot be checked, so it counts as held.
 */
export class DataDirLock {
  private released = false;
  private readonly onExit = (): void => this.releaseSync();

  private constructor(
    readonly dataDir: string,
    readonly lockPath: string,
    private readonly content: LockFileContent,
    /** The stale holder this lock replaced, if any. */
    readonly tookOverFrom: LockHolder | null,
  ) {
    heldInThisProcess.add(lockPath);
    // A clean exit (including process.exit) removes the lock; a crash leaves it, and the next open takes it over.
    process.on('exit', this.onExit);
  }

  get holder(): LockHolder {
    return { pid: this.content.pid, host: this.content.host, started_at: this.content.started_at };
  }

  static async acquire(dataDir: string, opts: DataDirLockOptions = {}): Promise<DataDirLock> {
    const lockPath = path.join(dataDir, LOCK_FILE);
    const host = opts.host ?? os.hostname();
    const isAlive = opts.isAlive ?? isPidAlive;
    const content: LockFileContent = {
      product: 'claude-code-scheduler',
      pid: process.pid,
      host,
      started_at: (opts.now?.() ?? new Date()).toISOString(),
      token: randomBytes(12).toString('hex'),
    };
    let tookOverFrom: LockHolder | null = null;

    if (heldInThisProcess.has(lockPath)) {
      throw new DataDirLockedError(
        dataDir,
        { pid: process.pid, host, started_at: '' },
        'already opened by this process',
      );
    }

    // A few rounds: each lost race against another process taking over the same stale lock costs one round.
    for (let round = 0; round < 5; round++) {
      if (await tryCreate(lockPath, content)) {
        return new DataDirLock(dataDir, lockPath, content, tookOverFrom);
      }
      const text = await fsp.readFile(lockPath, 'utf8').catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') return null; // released between our attempt and this read: just retry
        throw err;
      });
      if (text === null) continue;
      const existing = parseLock(text);
      if (existing) {
        if (existing.host !== host) {
          throw new DataDirLockedError(
            dataDir,
            existing,
            `on host ${existing.host}; if that host is gone, delete ${lockPath}`,
          );
        }
        // Our own pid in a lock we do not hold: a previous incarnation of this process id (containers restart as
        // pid 1), so it is stale.
        if (existing.pid !== process.pid && isAlive(existing.pid)) throw new DataDirLockedError(dataDir, existing);
      }
      const stale = existing ?? { pid: 0, host, started_at: '' };
      if (await moveAsideIfUnchanged(lockPath, text)) {
        tookOverFrom = stale;
        log.warn(
          existing
            ? `Taking over stale lock of ${dataDir}: pid ${existing.pid} (started ${existing.started_at || 'unknown'}) is not running`
            : `Taking over unreadable lock file ${lockPath}`,
        );
      }
    }
    const now = await readLockFile(lockPath);
    throw new DataDirLockedError(dataDir, now ?? { pid: 0, host, started_at: '' }, 'lock contended');
  }

  /** Removes the lock file if it is still ours. Idempotent. */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    process.off('exit', this.onExit);
    heldInThisProcess.delete(this.lockPath);
    const current = await readLockFile(this.lockPath);
    if (current?.token === this.content.token) await fsp.rm(this.lockPath, { force: true });
  }

  private releaseSync(): void {
    if (this.released) return;
    this.released = true;
    heldInThisProcess.delete(this.lockPath);
    try {
      const current = parseLock(fs.readFileSync(this.lockPath, 'utf8'));
      if (current?.token === this.content.token) fs.rmSync(this.lockPath, { force: true });
    } catch {
      // exiting anyway; a leftover lock is taken over as stale by the next open
    }
  }
}

async function tryCreate(lockPath: string, content: LockFileContent): Promise<boolean> {
  const tmp = tempPathFor(lockPath);
  const fh = await fsp.open(tmp, 'wx', FILE_MODE);
  try {
    await fh.writeFile(`${JSON.stringify(content, null, 2)}\n`);
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await fsp.link(tmp, lockPath);
    await fsyncDir(path.dirname(lockPath));
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    await fsp.rm(tmp, { force: true });
  }
}

/**
 * Moves a stale lock out of the way, but only the one we judged: if another process took it over between our
 * read and the rename, we would have moved a live lock, so it is linked back and we report no takeover.
 */
async function moveAsideIfUnchanged(lockPath: string, judgedText: string): Promise<boolean> {
  const aside = `${lockPath}.stale.${process.pid}.${randomBytes(4).toString('hex')}`;
  try {
    await fsp.rename(lockPath, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
  const movedText = await fsp.readFile(aside, 'utf8');
  if (movedText !== judgedText) {
    await fsp.link(aside, lockPath).catch(() => undefined);
    await fsp.rm(aside, { force: true });
    return false;
  }
  await fsp.rm(aside, { force: true });
  return true;
}
