import {
  DtoClass,
  ENV_VAR_SOURCES,
  Field,
  FieldError,
  JOB_STATUSES,
  NODE_ID_PATTERN,
  NODE_STATUSES,
  PERMISSIONS,
  PROMPT_TYPES,
  RUN_STATUSES,
  SESSION_MODES,
  isUuid,
} from '@ccs/core';
import type { MessageType } from './messages';

/**
 * The shape of every message between the coordinator and nodes, as DTOs checked by `parseEnvelope` before any
 * handler runs. What they check is what the model guarantees for stored records (the `normalizeX` readers), so
 * anything the coordinator stored can be sent; they do not repeat the REST API's creation rules (a task imported
 * from the original edition may hold values the API would not accept today, and its runs must still execute).
 *
 * - Identity and control fields are strict: run ids are UUIDs (the coordinator makes them with randomUUID and
 *   names log files after them), task/job/profile ids are `[A-Za-z0-9_-]` (they end up in worktree and file
 *   names), node ids follow `NODE_ID_PATTERN`, attempts and sequence numbers are whole numbers ≥ 1, statuses and
 *   modes are their enums.
 * - Fields a consumer reads unconditionally are `required`; the others are type-checked when present.
 * - Fields not declared here are kept, unchecked (`validateDto(…, { unknownFields: 'keep' })`): a newer sender
 *   may add fields (e.g. more of a run's outcome), and a rolling upgrade must not dead-letter them — nor may an
 *   older consumer strip them from the record it stores.
 */

const RECORD_ID = {
  type: 'string',
  pattern: /^[A-Za-z0-9_-]{1,64}$/,
  patternHint: 'an id of letters, digits, _ and - (a UUID)',
} as const;
const RUN_ID = { type: 'string', format: 'uuid' } as const;
const NODE_ID = {
  type: 'string',
  pattern: NODE_ID_PATTERN,
  patternHint: 'a node id (letters, digits, _ . : -)',
} as const;
const DATE_TIME = { type: 'string', format: 'date-time' } as const;
const ATTEMPT = { type: 'integer', min: 1, max: 1_000_000 } as const;
/** Counters and measurements reported by Claude: non-negative, not necessarily whole. */
const AMOUNT = { type: 'number', min: 0 } as const;
/** A W3C trace context header value (`00-<trace id>-<span id>-<flags>`). */
const TRACEPARENT = /^[\da-f]{2}-[\da-f]{32}-[\da-f]{16}-[\da-f]{2}$/;
/** Runs a node reports at once (its capacity); far above any real node, well below what would hurt. */
const MAX_RUN_IDS = 10_000;

function uuidList(field: string, ids: readonly string[] | undefined): FieldError[] {
  const i = (ids ?? []).findIndex((id) => !isUuid(id));
  return i < 0 ? [] : [{ field: `${field}[${i}]`, message: `${field}[${i}] must be a UUID (a run id)` }];
}

// ---- commands ---------------------------------------------------------------------------------------------------

