import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { ValidationError } from '@ccs/core';
import { getLogger } from '@ccs/shared';
import { LineSplitter } from './line-splitter';
import { isProcessGroupAlive, signalProcessGroup } from './process-group';
import {
  OutputLine,
  OutputStream,
  ProcessResult,
  ProcessRunner,
  ProcessSpawnOptions,
  RunningProcess,
  SpawnError,
  StopInfo,
  truncationMarker,
} from './process-runner.port';

const log = getLogger('process-runner');

export interface ChildProcessRunnerOptions {
  /** Clock for line timestamps and durations (epoch ms). Default Date.now. */
  now?: () => number;
  /** Grace period when the spawn options give none. Default 5000 ms. */
  defaultGraceMs?: number;
  /** Retention cap when the spawn options give none. Default 10 MiB. */
  defaultMaxOutputBytes?: number;
  /**
   * After the child exits by itself, how long to wait for its pipes to close. Something it left behind in its
   * process group may still hold them open; past this, that group is killed so the run can finish. Default 2000.
   */
  drainMs?: number;
  /** How often `stop` checks whether the group is gone during the grace period. Default 50 ms. */
  pollMs?: number;
  /** Longest line kept whole; longer ones are split (see LineSplitter). Default 16 Mi chars. */
  maxLineChars?: number;
}

/**
 * The real ProcessRunner: node:child_process with `shell: false` and `detached: true` (the child calls setsid, so
 * it leads its own process group and `kill(-pid)` reaches everything it starts). stdin is /dev/null, so a child
 * waiting for input sees EOF instead of hanging. Wire it with a factory (`useFactory: () => new
 * ChildProcessRunner()`): its constructor takes plain options, not injectables.
 */
export class ChildProcessRunner implements ProcessRunner {
  private readonly now: () => number;
  private readonly defaultGraceMs: number;
  private readonly defaultMaxOutputBytes: number;
  private readonly drainMs: number;
  private readonly pollMs: number;
  private readonly maxLineChars: number;

  constructor(options: ChildProcessRunnerOptions = {}) {
    this.now = options.now ?? Date.now;
    this.defaultGraceMs = options.defaultGraceMs ?? 5000;
    this.defaultMaxOutputBytes = options.defaultMaxOutputBytes ?? 10 * 1024 * 1024;
    this.drainMs = options.drainMs ?? 2000;
    this.pollMs = options.pollMs ?? 50;
    this.maxLineChars = options.maxLineChars ?? 16 * 1024 * 1024;
  }

  async spawn(argv: readonly string[], options: ProcessSpawnOptions): Promise<RunningProcess> {
    const [file, ...args] = argv;
    if (!file) throw new ValidationError('cannot start a process: the command line is empty');
    await assertDirectory(options.cwd, file);

    const startedAt = this.now();
    const child = spawn(file, args, {
      cwd: options.cwd,
      env: { ...options.env },
      shell: false,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
    });
    // 'spawn' or 'error' decides whether the program started; ENOENT/EACCES arrive asynchronously as 'error'.
    await new Promise<void>((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException): void => {
        child.off('spawn', onSpawn);
        reject(spawnError(file, err));
      };
      const onSpawn = (): void => {
        child.off('error', onError);
        resolve();
      };
      child.once('error', onError);
      child.once('spawn', onSpawn);
    });

    return new ChildProcessHandle(child, {
      startedAt,
      now: this.now,
      graceMs: options.graceMs ?? this.defaultGraceMs,
      maxOutputBytes: options.maxOutputBytes ?? this.defaultMaxOutputBytes,
      timeoutMs: options.timeoutMs ?? null,
      onLine: options.onLine,
      drainMs: this.drainMs,
      pollMs: this.pollMs,
      maxLineChars: this.maxLineChars,
    });
  }
}

async function assertDirectory(cwd: string, file: string): Promise<void> {
  let stat: fs.Stats;
  try {
    stat = await fs.promises.stat(cwd);
  } catch {
    throw new SpawnError(`cannot start "${file}": working directory "${cwd}" does not exist`, 'ENOENT', file);
  }
  if (!stat.isDirectory()) {
    throw new SpawnError(`cannot start "${file}": working directory "${cwd}" is not a directory`, 'ENOTDIR', file);
  }
}

