import { retryDelaySeconds, shouldRetry } from './retry';

const retry = { enabled: true, max_attempts: 3, delay_seconds: 10, backoff_multiplier: 2 };

describe('retry math', () => {
  it.each([
    [1, 10],
    [2, 20],
    [3, 40],
  ])('retry %i waits %i s', (n, s) => expect(retryDelaySeconds(retry, n)).toBe(s));

  it('retries failed attempts up to max_attempts more, never cancelled ones', () => {
    expect(shouldRetry('failed', 1, retry)).toBe(true);
    expect(shouldRetry('failed', 3, retry)).toBe(true);
    expect(shouldRetry('failed', 4, retry)).toBe(false);
    expect(shouldRetry('cancelled', 1, retry)).toBe(false);
    expect(shouldRetry('success', 1, retry)).toBe(false);
    expect(shouldRetry('failed', 1, { ...retry, enabled: false })).toBe(false);
  });
});
