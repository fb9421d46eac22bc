import { DomainError, Job, Profile, Task } from '@ccs/core';
import { Clock, getLogger, traceExecution } from '@ccs/shared';
import type { EventBus, ExecuteRunPayload, LogStore, RunOutcome } from '@ccs/transport';
import { makeEnvelope } from '@ccs/transport';
import { buildClaudeArgv, formatCommandLine } from '../claude/claude-argv';
import { StreamJsonParser, summaryToRunFields } from '../claude/stream-json-parser';
import { OutputBatcher } from '../process/output-batcher';
import type { OutputLine, ProcessResult, ProcessRunner, RunningProcess } from '../process/process-runner.port';

const log = getLogger('node.executor');

/** Errors before the process starts are reported on the run with this prefix in the log. */
const NOTE = '[scheduler]';

/** Environment of a run, as the env resolver produced it. */
export interface RunEnvironment {
  env: Record<string, string>;
  /** Masked, human-readable lines for the run log (ENV SET/SKIP/UNSET …). */
  logLines: string[];
}

/** Everything the executor needs from the outside world; each is a small injectable so tests can fake one. */
export interface RunExecutorDeps {
  nodeId: string;
  clock: Clock;
  events: EventBus;
  logs: LogStore;
  /** Real process runner (ChildProcessRunner) and mock mode's stand-in. */
  runner: ProcessRunner;
  /** Mock mode's runner for a run lasting `durationMs` (settings.mock_duration_ms of the dispatching coordinator). */
  mockRunner: (durationMs: number) => ProcessRunner;
  /** Base env + task profile + job profile (job wins) → the child's complete environment. Throws naming the var. */
  resolveEnv(taskProfile: Profile | null, jobProfile: Profile | null, unmask: boolean): Promise<RunEnvironment>;
  /** The directory the run executes in (job dir expanded, worktree prepared). Throws with a clear message. */
  prepareWorkDir(job: Job | null, defaultDir: string): Promise<{ dir: string; notes: string[] }>;
  /** `claude` executable path per settings/PATH; throws ClaudeCliNotFoundError with install hints. */
  findClaude(configuredPath: string | null): string;
  /** Commits the working tree after a successful real run; returns a note for the log (or null). */
  commitOnSuccess(dir: string, task: Task): Promise<string | null>;
  /** This node runs everything in mock mode (`node --mock-mode`). */
  forceMockMode?: boolean;
  /** Live output batching (ms between TaskOutput events, max lines per event). */
  outputIntervalMs?: number;
  outputMaxLines?: number;
}

/** A run in progress on this node. */
export interface ExecutionHandle {
  runId: string;
  attempt: number;
  /** Resolves with the outcome after the final event was published. Never rejects. */
  done: Promise<RunOutcome>;
  /** Stops the run (process group SIGTERM → grace → SIGKILL); it ends `cancelled` with who/why. */
  stop(reason: string, by: string): Promise<void>;
}

/**
 * Executes one run on this node: working directory, environment, argv, the Claude process (or mock), the run
 * log and raw JSONL, live output events, the stream-json summary, commit-on-success, and the final event. The
 * same code runs in `gui` (in-process node) and in cloud `node` processes.
 */
export class RunExecutor {
  constructor(private readonly deps: RunExecutorDeps) {}

  /** `traceparent`: the ExecuteRun envelope's W3C trace context, which the `execute` span continues (telemetry). */
  start(payload: ExecuteRunPayload, traceparent?: string): ExecutionHandle {
    const { run } = payload;
    let process: RunningProcess | null = null;
    let stopInfo: { reason: string; by: string } | null = null;
    const handle: ExecutionHandle = {
      runId: run.id,
      attempt: run.attempt,
      done: Promise.resolve(null as unknown as RunOutcome),
      stop: async (reason, by) => {
        stopInfo ??= { reason, by };
        if (process) await process.stop(reason, by);
      },
    };
    // Telemetry (issue #6): the execution runs inside an `execute` span of the run's trace; a plain call when off.
    handle.done = traceExecution(traceparent, run.id, this.deps.nodeId, () =>
      this.execute(
        payload,
        (p) => {
          process = p;
          if (stopInfo) void p.stop(stopInfo.reason, stopInfo.by);
        },
        () => stopInfo,
      ),
    ).catch((err: unknown) => {
      // execute() reports its own failures; this is the last line of defence against a lost run.
      log.error(`run ${run.id} crashed in the executor:`, err);
      return this.publishFinal(payload, this.failedOutcome(this.deps.clock.now(), `internal error: ${String(err)}`));
    });
    return handle;
  }

