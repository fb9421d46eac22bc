import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Path of the real executable (needs `npm run build`; `make test` builds first). */
export function binPath(): string {
  return path.resolve(__dirname, '..', '..', '..', 'bin', 'claude-code-scheduler');
}

export function assertBuilt(): void {
  const entry = path.resolve(__dirname, '..', '..', '..', 'dist', 'apps', 'cli', 'src', 'main.js');
  if (!fs.existsSync(entry))
    throw new Error(`${entry} is missing: run \`npm run build\` (make test does) before the e2e tests`);
}

export interface GuiProcess {
  url: string;
  port: number;
  proc: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** SIGTERM and wait for exit; returns the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL and wait for exit. */
  kill(): Promise<void>;
}

/**
 * Starts the real `claude-code-scheduler gui` on a free port (`--restport 0`) and resolves once it prints the URL
 * it listens on.
 */
export async function startGui(opts: {
  dataDir: string;
  env?: Record<string, string>;
  args?: string[];
  timeoutMs?: number;
}): Promise<GuiProcess> {
  assertBuilt();
  const proc = spawn(
    process.execPath,
    [binPath(), 'gui', '--restport', '0', '--no-open', '--data-dir', opts.dataDir, ...(opts.args ?? [])],
    {
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`gui did not start in time.\nstdout: ${out}\nstderr: ${err}`)),
      opts.timeoutMs ?? 30_000,
    );
    const check = (): void => {
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    proc.stdout.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`gui exited with ${String(code)} before listening.\nstdout: ${out}\nstderr: ${err}`));
    });
  });
  return {
    url,
    port: Number(new URL(url).port),
    proc,
    stdout: () => out,
    stderr: () => err,
    stop: async () => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      return exited;
    },
    kill: async () => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
      await exited;
    },
  };
}
