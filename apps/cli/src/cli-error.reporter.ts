import { CommanderError } from 'commander';
import { DomainError, ValidationError } from '@ccs/core';
import { isLevelEnabled } from '@ccs/shared';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, ExitCodeError } from './cli.errors';

export interface ErrorSink {
  write(text: string): void;
}

/**
 * Turns whatever ended a command into an exit code, printing one `Error: …` line on stderr (the stack only at
 * -vv and above). Commander has already printed its own usage errors and help, so those only map to a code.
 */
export function reportError(err: unknown, stderr: ErrorSink = process.stderr): number {
  if (err instanceof CommanderError) {
    // --help and --version end through the same path with exit code 0.
    return err.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
  }
  const error = err instanceof Error ? err : new Error(String(err));
  stderr.write(`Error: ${error.message}\n`);
  if (isLevelEnabled('DEBUG') && error.stack) stderr.write(`${error.stack}\n`);
  if (error instanceof ExitCodeError) return error.exitCode;
  if (error instanceof ValidationError) return EXIT_USAGE;
  if (error instanceof DomainError) return EXIT_FAILURE;
  return EXIT_FAILURE;
}
