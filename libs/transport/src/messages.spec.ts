import { randomUUID } from 'node:crypto';
import {
  DEFAULT_SETTINGS,
  ValidationError,
  newRun,
  normalizeJob,
  normalizeNode,
  normalizeProfile,
  normalizeTask,
} from '@ccs/core';
import {
  COMMAND_TYPES,
  EVENT_TYPES,
  Envelope,
  EventEnvelope,
  ExecutionSettings,
  MAX_SNS_MESSAGE_BYTES,
  MessageType,
  RunOutcome,
  makeEnvelope,
  parseEnvelope,
} from './messages';
import { withholdStaticValues } from './aws/message-attributes';

const ALL: readonly MessageType[] = [...COMMAND_TYPES, ...EVENT_TYPES];

const SETTINGS: ExecutionSettings = {
  mock_mode: DEFAULT_SETTINGS.mock_mode,
  unmask_env_vars: DEFAULT_SETTINGS.unmask_env_vars,
  claude_cli_path: DEFAULT_SETTINGS.claude_cli_path,
  default_timeout_seconds: DEFAULT_SETTINGS.default_timeout_seconds,
  stop_grace_seconds: DEFAULT_SETTINGS.stop_grace_seconds,
  max_output_bytes: DEFAULT_SETTINGS.max_output_bytes,
  mock_duration_ms: DEFAULT_SETTINGS.mock_duration_ms,
  default_working_directory: DEFAULT_SETTINGS.default_working_directory,
};

/** An ExecuteRun as the coordinator builds it: normalized records, a job with a profile, a task profile. */
function executeRun() {
  const profile = normalizeProfile({
    name: 'p',
    env_vars: [
      { name: 'A', source: 'static', value: 'secret' },
      { name: 'B', source: 'aws_ssm', value: '/x/y', config: { region: 'eu-central-1' } },
    ],
  });
  const job = normalizeJob({
    name: 'j',
    profile: profile.id,
    working_directory: { path: '~/w', use_git_worktree: true },
  });
  const task = normalizeTask({ name: 't', prompt: 'hi', job_id: job.id, profile: profile.id });
  const run = newRun({ task_id: task.id, task_name: task.name, job_id: job.id, trigger: 'manual' });
  return makeEnvelope(
    'ExecuteRun',
    { run, task, job, task_profile: withholdStaticValues(profile), job_profile: profile, settings: SETTINGS },
    { runId: run.id, traceparent: `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01` },
  );
}

function outcome(status: RunOutcome['status']): RunOutcome {
  return {
    status,
    exit_code: status === 'success' ? 0 : 1,
    start_time: '2026-01-01T00:00:00.000Z',
    end_time: '2026-01-01T00:00:01.500Z',
    duration: 1.5,
    session_id: randomUUID(),
    errors: null,
    status_reason: null,
    model: 'claude-sonnet',
    cost_usd: 0.01,
    input_tokens: 10,
    output_tokens: 20,
    cache_read_tokens: 0,
    cache_creation_tokens: 0,
    num_turns: 1,
    duration_api_ms: 900,
    warnings: [],
  };
}

/** One message of every type, as the producers make them. */
function everyMessage(): Envelope[] {
  const runId = randomUUID();
  const node = normalizeNode({ id: 'n1.example:a_b-c', name: 'n1', host: 'h', version: '1.0.0', capacity: 2 });
  const ids = { runId, nodeId: 'n1' };
  return [
    executeRun(),
    makeEnvelope('StopRun', { run_id: runId, reason: 'stopped by user', by: 'user' }, ids),
    makeEnvelope('NodeRegistered', { node }, { nodeId: node.id }),
    makeEnvelope(
      'NodeHeartbeat',
      { node_id: 'n1', capacity: 2, running_run_ids: [runId], version: '1.0.0', draining: false },
      { nodeId: 'n1' },
    ),
    makeEnvelope('NodeDeregistered', { node: { ...node, status: 'draining' } }, { nodeId: node.id }),
    makeEnvelope(
      'TaskStarted',
      {
        run_id: runId,
        attempt: 1,
        node_id: 'n1',
        pid: 1234,
        start_time: new Date().toISOString(),
        session_id: null,
        command_line: 'claude -p',
      },
      ids,
    ),
    makeEnvelope(
      'TaskOutput',
      {
        run_id: runId,
        seq: 1,
        lines: [
          { stream: 'stdout', line: '{}' },
          { stream: 'system', line: '' },
        ],
      },
      ids,
    ),
    makeEnvelope('TaskCompleted', { run_id: runId, attempt: 1, node_id: 'n1', outcome: outcome('success') }, ids),
    makeEnvelope('TaskFailed', { run_id: runId, attempt: 2, node_id: 'n1', outcome: outcome('cancelled') }, ids),
  ];
}