/** The run being dispatched (a `Run` record). */
export class RunSnapshotDto {
  @Field({ ...RUN_ID, required: true, description: 'Run id.' })
  id: string;
  @Field({ ...RECORD_ID, required: true, description: 'Task of the run.' })
  task_id: string;
  @Field({ ...RECORD_ID, nullable: true, description: 'Job of the run.' })
  job_id?: string | null;
  @Field({ type: 'string', description: 'Task name at dispatch.' })
  task_name?: string;
  @Field({ ...ATTEMPT, required: true, description: '1 for the first attempt.' })
  attempt: number;
  @Field({ type: 'enum', values: RUN_STATUSES, required: true, description: 'Run status.' })
  status: string;
  @Field({ ...DATE_TIME, description: 'When the run was due.' })
  scheduled_time?: string;
  @Field({ ...DATE_TIME, nullable: true, description: 'Start.' })
  start_time?: string | null;
  @Field({ ...DATE_TIME, nullable: true, description: 'End.' })
  end_time?: string | null;
  @Field({ ...DATE_TIME, nullable: true, description: 'When a transport accepted the ExecuteRun.' })
  dispatched_at?: string | null;
  @Field({ ...AMOUNT, nullable: true, description: 'Seconds.' })
  duration?: number | null;
  @Field({ type: 'integer', nullable: true, description: 'Exit code.' })
  exit_code?: number | null;
  @Field({ type: 'string', nullable: true, description: 'Session id.' })
  session_id?: string | null;
  @Field({ type: 'string', nullable: true, description: 'Error summary.' })
  errors?: string | null;
  @Field({ type: 'string', nullable: true, description: 'Why the run ended.' })
  status_reason?: string | null;
  @Field({ type: 'string', nullable: true, description: 'Node that ran it.' })
  node_id?: string | null;
  @Field({ type: 'string', nullable: true, description: 'What created the run.' })
  trigger?: string | null;
  @Field({ type: 'string', nullable: true, description: 'Model.' })
  model?: string | null;
  @Field({ ...AMOUNT, nullable: true, description: 'Cost.' })
  cost_usd?: number | null;
  @Field({ ...AMOUNT, nullable: true, description: 'Tokens.' })
  input_tokens?: number | null;
  @Field({ ...AMOUNT, nullable: true, description: 'Tokens.' })
  output_tokens?: number | null;
  @Field({ ...AMOUNT, nullable: true, description: 'Tokens.' })
  cache_read_tokens?: number | null;
  @Field({ ...AMOUNT, nullable: true, description: 'Tokens.' })
  cache_creation_tokens?: number | null;
  @Field({ ...AMOUNT, nullable: true, description: 'Turns.' })
  num_turns?: number | null;
  @Field({ ...AMOUNT, nullable: true, description: 'API time.' })
  duration_api_ms?: number | null;
}

/**
 * The task of the run (a `Task` record). `schedule`, `retry` and `notifications` only need to be objects: nodes
 * never read them (the coordinator schedules and retries).
 */
export class TaskSnapshotDto {
  @Field({ ...RECORD_ID, required: true, description: 'Task id.' })
  id: string;
  @Field({ ...RECORD_ID, nullable: true, description: 'Job of the task.' })
  job_id?: string | null;
  @Field({ type: 'string', required: true, description: 'Name.' })
  name: string;
  @Field({ type: 'boolean', description: 'Enabled.' })
  enabled?: boolean;
  @Field({ type: 'string', required: true, description: 'Model.' })
  model: string;
  @Field({ ...RECORD_ID, nullable: true, description: 'Profile id.' })
  profile?: string | null;
  @Field({ type: 'enum', values: PROMPT_TYPES, required: true, description: 'Prompt or slash command.' })
  prompt_type: string;
  @Field({ type: 'string', required: true, description: 'Prompt.' })
  prompt: string;
  @Field({ type: 'enum', values: PERMISSIONS, required: true, description: 'Permission mode.' })
  permissions: string;
  @Field({ type: 'enum', values: SESSION_MODES, required: true, description: 'Session mode.' })
  session_mode: string;
  @Field({ type: 'string', nullable: true, description: 'Session to resume or fork.' })
  last_session_id?: string | null;
  @Field({ type: 'enum', values: RUN_STATUSES, nullable: true, description: 'Status of the last run.' })
  last_run_status?: string | null;
  @Field({ type: 'string-list', required: true, description: 'Allowed tools.' })
  allowed_tools: string[];
  @Field({ type: 'string-list', required: true, description: 'Disallowed tools.' })
  disallowed_tools: string[];
  @Field({ type: 'object', description: 'Schedule (not read by nodes).' })
  schedule?: Record<string, unknown>;
  @Field({ type: 'object', description: 'Retry policy (not read by nodes).' })
  retry?: Record<string, unknown>;
  @Field({ type: 'object', description: 'Notifications (not read by nodes).' })
  notifications?: Record<string, unknown>;
  @Field({ type: 'boolean', required: true, description: 'Commit the working tree after a successful run.' })
  commit_on_success: boolean;
  @Field({ type: 'number', nullable: true, description: 'Per-run timeout, seconds (≤ 0: none).' })
  timeout_seconds?: number | null;
  @Field({ type: 'integer', min: 1, nullable: true, description: '--max-turns.' })
  max_turns?: number | null;
  @Field({ type: 'number', min: 0, exclusiveMin: true, nullable: true, description: '--max-budget-usd.' })
  max_budget_usd?: number | null;
  @Field({ type: 'string', nullable: true, description: '--append-system-prompt.' })
  append_system_prompt?: string | null;
  @Field({ ...DATE_TIME, description: 'Created.' })
  created_at?: string;
  @Field({ ...DATE_TIME, description: 'Updated.' })
  updated_at?: string;
}