  private async execute(
    payload: ExecuteRunPayload,
    onSpawn: (p: RunningProcess) => void,
    stopRequested: () => { reason: string; by: string } | null,
  ): Promise<RunOutcome> {
    const { run, task, job } = payload;
    const settings = this.deps.forceMockMode ? { ...payload.settings, mock_mode: true } : payload.settings;
    const { clock, logs } = this.deps;
    const startedAt = clock.now();
    const logQueue = new LogWriter(logs, run.id);
    const note = (line: string): void => logQueue.push(`${NOTE} ${line}`);
    note(
      `run ${run.id} attempt ${run.attempt} of task "${task.name}" on node ${this.deps.nodeId}${settings.mock_mode ? ' (mock mode)' : ''}`,
    );

    const fail = async (message: string): Promise<RunOutcome> => {
      note(`FAILED: ${message}`);
      await logQueue.close();
      await logs.finalize(run.id).catch(() => undefined);
      return this.publishFinal(payload, this.failedOutcome(startedAt, message));
    };

    const early = stopRequested();
    if (early)
      return this.publishFinal(payload, {
        ...this.failedOutcome(startedAt, `${early.reason} (by ${early.by})`),
        status: 'cancelled',
        status_reason: `${early.reason} (by ${early.by})`,
      });

    let argv: string[];
    let sessionId: string | null;
    let cwd: string;
    let env: Record<string, string>;
    try {
      const built = buildClaudeArgv(task);
      for (const w of built.warnings) note(`WARNING: ${w}`);
      sessionId = built.sessionId;
      const wd = await this.deps.prepareWorkDir(job, settings.default_working_directory);
      wd.notes.forEach(note);
      cwd = wd.dir;
      const resolved = await this.deps.resolveEnv(payload.task_profile, payload.job_profile, settings.unmask_env_vars);
      resolved.logLines.forEach(note);
      env = resolved.env;
      const exe = settings.mock_mode ? 'claude' : this.deps.findClaude(settings.claude_cli_path);
      argv = [exe, ...built.argv];
    } catch (err) {
      return fail(err instanceof DomainError || err instanceof Error ? err.message : String(err));
    }

    note(`cwd: ${cwd}`);
    note(`command: ${formatCommandLine(argv)}`);
    const parser = new StreamJsonParser();
    const batcher = new OutputBatcher({
      intervalMs: this.deps.outputIntervalMs ?? 250,
      maxLines: this.deps.outputMaxLines ?? 200,
      maxBytes: 64 * 1024,
      firstSeq: 1,
      onChunk: (chunk) => {
        void this.deps.events
          .publish(
            makeEnvelope(
              'TaskOutput',
              { run_id: run.id, seq: chunk.seq, lines: chunk.lines.map((l) => ({ stream: l.stream, line: l.line })) },
              { runId: run.id, nodeId: this.deps.nodeId },
            ),
          )
          .catch((err: unknown) => log.warn('TaskOutput publish failed:', err));
      },
    });
    const stderrTail: string[] = [];
    const onLine = (l: OutputLine): void => {
      batcher.push(l);
      if (l.stream === 'stdout') {
        parser.pushLine(l.line);
        logQueue.push(l.line);
        logQueue.pushJsonl(l.line);
      } else {
        logQueue.push(`[STDERR] ${l.line}`);
        stderrTail.push(l.line);
        if (stderrTail.length > 20) stderrTail.shift();
      }
    };

    const timeoutSeconds = task.timeout_seconds ?? settings.default_timeout_seconds;
    let proc: RunningProcess;
    try {
      proc = await (settings.mock_mode ? this.deps.mockRunner(settings.mock_duration_ms) : this.deps.runner).spawn(
        argv,
        {
          cwd,
          env,
          timeoutMs: timeoutSeconds > 0 ? timeoutSeconds * 1000 : null,
          graceMs: settings.stop_grace_seconds * 1000,
          maxOutputBytes: settings.max_output_bytes,
          onLine,
        },
      );
    } catch (err) {
      batcher.close();
      return fail(err instanceof Error ? err.message : String(err));
    }
    onSpawn(proc);
    const startTime = clock.now();
    await this.deps.events.publish(
      makeEnvelope(
        'TaskStarted',
        {
          run_id: run.id,
          attempt: run.attempt,
          node_id: this.deps.nodeId,
          pid: proc.pid || null,
          start_time: startTime.toISOString(),
          session_id: sessionId,
          command_line: formatCommandLine(argv),
        },
        { runId: run.id, nodeId: this.deps.nodeId },
      ),
    );

    const result = await proc.done;
    batcher.flush();
    batcher.close();
    parser.end();
    const summary = parser.summary();
    const outcome = this.outcomeOf(result, summary, startTime, timeoutSeconds, stderrTail);
    if (result.truncated) note(`output truncated after ${settings.max_output_bytes} bytes`);
    if (outcome.status === 'success' && task.commit_on_success && !settings.mock_mode) {
      const commitNote = await this.deps.commitOnSuccess(cwd, task);
      if (commitNote) {
        note(commitNote);
        outcome.warnings.push(commitNote);
      }
    }
    note(
      `${outcome.status.toUpperCase()}: exit code ${String(outcome.exit_code)}${outcome.status_reason ? `, ${outcome.status_reason}` : ''}${outcome.errors && outcome.status !== 'success' ? ` — ${outcome.errors}` : ''}`,
    );
    await logQueue.close();
    await logs.finalize(run.id).catch((err: unknown) => log.warn('log finalize failed:', err));
    return this.publishFinal(payload, outcome);
  }

