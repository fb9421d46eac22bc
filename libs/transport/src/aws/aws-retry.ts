import { TransportError, TransportUnavailableError, describeError } from './transport.errors';

const TRANSIENT_NAMES = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottled',
  'RequestThrottledException',
  'TooManyRequestsException',
  'SlowDown',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'InternalError',
  'InternalFailure',
  'InternalErrorException',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
  'KMSThrottlingException',
]);

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
]);

interface AwsErrorShape {
  name?: string;
  code?: string;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: number };
  errors?: unknown[];
}

/**
 * True for failures that may go away by themselves: the service could not be reached, answered 5xx or 429, or
 * throttled. Anything else (4xx: bad request, missing resource, access denied) is final.
 */
export function isTransientAwsError(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const e = err as AwsErrorShape;
  if (e.$retryable) return true;
  if (e.name && TRANSIENT_NAMES.has(e.name)) return true;
  if (e.code && NETWORK_CODES.has(e.code)) return true;
  // Node's happy-eyeballs connect reports an AggregateError whose parts carry the codes.
  if (Array.isArray(e.errors) && e.errors.some((x) => isTransientAwsError(x))) return true;
  const status = e.$metadata?.httpStatusCode;
  if (status !== undefined) return status >= 500 || status === 429;
  // No HTTP answer at all: the request never reached the service.
  return e.name !== 'AbortError';
}

export interface RetryOptions {
  /** Total attempts, the first included (default 4). */
  attempts?: number;
  /** First backoff; doubles per attempt, with full jitter (default 200 ms). */
  baseDelayMs?: number;
  /** Backoff cap (default 5 s). */
  maxDelayMs?: number;
}

/**
 * Runs `fn`, retrying transient AWS failures with exponential backoff. Throws TransportUnavailableError when the
 * attempts run out and TransportError at once for a final failure. `what` names the call in the message.
 */
export async function withAwsRetry<T>(what: string, fn: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const attempts = Math.max(1, options.attempts ?? 4);
  const base = options.baseDelayMs ?? 200;
  const cap = options.maxDelayMs ?? 5000;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!isTransientAwsError(err)) throw new TransportError(`${what} failed: ${describeError(err)}`, err);
      if (attempt >= attempts) {
        throw new TransportUnavailableError(`${what} failed after ${attempts} attempts: ${describeError(err)}`, err);
      }
      const delay = Math.random() * Math.min(cap, base * 2 ** (attempt - 1));
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
