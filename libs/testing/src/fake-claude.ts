import * as fs from 'node:fs';
import * as path from 'node:path';

/** Behaviours of the fake `claude` executable (env FAKE_CLAUDE_MODE). */
export type FakeClaudeMode =
  'success' | 'fail' | 'hang' | 'ignore-sigterm' | 'flood-stderr' | 'flood-stdout' | 'exit-code' | 'slow';

export interface FakeClaudeEnvOptions {
  mode?: FakeClaudeMode;
  /** Where the fake writes one JSON record per invocation. */
  recordDir?: string;
  /** Env names to record; default: the whole environment. */
  recordEnv?: string[];
  /** A script to play instead of the built-in one: `*.jsonl` (stdout lines) or JSON steps (see writeFakeClaudeScript). */
  scriptPath?: string;
  /** Delay between stdout lines, ms. */
  delayMs?: number;
  /** flood-stderr: MB written to stderr before any stdout (default 10). */
  stderrMb?: number;
  /** flood-stdout: MB of assistant text events between init and result (default 100). */
  stdoutMb?: number;
  /** exit-code mode: the exit code (default 3). */
  exitCode?: number;
}

/** One invocation of the fake, as it recorded itself. */
export interface FakeClaudeRecord {
  argv: string[];
  executable: string;
  cwd: string;
  pid: number;
  ppid: number;
  mode: string;
  started_at: string;
  /** process.hrtime.bigint() at start, as a string; orders records of one test run. */
  started_at_ns: string;
  /** Parsed options, commander-style keys (`sessionId`, `allowedTools`, `permissionMode`, …). */
  options: Record<string, string | boolean | string[]>;
  /** The positional prompt (after `--`), or null. */
  prompt: string | null;
  /** The session id the fake reported in its stream. */
  session_id: string;
  env: Record<string, string>;
  /** Set when the fake refused its arguments the way the real CLI would. */
  error?: string;
  /** ignore-sigterm mode: pid of the SIGTERM-ignoring grandchild. */
  grandchild_pid?: number;
  [extra: string]: unknown;
}

/** One step of a JSON fake-claude script. `{{session_id}}`, `{{prompt}}`, `{{model}}` are filled in. */
export interface FakeClaudeScriptStep {
  /** A stdout line: a string as is, an object as one JSON line. */
  stdout?: string | Record<string, unknown>;
  stderr?: string;
  /** Wait this long before the step. */
  delay_ms?: number;
  /** Stay alive forever after this step (until killed). */
  hang?: boolean;
}

export interface FakeClaudeScript {
  steps: FakeClaudeScriptStep[];
  exit_code?: number;
}

/** Absolute path of the fake `claude` executable. */
export function fakeClaudePath(): string {
  return path.join(fakeClaudeDir(), 'claude');
}

/** The directory holding the fake `claude`, e.g. to put first on a PATH. */
export function fakeClaudeDir(): string {
  return path.resolve(__dirname, '..', 'fake-claude');
}

/** The FAKE_CLAUDE_* variables for a behaviour; merge them into the child's environment. */
export function fakeClaudeEnv(opts: FakeClaudeEnvOptions = {}): Record<string, string> {
  const env: Record<string, string> = { FAKE_CLAUDE_MODE: opts.mode ?? 'success' };
  if (opts.recordDir) env['FAKE_CLAUDE_RECORD_DIR'] = opts.recordDir;
  if (opts.recordEnv) env['FAKE_CLAUDE_RECORD_ENV'] = opts.recordEnv.join(',');
  if (opts.scriptPath) env['FAKE_CLAUDE_SCRIPT'] = opts.scriptPath;
  if (opts.delayMs !== undefined) env['FAKE_CLAUDE_DELAY_MS'] = String(opts.delayMs);
  if (opts.stderrMb !== undefined) env['FAKE_CLAUDE_STDERR_MB'] = String(opts.stderrMb);
  if (opts.stdoutMb !== undefined) env['FAKE_CLAUDE_STDOUT_MB'] = String(opts.stdoutMb);
  if (opts.exitCode !== undefined) env['FAKE_CLAUDE_EXIT_CODE'] = String(opts.exitCode);
  return env;
}

/** Writes a script for FAKE_CLAUDE_SCRIPT into `dir` and returns its path. */
export function writeFakeClaudeScript(dir: string, script: FakeClaudeScript | string[], name?: string): string {
  if (Array.isArray(script)) {
    const file = path.join(dir, name ?? 'fake-claude-script.jsonl');
    fs.writeFileSync(file, script.join('\n') + '\n');
    return file;
  }
  const file = path.join(dir, name ?? 'fake-claude-script.json');
  fs.writeFileSync(file, JSON.stringify(script, null, 2));
  return file;
}

/** Every record in `dir`, oldest first. A missing dir gives []. */
export function readFakeClaudeRecords(dir: string): FakeClaudeRecord[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return names
    .filter((n) => n.startsWith('claude-') && n.endsWith('.json'))
    .map((n) => JSON.parse(fs.readFileSync(path.join(dir, n), 'utf8')) as FakeClaudeRecord)
    .sort((a, b) => {
      const d = BigInt(a.started_at_ns) - BigInt(b.started_at_ns);
      return d < 0n ? -1 : d > 0n ? 1 : a.pid - b.pid;
    });
}

/**
 * Polls until `predicate` returns a truthy value (returned) or the timeout passes (throws). For waiting on
 * something another process does, e.g. a record file appearing.
 */
export async function waitFor<T>(
  predicate: () => T | undefined | null | false,
  opts: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const intervalMs = opts.intervalMs ?? 25;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = predicate();
    if (value) return value;
    if (Date.now() >= deadline)
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${opts.what ?? 'a condition'}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * True while a process with this pid exists and is not a zombie (signal 0 probes without signalling; on Linux a
 * killed process whose parent has not reaped it yet still answers signal 0, so /proc tells zombies apart).
 */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 3 (state) follows the parenthesised command name, which may itself contain spaces or parens.
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && fs.existsSync('/proc/self/stat')) return false; // gone
    return true; // no /proc (not Linux): signal 0 is all we have
  }
}
