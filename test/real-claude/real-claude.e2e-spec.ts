import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  NEW_TASK_DEFAULTS,
  Profile,
  StreamSummary,
  Task,
  newRun,
  normalizeProfile,
  normalizeTask,
  parseStreamJson,
} from '@ccs/core';
import { createRunExecutor, RunExecutor } from '@ccs/node';
import { systemClock } from '@ccs/shared';
import { RunLogFiles } from '@ccs/storage';
import {
  FakeAnthropicApi,
  FakeAnthropicRequest,
  FakeAnthropicTurn,
  makeTempDir,
  removeTempDir,
  startFakeAnthropicApi,
} from '@ccs/testing';
import { EventEnvelope, ExecutionSettings, FileLogStore, RunOutcome, TaskStartedPayload } from '@ccs/transport';
import { locateRealClaude, RealClaudeBinary } from './real-claude-binary';

/**
 * The real Claude Code CLI (the `@anthropic-ai/claude-code` devDependency) run through the production pipeline —
 * createRunExecutor: env resolution, `claude` discovery on PATH, buildClaudeArgv, ChildProcessRunner, the
 * stream-json parser, the run log — against a fake Anthropic Messages API on loopback. It proves that our argv
 * and our parser work with the real program, not only with our fake `claude`.
 *
 * Each CLI start takes ~1–2 s; runs are sequential. HOME is a temp dir, so sessions land in
 * `<home>/.claude/projects/` and nothing of the machine's own Claude setup is read or written.
 */