  /** Decides the run's final state: stop → cancelled; timeout, non-zero exit or an error result → failed. */
  private outcomeOf(
    result: ProcessResult,
    summary: ReturnType<StreamJsonParser['summary']>,
    startTime: Date,
    timeoutSeconds: number,
    stderrTail: string[],
  ): RunOutcome {
    const end = this.deps.clock.now();
    const fields = summaryToRunFields(summary);
    let status: RunOutcome['status'] = 'success';
    let reason: string | null = null;
    let errors: string | null = null;
    if (result.stopped) {
      status = 'cancelled';
      reason = `${result.stopped.reason} (by ${result.stopped.by})`;
      errors = reason;
    } else if (result.timedOut) {
      status = 'failed';
      reason = `timed out after ${timeoutSeconds} s`;
      errors = reason;
    } else if (result.exitCode !== 0) {
      status = 'failed';
      const tail = stderrTail.slice(-5).join('\n');
      errors = `Claude CLI exited with ${result.exitCode === null ? `signal ${String(result.signal)}` : `code ${result.exitCode}`}${summary.error ? `: ${summary.error}` : ''}${tail ? `\n${tail}` : ''}`;
    } else if (summary.is_error) {
      status = 'failed';
      errors = summary.error ?? 'the Claude CLI reported an error';
    }
    return {
      status,
      exit_code: result.exitCode,
      start_time: startTime.toISOString(),
      end_time: end.toISOString(),
      duration: Math.max(0, (end.getTime() - startTime.getTime()) / 1000),
      errors: errors ? errors.slice(0, 8192) : null,
      status_reason: reason,
      warnings: [],
      ...fields,
    };
  }

  private failedOutcome(start: Date, message: string): RunOutcome {
    const end = this.deps.clock.now();
    return {
      status: 'failed',
      exit_code: null,
      start_time: start.toISOString(),
      end_time: end.toISOString(),
      duration: Math.max(0, (end.getTime() - start.getTime()) / 1000),
      session_id: null,
      errors: message,
      status_reason: message,
      model: null,
      cost_usd: null,
      input_tokens: null,
      output_tokens: null,
      cache_read_tokens: null,
      cache_creation_tokens: null,
      num_turns: null,
      duration_api_ms: null,
      warnings: [],
    };
  }

  private async publishFinal(payload: ExecuteRunPayload, outcome: RunOutcome): Promise<RunOutcome> {
    const type = outcome.status === 'success' ? 'TaskCompleted' : 'TaskFailed';
    await this.deps.events.publish(
      makeEnvelope(
        type,
        { run_id: payload.run.id, attempt: payload.run.attempt, node_id: this.deps.nodeId, outcome },
        { runId: payload.run.id, nodeId: this.deps.nodeId },
      ),
    );
    return outcome;
  }
}

/**
 * Appends log lines in order without awaiting each one: lines are buffered and written in batches by a single
 * writer loop, so a chatty child never waits on the disk (or S3) and lines never interleave out of order.
 */
class LogWriter {
  private log: string[] = [];
  private jsonl: string[] = [];
  private writing: Promise<void> = Promise.resolve();
  private scheduled = false;

  constructor(
    private readonly store: LogStore,
    private readonly runId: string,
  ) {}

  push(line: string): void {
    this.log.push(line);
    this.schedule();
  }

  pushJsonl(line: string): void {
    this.jsonl.push(line);
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    this.writing = this.writing.then(() => {
      this.scheduled = false;
      return this.drain();
    });
  }

  private async drain(): Promise<void> {
    const log = this.log;
    const jsonl = this.jsonl;
    this.log = [];
    this.jsonl = [];
    try {
      if (log.length) await this.store.append(this.runId, log, 'log');
      if (jsonl.length) await this.store.append(this.runId, jsonl, 'jsonl');
    } catch (err) {
      getLogger('node.executor').warn(`writing the log of run ${this.runId} failed:`, err);
    }
  }

  async close(): Promise<void> {
    this.schedule();
    await this.writing;
  }
}