export class JobWorkingDirectorySnapshotDto {
  @Field({ type: 'string', required: true, description: 'Directory (before ~ and $VAR expansion).' })
  path: string;
  @Field({ type: 'boolean', required: true, description: 'Run in a git worktree.' })
  use_git_worktree: boolean;
  @Field({ type: 'string', nullable: true, description: 'Worktree name.' })
  worktree_name?: string | null;
  @Field({ type: 'string', nullable: true, description: 'Worktree branch.' })
  worktree_branch?: string | null;
}

/** The job of the run (a `Job` record). */
export class JobSnapshotDto {
  @Field({ ...RECORD_ID, required: true, description: 'Job id.' })
  id: string;
  @Field({ type: 'string', required: true, description: 'Name.' })
  name: string;
  @Field({ type: 'string', description: 'Description.' })
  description?: string;
  @Field({ type: 'enum', values: JOB_STATUSES, description: 'Status.' })
  status?: string;
  @Field({ type: 'string', nullable: true, description: 'Why the job is in its status.' })
  status_reason?: string | null;
  @Field({ ...RECORD_ID, nullable: true, description: 'Profile id.' })
  profile?: string | null;
  @Field({
    type: 'nested',
    dto: () => JobWorkingDirectorySnapshotDto,
    required: true,
    description: 'Where the tasks run.',
  })
  working_directory: JobWorkingDirectorySnapshotDto;
  @Field({ type: 'string-list', maxItems: 100_000, description: 'Task order.' })
  task_order?: string[];
  @Field({ ...DATE_TIME, description: 'Created.' })
  created_at?: string;
  @Field({ ...DATE_TIME, description: 'Updated.' })
  updated_at?: string;
}

export class EnvVarSnapshotDto {
  @Field({ type: 'string', nonBlank: true, required: true, description: 'Variable name.' })
  name: string;
  @Field({ type: 'enum', values: ENV_VAR_SOURCES, required: true, description: 'Source.' })
  source: string;
  /** Empty for a static value withheld on the way to a node (`value_withheld: true`, an extra field). */
  @Field({ type: 'string', required: true, description: 'Literal or reference.' })
  value: string;
  @Field({ type: 'object', nullable: true, description: 'Source options.' })
  config?: Record<string, unknown> | null;
}

/** A profile the node resolves (a `Profile` record; static values withheld in the AWS wiring). */
export class ProfileSnapshotDto {
  @Field({ ...RECORD_ID, required: true, description: 'Profile id.' })
  id: string;
  @Field({ type: 'string', required: true, description: 'Name.' })
  name: string;
  @Field({ type: 'string', description: 'Description.' })
  description?: string;
  @Field({
    type: 'nested',
    dto: () => EnvVarSnapshotDto,
    list: true,
    maxItems: 10_000,
    required: true,
    description: 'Variables.',
  })
  env_vars: EnvVarSnapshotDto[];
  @Field({ ...DATE_TIME, description: 'Created.' })
  created_at?: string;
  @Field({ ...DATE_TIME, description: 'Updated.' })
  updated_at?: string;
}

