import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import { HttpException } from '@nestjs/common';
import {
  AmbiguousIdError,
  ConflictError,
  CorruptDataError,
  DomainError,
  NotFoundError,
  UnprocessableError,
  ValidationError,
} from '@ccs/core';

/**
 * The one error shape of the API, for every status the server answers with (filter, security hooks, 404s):
 * `{ "error": { "code": "VALIDATION_FAILED", "message": "…", "details": … } }`.
 * `code` is stable and meant for programs; `message` is a sentence for people; `details` depends on the code
 * (field errors for VALIDATION_FAILED, `{ error_id }` for INTERNAL, …) and is null when there is nothing to add.
 */
export interface ApiErrorBody {
  error: { code: string; message: string; details: unknown };
}

export function apiErrorBody(code: string, message: string, details: unknown = null): ApiErrorBody {
  return { error: { code, message, details } };
}

/** What the HTTP layer answers for one thrown value. */
export interface MappedHttpError {
  status: number;
  body: ApiErrorBody;
  /** Set for 5xx answers: the id in `details.error_id`, to be logged with the stack so the two can be matched. */
  errorId?: string;
}

/** Code for a status when nothing more specific is known. */
const CODE_BY_STATUS: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  406: 'NOT_ACCEPTABLE',
  408: 'REQUEST_TIMEOUT',
  409: 'CONFLICT',
  411: 'LENGTH_REQUIRED',
  413: 'PAYLOAD_TOO_LARGE',
  414: 'URI_TOO_LONG',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  421: 'MISDIRECTED_REQUEST',
  422: 'UNPROCESSABLE',
  429: 'TOO_MANY_REQUESTS',
  431: 'HEADERS_TOO_LARGE',
  503: 'SERVICE_UNAVAILABLE',
};

export function codeForStatus(status: number): string {
  return CODE_BY_STATUS[status] ?? (status >= 500 ? 'INTERNAL' : 'BAD_REQUEST');
}

/** Domain errors whose message is meant for the client, with their status. */
const DOMAIN_STATUS: ReadonlyArray<[abstract new (...args: never[]) => DomainError, number]> = [
  [ValidationError, 400],
  [AmbiguousIdError, 400],
  [NotFoundError, 404],
  [ConflictError, 409],
  [UnprocessableError, 422],
];

interface ErrorWithCode {
  code?: unknown;
  statusCode?: unknown;
  message?: unknown;
}

function asErrorWithCode(v: unknown): ErrorWithCode | undefined {
  return typeof v === 'object' && v !== null ? v : undefined;
}

/**
 * Fastify's own request errors (they reach the filter either raw or wrapped by Nest in an HttpException whose
 * `cause` is the Fastify error). Mapped to our codes with messages a user can act on.
 */
function fastifyRequestError(err: ErrorWithCode, bodyLimit: number | undefined): MappedHttpError | undefined {
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return {
        status: 413,
        body: apiErrorBody(
          'PAYLOAD_TOO_LARGE',
          bodyLimit ? `Request body is larger than the limit of ${bodyLimit} bytes` : 'Request body is too large',
          bodyLimit ? { limit_bytes: bodyLimit } : null,
        ),
      };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return {
        status: 415,
        body: apiErrorBody(
          'UNSUPPORTED_MEDIA_TYPE',
          'Request bodies must be JSON: send Content-Type: application/json',
        ),
      };
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      // Also what a "__proto__" or "constructor.prototype" key (prototype poisoning) gets.
      return {
        status: 400,
        body: apiErrorBody('INVALID_JSON', 'Request body is not valid JSON (Content-Type is application/json)'),
      };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return {
        status: 400,
        body: apiErrorBody(
          'INVALID_JSON',
          'Request body is empty but Content-Type is application/json: send a JSON value or no Content-Type',
        ),
      };
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { status: 400, body: apiErrorBody('BAD_REQUEST', 'Content-Length does not match the request body') };
  }
  return undefined;
}

function httpExceptionMessage(e: HttpException): string {
  const response = e.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.map(String).join('; ');
  if (typeof message === 'string') return message;
  return e.message;
}

function internal(status: number, message: string, code = 'INTERNAL'): MappedHttpError {
  const errorId = randomUUID();
  return { status, errorId, body: apiErrorBody(code, `${message} (error id ${errorId})`, { error_id: errorId }) };
}

export interface MapErrorOptions {
  /** The body limit in force, for the 413 message. */
  bodyLimit?: number;
}

/**
 * Maps anything thrown while handling a request to the API's answer. Pure apart from the random error id.
 * Unknown errors become 500 INTERNAL with an `error_id` and no internals in the message.
 */
export function mapHttpError(err: unknown, options: MapErrorOptions = {}): MappedHttpError {
  if (err instanceof CorruptDataError) {
    // The message names the damaged file: useful to the operator, who is the API's user here.
    return internal(500, err.message, err.code);
  }
  for (const [cls, status] of DOMAIN_STATUS) {
    if (err instanceof cls) {
      const e = err;
      const details = e.details ?? (e instanceof ValidationError ? [] : null);
      return { status, body: apiErrorBody(e.code, e.message, details) };
    }
  }
  const direct = asErrorWithCode(err);
  if (direct) {
    const mapped = fastifyRequestError(direct, options.bodyLimit);
    if (mapped) return mapped;
  }
  if (err instanceof HttpException) {
    const fromCause = asErrorWithCode(err.cause);
    const mapped = fromCause && fastifyRequestError(fromCause, options.bodyLimit);
    if (mapped) return mapped;
    const status = err.getStatus();
    // A 503 says what is missing (a dashboard not built, no Chromium) for the user to act on: not an internal error.
    if (status === 503) return { status, body: apiErrorBody(codeForStatus(status), httpExceptionMessage(err)) };
    if (status >= 500) return internal(status, STATUS_CODES[status] ?? 'Internal server error');
    return { status, body: apiErrorBody(codeForStatus(status), httpExceptionMessage(err)) };
  }
  // A Fastify error that Nest did not wrap (4xx Fastify errors carry a status and a safe message).
  if (
    err instanceof Error &&
    err.name === 'FastifyError' &&
    typeof direct?.statusCode === 'number' &&
    direct.statusCode >= 400 &&
    direct.statusCode < 500
  ) {
    return { status: direct.statusCode, body: apiErrorBody(codeForStatus(direct.statusCode), err.message) };
  }
  return internal(500, 'Internal server error');
}
