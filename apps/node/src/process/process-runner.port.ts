import { DomainError } from '@ccs/core';

/** Which pipe of the child a line came from. */
export type OutputStream = 'stdout' | 'stderr';

/** One line of child output (without its newline), stamped with the runner's clock (epoch ms) on arrival. */
export interface OutputLine {
  stream: OutputStream;
  line: string;
  ts: number;
}

/** Options for one child process. */
export interface ProcessSpawnOptions {
  /** Working directory; must exist (checked before spawning, so the error names the directory). */
  cwd: string;
  /**
   * The child's COMPLETE environment. It is not merged with this process's environment: the caller builds it
   * (see env/buildRunEnv), so what a run sees is exactly what was resolved and logged. `PATH` in here is also
   * what the executable is looked up on.
   */
  env: Readonly<Record<string, string>>;
  /** Stop the child (same sequence as `stop`) after this many ms; null/undefined/0 = no timeout. */
  timeoutMs?: number | null;
  /** SIGTERM → SIGKILL grace period for `stop` and timeouts. Default: the runner's (5000 ms). */
  graceMs?: number;
  /**
   * Bytes of output (UTF-8, one byte per newline) kept in `ProcessResult.output`. Lines past the cap are still
   * counted and passed to `onLine`, only not retained; a marker line records the truncation. Default 10 MiB.
   */
  maxOutputBytes?: number;
  /** Called for every line of either stream as it arrives (live output). Exceptions are logged and ignored. */
  onLine?: (line: OutputLine) => void;
}

/** Who ended a run early and why, e.g. `{ by: 'user', reason: 'stopped via API' }`. */
export interface StopInfo {
  by: string;
  reason: string;
}

/** How a child process ended. */
export interface ProcessResult {
  /** The child's own exit code (null when it died from a signal). Never replaced by a synthetic value. */
  exitCode: number | null;
  /** The signal that killed the child, if any. */
  signal: NodeJS.Signals | null;
  /** True when the timeout fired before the child exited by itself. */
  timedOut: boolean;
  /** Set when `stop()` was called before the child exited by itself; null otherwise (also for timeouts). */
  stopped: StopInfo | null;
  /** True when retained output hit `maxOutputBytes`. */
  truncated: boolean;
  /** Spawn → exit and output drained, by the runner's clock. */
  durationMs: number;
  /** Retained lines in arrival order; when truncated, the last one is the marker from `truncationMarker`. */
  output: OutputLine[];
  /** Every line seen per stream, retained or not. */
  lineCounts: Record<OutputStream, number>;
  /** Every byte seen per stream (UTF-8, newlines included), retained or not. */
  byteCounts: Record<OutputStream, number>;
}

/** A started child. */
export interface RunningProcess {
  /** Pid of the child, which is also the id of its process group. */
  readonly pid: number;
  /** Resolves once the child has exited and its output is drained. Never rejects. */
  readonly done: Promise<ProcessResult>;
  /**
   * Live lines from the moment of the call until the child is done. Subscribe right after `spawn` resolves to see
   * every line. Lines are buffered until consumed, so a subscriber must keep reading (or break out of the loop).
   */
  lines(): AsyncIterableIterator<OutputLine>;
  /**
   * SIGTERM to the whole process group, up to `graceMs` for the group to exit, then SIGKILL to the group.
   * Idempotent: every call returns the same promise (the first caller's `by`/`reason` are recorded).
   * After the child has already exited it only waits for `done` and records nothing.
   */
  stop(reason: string, by?: string): Promise<ProcessResult>;
}

/**
 * Port for running a program as a child process: no shell (argv is passed as is, nothing is interpolated), its
 * own process group (so stopping a run also stops what it started), stdout and stderr read concurrently line by
 * line, bounded retained output, timeout and graceful stop.
 */
export interface ProcessRunner {
  /**
   * Starts `argv[0]` with `argv.slice(1)`. Resolves once the OS has started the program; rejects with
   * `SpawnError` when it cannot be started (missing executable or cwd, not executable, …).
   */
  spawn(argv: readonly string[], options: ProcessSpawnOptions): Promise<RunningProcess>;
}

/** Nest injection token for the ProcessRunner port. */
export const PROCESS_RUNNER = Symbol('PROCESS_RUNNER');

/** A program could not be started at all (it never ran, so there is no exit code). */
export class SpawnError extends DomainError {
  readonly code = 'SPAWN_FAILED';
  constructor(
    message: string,
    /** The system error code: ENOENT, EACCES, ENOTDIR, … */
    readonly errno: string,
    /** The program that was to be started. */
    readonly file: string,
  ) {
    super(message);
  }
}

/** The line that stands in for everything past the retention cap. */
export function truncationMarker(maxBytes: number): string {
  return `[… output truncated after ${maxBytes} bytes …]`;
}
