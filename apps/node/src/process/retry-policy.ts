import { RetryConfig, RunStatus } from '@ccs/core';

/**
 * Seconds to wait before the n-th retry (n = 1 for the first retry, i.e. before the run's attempt 2):
 * `delay_seconds × backoff_multiplier^(n-1)`. Non-finite or negative inputs count as 0 delay / multiplier 1, so a
 * damaged config can never produce a negative or NaN wait. (The original stored the multiplier but never used it.)
 */
export function retryDelaySeconds(retry: RetryConfig, retryNumber: number): number {
  const base = Number.isFinite(retry.delay_seconds) && retry.delay_seconds > 0 ? retry.delay_seconds : 0;
  const mult = Number.isFinite(retry.backoff_multiplier) && retry.backoff_multiplier > 0 ? retry.backoff_multiplier : 1;
  const n = Number.isFinite(retryNumber) && retryNumber >= 1 ? Math.floor(retryNumber) : 1;
  const delay = base * mult ** (n - 1);
  return Number.isFinite(delay) ? delay : Number.MAX_SAFE_INTEGER;
}

/**
 * Whether the run that just ended as attempt `attempt` (1 = first attempt) gets another one. Only `failed` runs
 * are retried — a `cancelled` run was stopped on purpose, so retrying it would undo the stop. `max_attempts` counts
 * attempts AFTER the first, so there are at most `1 + max_attempts` attempts in all.
 * When this returns true, wait `retryDelaySeconds(retry, attempt)` before attempt `attempt + 1`.
 */
export function shouldRetry(status: RunStatus, attempt: number, retry: RetryConfig): boolean {
  if (status !== 'failed' || !retry.enabled) return false;
  return attempt >= 1 && attempt <= retry.max_attempts;
}
