import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { ValidationError, assertIdPrefix, isUuid } from '@ccs/core';
import { DIR_MODE, FILE_MODE, writeFileAtomic } from './atomic-write';

/** `log`: the human-readable run log (`run_<id>.log`); `jsonl`: Claude's raw stdout stream (`run_<id>.jsonl`). */
export type RunLogKind = 'log' | 'jsonl';

export interface RunLogFileInfo {
  runId: string;
  kind: RunLogKind;
  path: string;
  size: number;
  mtime: Date;
}

const FILE_RE = /^run_([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.(log|jsonl)$/i;

/** Parses `run_<uuid>.log` / `run_<uuid>.jsonl`; null for any other name. */
export function parseRunLogFileName(name: string): { runId: string; kind: RunLogKind } | null {
  const m = FILE_RE.exec(name);
  return m ? { runId: m[1].toLowerCase(), kind: m[2].toLowerCase() as RunLogKind } : null;
}

/**
 * The log files of runs under `<dataDir>/logs/`. A run id becomes part of a path only after it has been checked to
 * be a full UUID, so no id (from a URL, a message, a CLI argument) can name a file outside this directory.
 */
export class RunLogFiles {
  constructor(readonly logsDir: string) {}

  /** The log files of the data directory `dataDir`. */
  static forDataDir(dataDir: string): RunLogFiles {
    return new RunLogFiles(path.join(dataDir, 'logs'));
  }

  /** Path of a run's file. Throws ValidationError unless `runId` is a full UUID. */
  path(runId: string, kind: RunLogKind = 'log'): string {
    const id = assertIdPrefix(runId, 'run id');
    if (!isUuid(id)) throw new ValidationError(`Invalid run id "${runId}": a log file needs the full run id`);
    return path.join(this.logsDir, `run_${id}.${kind}`);
  }

  jsonlPath(runId: string): string {
    return this.path(runId, 'jsonl');
  }

  /** Appends text as is (no newline added). Creates the directory and the file (mode 0600) when missing. */
  async append(runId: string, text: string, kind: RunLogKind = 'log'): Promise<void> {
    const file = this.path(runId, kind);
    await this.ensureDir();
    await fsp.appendFile(file, text, { mode: FILE_MODE });
  }

  /** Appends each line followed by a newline, in one write. */
  async appendLines(runId: string, lines: readonly string[], kind: RunLogKind = 'log'): Promise<void> {
    if (lines.length === 0) return;
    await this.append(runId, lines.map((l) => `${l}\n`).join(''), kind);
  }

  /** Appends raw stdout lines of Claude's stream-json output to `run_<id>.jsonl`. */
  appendJsonl(runId: string, lines: readonly string[]): Promise<void> {
    return this.appendLines(runId, lines, 'jsonl');
  }

  /** Replaces a run's file in one atomic write (used by import). */
  async writeWhole(runId: string, text: string, kind: RunLogKind = 'log'): Promise<void> {
    const file = this.path(runId, kind);
    await this.ensureDir();
    await writeFileAtomic(file, text);
  }

  /** The file's content from byte `offset` (for tailing a live log); null when the file does not exist. */
  async read(runId: string, kind: RunLogKind = 'log', offset = 0): Promise<string | null> {
    const file = this.path(runId, kind);
    let fh: fsp.FileHandle;
    try {
      fh = await fsp.open(file, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    try {
      const { size } = await fh.stat();
      const start = Math.max(0, Math.min(offset, size));
      const buf = Buffer.alloc(size - start);
      await fh.read(buf, 0, buf.length, start);
      return buf.toString('utf8');
    } finally {
      await fh.close();
    }
  }

  readJsonl(runId: string): Promise<string | null> {
    return this.read(runId, 'jsonl');
  }

  async exists(runId: string, kind: RunLogKind = 'log'): Promise<boolean> {
    return fsp.access(this.path(runId, kind)).then(
      () => true,
      () => false,
    );
  }

  /** Every run log file, newest (by mtime) first. Files not named like a run log are ignored. */
  async list(): Promise<RunLogFileInfo[]> {
    let names: string[];
    try {
      names = await fsp.readdir(this.logsDir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const out: RunLogFileInfo[] = [];
    for (const name of names) {
      const parsed = parseRunLogFileName(name);
      if (!parsed) continue;
      const file = path.join(this.logsDir, name);
      const st = await fsp.stat(file).catch(() => null); // deleted meanwhile
      if (!st?.isFile()) continue;
      out.push({ ...parsed, path: file, size: st.size, mtime: st.mtime });
    }
    return out.sort((a, b) => b.mtime.getTime() - a.mtime.getTime() || a.path.localeCompare(b.path));
  }

  /** Deletes the run's files (both kinds unless one is named). Returns how many existed. */
  async delete(runId: string, kinds: readonly RunLogKind[] = ['log', 'jsonl']): Promise<number> {
    let n = 0;
    for (const kind of kinds) {
      try {
        await fsp.unlink(this.path(runId, kind));
        n++;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
    }
    return n;
  }

  private async ensureDir(): Promise<void> {
    await fsp.mkdir(this.logsDir, { recursive: true, mode: DIR_MODE });
  }
}
