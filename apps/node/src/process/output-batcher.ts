import { OutputLine } from './process-runner.port';

/** A batch of live output, numbered so receivers can order chunks and notice gaps or duplicates. */
export interface OutputChunk {
  /** Consecutive, starting at `firstSeq` (default 0). */
  seq: number;
  lines: OutputLine[];
  /** UTF-8 bytes of the lines, one per newline. */
  bytes: number;
}

/** The timer functions the batcher uses; tests pass a fake one. */
export interface BatchTimer {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface OutputBatcherOptions {
  /** A chunk is emitted at the latest this long after its first line arrived. */
  intervalMs: number;
  /** … or as soon as it holds this many lines. */
  maxLines: number;
  /** … or as soon as it holds this many bytes (keeps messages under transport size limits). Default: no limit. */
  maxBytes?: number;
  /** Sequence number of the first chunk. Default 0. */
  firstSeq?: number;
  /** Receives each chunk. Exceptions propagate to the caller of push/flush. */
  onChunk: (chunk: OutputChunk) => void;
  timer?: BatchTimer;
}

const realTimer: BatchTimer = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/**
 * Groups live output lines into numbered chunks, so a run that prints thousands of lines a second becomes a few
 * messages a second. The interval counts from the first line of a chunk (not from the last one), so output is never
 * delayed by more than `intervalMs` however busy the child is. Empty chunks are never emitted.
 */
export class OutputBatcher {
  private pending: OutputLine[] = [];
  private pendingBytes = 0;
  private seq: number;
  private timerHandle: unknown = null;
  private closed = false;
  private readonly timer: BatchTimer;

  constructor(private readonly options: OutputBatcherOptions) {
    if (!(options.intervalMs >= 0) || !(options.maxLines >= 1)) {
      throw new RangeError('OutputBatcher needs intervalMs >= 0 and maxLines >= 1');
    }
    this.seq = options.firstSeq ?? 0;
    this.timer = options.timer ?? realTimer;
  }

  /** The sequence number the next chunk will carry. */
  get nextSeq(): number {
    return this.seq;
  }

  /** Adds a line. Lines pushed after `close()` are ignored (output that races the end of a run). */
  push(line: OutputLine): void {
    if (this.closed) return;
    this.pending.push(line);
    this.pendingBytes += Buffer.byteLength(line.line, 'utf8') + 1;
    const maxBytes = this.options.maxBytes;
    if (this.pending.length >= this.options.maxLines || (maxBytes !== undefined && this.pendingBytes >= maxBytes)) {
      this.flush();
    } else if (this.timerHandle === null) {
      this.timerHandle = this.timer.setTimeout(() => {
        this.timerHandle = null;
        this.flush();
      }, this.options.intervalMs);
    }
  }

  /** Emits what is pending now (nothing when empty). */
  flush(): void {
    if (this.timerHandle !== null) {
      this.timer.clearTimeout(this.timerHandle);
      this.timerHandle = null;
    }
    if (this.pending.length === 0) return;
    const chunk: OutputChunk = { seq: this.seq++, lines: this.pending, bytes: this.pendingBytes };
    this.pending = [];
    this.pendingBytes = 0;
    this.options.onChunk(chunk);
  }

  /** Flushes and stops; idempotent. Call it when the run is done, before announcing completion. */
  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
  }
}