/** An edit of a parsed message: the cases reach into arbitrary paths of the JSON. */
type Edit = (m: any) => unknown;

/** The message as it travels, with `edit` applied to its parsed JSON. */
function variant(e: Envelope, edit: Edit): string {
  const m = JSON.parse(JSON.stringify(e));
  edit(m);
  return JSON.stringify(m);
}

function rejection(body: unknown, options = {}): string {
  try {
    parseEnvelope(body, ALL, options);
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return (err as Error).message;
  }
  throw new Error(`accepted: ${String(body).slice(0, 200)}`);
}

describe('parseEnvelope', () => {
  it('accepts every message type as its producer makes it, and returns it unchanged', () => {
    const messages = everyMessage();
    expect(messages.map((m) => m.type).sort()).toEqual([...ALL].sort());
    for (const m of messages) {
      const body = JSON.stringify(m);
      expect(parseEnvelope(body, ALL, { maxBytes: MAX_SNS_MESSAGE_BYTES })).toEqual(JSON.parse(body));
    }
  });

  it('keeps fields it does not know at every level (a newer sender), and still checks the known ones', () => {
    const [exec] = everyMessage();
    const body = variant(exec, (m) => {
      m.hop = 2;
      m.payload.priority = 'high';
      m.payload.run.queue_position = 3;
      m.payload.task.add_dirs = ['/srv/shared'];
      m.payload.job.working_directory.sparse = true;
      m.payload.job_profile.env_vars[0].note = 'n';
    });
    expect(parseEnvelope(body, ALL)).toEqual(JSON.parse(body));
    const finished = everyMessage().find((m) => m.type === 'TaskCompleted')!;
    const withExtras = variant(finished, (m) => {
      m.payload.outcome.result_text = 'done';
      m.payload.outcome.permission_denials = [{ tool_name: 'Bash' }];
      m.payload.outcome.model_usage = { 'claude-sonnet': { inputTokens: 1 } };
    });
    expect(parseEnvelope(withExtras, ALL)).toEqual(JSON.parse(withExtras));
  });

  it('accepts a task read from the original edition (legacy aliases, its defaults)', () => {
    const legacy = normalizeTask({
      id: randomUUID(),
      name: 'old',
      command: '/review',
      command_type: 'command',
      permissions: 'bypass',
      created_at: '2025-01-01T09:00:00.123456',
      updated_at: '2025-01-01T09:00:00.123456',
    });
    const run = newRun({ task_id: legacy.id, task_name: legacy.name });
    const e = makeEnvelope(
      'ExecuteRun',
      { run, task: legacy, job: null, task_profile: null, job_profile: null, settings: SETTINGS },
      { runId: run.id },
    );
    expect(parseEnvelope(JSON.stringify(e), COMMAND_TYPES).type).toBe('ExecuteRun');
  });

  it.each([
    ['not JSON', 'not json at all', /not valid JSON/],
    ['an empty object', '{}', /unsupported message version undefined/],
    ['a JSON array', '[1]', /not a JSON object/],
    ['version 2', JSON.stringify({ ...executeRun(), v: 2 }), /unsupported message version 2/],
    [
      'an unknown type',
      JSON.stringify({ ...executeRun(), type: 'RunEverything' }),
      /unknown message type "RunEverything"/,
    ],
    ['a null payload', JSON.stringify({ ...executeRun(), payload: null }), /ExecuteRun: payload must be a JSON object/],
    ['a message id that is not a UUID', JSON.stringify({ ...executeRun(), id: 'm1' }), /ExecuteRun: id must be a UUID/],
  ])('refuses %s', (_what, body, message) => {
    expect(rejection(body)).toMatch(message);
  });

  it('refuses a body larger than the limit before parsing it', () => {
    const [exec] = everyMessage();
    const big = variant(exec, (m) => (m.payload.task.prompt = 'x'.repeat(900 * 1024)));
    expect(rejection(big, { maxBytes: MAX_SNS_MESSAGE_BYTES })).toMatch(/larger than the limit of 262144/);
    expect(rejection('{'.repeat(MAX_SNS_MESSAGE_BYTES + 1), { maxBytes: MAX_SNS_MESSAGE_BYTES })).toMatch(/larger/);
    // Without a limit (the in-process transport) the same message is valid.
    expect(parseEnvelope(big, ALL).type).toBe('ExecuteRun');
  });

  it.each<[string, Edit, RegExp]>([
    ['null run fields', (m: any) => Object.assign(m.payload.run, { id: null, attempt: null }), /payload\.run\.id/],
    ['a null task', (m: any) => (m.payload.task = null), /payload\.task must be an object/],
    ['a null prompt', (m: any) => (m.payload.task.prompt = null), /payload\.task\.prompt .*null is not allowed/],
    ['a run id that is not a UUID', (m: any) => (m.payload.run.id = 'run-1'), /payload\.run\.id must be a UUID/],
    ['a path in a task id', (m: any) => (m.payload.task.id = '../etc'), /payload\.task\.id must be an id/],
    ['a run of another task', (m: any) => (m.payload.run.task_id = randomUUID()), /run\.task_id must be the id/],
    ['an attempt of 0', (m: any) => (m.payload.run.attempt = 0), /payload\.run\.attempt must be an integer/],
    ['an attempt as text', (m: any) => (m.payload.run.attempt = '1'), /payload\.run\.attempt/],
    ['an unknown permission', (m: any) => (m.payload.task.permissions = 'root'), /payload\.task\.permissions/],
    ['tools that are not strings', (m: any) => (m.payload.task.allowed_tools = [1]), /allowed_tools/],
    ['a job without its directory', (m: any) => delete m.payload.job.working_directory, /working_directory is req/],
    [
      'an env var without a source',
      (m: any) => delete m.payload.job_profile.env_vars[1].source,
      /env_vars\[1\]\.source/,
    ],
    ['settings missing a field', (m: any) => delete m.payload.settings.stop_grace_seconds, /stop_grace_seconds/],
    ['a traceparent that is not one', (m: any) => (m.traceparent = 'x'), /traceparent must be a W3C traceparent/],
    ['a prototype key', (m: any) => (m.payload.task.schedule = JSON.parse('{"__proto__":{}}')), /not allowed/],
  ])('refuses an ExecuteRun with %s, naming the field', (_what, edit, message) => {
    expect(rejection(variant(executeRun(), edit))).toMatch(message);
  });

  const event = (type: MessageType) => everyMessage().find((m) => m.type === type)!;

  it.each<[MessageType, Edit, RegExp]>([
    ['StopRun', (m: any) => (m.payload.run_id = 'r1'), /payload\.run_id must be a UUID/],
    ['StopRun', (m: any) => delete m.payload.by, /payload\.by is required/],
    ['TaskFailed', (m: any) => delete m.payload.attempt, /payload\.attempt is required/],
    ['TaskFailed', (m: any) => (m.payload.run_id = 'not-a-uuid'), /payload\.run_id must be a UUID/],
    ['TaskFailed', (m: any) => (m.payload.outcome.status = 'success'), /outcome\.status of TaskFailed/],
    ['TaskCompleted', (m: any) => (m.payload.outcome.status = 'failed'), /outcome\.status of TaskCompleted/],
    ['TaskCompleted', (m: any) => (m.payload.outcome.end_time = 'yesterday'), /outcome\.end_time/],
    ['TaskCompleted', (m: any) => (m.payload.outcome.cost_usd = -1), /outcome\.cost_usd/],
    ['TaskStarted', (m: any) => (m.payload.node_id = 'n 1; rm'), /payload\.node_id must be a node id/],
    ['TaskOutput', (m: any) => (m.payload.seq = 0), /payload\.seq/],
    ['TaskOutput', (m: any) => (m.payload.lines = [{ stream: 'stdin', line: 'x' }]), /lines\[0\]\.stream/],
    ['NodeHeartbeat', (m: any) => (m.payload.running_run_ids = ['r1']), /running_run_ids\[0\] must be a UUID/],
    ['NodeHeartbeat', (m: any) => (m.payload.capacity = null), /payload\.capacity/],
    ['NodeRegistered', (m: any) => (m.payload.node.running_run_ids = ['x']), /node\.running_run_ids\[0\] must be/],
    ['NodeRegistered', (m: any) => (m.payload.node.tags = { zone: 1 }), /payload\.node\.tags\.zone must be a/],
    ['NodeRegistered', (m: any) => (m.payload.node.status = 'happy'), /payload\.node\.status/],
  ])('refuses a %s with a bad field', (type, edit, message) => {
    expect(rejection(variant(event(type), edit))).toMatch(new RegExp(`^${type}: .*${message.source}`));
  });

  it('accepts only the allowed types (a control queue takes StopRun only)', () => {
    expect(() => parseEnvelope(JSON.stringify(executeRun()), ['StopRun'])).toThrow(/unknown message type "ExecuteRun"/);
    const event = everyMessage().find((m) => m.type === 'TaskOutput') as EventEnvelope;
    expect(() => parseEnvelope(JSON.stringify(event), COMMAND_TYPES)).toThrow(/unknown message type "TaskOutput"/);
  });
});
