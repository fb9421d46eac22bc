import { randomUUID } from 'node:crypto';
import type { ClusterNode, Job, Profile, Run, RunStatus, Settings, Task } from '@ccs/core';
import { DtoClass, ValidationError, isDtoFailure, isObject, summarizeFieldErrors, validateDto } from '@ccs/core';
import { EnvelopeDto, PAYLOAD_DTOS } from './message.dto';

/**
 * Message contracts between the coordinator and nodes. Every message travels in a versioned envelope; the
 * receiving side validates it (`parseEnvelope`) before any handler sees it, so handlers only see valid input.
 */
export const MESSAGE_VERSION = 1;

/**
 * The settings a node needs to execute a run, copied from the coordinator's settings at dispatch. `max_log_bytes`
 * is optional: coordinators of an older version do not send it (the node then uses its default cap).
 */
export type ExecutionSettings = Pick<
  Settings,
  | 'mock_mode'
  | 'unmask_env_vars'
  | 'claude_cli_path'
  | 'default_timeout_seconds'
  | 'stop_grace_seconds'
  | 'max_output_bytes'
  | 'mock_duration_ms'
  | 'default_working_directory'
> &
  Partial<Pick<Settings, 'max_log_bytes'>>;

export interface ExecuteRunPayload {
  run: Run;
  task: Task;
  job: Job | null;
  /**
   * Profiles to resolve on the node: the task's, then the job's (the job's wins). In the in-memory wiring these
   * are the stored profiles; the AWS wiring sends references only, so secrets never travel in messages.
   */
  task_profile: Profile | null;
  job_profile: Profile | null;
  settings: ExecutionSettings;
}

export interface StopRunPayload {
  run_id: string;
  reason: string;
  /** Who asked: "user", "timeout", "overlap-replace", "job-stop", "shutdown", "duplicate". */
  by: string;
}

export interface NodeInfoPayload {
  node: ClusterNode;
}

export interface NodeHeartbeatPayload {
  node_id: string;
  capacity: number;
  running_run_ids: string[];
  version: string;
  draining: boolean;
}

export interface TaskStartedPayload {
  run_id: string;
  attempt: number;
  node_id: string;
  pid: number | null;
  start_time: string;
  session_id: string | null;
  command_line: string;
}

export interface TaskOutputPayload {
  run_id: string;
  /** Monotonic per run, starting at 1; consumers drop duplicates and order by it. */
  seq: number;
  lines: { stream: 'stdout' | 'stderr' | 'system'; line: string }[];
}

/** The final numbers of a run, as the node measured and parsed them. */
export interface RunOutcome {
  status: Extract<RunStatus, 'success' | 'failed' | 'cancelled'>;
  exit_code: number | null;
  start_time: string;
  end_time: string;
  duration: number;
  session_id: string | null;
  errors: string | null;
  status_reason: string | null;
  model: string | null;
  cost_usd: number | null;
  input_tokens: number | null;
  output_tokens: number | null;
  cache_read_tokens: number | null;
  cache_creation_tokens: number | null;
  num_turns: number | null;
  duration_api_ms: number | null;
  warnings: string[];
}

export interface TaskFinishedPayload {
  run_id: string;
  attempt: number;
  node_id: string;
  outcome: RunOutcome;
}

export interface CommandPayloads {
  ExecuteRun: ExecuteRunPayload;
  StopRun: StopRunPayload;
}

export interface EventPayloads {
  NodeRegistered: NodeInfoPayload;
  NodeHeartbeat: NodeHeartbeatPayload;
  NodeDeregistered: NodeInfoPayload;
  TaskStarted: TaskStartedPayload;
  TaskOutput: TaskOutputPayload;
  TaskCompleted: TaskFinishedPayload;
  /** Also used for cancelled runs (outcome.status = cancelled). */
  TaskFailed: TaskFinishedPayload;
}

export type CommandType = keyof CommandPayloads;
export type EventType = keyof EventPayloads;
export type MessageType = CommandType | EventType;

export interface Envelope<T extends MessageType = MessageType> {
  v: typeof MESSAGE_VERSION;
  type: T;
  id: string;
  ts: string;
  runId?: string;
  /** Target node for commands (StopRun), origin node for events. */
  nodeId?: string;
  traceparent?: string;
  payload: T extends CommandType ? CommandPayloads[T] : T extends EventType ? EventPayloads[T] : never;
}

export type CommandEnvelope = { [K in CommandType]: Envelope<K> }[CommandType];
export type EventEnvelope = { [K in EventType]: Envelope<K> }[EventType];

export const COMMAND_TYPES: readonly CommandType[] = ['ExecuteRun', 'StopRun'];
export const EVENT_TYPES: readonly EventType[] = [
  'NodeRegistered',
  'NodeHeartbeat',
  'NodeDeregistered',
  'TaskStarted',
  'TaskOutput',
  'TaskCompleted',
  'TaskFailed',
];

export function makeEnvelope<T extends MessageType>(
  type: T,
  payload: Envelope<T>['payload'],
  extra: Pick<Envelope, 'runId' | 'nodeId' | 'traceparent'> = {},
  now: Date = new Date(),
): Envelope<T> {
  return { v: MESSAGE_VERSION, type, id: randomUUID(), ts: now.toISOString(), ...extra, payload };
}

/**
 * The largest message body SNS publishes (256 KiB): every message that came through a topic is at most this big,
 * so anything larger on an SQS queue was put there by something else and is refused before it is parsed.
 */
export const MAX_SNS_MESSAGE_BYTES = 256 * 1024;

export interface ParseEnvelopeOptions {
  /** Bodies longer than this (UTF-8 bytes) are refused unparsed. Default: no limit (in-process transport). */
  maxBytes?: number;
}

/**
 * Validates a message body off a queue. Throws ValidationError (the consumer logs it and dead-letters the
 * message) for anything that is not a v1 envelope of an allowed type whose envelope and payload satisfy their DTOs
 * (`message.dto.ts`). Returns the parsed message itself: validation converts nothing and keeps undeclared fields.
 */
export function parseEnvelope(
  raw: unknown,
  allowed: readonly MessageType[],
  options: ParseEnvelopeOptions = {},
): Envelope {
  if (typeof raw === 'string' && options.maxBytes !== undefined) {
    const bytes = Buffer.byteLength(raw, 'utf8');
    if (bytes > options.maxBytes)
      throw new ValidationError(`message body of ${bytes} bytes is larger than the limit of ${options.maxBytes}`);
  }
  const value = typeof raw === 'string' ? safeJson(raw) : raw;
  if (!isObject(value)) throw new ValidationError('message is not a JSON object');
  if (value['v'] !== MESSAGE_VERSION) throw new ValidationError(`unsupported message version ${String(value['v'])}`);
  const type = value['type'];
  if (typeof type !== 'string' || !(allowed as readonly string[]).includes(type)) {
    throw new ValidationError(`unknown message type ${JSON.stringify(type)}`);
  }
  check(type, EnvelopeDto, value, '');
  check(type, PAYLOAD_DTOS[type as MessageType], value['payload'], 'payload.');
  return value as unknown as Envelope;
}

function check(type: string, dto: DtoClass, value: unknown, prefix: string): void {
  const result = validateDto(dto, value, { source: 'message', unknownFields: 'keep' });
  if (!isDtoFailure(result)) return;
  const errors = result.errors.map((e) => ({ field: prefix + e.field, message: prefix + e.message }));
  throw new ValidationError(`${type}: ${summarizeFieldErrors(errors)}`, errors);
}
function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    throw new ValidationError('message body is not valid JSON');
  }
}
