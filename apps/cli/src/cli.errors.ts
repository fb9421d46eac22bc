import { DomainError } from '@ccs/core';

/** Exit codes of the executable. */
export const EXIT_OK = 0;
/** The command ran and failed: missing or corrupt data, a held lock, a mode not built yet. */
export const EXIT_FAILURE = 1;
/** The command line itself is wrong: unknown command or option, bad option value. */
export const EXIT_USAGE = 2;
/** `cli …`: the scheduler's API could not be reached (nothing listening, DNS, timeout). */
export const EXIT_UNREACHABLE = 3;

/** A feature that has a command but no implementation yet; it must fail, never pretend to work. */
export class NotBuiltError extends DomainError {
  readonly code = 'NOT_BUILT';
}

/**
 * An error that knows its own exit code (the `cli` client's "cannot connect" is 3, not the generic 1). The reporter
 * prints its message like any other error.
 */
export abstract class ExitCodeError extends DomainError {
  abstract readonly exitCode: number;
}
