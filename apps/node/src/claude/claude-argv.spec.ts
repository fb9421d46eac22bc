import { NEW_TASK_DEFAULTS, Permission, ValidationError, normalizeTask } from '@ccs/core';
import { ClaudeArgvTask, buildClaudeArgv, formatCommandLine, permissionModeFlag, shellQuote } from './claude-argv';

const NEW_ID = '11111111-2222-4333-8444-555555555555';
const LAST_ID = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';
const opts = { newSessionId: () => NEW_ID };

function task(over: Partial<ClaudeArgvTask> = {}): ClaudeArgvTask {
  return normalizeTask({ name: 't', prompt: 'Summarise the README', ...NEW_TASK_DEFAULTS, ...over });
}

/** The words between the stream-json prefix and `--`. */
function flagsOf(argv: string[]): string[] {
  return argv.slice(4, argv.indexOf('--'));
}

describe('buildClaudeArgv', () => {
  it('builds the print/stream-json prefix, model, a fresh session and `--` prompt for a new session', () => {
    const out = buildClaudeArgv(task(), opts);
    expect(out.argv).toEqual([
      '--print',
      '--verbose',
      '--output-format',
      'stream-json',
      '--model',
      'sonnet',
      '--session-id',
      NEW_ID,
      '--',
      'Summarise the README',
    ]);
    expect(out.sessionId).toBe(NEW_ID);
    expect(out.sessionMode).toBe('new');
    expect(out.warnings).toEqual([]);
  });

  it('generates a random UUID when no id generator is injected', () => {
    const a = buildClaudeArgv(task());
    const b = buildClaudeArgv(task());
    expect(a.sessionId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a.sessionId).not.toBe(b.sessionId);
    expect(a.argv[a.argv.indexOf('--session-id') + 1]).toBe(a.sessionId);
  });

  it('rejects an injected session id that is not a UUID (the CLI would refuse it)', () => {
    expect(() => buildClaudeArgv(task(), { newSessionId: () => 'not-a-uuid' })).toThrow(ValidationError);
  });

  it('reuse resumes the last session by id and expects that id back', () => {
    const out = buildClaudeArgv(task({ session_mode: 'reuse', last_session_id: LAST_ID }), opts);
    expect(flagsOf(out.argv)).toEqual(['--model', 'sonnet', '--resume', LAST_ID]);
    expect(out.argv).not.toContain('--session-id');
    expect(out.argv).not.toContain('--continue');
    expect(out.sessionId).toBe(LAST_ID);
    expect(out.sessionMode).toBe('reuse');
    expect(out.warnings).toEqual([]);
  });

  it('fork resumes the last session with --fork-session; the new id is only known from the stream', () => {
    const out = buildClaudeArgv(task({ session_mode: 'fork', last_session_id: LAST_ID }), opts);
    expect(flagsOf(out.argv)).toEqual(['--model', 'sonnet', '--resume', LAST_ID, '--fork-session']);
    expect(out.argv).not.toContain('--session-id');
    expect(out.sessionId).toBeNull();
    expect(out.sessionMode).toBe('fork');
  });

  it.each(['reuse', 'fork'] as const)('%s without a previous session falls back to a new one and warns', (mode) => {
    const out = buildClaudeArgv(task({ session_mode: mode, last_session_id: null }), opts);
    expect(flagsOf(out.argv)).toEqual(['--model', 'sonnet', '--session-id', NEW_ID]);
    expect(out.argv).not.toContain('--resume');
    expect(out.argv).not.toContain('--fork-session');
    expect(out.sessionId).toBe(NEW_ID);
    expect(out.sessionMode).toBe('new');
    expect(out.warnings).toHaveLength(1);
    expect(out.warnings[0]).toContain(`"${mode}"`);
    expect(out.warnings[0]).toContain('no previous session');
    expect(out.warnings[0]).toContain(NEW_ID);
  });

  it('treats a last session id that is not a UUID (e.g. "--continue") as missing rather than passing it on', () => {
    const out = buildClaudeArgv(
      task({ session_mode: 'reuse', last_session_id: '--dangerously-skip-permissions' }),
      opts,
    );
    expect(out.argv).not.toContain('--dangerously-skip-permissions');
    expect(out.argv).not.toContain('--resume');
    expect(out.sessionId).toBe(NEW_ID);
    expect(out.warnings[0]).toContain('not a session UUID');
  });

  it.each<[Permission, string | null]>([
    ['default', null],
    ['bypass', 'bypassPermissions'],
    ['acceptEdits', 'acceptEdits'],
    ['plan', 'plan'],
    ['auto', 'auto'],
    ['dontAsk', 'dontAsk'],
  ])('maps permissions %s to --permission-mode %s', (permissions, flag) => {
    const out = buildClaudeArgv(task({ permissions }), opts);
    const i = out.argv.indexOf('--permission-mode');
    if (flag === null) {
      expect(i).toBe(-1);
    } else {
      expect(out.argv[i + 1]).toBe(flag);
      expect(i).toBeLessThan(out.argv.indexOf('--'));
    }
    expect(permissionModeFlag(permissions)).toBe(flag);
  });

  it('rejects an unknown permissions value instead of silently running with defaults', () => {
    const bad = { ...task(), permissions: 'yolo' as Permission };
    expect(() => buildClaudeArgv(bad, opts)).toThrow(ValidationError);
    expect(() => buildClaudeArgv(bad, opts)).toThrow(/yolo/);
  });

  it('passes tool lists as variadic words, one per rule, and keeps the prompt after `--`', () => {
    const out = buildClaudeArgv(
      task({
        allowed_tools: ['Read', 'Bash(git log *)', ' ', 'Bash(npm run a,b)'],
        disallowed_tools: ['WebFetch', 'Write'],
        prompt: 'do it',
      }),
      opts,
    );
    const a = out.argv.indexOf('--allowedTools');
    const d = out.argv.indexOf('--disallowedTools');
    expect(out.argv.slice(a, d)).toEqual(['--allowedTools', 'Read', 'Bash(git log *)', 'Bash(npm run a,b)']);
    expect(out.argv.slice(d, out.argv.indexOf('--'))).toEqual(['--disallowedTools', 'WebFetch', 'Write']);
    expect(out.argv.slice(-2)).toEqual(['--', 'do it']);
  });

  it('omits empty tool lists', () => {
    const out = buildClaudeArgv(task({ allowed_tools: [], disallowed_tools: ['  '] }), opts);
    expect(out.argv).not.toContain('--allowedTools');
    expect(out.argv).not.toContain('--disallowedTools');
  });

  it('puts `--` before a prompt that starts with "-" so it is never read as a flag', () => {
    const out = buildClaudeArgv(task({ prompt: '--help me with -rf' }), opts);
    expect(out.argv.slice(-2)).toEqual(['--', '--help me with -rf']);
    expect(out.argv.filter((w) => w === '--')).toHaveLength(1);
  });

  it('sends a slash command as its text', () => {
    const out = buildClaudeArgv(task({ prompt_type: 'slash_command', prompt: '/review-pr 12' }), opts);
    expect(out.argv.slice(-2)).toEqual(['--', '/review-pr 12']);
    expect(out.warnings).toEqual([]);
  });

  it('warns when a slash command lacks its "/" but still sends the text unchanged', () => {
    const out = buildClaudeArgv(task({ prompt_type: 'slash_command', prompt: 'review-pr 12' }), opts);
    expect(out.argv.at(-1)).toBe('review-pr 12');
    expect(out.warnings[0]).toContain('does not start with "/"');
  });

  it('adds --max-turns, --max-budget-usd and --append-system-prompt only when the task sets them', () => {
    const plain = buildClaudeArgv(task(), opts);
    for (const f of ['--max-turns', '--max-budget-usd', '--append-system-prompt']) expect(plain.argv).not.toContain(f);

    const out = buildClaudeArgv(
      task({ max_turns: 7, max_budget_usd: 0.5, append_system_prompt: '-Be terse.\nNo emojis.' }),
      opts,
    );
    const f = flagsOf(out.argv);
    expect(f.slice(f.indexOf('--max-turns'), f.indexOf('--max-turns') + 2)).toEqual(['--max-turns', '7']);
    expect(f.slice(f.indexOf('--max-budget-usd'), f.indexOf('--max-budget-usd') + 2)).toEqual([
      '--max-budget-usd',
      '0.5',
    ]);
    expect(f[f.indexOf('--append-system-prompt') + 1]).toBe('-Be terse.\nNo emojis.');
  });

  it('ignores a blank append_system_prompt', () => {
    expect(buildClaudeArgv(task({ append_system_prompt: '   ' }), opts).argv).not.toContain('--append-system-prompt');
  });

  it.each([0, -1, 2.5])('rejects max_turns %p', (max_turns) => {
    expect(() => buildClaudeArgv(task({ max_turns }), opts)).toThrow(ValidationError);
  });

  it.each([0, -3])('rejects max_budget_usd %p', (max_budget_usd) => {
    expect(() => buildClaudeArgv(task({ max_budget_usd }), opts)).toThrow(ValidationError);
  });

  it.each(['', '   ', '\n\t'])('refuses an empty prompt (%j) instead of sending the task name', (prompt) => {
    expect(() => buildClaudeArgv(task({ prompt }), opts)).toThrow(ValidationError);
    expect(() => buildClaudeArgv(task({ prompt }), opts)).toThrow(/empty prompt/);
  });

  it('omits --model when the task and the default are empty, and uses the default model otherwise', () => {
    expect(buildClaudeArgv(task({ model: '' }), opts).argv).not.toContain('--model');
    const out = buildClaudeArgv(task({ model: ' ' }), { ...opts, defaultModel: 'opus' });
    expect(out.argv.slice(4, 6)).toEqual(['--model', 'opus']);
  });

  it('is pure: the same input gives the same output and the task is not modified', () => {
    const t = task({ allowed_tools: ['Read'], session_mode: 'reuse', last_session_id: LAST_ID });
    const before = JSON.stringify(t);
    expect(buildClaudeArgv(t, opts)).toEqual(buildClaudeArgv(t, opts));
    expect(JSON.stringify(t)).toBe(before);
  });
});

describe('formatCommandLine', () => {
  it('leaves plain words alone and single-quotes the rest', () => {
    expect(formatCommandLine(['claude', '--print', '--model', 'sonnet', '--', 'fix the bug'])).toBe(
      "claude --print --model sonnet -- 'fix the bug'",
    );
  });

  it('quotes shell metacharacters, empty words and embedded single quotes', () => {
    expect(shellQuote('')).toBe("''");
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    expect(shellQuote('Bash(git log *)')).toBe("'Bash(git log *)'");
    expect(shellQuote('$HOME; rm -rf /')).toBe("'$HOME; rm -rf /'");
    expect(shellQuote('a\nb')).toBe("'a\nb'");
  });

  it('round-trips through a real POSIX shell', async () => {
    const { execFileSync } = await import('node:child_process');
    const words = ['--', 'it\'s $HOME `x` "q" \\ * ?', '', 'Bash(git log *)', '/review-pr 12', 'ünïcode ✓'];
    const script = `for a in ${formatCommandLine(words)}; do printf '%s\\0' "$a"; done`;
    const out = execFileSync('sh', ['-c', script], { encoding: 'utf8' });
    expect(out.split('\0').slice(0, -1)).toEqual(words);
  });
});
