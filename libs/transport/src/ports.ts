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
 */
export type LogKind = 'log' | 'jsonl';

export interface LogStore {
  append(runId: string, lines: readonly string[], kind?: LogKind): Promise<void>;
  /** Marks the log complete (the AWS adapter uploads the final object). */
  finalize(runId: string): Promise<void>;
  /** The text from byte `offset`, or null when there is none. */
  read(runId: string, kind?: LogKind, offset?: number): Promise<string | null>;
  delete(runId: string): Promise<void>;
}

export const COMMAND_BUS = Symbol('COMMAND_BUS');
export const COMMAND_SOURCE = Symbol('COMMAND_SOURCE');
export const EVENT_BUS = Symbol('EVENT_BUS');
export const EVENT_SOURCE = Symbol('EVENT_SOURCE');
export const LOG_STORE = Symbol('LOG_STORE');