function spawnError(file: string, err: NodeJS.ErrnoException): SpawnError {
  const code = err.code ?? 'UNKNOWN';
  const where = file.includes('/') ? 'no such file' : 'not found on PATH';
  switch (code) {
    case 'ENOENT':
      return new SpawnError(`cannot start "${file}": executable ${where} (ENOENT)`, code, file);
    case 'EACCES':
      return new SpawnError(
        `cannot start "${file}": permission denied (EACCES); is it an executable file?`,
        code,
        file,
      );
    default:
      return new SpawnError(`cannot start "${file}": ${err.message}`, code, file);
  }
}

interface HandleOptions {
  startedAt: number;
  now: () => number;
  graceMs: number;
  maxOutputBytes: number;
  timeoutMs: number | null;
  onLine: ((line: OutputLine) => void) | undefined;
  drainMs: number;
  pollMs: number;
  maxLineChars: number;
}

class ChildProcessHandle implements RunningProcess {
  readonly pid: number;
  readonly done: Promise<ProcessResult>;

  private readonly subscribers = new Set<LineQueue>();
  private readonly output: OutputLine[] = [];
  private retainedBytes = 0;
  private truncated = false;
  private readonly lineCounts: Record<OutputStream, number> = { stdout: 0, stderr: 0 };
  private readonly byteCounts: Record<OutputStream, number> = { stdout: 0, stderr: 0 };
  private exitInfo: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  private timedOut = false;
  private stopped: StopInfo | null = null;
  private stopPromise: Promise<ProcessResult> | null = null;
  private timeoutTimer: NodeJS.Timeout | null = null;
  private finished = false;

  constructor(
    private readonly child: ChildProcess,
    private readonly opts: HandleOptions,
  ) {
    this.pid = child.pid as number;
    // Errors after a successful spawn (e.g. a failed kill) must not become an uncaught 'error' event.
    child.on('error', (err) => log.warn(`child ${this.pid}: ${err.message}`));

    const exited = new Promise<void>((resolve) => {
      child.once('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        resolve();
      });
    });
    // Both pipes are read in flowing mode at the same time, so a child that fills one pipe while we wait on
    // the other cannot deadlock.
    const streamsClosed = Promise.all([
      this.readStream('stdout', child.stdout),
      this.readStream('stderr', child.stderr),
    ]);

    if (opts.timeoutMs && opts.timeoutMs > 0) {
      this.timeoutTimer = setTimeout(() => {
        void this.terminate(() => {
          this.timedOut = true;
        }).catch((err: unknown) => log.error(`timeout stop of ${this.pid} failed:`, err));
      }, opts.timeoutMs);
    }

