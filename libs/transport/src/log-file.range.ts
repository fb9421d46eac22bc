import * as fsp from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { LogSlice } from './ports';

/** The size of a local log file; null when it does not exist. */
export async function localLogSize(file: string): Promise<number | null> {
  try {
    return (await fsp.stat(file)).size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** Clamps a requested byte range to a log of `size` bytes. */
export function clampRange(size: number, range: { start?: number; end?: number } = {}): { start: number; end: number } {
  const start = Math.min(size, Math.max(0, Math.floor(range.start ?? 0)));
  const end = Math.min(size, Math.max(start, Math.floor(range.end ?? size)));
  return { start, end };
}

/**
 * Streams [start, end) of a local log file through one open file handle (so the size and the bytes come from
 * the same file, even if it is replaced meanwhile); null when the file does not exist.
 */
export async function openLocalLog(file: string, range?: { start?: number; end?: number }): Promise<LogSlice | null> {
  let fh: fsp.FileHandle;
  try {
    fh = await fsp.open(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  try {
    const { size } = await fh.stat();
    const { start, end } = clampRange(size, range);
    if (end === start) {
      await fh.close();
      return { size, start, end, body: Readable.from([]) };
    }
    // The stream closes the handle when it ends or is destroyed.
    return { size, start, end, body: fh.createReadStream({ start, end: end - 1, highWaterMark: 64 * 1024 }) };
  } catch (err) {
    await fh.close().catch(() => undefined);
    throw err;
  }
}