describe('the real Claude Code CLI through the run executor, against a fake Anthropic API', () => {
  const MODEL = 'claude-sonnet-4-5';
  let claude: RealClaudeBinary;
  let api: FakeAnthropicApi;
  let root: string;
  let home: string;
  let workDir: string;
  let logs: FileLogStore;
  let executor: RunExecutor;
  const events: EventEnvelope[] = [];

  beforeAll(async () => {
    // Throws (failing every test with the reason) when the binary is missing or cannot run here.
    claude = locateRealClaude();
    api = await startFakeAnthropicApi();
    root = makeTempDir('ccs-real-claude-');
    home = path.join(root, 'home');
    workDir = path.join(root, 'work');
    fs.mkdirSync(home);
    fs.mkdirSync(workDir);
    fs.writeFileSync(path.join(workDir, 'notes.txt'), 'hello from notes\n');
    logs = new FileLogStore(new RunLogFiles(path.join(root, 'logs')));
    // The node's environment, built from scratch: nothing of the developer's own env (API keys, CLAUDE_* flags)
    // leaks into the child. The fake's env() adds ANTHROPIC_BASE_URL, its key, no nonessential traffic, no retries.
    const baseEnv = { PATH: `${claude.dir}:/usr/local/bin:/usr/bin:/bin`, HOME: home, LANG: 'C.UTF-8', ...api.env() };
    executor = createRunExecutor({
      nodeId: 'e2e-node',
      clock: systemClock,
      events: { publish: (e) => Promise.resolve(void events.push(e)) },
      logs,
      baseEnv,
      homeDir: home,
      platform: process.platform,
    });
  });

  afterAll(async () => {
    await api?.close();
    if (root) removeTempDir(root);
  });

  interface RealRun {
    task: Task;
    outcome: RunOutcome;
    started: TaskStartedPayload | null;
    /** The human run log (scheduler notes + stdout + stderr). */
    log: string;
    /** Raw stream-json events as the CLI printed them. */
    events: Array<Record<string, unknown>>;
    /** The Output view's text, as the coordinator renders it from the raw JSONL. */
    output: string;
    summary: StreamSummary;
    /** Conversation requests the fake answered from its script during this run. */
    requests: FakeAnthropicRequest[];
  }

  /** Runs one task through the executor with the fake answering `turns`. */
  async function runTask(
    over: Partial<Task>,
    turns: FakeAnthropicTurn[],
    opts: { cwd?: string; taskProfile?: Profile } = {},
  ): Promise<RealRun> {
    api.setScript(turns);
    api.clearRecords();
    const task = normalizeTask({ name: 'real-claude e2e', ...NEW_TASK_DEFAULTS, model: MODEL, ...over });
    const run = newRun({ task_id: task.id, task_name: task.name });
    const settings: ExecutionSettings = {
      mock_mode: false,
      unmask_env_vars: false,
      claude_cli_path: null, // found on PATH, as in a default install
      default_timeout_seconds: 60,
      stop_grace_seconds: 1,
      max_output_bytes: 10 * 1024 * 1024,
      mock_duration_ms: 0,
      default_working_directory: opts.cwd ?? workDir,
    };
    const outcome = await executor.start({
      run,
      task,
      job: null,
      task_profile: opts.taskProfile ?? null,
      job_profile: null,
      settings,
    }).done;
    const started = events.find((e) => e.type === 'TaskStarted' && e.runId === run.id);
    const jsonl = (await logs.read(run.id, 'jsonl')) ?? '';
    const parsed = parseStreamJson(jsonl);
    // Whatever the CLI asks besides POST /v1/messages (2.1.x: a HEAD / probe) must be something the fake knows: a
    // new endpoint shows up here as a 404 first.
    expect(api.otherRequests.filter((o) => o.status === 404)).toEqual([]);
    return {
      task,
      outcome,
      started: started ? (started.payload as TaskStartedPayload) : null,
      log: (await logs.read(run.id, 'log')) ?? '',
      events: jsonl
        .split('\n')
        .filter((l) => l.trim().startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>),
      output: parsed.output,
      summary: parsed.summary,
      requests: api.requests.filter((r) => r.scripted),
    };
  }

  const init = (r: RealRun) => r.events.find((e) => e['type'] === 'system' && e['subtype'] === 'init');
  const result = (r: RealRun) => r.events.find((e) => e['type'] === 'result');
  /** All text of the messages the fake received in a request, for "did the CLI send X" checks. */
  const sent = (req: FakeAnthropicRequest) => JSON.stringify(req.messages);
  const sessionFiles = (id: string) =>
    (fs.readdirSync(path.join(home, '.claude', 'projects'), { recursive: true }) as string[]).filter((f) =>
      f.endsWith(`${id}.jsonl`),
    );

  it('finds a working binary', () => {
    expect(claude.version).toMatch(/^\d+\.\d+\.\d+ \(Claude Code\)$/);
  });

  describe('sessions: new → reuse → fork', () => {
    let first: RealRun;

    it('a new session with a tool-use turn: our session id, model, text, tool use and result, tokens, turns', async () => {
      const notes = path.join(workDir, 'notes.txt');
      first = await runTask({ prompt: 'Summarise notes.txt', allowed_tools: ['Read'] }, [
        {
          text: 'Let me look at the notes.',
          tool_use: { name: 'Read', input: { file_path: notes } },
          usage: { input_tokens: 1200, output_tokens: 30, cache_creation_input_tokens: 100 },
        },
        {
          text: 'The notes say hello.',
          usage: { input_tokens: 1500, output_tokens: 45, cache_read_input_tokens: 900 },
        },
      ]);
      const { outcome, started } = first;
      expect(outcome).toMatchObject({ status: 'success', exit_code: 0, errors: null });

      // The session id is the one buildClaudeArgv chose and passed as --session-id; the CLI used it throughout.
      expect(started!.session_id).toMatch(/^[0-9a-f-]{36}$/);
      expect(started!.command_line).toContain(`--session-id ${started!.session_id}`);
      expect(started!.command_line).toContain(`--model ${MODEL}`);
      expect(started!.command_line).toContain('--allowedTools Read -- ');
      expect(started!.command_line.startsWith(`${claude.path} --print --verbose --output-format stream-json`)).toBe(
        true,
      );
      expect(outcome.session_id).toBe(started!.session_id);
      expect(init(first)!['session_id']).toBe(started!.session_id);
      expect(first.requests.map((r) => r.headers['x-claude-code-session-id'])).toEqual([
        started!.session_id,
        started!.session_id,
      ]);
      expect(sessionFiles(outcome.session_id!)).toHaveLength(1);

      // Model: what we asked for, what the API was asked for, what we recorded.
      expect(first.requests.map((r) => r.model)).toEqual([MODEL, MODEL]);
      expect(outcome.model).toBe(MODEL);

      // The prompt went to the API; the tool ran in the working directory and its result went back to the API.
      expect(sent(first.requests[0])).toContain('Summarise notes.txt');
      expect(sent(first.requests[1])).toContain('hello from notes');
      expect(first.requests[1].messages.at(-1)!.role).toBe('user');

      // Numbers: tokens are the sums of what the fake reported; the CLI prices them itself.
      expect(outcome).toMatchObject({
        input_tokens: 2700,
        output_tokens: 75,
        cache_read_tokens: 900,
        cache_creation_tokens: 100,
        num_turns: 2,
      });
      expect(outcome.cost_usd).toBeGreaterThan(0);
      expect(outcome.cost_usd).toBe(result(first)!['total_cost_usd']);
      expect(outcome.duration_api_ms).toBe(result(first)!['duration_api_ms']);

      // The Output view, line by line as a person reads it.
      const lines = first.output.split('\n');
      expect(lines[0]).toBe(`[Session started with model: ${MODEL}, session ${outcome.session_id}]`);
      expect(lines).toContain('Claude: Let me look at the notes.');
      expect(lines).toContain(`[Using tool: Read] {"file_path":${JSON.stringify(notes)}}`);
      expect(lines.find((l) => l.startsWith('[Read result: '))).toMatch(/^\[Read result: 1 hello from notes/);
      expect(lines).toContain('Claude: The notes say hello.');
      expect(lines.at(-1)).toMatch(
        /^\[Completed: 2 turns, \$\d+\.\d{4}, 2,700 in \/ 75 out tokens \(cache read 900, cache write 100\), \d+\.\ds\]$/,
      );
      expect(first.summary.stats).toMatchObject({ invalid: 0 });

      // The run log tells what ran and how it ended.
      expect(first.log).toContain(`[scheduler] command: ${started!.command_line}`);
      expect(first.log).toContain('[scheduler] SUCCESS: exit code 0');
    });

    it('reuse (--resume <id>) continues that session: same id, and the API sees the earlier conversation', async () => {
      const previous = first.outcome.session_id!;
      const r = await runTask({ prompt: 'And what else?', session_mode: 'reuse', last_session_id: previous }, [
        { text: 'Nothing else.', usage: { input_tokens: 3000, output_tokens: 5 } },
      ]);
      expect(r.outcome).toMatchObject({ status: 'success', exit_code: 0, session_id: previous, num_turns: 1 });
      expect(r.started!.session_id).toBe(previous);
      expect(r.started!.command_line).toContain(`--resume ${previous} `);
      expect(r.started!.command_line).not.toContain('--session-id');
      expect(init(r)!['session_id']).toBe(previous);
      const [req] = r.requests;
      expect(req.headers['x-claude-code-session-id']).toBe(previous);
      for (const earlier of [
        'Summarise notes.txt',
        'Let me look at the notes.',
        'hello from notes',
        'The notes say hello.',
      ]) {
        expect(sent(req)).toContain(earlier);
      }
      expect(sent(req)).toContain('And what else?');
      expect(r.outcome).toMatchObject({ input_tokens: 3000, output_tokens: 5 });
      expect(r.output).toContain('Claude: Nothing else.');
    });

    it('fork (--resume <id> --fork-session) gets a new session id that only the stream tells, and we record it', async () => {
      const previous = first.outcome.session_id!;
      const r = await runTask({ prompt: 'Try another way.', session_mode: 'fork', last_session_id: previous }, [
        { text: 'Forked.' },
      ]);
      expect(r.started!.command_line).toContain(`--resume ${previous} --fork-session -- `);
      expect(r.started!.session_id).toBeNull(); // unknown until the CLI reports it
      expect(r.outcome.status).toBe('success');
      const forked = r.outcome.session_id!;
      expect(forked).toMatch(/^[0-9a-f-]{36}$/);
      expect(forked).not.toBe(previous);
      expect(init(r)!['session_id']).toBe(forked);
      expect(result(r)!['session_id']).toBe(forked);
      expect(r.requests[0].headers['x-claude-code-session-id']).toBe(forked);
      // The fork starts from the whole earlier conversation (including the reuse run's turn)…
      expect(sent(r.requests[0])).toContain('Summarise notes.txt');
      expect(sent(r.requests[0])).toContain('Nothing else.');
      // …and is stored as a session of its own, next to the original.
      expect(sessionFiles(forked)).toHaveLength(1);
      expect(sessionFiles(previous)).toHaveLength(1);
      expect(r.output.split('\n')[0]).toBe(`[Session started with model: ${MODEL}, session ${forked}]`);
    });

    it('reuse from another working directory fails readably: the CLI keeps sessions per directory', async () => {
      const previous = first.outcome.session_id!;
      const elsewhere = path.join(root, 'elsewhere');
      fs.mkdirSync(elsewhere, { recursive: true });
      const r = await runTask(
        { prompt: 'Continue', session_mode: 'reuse', last_session_id: previous },
        [{ text: 'x' }],
        {
          cwd: elsewhere,
        },
      );
      expect(r.outcome.status).toBe('failed');
      expect(r.outcome.exit_code).toBe(1);
      expect(r.outcome.errors).toContain(`No conversation found with session ID: ${previous}`);
      expect(r.summary.result_subtype).toBe('error_during_execution');
      expect(r.requests).toHaveLength(0);
    });
  });

  it('a tool denied by --permission-mode dontAsk shows as tool use + error result and a permission denial', async () => {
    const marker = path.join(workDir, 'denied-marker');
    const r = await runTask({ prompt: 'Create the marker', permissions: 'dontAsk', allowed_tools: ['Read'] }, [
      { text: 'Creating it.', tool_use: { name: 'Bash', input: { command: `touch ${marker}` } } },
      { text: 'I was not allowed to.' },
    ]);
    expect(r.started!.command_line).toContain('--permission-mode dontAsk');
    expect(init(r)!['permissionMode']).toBe('dontAsk');
    expect(fs.existsSync(marker)).toBe(false);
    // The run itself succeeds: Claude answered after the denial.
    expect(r.outcome).toMatchObject({ status: 'success', exit_code: 0, num_turns: 2 });
    const lines = r.output.split('\n');
    expect(lines).toContain(`[Using tool: Bash] {"command":${JSON.stringify(`touch ${marker}`)}}`);
    expect(lines.find((l) => l.startsWith('[Bash error: '))).toMatch(
      /^\[Bash error: Permission to use Bash has been denied/,
    );
    expect(lines).toContain('Claude: I was not allowed to.');
    expect(r.summary.permission_denials).toHaveLength(1);
    const [denial] = r.summary.permission_denials;
    expect(denial).toMatchObject({ tool_name: 'Bash', tool_input: { command: `touch ${marker}` } });
    expect(denial.tool_use_id).toMatch(/^toolu_/);
    const toolResult = JSON.stringify(r.requests[1].messages.at(-1));
    expect(toolResult).toContain('"is_error":true');
  });

  it('max_turns: 1 with a tool-use turn ends failed with error_max_turns', async () => {
    const r = await runTask({ prompt: 'Read the notes', max_turns: 1, allowed_tools: ['Read'] }, [
      { tool_use: { name: 'Read', input: { file_path: path.join(workDir, 'notes.txt') } } },
      { text: 'never asked for' },
    ]);
    expect(r.started!.command_line).toContain('--max-turns 1');
    expect(r.outcome.status).toBe('failed');
    expect(r.outcome.exit_code).toBe(1);
    expect(r.outcome.errors).toContain('Reached maximum number of turns (1)');
    expect(r.outcome.errors).toContain('error_max_turns');
    expect(r.summary).toMatchObject({
      result_subtype: 'error_max_turns',
      terminal_reason: 'max_turns',
      is_error: true,
    });
    expect(r.requests).toHaveLength(1);
    expect(api.remainingTurns()).toBe(1);
    expect(r.output.split('\n').at(-1)).toMatch(
      /^\[Failed: error_max_turns, max_turns: Reached maximum number of turns \(1\)/,
    );
  });

  it('an invalid API key (401 from the API) fails the run with a readable error although the subtype says success', async () => {
    const wrongKey = 'sk-ant-not-the-right-key-0000';
    const profile = normalizeProfile({
      name: 'wrong key',
      env_vars: [{ name: 'ANTHROPIC_API_KEY', source: 'static', value: wrongKey }],
    });
    const r = await runTask({ prompt: 'hi' }, [{ text: 'unreachable' }], { taskProfile: profile });
    expect(r.requests).toEqual([]); // the fake refused the key, no scripted turn was used
    expect(api.requests.length).toBeGreaterThan(0);
    expect(api.requests.every((q) => q.headers['x-api-key'] === wrongKey && q.answer.status === 401)).toBe(true);
    expect(result(r)).toMatchObject({ subtype: 'success', is_error: true, api_error_status: 401 });
    expect(r.outcome.status).toBe('failed');
    expect(r.outcome.exit_code).toBe(1);
    expect(r.outcome.errors).toMatch(/^Claude CLI exited with code 1: Invalid API key/);
    expect(r.output.split('\n').at(-1)).toMatch(/^\[Failed: .*Invalid API key/);
    expect(r.log).not.toContain(wrongKey); // the profile's static value is masked in the run log
  });

  it('a prompt that starts with "-" is sent as the prompt, not taken for a flag (argv ends with --)', async () => {
    const prompt = '--version and -p: are these flags? No, a question.';
    const r = await runTask({ prompt, allowed_tools: ['Read', 'Bash(git log *)'] }, [{ text: 'Not flags.' }]);
    expect(r.outcome).toMatchObject({ status: 'success', exit_code: 0 });
    expect(r.started!.command_line).toContain(`--allowedTools Read 'Bash(git log *)' -- '${prompt}'`);
    const last = r.requests[0].messages.at(-1)!;
    expect(JSON.stringify(last.content)).toContain(JSON.stringify(prompt));
    expect(r.output).toContain('Claude: Not flags.');
  });

  it('bypass permissions: refused as root unless IS_SANDBOX=1, which a profile can provide', async () => {
    const asRoot = process.getuid?.() === 0;
    const plain = await runTask({ prompt: 'hi', permissions: 'bypass' }, [{ text: 'bypassed' }]);
    expect(plain.started!.command_line).toContain('--permission-mode bypassPermissions');
    if (asRoot) {
      expect(plain.outcome.status).toBe('failed');
      expect(plain.outcome.errors).toContain('cannot be used with root/sudo privileges');
    } else {
      expect(plain.outcome.status).toBe('success');
    }
    const sandbox = normalizeProfile({
      name: 'sandbox',
      env_vars: [{ name: 'IS_SANDBOX', source: 'static', value: '1' }],
    });
    const r = await runTask({ prompt: 'hi', permissions: 'bypass' }, [{ text: 'bypassed' }], { taskProfile: sandbox });
    expect(r.outcome).toMatchObject({ status: 'success', exit_code: 0 });
    expect(init(r)!['permissionMode']).toBe('bypassPermissions');
    expect(r.output).toContain('Claude: bypassed');
  });
});