    this.done = this.finish(exited, streamsClosed);
  }

  lines(): AsyncIterableIterator<OutputLine> {
    const queue = new LineQueue(() => this.subscribers.delete(queue));
    if (this.finished) queue.close();
    else this.subscribers.add(queue);
    return queue;
  }

  stop(reason: string, by = 'user'): Promise<ProcessResult> {
    return this.terminate(() => {
      this.stopped = { by, reason };
    });
  }

  /** The one stop sequence, memoized: the first caller (stop or timeout) records why, later callers share it. */
  private terminate(record: () => void): Promise<ProcessResult> {
    if (this.stopPromise) return this.stopPromise;
    if (this.exitInfo !== null) {
      this.stopPromise = this.done;
      return this.stopPromise;
    }
    record();
    this.stopPromise = this.killGroup().then(() => this.done);
    return this.stopPromise;
  }

  private async killGroup(): Promise<void> {
    if (!signalProcessGroup(this.pid, 'SIGTERM')) return;
    const deadline = performance.now() + this.opts.graceMs;
    while (performance.now() < deadline) {
      if (!isProcessGroupAlive(this.pid)) return;
      await sleep(Math.min(this.opts.pollMs, Math.max(1, deadline - performance.now())));
    }
    if (isProcessGroupAlive(this.pid)) {
      log.info(`process group ${this.pid} still alive after ${this.opts.graceMs} ms grace: SIGKILL`);
      signalProcessGroup(this.pid, 'SIGKILL');
    }
  }

  private readStream(stream: OutputStream, pipe: NodeJS.ReadableStream | null): Promise<void> {
    if (!pipe) return Promise.resolve();
    const splitter = new LineSplitter((line) => this.handleLine(stream, line), this.opts.maxLineChars);
    let ended = false;
    const end = (): void => {
      if (ended) return;
      ended = true;
      splitter.end();
    };
    pipe.on('data', (chunk: Buffer) => splitter.push(chunk));
    return new Promise<void>((resolve) => {
      pipe.once('end', end);
      pipe.once('close', () => {
        end();
        resolve();
      });
    });
  }

  private handleLine(stream: OutputStream, line: string): void {
    const entry: OutputLine = { stream, line, ts: this.opts.now() };
    const bytes = Buffer.byteLength(line, 'utf8') + 1;
    this.lineCounts[stream] += 1;
    this.byteCounts[stream] += bytes;
    if (!this.truncated) {
      if (this.retainedBytes + bytes <= this.opts.maxOutputBytes) {
        this.output.push(entry);
        this.retainedBytes += bytes;
      } else {
        this.truncated = true;
        this.output.push({ stream, line: truncationMarker(this.opts.maxOutputBytes), ts: entry.ts });
      }
    }
    if (this.opts.onLine) {
      try {
        this.opts.onLine(entry);
      } catch (err) {
        log.warn(`onLine callback for ${this.pid} threw:`, err);
      }
    }
    for (const q of this.subscribers) q.push(entry);
  }

  private async finish(exited: Promise<void>, streamsClosed: Promise<unknown>): Promise<ProcessResult> {
    await exited;
    if (!(await settlesWithin(streamsClosed, this.opts.drainMs))) {
      // The child is gone but something it started still holds our pipes: end that leftover group.
      log.info(`child ${this.pid} exited but its pipes stay open; killing what is left of its process group`);
      signalProcessGroup(this.pid, 'SIGKILL');
      this.child.stdout?.destroy();
      this.child.stderr?.destroy();
      await streamsClosed;
    }
    if (this.timeoutTimer) clearTimeout(this.timeoutTimer);
    this.finished = true;
    for (const q of this.subscribers) q.close();
    this.subscribers.clear();
    const exit = this.exitInfo ?? { code: null, signal: null };
    return {
      exitCode: exit.code,
      signal: exit.signal,
      timedOut: this.timedOut,
      stopped: this.stopped,
      truncated: this.truncated,
      durationMs: Math.max(0, this.opts.now() - this.opts.startedAt),
      output: this.output,
      lineCounts: { ...this.lineCounts },
      byteCounts: { ...this.byteCounts },
    };
  }
}

/** An unbounded single-consumer queue that is also an async iterator. */
class LineQueue implements AsyncIterableIterator<OutputLine> {
  private items: OutputLine[] = [];
  private head = 0;
  private waiters: Array<(r: IteratorResult<OutputLine>) => void> = [];
  private closed = false;

  constructor(private readonly unsubscribe: () => void) {}

  push(line: OutputLine): void {
    if (this.closed) return;
    const waiter = this.waiters.shift();
    if (waiter) waiter({ value: line, done: false });
    else this.items.push(line);
  }

  close(): void {
    this.closed = true;
    for (const w of this.waiters) w({ value: undefined, done: true });
    this.waiters = [];
  }

  next(): Promise<IteratorResult<OutputLine>> {
    if (this.head < this.items.length) {
      const value = this.items[this.head++];
      if (this.head > 1024 && this.head * 2 > this.items.length) {
        this.items = this.items.slice(this.head);
        this.head = 0;
      }
      return Promise.resolve({ value, done: false });
    }
    if (this.closed) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  return(): Promise<IteratorResult<OutputLine>> {
    this.close();
    this.items = [];
    this.head = 0;
    this.unsubscribe();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<OutputLine> {
    return this;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([p.then(() => true), timeout]);
  } finally {
    if (timer) clearTimeout(timer);
  }
}
