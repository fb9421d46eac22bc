import { randomBytes } from 'node:crypto';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';

/** Every file this library writes may hold secrets (profiles, settings, run output): owner-only. */
export const FILE_MODE = 0o600;
export const DIR_MODE = 0o700;

const TEMP_RE = /^\..+\.\d+\.[0-9a-f]{12}\.tmp$/;

/** Temp-file name for `target`: hidden, in the same directory (so rename stays on one file system), unique. */
export function tempPathFor(target: string): string {
  return path.join(
    path.dirname(target),
    `.${path.basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`,
  );
}

/** True for the leftovers of an atomic write that was interrupted (e.g. by SIGKILL) before its rename. */
export function isAtomicTempFile(name: string): boolean {
  return TEMP_RE.test(name);
}

/**
 * Replaces `target` with `data` so that a reader (or a crash) sees either the old or the new content, never a mix:
 * write a temp file next to it, fsync it, rename it over the target, fsync the directory so the rename itself is
 * durable. Without the directory fsync a power cut right after rename may bring the old file back even though the
 * caller was told "saved".
 */
export async function writeFileAtomic(target: string, data: string | Uint8Array): Promise<void> {
  const tmp = tempPathFor(target);
  const fh = await fsp.open(tmp, 'wx', FILE_MODE);
  try {
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await fsp.rename(tmp, target);
  } catch (err) {
    await fsp.rm(tmp, { force: true }).catch(() => undefined);
    throw err;
  }
  await fsyncDir(path.dirname(target));
}

/** fsync of a directory makes entries created/renamed in it durable. Some file systems refuse it; that is fine. */
export async function fsyncDir(dir: string): Promise<void> {
  let fh: fsp.FileHandle | undefined;
  try {
    fh = await fsp.open(dir, 'r');
    await fh.sync();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EINVAL' && code !== 'EPERM' && code !== 'EBADF') throw err;
  } finally {
    await fh?.close();
  }
}