/** `ExecutionSettings`: every field is read by the node. */
export class ExecutionSettingsDto {
  @Field({ type: 'boolean', required: true, description: 'Simulate Claude.' })
  mock_mode: boolean;
  @Field({ type: 'boolean', required: true, description: 'Show env values unmasked in run logs.' })
  unmask_env_vars: boolean;
  @Field({ type: 'string', nullable: true, required: true, description: 'Claude CLI path, or null for PATH.' })
  claude_cli_path: string | null;
  @Field({ type: 'number', required: true, description: 'Timeout of runs without one, seconds (≤ 0: none).' })
  default_timeout_seconds: number;
  @Field({ type: 'number', min: 0, required: true, description: 'SIGTERM → SIGKILL grace, seconds.' })
  stop_grace_seconds: number;
  @Field({ type: 'number', min: 0, required: true, description: 'Output kept per run, bytes.' })
  max_output_bytes: number;
  @Field({ type: 'number', min: 0, required: true, description: 'Length of a mock run, ms.' })
  mock_duration_ms: number;
  @Field({ type: 'string', required: true, description: 'Directory of runs without a job.' })
  default_working_directory: string;
}

export class ExecuteRunPayloadDto {
  @Field({ type: 'nested', dto: () => RunSnapshotDto, required: true, description: 'The run.' })
  run: RunSnapshotDto;
  @Field({ type: 'nested', dto: () => TaskSnapshotDto, required: true, description: 'Its task.' })
  task: TaskSnapshotDto;
  @Field({ type: 'nested', dto: () => JobSnapshotDto, nullable: true, required: true, description: 'Its job.' })
  job: JobSnapshotDto | null;
  @Field({ type: 'nested', dto: () => ProfileSnapshotDto, nullable: true, description: "The task's profile." })
  task_profile?: ProfileSnapshotDto | null;
  @Field({ type: 'nested', dto: () => ProfileSnapshotDto, nullable: true, description: "The job's profile." })
  job_profile?: ProfileSnapshotDto | null;
  @Field({ type: 'nested', dto: () => ExecutionSettingsDto, required: true, description: 'Settings.' })
  settings: ExecutionSettingsDto;

  static crossCheck(p: ExecuteRunPayloadDto): FieldError[] {
    return p.run.task_id === p.task.id
      ? []
      : [{ field: 'run.task_id', message: `run.task_id must be the id of the task sent with it (${p.task.id})` }];
  }
}

export class StopRunPayloadDto {
  @Field({ ...RUN_ID, required: true, description: 'Run to stop.' })
  run_id: string;
  @Field({ type: 'string', maxLength: 10_000, required: true, description: 'Why.' })
  reason: string;
  @Field({ type: 'string', maxLength: 200, required: true, description: 'Who asked.' })
  by: string;
}

// ---- events -----------------------------------------------------------------------------------------------------

/** A `ClusterNode` as the node describes itself. */
export class NodeDto {
  @Field({ ...NODE_ID, required: true, description: 'Node id.' })
  id: string;
  @Field({ type: 'string', maxLength: 1000, required: true, description: 'Display name.' })
  name: string;
  @Field({ type: 'string', maxLength: 1000, required: true, description: 'Host name.' })
  host: string;
  @Field({ type: 'enum', values: NODE_STATUSES, required: true, description: 'Status.' })
  status: string;
  @Field({ type: 'string', maxLength: 200, required: true, description: 'Version.' })
  version: string;
  @Field({ type: 'integer', min: 1, max: 100_000, required: true, description: 'Runs at once.' })
  capacity: number;
  @Field({ type: 'string-list', maxItems: MAX_RUN_IDS, required: true, description: 'Runs held.' })
  running_run_ids: string[];
  @Field({ type: 'object', required: true, description: 'Labels (string values).' })
  tags: Record<string, unknown>;
  @Field({ ...DATE_TIME, required: true, description: 'Registered.' })
  registered_at: string;
  @Field({ ...DATE_TIME, required: true, description: 'Last heartbeat.' })
  last_heartbeat: string;
  @Field({ type: 'string', nullable: true, description: 'Why the node is in its status.' })
  status_reason?: string | null;
}

