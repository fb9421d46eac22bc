import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fakeClaudeDir, fakeClaudeEnv } from '@ccs/testing';
import { BIN, CliResult, runCli } from './cli-runner';

/** The spec's environment without anything that would point a process at a real scheduler or change the fake. */
export function cleanEnv(base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env = { ...base };
  for (const k of Object.keys(env))
    if (k.startsWith('CLAUDE_SCHEDULER_') || k.startsWith('FAKE_CLAUDE_')) delete env[k];
  return env;
}

/** Where `cli` commands go: an API URL, the HOME they run with, and the environment they start from. */
export interface CliTarget {
  url: string;
  home: string;
  baseEnv: NodeJS.ProcessEnv;
}

export interface GuiServer extends CliTarget {
  /** Temp root: `home/`, `data/`, `work/` live here. */
  root: string;
  home: string;
  dataDir: string;
  work: string;
  stderr: () => string;
  stop(): Promise<void>;
}

/**
 * Starts the real `claude-code-scheduler gui` on a free port (`--restport 0`; the banner names the port) over a temp
 * data directory, with the fake `claude` first on PATH. Stops it with SIGTERM (its graceful shutdown) and removes
 * the temp directory.
 */
export async function startGui(opts: {
  /** The spec's process.env (cleaned here). */
  baseEnv: NodeJS.ProcessEnv;
  args?: string[];
  env?: Record<string, string>;
}): Promise<GuiServer> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ccs-cli-client-'));
  const home = path.join(root, 'home');
  const dataDir = path.join(root, 'data');
  const work = path.join(root, 'work');
  fs.mkdirSync(home);
  fs.mkdirSync(work);
  const baseEnv = cleanEnv(opts.baseEnv);
  const env: NodeJS.ProcessEnv = {
    ...baseEnv,
    HOME: home,
    PATH: `${fakeClaudeDir()}${path.delimiter}${baseEnv['PATH'] ?? ''}`,
    ...fakeClaudeEnv({ delayMs: 20 }),
    ...opts.env,
  };
  const child: ChildProcess = spawn(
    BIN,
    ['--data-dir', dataDir, 'gui', '--restport', '0', '--no-open', ...(opts.args ?? [])],
    {
      env,
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gui did not start within 40 s:\n${err}`)), 40_000);
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`gui exited with ${code} before listening:\n${err}`));
    });
  });
  let stopped: Promise<void> | null = null;
  return {
    url,
    baseEnv,
    root,
    home,
    dataDir,
    work,
    stderr: () => err,
    stop: () =>
      (stopped ??= new Promise<void>((resolve) => {
        const done = (): void => {
          fs.rmSync(root, { recursive: true, force: true });
          resolve();
        };
        if (child.exitCode !== null || child.signalCode !== null) return done();
        const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(kill);
          done();
        });
        child.kill('SIGTERM');
      })),
  };
}

/** Runs `claude-code-scheduler cli --api-url <url> …args` with a clean environment. */
export function cli(server: CliTarget, args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return runCli(['cli', '--api-url', server.url, ...args], { home: server.home, baseEnv: server.baseEnv, env });
}

/** Parses a command's JSON stdout, with the whole result in the message when it is not JSON. */
export function json<T = Record<string, unknown>>(r: CliResult): T {
  try {
    return JSON.parse(r.stdout) as T;
  } catch {
    throw new Error(`not JSON (exit ${r.code}):\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  }
}

/** A failing expectation that shows the command's output. */
export function ok(r: CliResult): CliResult {
  if (r.code !== 0) throw new Error(`exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r;
}
