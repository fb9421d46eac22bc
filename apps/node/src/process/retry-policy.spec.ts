import { RetryConfig, RunStatus } from '@ccs/core';
import { retryDelaySeconds, shouldRetry } from './retry-policy';

const cfg = (over: Partial<RetryConfig> = {}): RetryConfig => ({
  enabled: true,
  max_attempts: 3,
  delay_seconds: 60,
  backoff_multiplier: 2,
  ...over,
});

describe('retryDelaySeconds', () => {
  it.each([
    [cfg(), 1, 60],
    [cfg(), 2, 120],
    [cfg(), 3, 240],
    [cfg({ backoff_multiplier: 1 }), 5, 60],
    [cfg({ delay_seconds: 10, backoff_multiplier: 1.5 }), 3, 22.5],
    [cfg({ delay_seconds: 0 }), 4, 0],
    [cfg({ delay_seconds: -5 }), 2, 0],
    [cfg({ backoff_multiplier: Number.NaN }), 3, 60],
    [cfg(), 0, 60], // nonsense retry numbers count as the first retry
  ])('%j retry #%d → %d s', (retry, n, expected) => {
    expect(retryDelaySeconds(retry, n)).toBe(expected);
  });
});

describe('shouldRetry', () => {
  it.each<[RunStatus, number, Partial<RetryConfig>, boolean]>([
    ['failed', 1, {}, true],
    ['failed', 3, {}, true],
    ['failed', 4, {}, false], // 1 + max_attempts attempts in all
    ['failed', 1, { enabled: false }, false],
    ['failed', 1, { max_attempts: 0 }, false],
    ['cancelled', 1, {}, false],
    ['success', 1, {}, false],
    ['running', 1, {}, false],
    ['upcoming', 1, {}, false],
  ])('%s after attempt %d with %j → %s', (status, attempt, over, expected) => {
    expect(shouldRetry(status, attempt, cfg(over))).toBe(expected);
  });
});
