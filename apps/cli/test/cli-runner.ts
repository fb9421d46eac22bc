import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
export const BIN = path.join(REPO_ROOT, 'bin', 'claude-code-scheduler');
const ENTRY = path.join(REPO_ROOT, 'dist', 'apps', 'cli', 'src', 'main.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Fails the suite early, with the fix, when the binary has not been built. */
export function assertBuilt(): void {
  if (!fs.existsSync(ENTRY)) {
    throw new Error(`${ENTRY} is missing: the e2e tests run the built binary. Run \`npm run build\` (make test does).`);
  }
}

export interface RunOptions {
  home: string;
  /** The environment to start from (the spec passes its own process.env). */
  baseEnv: NodeJS.ProcessEnv;
  env?: Record<string, string>;
}

/**
 * Runs the real executable. HOME points at `home` so nothing reads or writes the real user's files, and
 * CLAUDE_SCHEDULER_DATA_DIR is cleared unless given.
 */
export function runCli(args: string[], opts: RunOptions): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = { ...opts.baseEnv, HOME: opts.home, ...opts.env };
  if (!opts.env?.['CLAUDE_SCHEDULER_DATA_DIR']) delete env['CLAUDE_SCHEDULER_DATA_DIR'];
  return new Promise((resolve, reject) => {
    execFile(
      BIN,
      args,
      { env, cwd: opts.home, timeout: 30_000, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err && typeof err.code !== 'number') return reject(new Error(`cannot run ${BIN}: ${err.message}`));
        resolve({ code: err ? (err.code as number) : 0, stdout, stderr });
      },
    );
  });
}

/**
 * Runs several invocations with a little parallelism (each one boots Nest, ~1 s of CPU) and returns the results
 * by key, so a suite can start everything in beforeAll and keep its tests to assertions.
 */
export async function runMany<K extends string>(
  calls: Record<K, { args: string[]; env?: Record<string, string> }>,
  opts: { home: string; baseEnv: NodeJS.ProcessEnv; parallel?: number },
): Promise<Record<K, CliResult>> {
  const entries = Object.entries(calls) as [K, { args: string[]; env?: Record<string, string> }][];
  const results = {} as Record<K, CliResult>;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < entries.length) {
      const [key, call] = entries[next++];
      results[key] = await runCli(call.args, { home: opts.home, baseEnv: opts.baseEnv, env: call.env });
    }
  };
  await Promise.all(Array.from({ length: opts.parallel ?? 4 }, worker));
  return results;
}

/** Output lines with column padding collapsed to one space, so table rows compare as plain strings. */
export function rows(text: string): string[] {
  return text
    .trimEnd()
    .split('\n')
    .map((l) => l.replace(/ {2,}/g, ' ').trimEnd());
}
