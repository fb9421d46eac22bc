import { randomUUID } from 'node:crypto';
import { buildMockStream } from '../claude/mock-stream';
import type {
  OutputLine,
  ProcessResult,
  ProcessRunner,
  ProcessSpawnOptions,
  RunningProcess,
  StopInfo,
} from '../process/process-runner.port';

/** Reads `--flag value` from a Claude argv. */
function flag(argv: readonly string[], name: string): string | null {
  const end = argv.indexOf('--');
  const i = argv.indexOf(name);
  return i >= 0 && (end < 0 || i < end) ? (argv[i + 1] ?? null) : null;
}

/**
 * Mock mode's stand-in for the Claude CLI behind the ProcessRunner port: it "runs" the argv the executor built by
 * playing the stream-json of a realistic run (same schema as the real CLI) over `durationMs`, so mock runs go
 * through exactly the same executor, parser, log files, live output, timeout and stop handling as real ones.
 */
export class MockProcessRunner implements ProcessRunner {
  constructor(private readonly durationMs: () => number) {}

  spawn(argv: readonly string[], options: ProcessSpawnOptions): Promise<RunningProcess> {
    const sep = argv.indexOf('--');
    const prompt = sep >= 0 ? argv.slice(sep + 1).join(' ') : '';
    const sessionId =
      flag(argv, '--session-id') ??
      (argv.includes('--fork-session') ? randomUUID() : flag(argv, '--resume')) ??
      randomUUID();
    const durationMs = Math.max(0, this.durationMs());
    const lines = buildMockStream({ prompt, sessionId, model: flag(argv, '--model'), cwd: options.cwd, durationMs });
    return Promise.resolve(new MockProcess(lines, durationMs, options));
  }
}

class MockProcess implements RunningProcess {
  readonly pid = 0;
  readonly done: Promise<ProcessResult>;
  private resolveDone!: (r: ProcessResult) => void;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly output: OutputLine[] = [];
  private readonly started = Date.now();
  private stopped: StopInfo | null = null;
  private timedOut = false;
  private finished = false;
  private bytes = 0;

  constructor(
    lines: string[],
    durationMs: number,
    private readonly options: ProcessSpawnOptions,
  ) {
    this.done = new Promise((r) => (this.resolveDone = r));
    // Each line is scheduled by the one before it, and the end comes right after the last line: timers of different
    // lengths do not reliably fire in due order under load, and a run that ended before its result line was
    // reported as a failure ("output ended without a result record"; ~6% of runs in the distributed benchmark).
    const step = lines.length > 1 ? durationMs / (lines.length - 1) : 0;
    const next = (i: number): void => {
      const due = this.started + Math.round(i * step);
      this.timers.push(
        setTimeout(
          () => {
            if (i < lines.length) this.emit(lines[i]);
            if (i + 1 < lines.length) next(i + 1);
            else this.finish(0, null);
          },
          Math.max(0, due - Date.now()),
        ),
      );
    };
    next(0);
    if (options.timeoutMs) {
      this.timers.push(
        setTimeout(() => {
          this.timedOut = true;
          this.finish(null, 'SIGTERM');
        }, options.timeoutMs),
      );
    }
  }

  private emit(line: string): void {
    if (this.finished) return;
    const out: OutputLine = { stream: 'stdout', line, ts: Date.now() };
    this.bytes += Buffer.byteLength(line) + 1;
    this.output.push(out);
    try {
      this.options.onLine?.(out);
    } catch {
      // Same contract as the real runner: a failing listener never breaks the run.
    }
  }

  private finish(exitCode: number | null, signal: NodeJS.Signals | null): void {
    if (this.finished) return;
    this.finished = true;
    for (const t of this.timers) clearTimeout(t);
    this.resolveDone({
      exitCode,
      signal,
      timedOut: this.timedOut,
      stopped: this.stopped,
      truncated: false,
      durationMs: Date.now() - this.started,
      output: this.output,
      lineCounts: { stdout: this.output.length, stderr: 0 },
      byteCounts: { stdout: this.bytes, stderr: 0 },
    });
  }

  lines(): AsyncIterableIterator<OutputLine> {
    throw new Error('MockProcess does not support lines(); use onLine');
  }

  stop(reason: string, by = 'user'): Promise<ProcessResult> {
    if (!this.finished) {
      this.stopped = { by, reason };
      this.finish(null, 'SIGTERM');
    }
    return this.done;
  }
}
