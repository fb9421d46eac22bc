import { RunLogFiles } from '@ccs/storage';
import type { LogKind, LogStore } from './ports';

/** LogStore over the data directory's `logs/run_<id>.log|jsonl` files (gui mode, and the node's local spool). */
export class FileLogStore implements LogStore {
  constructor(private readonly files: RunLogFiles) {}

  append(runId: string, lines: readonly string[], kind: LogKind = 'log'): Promise<void> {
    return this.files.appendLines(runId, lines, kind);
  }

  finalize(): Promise<void> {
    return Promise.resolve();
  }

  read(runId: string, kind: LogKind = 'log', offset = 0): Promise<string | null> {
    return this.files.read(runId, kind, offset);
  }

  async delete(runId: string): Promise<void> {
    await this.files.delete(runId);
  }
}