export class NodeInfoPayloadDto {
  @Field({ type: 'nested', dto: () => NodeDto, required: true, description: 'The node.' })
  node: NodeDto;

  // Here, not on NodeDto: validateDto runs the cross-check of the top-level class only.
  static crossCheck(p: NodeInfoPayloadDto): FieldError[] {
    const tag = Object.entries(p.node.tags).find(([, v]) => typeof v !== 'string');
    return [
      ...uuidList('node.running_run_ids', p.node.running_run_ids),
      ...(tag ? [{ field: `node.tags.${tag[0]}`, message: `node.tags.${tag[0]} must be a string` }] : []),
    ];
  }
}

export class NodeHeartbeatPayloadDto {
  @Field({ ...NODE_ID, required: true, description: 'Node id.' })
  node_id: string;
  @Field({ type: 'integer', min: 1, max: 100_000, required: true, description: 'Runs at once.' })
  capacity: number;
  @Field({ type: 'string-list', maxItems: MAX_RUN_IDS, required: true, description: 'Runs held.' })
  running_run_ids: string[];
  @Field({ type: 'string', maxLength: 200, required: true, description: 'Version.' })
  version: string;
  @Field({ type: 'boolean', required: true, description: 'Draining (shutting down).' })
  draining: boolean;

  static crossCheck(p: NodeHeartbeatPayloadDto): FieldError[] {
    return uuidList('running_run_ids', p.running_run_ids);
  }
}

export class TaskStartedPayloadDto {
  @Field({ ...RUN_ID, required: true, description: 'Run id.' })
  run_id: string;
  @Field({ ...ATTEMPT, required: true, description: 'Attempt.' })
  attempt: number;
  @Field({ ...NODE_ID, required: true, description: 'Node id.' })
  node_id: string;
  @Field({ type: 'integer', min: 0, nullable: true, description: 'Process id.' })
  pid?: number | null;
  @Field({ ...DATE_TIME, required: true, description: 'Start.' })
  start_time: string;
  @Field({ type: 'string', nullable: true, description: 'Session id.' })
  session_id?: string | null;
  @Field({ type: 'string', description: 'Command line (for the log).' })
  command_line?: string;
}

export class OutputLineDto {
  @Field({ type: 'enum', values: ['stdout', 'stderr', 'system'], required: true, description: 'Stream.' })
  stream: string;
  @Field({ type: 'string', required: true, description: 'Text.' })
  line: string;
}

export class TaskOutputPayloadDto {
  @Field({ ...RUN_ID, required: true, description: 'Run id.' })
  run_id: string;
  @Field({ type: 'integer', min: 1, required: true, description: 'Sequence number from 1.' })
  seq: number;
  @Field({
    type: 'nested',
    dto: () => OutputLineDto,
    list: true,
    maxItems: 100_000,
    required: true,
    description: 'Lines.',
  })
  lines: OutputLineDto[];
}

/** `RunOutcome`: status and times are required, the numbers are checked when present. */
export class RunOutcomeDto {
  @Field({ type: 'enum', values: ['success', 'failed', 'cancelled'], required: true, description: 'Final status.' })
  status: string;
  @Field({ type: 'integer', nullable: true, description: 'Exit code.' })
  exit_code?: number | null;
  @Field({ ...DATE_TIME, required: true, description: 'Start.' })
  start_time: string;
  @Field({ ...DATE_TIME, required: true, description: 'End.' })
  end_time: string;
  @Field({ ...AMOUNT, description: 'Seconds.' })
  duration?: number;
  @Field({ type: 'string', nullable: true, description: 'Session id.' })
  session_id?: string | null;
  @Field({ type: 'string', nullable: true, description: 'Error summary.' })
  errors?: string | null;
  @Field({ type: 'string', nullable: true, description: 'Why it ended so.' })
  status_reason?: string | null;
  @Field({ type: 'string', nullable: true, description: 'Model.' })
  model?: string | null;
  @Field({ ...AMOUNT, nullable: true, description: 'Cost.' })
  cost_usd?: number | null;
  @Field({ ...AMOUNT, nullable: true, description: 'Tokens.' })
  input_tokens?: number | null;
  @Field({ ...AMOUNT, nullable: true, description: 'Tokens.' })
  output_tokens?: number | null;
  @Field({ ...AMOUNT, nullable: true, description: 'Tokens.' })
  cache_read_tokens?: number | null;
  @Field({ ...AMOUNT, nullable: true, description: 'Tokens.' })
  cache_creation_tokens?: number | null;
  @Field({ ...AMOUNT, nullable: true, description: 'Turns.' })
  num_turns?: number | null;
  @Field({ ...AMOUNT, nullable: true, description: 'API time.' })
  duration_api_ms?: number | null;
  @Field({ type: 'string-list', maxItems: 10_000, description: 'Warnings.' })
  warnings?: string[];
}

