/**
 * Typed errors, one class per control-flow outcome. Adapters translate vendor errors into these; the HTTP layer
 * maps them to status codes (see apps/coordinator), the CLI to exit codes.
 */
export abstract class DomainError extends Error {
  abstract readonly code: string;
  constructor(
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Input that does not satisfy the model (HTTP 400, CLI exit 2). */
export class ValidationError extends DomainError {
  readonly code = 'VALIDATION_FAILED';
}

/** A referenced id does not exist (HTTP 404). */
export class NotFoundError extends DomainError {
  readonly code = 'NOT_FOUND';
}

/** An id prefix matches more than one item (HTTP 400). */
export class AmbiguousIdError extends DomainError {
  readonly code = 'AMBIGUOUS_ID';
}

/** The operation conflicts with current state, e.g. a job that is already running (HTTP 409). */
export class ConflictError extends DomainError {
  readonly code = 'CONFLICT';
}

/** A reference inside a valid body points at nothing, e.g. an unknown profile id (HTTP 422). */
export class UnprocessableError extends DomainError {
  readonly code = 'UNPROCESSABLE';
}

/** A stored record cannot be read as the model: the file is corrupt or from an unknown version. */
export class CorruptDataError extends DomainError {
  readonly code = 'CORRUPT_DATA';
}
