import { EXIT_FAILURE, EXIT_UNREACHABLE, ExitCodeError } from '../cli.errors';

/** The API answered with an error status (4xx/5xx). Exit 1: the server refused, the command line was fine. */
export class ApiRequestError extends ExitCodeError {
  readonly code = 'API_ERROR';
  readonly exitCode = EXIT_FAILURE;

  constructor(
    message: string,
    /** HTTP status. */
    readonly status: number,
    /** The API's stable error code (`NOT_FOUND`, `VALIDATION_FAILED`, …), or `HTTP_<status>` without one. */
    readonly apiCode: string,
    details?: unknown,
  ) {
    super(message, details);
  }
}

/** Nothing answered at the API URL (refused, unknown host, timeout). Exit 3, and the URL tried is in the message. */
export class ApiUnreachableError extends ExitCodeError {
  readonly code = 'API_UNREACHABLE';
  readonly exitCode = EXIT_UNREACHABLE;
}

/** A run the command waited for ended as failed or cancelled. Exit 1. */
export class RunFailedError extends ExitCodeError {
  readonly code = 'RUN_FAILED';
  readonly exitCode = EXIT_FAILURE;
}

interface FieldDetail {
  field: string;
  message: string;
}

function isFieldDetail(v: unknown): v is FieldDetail {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as FieldDetail).field === 'string' &&
    typeof (v as FieldDetail).message === 'string'
  );
}

/**
 * The text a user reads for an API error body `{error: {code, message, details}}`: the message, then one line per
 * field problem (400s list them in `details`) and the server's hint, each only when the message does not already
 * say it. Pure.
 */
export function describeApiError(status: number, body: unknown): { message: string; code: string; details: unknown } {
  const err = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | null)?.error;
  if (!err || typeof err.message !== 'string') {
    return {
      message: `the API answered HTTP ${status} without an error message`,
      code: `HTTP_${status}`,
      details: body,
    };
  }
  const code = typeof err.code === 'string' ? err.code : `HTTP_${status}`;
  const lines = [err.message];
  const details = err.details;
  if (Array.isArray(details)) {
    for (const d of details) {
      if (!isFieldDetail(d)) continue;
      const text = d.message.startsWith(d.field) ? d.message : `${d.field}: ${d.message}`;
      if (!err.message.includes(d.message)) lines.push(`  - ${text}`);
    }
  } else if (typeof details === 'object' && details !== null) {
    const hint = (details as { hint?: unknown }).hint;
    if (typeof hint === 'string') lines.push(`  hint: ${hint}`);
  }
  if (status === 401) lines.push('  hint: pass --api-token <token> or set CLAUDE_SCHEDULER_API_TOKEN');
  return { message: lines.join('\n'), code, details };
}