export class TaskFinishedPayloadDto {
  @Field({ ...RUN_ID, required: true, description: 'Run id.' })
  run_id: string;
  @Field({ ...ATTEMPT, required: true, description: 'Attempt the outcome belongs to.' })
  attempt: number;
  @Field({ ...NODE_ID, required: true, description: 'Node id.' })
  node_id: string;
  @Field({ type: 'nested', dto: () => RunOutcomeDto, required: true, description: 'Outcome.' })
  outcome: RunOutcomeDto;
}

export class TaskCompletedPayloadDto extends TaskFinishedPayloadDto {
  static crossCheck(p: TaskFinishedPayloadDto): FieldError[] {
    return p.outcome.status === 'success'
      ? []
      : [
          {
            field: 'outcome.status',
            message: `outcome.status of TaskCompleted must be success (got ${p.outcome.status})`,
          },
        ];
  }
}

export class TaskFailedPayloadDto extends TaskFinishedPayloadDto {
  static crossCheck(p: TaskFinishedPayloadDto): FieldError[] {
    return p.outcome.status !== 'success'
      ? []
      : [{ field: 'outcome.status', message: 'outcome.status of TaskFailed must be failed or cancelled' }];
  }
}

// ---- envelope ---------------------------------------------------------------------------------------------------

/** The envelope around every payload (`v` and `type` are checked before, with their own messages). */
export class EnvelopeDto {
  @Field({ type: 'integer', required: true, description: 'Message version.' })
  v: number;
  @Field({ type: 'string', required: true, description: 'Message type.' })
  type: string;
  @Field({ type: 'string', format: 'uuid', required: true, description: 'Message id.' })
  id: string;
  @Field({ ...DATE_TIME, required: true, description: 'When it was made.' })
  ts: string;
  @Field({ ...RUN_ID, description: 'Run the message is about.' })
  runId?: string;
  @Field({ ...NODE_ID, description: 'Target node (commands) or origin node (events).' })
  nodeId?: string;
  @Field({
    type: 'string',
    pattern: TRACEPARENT,
    patternHint: 'a W3C traceparent (00-<32 hex>-<16 hex>-<2 hex>)',
    description: 'Trace context.',
  })
  traceparent?: string;
  @Field({ type: 'object', required: true, description: 'The payload, checked by its own DTO.' })
  payload: Record<string, unknown>;
}

/**
 * The DTO of each message type's payload (their `crossCheck`s look into nested objects too: validateDto runs the
 * top-level class's only). A new message type without one is a compile error.
 */
export const PAYLOAD_DTOS: Record<MessageType, DtoClass> = {
  ExecuteRun: ExecuteRunPayloadDto,
  StopRun: StopRunPayloadDto,
  NodeRegistered: NodeInfoPayloadDto,
  NodeHeartbeat: NodeHeartbeatPayloadDto,
  NodeDeregistered: NodeInfoPayloadDto,
  TaskStarted: TaskStartedPayloadDto,
  TaskOutput: TaskOutputPayloadDto,
  TaskCompleted: TaskCompletedPayloadDto,
  TaskFailed: TaskFailedPayloadDto,
};
