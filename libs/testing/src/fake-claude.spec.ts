import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  FakeClaudeEnvOptions,
  fakeClaudeDir,
  fakeClaudeEnv,
  fakeClaudePath,
  isProcessAlive,
  readFakeClaudeRecords,
  waitFor,
  writeFakeClaudeScript,
} from './fake-claude';
import { makeTempDir, removeTempDir } from './temp-dir';

const SID = '0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0';
const STREAM = ['--print', '--verbose', '--output-format', 'stream-json'];

interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  stderrBytes: number;
  /** stderr bytes received when the first stdout byte arrived (-1: no stdout). */
  stderrBytesAtFirstStdout: number;
}

let dir: string;
let records: string;
const started: ChildProcess[] = [];

beforeEach(() => {
  dir = makeTempDir('ccs-fake-claude-');
  records = path.join(dir, 'records');
});

afterEach(() => {
  // Nothing a test started may outlive it, whatever the test did.
  for (const child of started.splice(0)) {
    if (child.pid && child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  }
  removeTempDir(dir);
});

function start(args: string[], env: FakeClaudeEnvOptions & { extraEnv?: Record<string, string> } = {}) {
  const { extraEnv, ...opts } = env;
  const child = spawn(fakeClaudePath(), args, {
    cwd: dir,
    env: { ...process.env, ...fakeClaudeEnv({ recordDir: records, ...opts }), ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Own process group, so the afterEach can kill everything it spawned.
    detached: true,
  });
  started.push(child);
  let stdout = '';
  let stderr = '';
  let stderrBytes = 0;
  let stderrBytesAtFirstStdout = -1;
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    if (stderrBytesAtFirstStdout < 0) stderrBytesAtFirstStdout = stderrBytes;
    stdout += d;
  });
  child.stderr.on('data', (d: Buffer) => {
    stderrBytes += d.length;
    if (stderr.length < 64 * 1024) stderr += d.toString('utf8');
  });
  const done = new Promise<Finished>((resolve) =>
    child.on('close', (code, signal) =>
      resolve({ code, signal, stdout, stderr, stderrBytes, stderrBytesAtFirstStdout }),
    ),
  );
  return { child, done, stdoutSoFar: () => stdout, stderrSoFar: () => stderr };
}

/** The parts of a stream-json event these tests look at. */
interface Ev {
  type: string;
  subtype?: string;
  session_id?: string;
  result?: string;
  message?: { content: Array<{ text?: string }> };
  [key: string]: unknown;
}

const run = (args: string[], env: Parameters<typeof start>[1] = {}) => start(args, env).done;
const events = (stdout: string) =>
  stdout
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Ev);

