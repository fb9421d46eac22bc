/** Options for a short command (a helper program whose whole output is wanted at once). */
export interface CommandOptions {
  /** Killed (SIGKILL) after this long; the result then has `timedOut: true`. */
  timeoutMs: number;
  /** Complete environment; when omitted the child inherits this process's environment. */
  env?: Readonly<Record<string, string | undefined>>;
  cwd?: string;
  /** Cap on captured stdout/stderr each. Default 16 MiB. */
  maxBufferBytes?: number;
}

export interface CommandResult {
  /** null when killed by a signal (e.g. on timeout). */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
}

/**
 * Port for running a short helper program to completion without a shell: argv is passed as is (no expansion,
 * no pipes). Used for keychain tools, `command` env sources and git. A non-zero exit is a normal result; the
 * promise rejects (with SpawnError) only when the program cannot be started at all.
 */
export interface CommandRunner {
  run(file: string, args: readonly string[], options: CommandOptions): Promise<CommandResult>;
}

/** Nest injection token for the CommandRunner port. */
export const COMMAND_RUNNER = Symbol('COMMAND_RUNNER');
