import type { RunStatus } from './model/enums';
import type { RetryConfig } from './model/task';

/**
 * Delay before retry number `retryNumber` (1 = the first retry, i.e. attempt 2):
 * `delay_seconds × backoff_multiplier^(retryNumber-1)`.
 */
export function retryDelaySeconds(retry: RetryConfig, retryNumber: number): number {
  const n = Math.max(1, retryNumber);
  return retry.delay_seconds * Math.pow(retry.backoff_multiplier, n - 1);
}

/**
 * Whether a finished attempt gets another one. `attempt` is the attempt that just finished (1-based); a task
 * gets at most `1 + max_attempts` attempts. Cancelled runs are never retried: someone chose to stop them.
 */
export function shouldRetry(status: RunStatus, attempt: number, retry: RetryConfig): boolean {
  return status === 'failed' && retry.enabled && attempt <= retry.max_attempts;
}
