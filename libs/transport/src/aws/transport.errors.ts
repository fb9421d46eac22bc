import { DomainError } from '@ccs/core';

/**
 * A transport call failed for a reason retrying will not fix (bad parameters, missing topic, no permission).
 * `cause` holds the vendor error; callers never see raw SDK errors.
 */
export class TransportError extends DomainError {
  readonly code: string = 'TRANSPORT_FAILED';
  constructor(message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause: describeError(cause) });
    if (cause !== undefined) (this as { cause?: unknown }).cause = cause;
  }
}

/**
 * The service stayed unreachable or overloaded through every retry. The caller decides: the coordinator keeps the
 * run `upcoming` and dispatches again later, the HTTP layer answers 503.
 */
export class TransportUnavailableError extends TransportError {
  override readonly code = 'TRANSPORT_UNAVAILABLE';
}

/** `Name: message` of an error, or its string form. */
export function describeError(err: unknown): string {
  if (err instanceof Error) return err.name && err.name !== 'Error' ? `${err.name}: ${err.message}` : err.message;
  return String(err);
}
