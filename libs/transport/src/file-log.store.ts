import { RunLogFiles } from '@ccs/storage';
import { CappedLogWriter } from './capped-log.writer';
import { LogCapPolicy } from './log-cap.policy';
import { localLogSize, openLocalLog } from './log-file.range';
import type { LogKind, LogSlice, LogStore } from './ports';

/**
 * LogStore over the data directory's `logs/run_<id>.log|jsonl` files (gui mode, and the node's local spool),
 * capped per run by `policy` (default: the default `max_log_bytes`).
 */
export class FileLogStore implements LogStore {
  private readonly writer: CappedLogWriter;

  constructor(
    private readonly files: RunLogFiles,
    policy: LogCapPolicy = new LogCapPolicy(),
  ) {
    this.writer = new CappedLogWriter(files, policy);
  }

  append(runId: string, lines: readonly string[], kind: LogKind = 'log'): Promise<void> {
    return this.writer.append(runId, kind, lines);
  }

  finalize(runId: string): Promise<void> {
    return this.writer.finalize(runId);
  }

  read(runId: string, kind: LogKind = 'log', offset = 0): Promise<string | null> {
    return this.files.read(runId, kind, offset);
  }

  size(runId: string, kind: LogKind): Promise<number | null> {
    return localLogSize(this.files.path(runId, kind));
  }

  open(runId: string, kind: LogKind, range?: { start?: number; end?: number }): Promise<LogSlice | null> {
    return openLocalLog(this.files.path(runId, kind), range);
  }

  async delete(runId: string): Promise<void> {
    await this.writer.discard(runId);
    await this.files.delete(runId);
  }
}
