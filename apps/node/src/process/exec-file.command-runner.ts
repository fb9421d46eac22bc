import { execFile } from 'node:child_process';
import { CommandOptions, CommandResult, CommandRunner } from './command-runner.port';
import { SpawnError } from './process-runner.port';

interface ExecError extends Error {
  code?: number | string | null;
  killed?: boolean;
  signal?: NodeJS.Signals | null;
}

/** The real CommandRunner: node:child_process.execFile (never a shell). */
export class ExecFileCommandRunner implements CommandRunner {
  run(file: string, args: readonly string[], options: CommandOptions): Promise<CommandResult> {
    return new Promise((resolve, reject) => {
      execFile(
        file,
        [...args],
        {
          timeout: options.timeoutMs,
          killSignal: 'SIGKILL',
          env: options.env ? definedOnly(options.env) : undefined,
          cwd: options.cwd,
          maxBuffer: options.maxBufferBytes ?? 16 * 1024 * 1024,
          encoding: 'utf8',
          windowsHide: true,
          shell: false,
        },
        (error: ExecError | null, stdout: string, stderr: string) => {
          if (!error) {
            resolve({ exitCode: 0, signal: null, timedOut: false, stdout, stderr });
            return;
          }
          if (typeof error.code === 'string' && error.code !== 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') {
            // The program never ran (ENOENT, EACCES, a missing cwd, …).
            const why = error.code === 'ENOENT' ? 'not found (ENOENT)' : `${error.message}`;
            reject(new SpawnError(`cannot run "${file}": ${why}`, error.code, file));
            return;
          }
          if (error.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') {
            resolve({
              exitCode: null,
              signal: error.signal ?? null,
              timedOut: false,
              stdout,
              stderr: `${stderr}\n${error.message}`,
            });
            return;
          }
          const timedOut = Boolean(error.killed) && error.signal === 'SIGKILL';
          resolve({
            exitCode: typeof error.code === 'number' ? error.code : null,
            signal: error.signal ?? null,
            timedOut,
            stdout,
            stderr,
          });
        },
      );
    });
  }
}

function definedOnly(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return out;
}
