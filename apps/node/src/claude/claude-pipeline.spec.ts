import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { NEW_TASK_DEFAULTS, Permission, normalizeTask } from '@ccs/core';
import {
  FakeClaudeMode,
  fakeClaudeDir,
  fakeClaudeEnv,
  makeTempDir,
  readFakeClaudeRecords,
  removeTempDir,
} from '@ccs/testing';
import { ClaudeArgvTask, buildClaudeArgv } from './claude-argv';
import { findClaudeCli } from './claude-cli-discovery';
import { isExecutableFile } from './is-executable';
import { StreamJsonParser } from './stream-json-parser';

/**
 * The pure pieces together against the fake CLI: discovery finds it on PATH, it accepts the argv we build
 * (it refuses what the real CLI refuses) and its stdout goes through the parser.
 */
describe('argv → fake claude → parser', () => {
  let dir: string;
  beforeEach(() => (dir = makeTempDir('ccs-claude-pipeline-')));
  afterEach(() => removeTempDir(dir));

  const LAST = '9b8a7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
  const NEW = '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';

  function task(over: Partial<ClaudeArgvTask>): ClaudeArgvTask {
    return normalizeTask({ name: 't', prompt: 'hello', ...NEW_TASK_DEFAULTS, ...over });
  }

  async function runThrough(t: ClaudeArgvTask, mode: FakeClaudeMode = 'success') {
    const cli = findClaudeCli({
      pathEnv: `/nonexistent:${fakeClaudeDir()}`,
      homeDir: dir,
      isExecutable: isExecutableFile,
    });
    const built = buildClaudeArgv(t, { newSessionId: () => NEW });
    const child = spawn(cli.path, built.argv, {
      cwd: dir,
      env: { ...process.env, IS_SANDBOX: '1', ...fakeClaudeEnv({ mode, recordDir: path.join(dir, 'rec') }) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const parser = new StreamJsonParser();
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => parser.pushChunk(d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    parser.end();
    return {
      built,
      code,
      stderr,
      summary: parser.summary(),
      output: parser.outputText(),
      records: readFakeClaudeRecords(path.join(dir, 'rec')),
    };
  }

  it('a new session: the CLI gets our session id and prompt, the summary reports them with cost and tokens', async () => {
    const r = await runThrough(task({ prompt: '-starts with a dash', allowed_tools: ['Read', 'Bash(git log *)'] }));
    expect(r.code).toBe(0);
    expect(r.records[0].prompt).toBe('-starts with a dash');
    expect(r.records[0].options['allowedTools']).toEqual(['Read', 'Bash(git log *)']);
    expect(r.summary).toMatchObject({ session_id: NEW, is_error: false, has_result: true, num_turns: 2 });
    expect(r.summary.session_id).toBe(r.built.sessionId);
    expect(r.summary.cost_usd).toBeGreaterThan(0);
    expect(r.summary.tokens?.output_tokens).toBeGreaterThan(0);
    expect(r.output).toContain('Claude: Working on: -starts with a dash');
    expect(r.output).toContain('[Using tool: Read]');
  });

  it('reuse resumes the last session; fork gets a new id that only the stream tells', async () => {
    const reuse = await runThrough(task({ session_mode: 'reuse', last_session_id: LAST }));
    expect(reuse.code).toBe(0);
    expect(reuse.summary.session_id).toBe(LAST);

    const fork = await runThrough(task({ session_mode: 'fork', last_session_id: LAST }));
    expect(fork.code).toBe(0);
    expect(fork.built.sessionId).toBeNull();
    expect(fork.summary.session_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(fork.summary.session_id).not.toBe(LAST);
  });

  it.each<Permission>(['default', 'bypass', 'acceptEdits', 'plan', 'auto', 'dontAsk'])(
    'permissions %s produce arguments the CLI accepts',
    async (permissions) => {
      const r = await runThrough(
        task({ permissions, max_turns: 5, max_budget_usd: 1, append_system_prompt: 'Be brief.' }),
      );
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    },
  );

  it('a failing CLI: exit 1 and an is_error summary', async () => {
    const r = await runThrough(task({}), 'fail');
    expect(r.code).toBe(1);
    expect(r.summary.is_error).toBe(true);
    expect(r.summary.error).toContain('Invalid API key');
    expect(r.output).toMatch(/\[Failed: /);
  });
});