describe('fake claude executable', () => {
  it('is an executable plain-JS node script next to the helpers', () => {
    const file = fakeClaudePath();
    expect(path.dirname(file)).toBe(fakeClaudeDir());
    expect(fs.statSync(file).mode & 0o111).not.toBe(0);
    expect(fs.readFileSync(file, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });

  it('success: records argv, env, cwd and pid, and plays a stream honouring --session-id', async () => {
    const args = [
      ...STREAM,
      '--model',
      'opus',
      '--session-id',
      SID,
      '--allowedTools',
      'Read',
      'Bash(git *)',
      '--',
      '-x prompt',
    ];
    const r = await run(args, { extraEnv: { CCS_PROBE: 'probe-value' } });
    expect(r.code).toBe(0);

    const [rec, ...more] = readFakeClaudeRecords(records);
    expect(more).toEqual([]);
    expect(rec.argv).toEqual(args);
    expect(rec.cwd).toBe(fs.realpathSync(dir));
    expect(rec.pid).toBeGreaterThan(0);
    expect(rec.env['CCS_PROBE']).toBe('probe-value');
    expect(rec.env['FAKE_CLAUDE_MODE']).toBe('success');
    expect(rec.prompt).toBe('-x prompt');
    expect(rec.options).toMatchObject({ model: 'opus', sessionId: SID, allowedTools: ['Read', 'Bash(git *)'] });
    expect(rec.session_id).toBe(SID);

    const ev = events(r.stdout);
    expect(ev.map((e) => e['type'])).toEqual(['system', 'assistant', 'assistant', 'user', 'assistant', 'result']);
    expect(ev[0]).toMatchObject({ subtype: 'init', session_id: SID, model: 'opus' });
    expect(ev[1].message?.content[0]?.text).toContain('-x prompt');
    expect(ev.at(-1)).toMatchObject({ subtype: 'success', is_error: false, session_id: SID, num_turns: 2 });
    expect(ev.at(-1)!['total_cost_usd']).toBeGreaterThan(0);
  });

  it('--resume keeps the resumed id; --resume --fork-session reports a new one', async () => {
    const reuse = events((await run([...STREAM, '--resume', SID, '--', 'again'])).stdout);
    expect(reuse[0]['session_id']).toBe(SID);
    const fork = events((await run([...STREAM, '--resume', SID, '--fork-session', '--', 'again'])).stdout);
    expect(fork[0]['session_id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(fork[0]['session_id']).not.toBe(SID);
    expect(fork.at(-1)!['session_id']).toBe(fork[0]['session_id']);
  });

  it('records one file per invocation, oldest first, and only the requested env names when asked', async () => {
    await run([...STREAM, '--', 'one'], { recordEnv: ['FAKE_CLAUDE_MODE', 'NOT_SET_ANYWHERE'] });
    await run([...STREAM, '--', 'two'], { recordEnv: ['FAKE_CLAUDE_MODE'] });
    const recs = readFakeClaudeRecords(records);
    expect(recs.map((r) => r.prompt)).toEqual(['one', 'two']);
    expect(recs[0].env).toEqual({ FAKE_CLAUDE_MODE: 'success' });
    expect(readFakeClaudeRecords(path.join(dir, 'missing'))).toEqual([]);
  });

  it('fail: an is_error result (subtype success, like a missing login) and exit code 1', async () => {
    const r = await run([...STREAM, '--', 'p'], { mode: 'fail' });
    expect(r.code).toBe(1);
    expect(events(r.stdout).at(-1)).toMatchObject({ type: 'result', subtype: 'success', is_error: true });
  });

  it('exit-code: a complete stream and then the requested exit code', async () => {
    const r = await run([...STREAM, '--', 'p'], { mode: 'exit-code', exitCode: 7 });
    expect(r.code).toBe(7);
    expect(events(r.stdout).at(-1)).toMatchObject({ type: 'result', is_error: false });
  });

  it('flood-stderr: writes at least 10 MB to stderr before any stdout, then succeeds', async () => {
    const r = await run([...STREAM, '--', 'p'], { mode: 'flood-stderr' });
    expect(r.code).toBe(0);
    expect(r.stderrBytes).toBeGreaterThanOrEqual(10 * 1024 * 1024);
    // Everything but what still sat in the pipe buffer (≤ 1 MB) arrived before the first stdout byte.
    expect(r.stderrBytesAtFirstStdout).toBeGreaterThanOrEqual(9 * 1024 * 1024);
    expect(events(r.stdout).at(-1)).toMatchObject({ type: 'result', is_error: false });
  });

  it('flood-stderr honours FAKE_CLAUDE_STDERR_MB', async () => {
    const r = await run([...STREAM, '--', 'p'], { mode: 'flood-stderr', stderrMb: 1 });
    expect(r.stderrBytes).toBe(1024 * 1024);
  });

  it('slow: waits between lines', async () => {
    const t0 = Date.now();
    const r = await run([...STREAM, '--', 'p'], { mode: 'slow', delayMs: 40 });
    expect(r.code).toBe(0);
    expect(events(r.stdout)).toHaveLength(6);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(5 * 40); // a lower bound only: 5 gaps between 6 lines
  });

  it('hang: prints init and stays alive until killed', async () => {
    const p = start([...STREAM, '--', 'p'], { mode: 'hang' });
    await waitFor(() => p.stdoutSoFar().includes('"subtype":"init"'), { what: 'the init event' });
    await new Promise((r) => setTimeout(r, 300));
    expect(isProcessAlive(p.child.pid!)).toBe(true);
    p.child.kill('SIGTERM');
    const r = await p.done;
    expect(r.signal).toBe('SIGTERM');
    expect(events(r.stdout).map((e) => e['subtype'])).toEqual(['init']);
  });

  it('ignore-sigterm: it and its grandchild survive SIGTERM, only SIGKILL to the group ends them', async () => {
    const p = start([...STREAM, '--', 'p'], { mode: 'ignore-sigterm' });
    const rec = await waitFor(() => readFakeClaudeRecords(records).find((x) => x.grandchild_pid), {
      what: 'the grandchild pid in the record',
    });
    const pid = p.child.pid!;
    const grandchild = rec.grandchild_pid!;
    await waitFor(() => p.stdoutSoFar().includes('"subtype":"init"'), { what: 'the init event' });

    process.kill(-pid, 'SIGTERM'); // the whole group: fake and grandchild
    await waitFor(() => p.stderrSoFar().includes('got SIGTERM'), { what: 'the SIGTERM note' });
    await new Promise((r) => setTimeout(r, 200));
    expect(isProcessAlive(pid)).toBe(true);
    expect(isProcessAlive(grandchild)).toBe(true);

    process.kill(-pid, 'SIGKILL');
    const r = await p.done;
    expect(r.signal).toBe('SIGKILL');
    await waitFor(() => !isProcessAlive(grandchild), { what: 'the grandchild to die' });
  });

  it('max-turns below the script length ends with error_max_turns and exit 1', async () => {
    const r = await run([...STREAM, '--max-turns', '1', '--', 'p']);
    expect(r.code).toBe(1);
    expect(events(r.stdout).at(-1)).toMatchObject({ subtype: 'error_max_turns', is_error: true });
  });

  it('plays a JSON script with stderr, delays, templates and an exit code', async () => {
    const script = writeFakeClaudeScript(dir, {
      steps: [
        { stdout: { type: 'system', subtype: 'init', session_id: '{{session_id}}', model: '{{model}}' } },
        { stderr: 'warning for {{prompt}}', delay_ms: 10 },
        { stdout: 'not json at all' },
        { stdout: { type: 'result', subtype: 'success', is_error: false, result: 'said {{prompt}}' } },
      ],
      exit_code: 4,
    });
    const r = await run([...STREAM, '--model', 'haiku', '--session-id', SID, '--', 'a "quoted"\nprompt'], {
      scriptPath: script,
    });
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('warning for a "quoted"\nprompt');
    const out = r.stdout.split('\n');
    expect(JSON.parse(out[0])).toEqual({ type: 'system', subtype: 'init', session_id: SID, model: 'haiku' });
    expect(out[1]).toBe('not json at all');
    expect((JSON.parse(out[2]) as Ev).result).toBe('said a "quoted"\nprompt');
  });

  it('plays a JSONL script line by line', async () => {
    const script = writeFakeClaudeScript(dir, [
      '{"type":"system","subtype":"init","session_id":"{{session_id}}"}',
      'plain',
    ]);
    const r = await run([...STREAM, '--session-id', SID, '--', 'p'], { scriptPath: script });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`{"type":"system","subtype":"init","session_id":"${SID}"}\nplain\n`);
  });

  describe('refuses what the real CLI refuses', () => {
    it.each<[string, string[], RegExp]>([
      [
        'a variadic tool list that swallows the prompt',
        [...STREAM, '--allowedTools', 'Read', 'hello'],
        /Input must be provided/,
      ],
      ['an unknown option', [...STREAM, '--permissions', 'bypass', '--', 'p'], /unknown option '--permissions'/],
      ['stream-json without --verbose', ['--print', '--output-format', 'stream-json', '--', 'p'], /requires --verbose/],
      [
        '--session-id with --resume but no --fork-session',
        [...STREAM, '--session-id', SID, '--resume', SID, '--', 'p'],
        /--fork-session/,
      ],
      ['a session id that is not a UUID', [...STREAM, '--session-id', 'abc', '--', 'p'], /valid UUID/],
      ['an unknown permission mode', [...STREAM, '--permission-mode', 'bypass', '--', 'p'], /Allowed choices are/],
    ])('%s', async (_what, args, message) => {
      const r = await run(args);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe('');
      expect(readFakeClaudeRecords(records)[0].error).toMatch(message);
    });

    it('bypassPermissions as root unless IS_SANDBOX=1 (as the real CLI)', async () => {
      const args = [...STREAM, '--permission-mode', 'bypassPermissions', '--', 'p'];
      const plain = await run(args, { extraEnv: { IS_SANDBOX: '' } });
      const sandboxed = await run(args, { extraEnv: { IS_SANDBOX: '1' } });
      expect(sandboxed.code).toBe(0);
      if (process.getuid!() === 0) {
        expect(plain.code).toBe(1);
        expect(plain.stderr).toContain('cannot be used with root');
      } else {
        expect(plain.code).toBe(0);
      }
    });
  });
});
