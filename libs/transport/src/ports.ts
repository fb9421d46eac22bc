import type { Readable } from 'node:stream';
import type { CommandEnvelope, EventEnvelope } from './messages';

/**
 * Transport ports. The in-memory adapters (gui mode, tests) and the AWS adapters (daemon/node: SNS publish,
 * SQS consumption, S3 logs) implement the same interfaces and pass one conformance suite.
 *
 * Delivery is at-least-once: a handler that throws leaves the message to be redelivered later; handlers must be
 * idempotent. A message that fails validation is dead-lettered, never redelivered forever.
 */
export type MessageHandler<M> = (message: M) => Promise<void>;

/** Coordinator → nodes. `ExecuteRun` goes to any one node; `StopRun` (with `nodeId`) to that node. */
export interface CommandBus {
  send(command: CommandEnvelope): Promise<void>;
}

/** Node side of the command path: consumes this node's commands. */
export interface CommandSource {
  /**
   * Starts consuming; `handler` resolving = ack. `nodeId` selects the node's targeted commands (StopRun).
   * At most `concurrency` ExecuteRun messages are in flight at once (the handler holds its message while the
   * run executes, which is the node's back-pressure); targeted commands are delivered regardless.
   */
  start(nodeId: string, handler: MessageHandler<CommandEnvelope>, options: { concurrency: number }): Promise<void>;
  /** Stops taking new messages; waits for in-flight handlers. Idempotent. */
  stop(): Promise<void>;
  /** Changes how many ExecuteRun messages may be in flight (settings.max_concurrent_tasks changed). */
  setConcurrency(concurrency: number): void;
}

/** Nodes → coordinator. */
export interface EventBus {
  publish(event: EventEnvelope): Promise<void>;
}

/** Coordinator side of the event path. */
export interface EventSource {
  start(handler: MessageHandler<EventEnvelope>): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Run logs: appended while the run progresses, read afterwards (and while it runs). Two streams per run: `log`
 * (every line of stdout/stderr plus the scheduler's own notes, for people) and `jsonl` (Claude's raw stream-json
 * stdout, for the Output/Raw views).
 *
 * Each stream of a run is capped (`LogCapPolicy`, setting `max_log_bytes`): past the cap the first part and the
 * last part are kept with marker lines between them. The stored bytes only ever grow (the kept tail is appended
 * by `finalize`), so byte offsets a reader holds stay valid.
 */
export type LogKind = 'log' | 'jsonl';

/** A byte range of a stored log, streamed. */
export interface LogSlice {
  /** Stored size of the whole log, bytes, when the slice was opened. */
  size: number;
  /** Offset of the first byte of `body` (the requested start, at most `size`). */
  start: number;
  /** Offset one past the last byte of `body`. */
  end: number;
  /** The bytes [start, end), read from storage as the consumer pulls them. Consume it or destroy it. */
  body: Readable;
}

export interface LogStore {
  /** Appends lines (a newline after each), in call order per log, within the run's cap. */
  append(runId: string, lines: readonly string[], kind?: LogKind): Promise<void>;
  /**
   * Marks the logs complete: a capped log gets its kept tail appended, and the AWS adapter uploads the final
   * object.
   */
  finalize(runId: string): Promise<void>;
  /** The text from byte `offset`, or null when there is none. Whole in memory (≤ the cap): prefer `open`. */
  read(runId: string, kind?: LogKind, offset?: number): Promise<string | null>;
  /** The stored size in bytes; null when there is no such log. */
  size(runId: string, kind: LogKind): Promise<number | null>;
  /**
   * Streams the stored bytes [start, end) (end defaults to the size; both clamped to it) without holding them in
   * memory; null when there is no such log.
   */
  open(runId: string, kind: LogKind, range?: { start?: number; end?: number }): Promise<LogSlice | null>;
  /** Deletes both streams of the run. Idempotent. */
  delete(runId: string): Promise<void>;
}

export const COMMAND_BUS = Symbol('COMMAND_BUS');
export const COMMAND_SOURCE = Symbol('COMMAND_SOURCE');
export const EVENT_BUS = Symbol('EVENT_BUS');
export const EVENT_SOURCE = Symbol('EVENT_SOURCE');
export const LOG_STORE = Symbol('LOG_STORE');
