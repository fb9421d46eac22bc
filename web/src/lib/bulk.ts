/**
 * Bulk actions and name checks of the lists: one action over many records (a few requests at a time, so a
 * thousand tasks neither flood the server nor take a thousand round trips in a row), and duplicate-name warnings.
 */

export interface BulkResult<T> {
  done: T[];
  failed: { item: T; error: unknown }[];
}

/** Calls `fn` for every item, at most `concurrency` at once; never rejects (failures are collected). */
export async function forEachLimited<T>(
  items: T[],
  fn: (item: T) => Promise<unknown>,
  concurrency = 6,
): Promise<BulkResult<T>> {
  const result: BulkResult<T> = { done: [], failed: [] };
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++];
      try {
        await fn(item);
        result.done.push(item);
      } catch (error) {
        result.failed.push({ item, error });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return result;
}

const norm = (name: string): string => name.trim().replace(/\s+/g, ' ').toLocaleLowerCase();

/**
 * The other record that already has this name (compared without case and extra spaces), if any. Names need not be
 * unique for the API, but two tasks called alike are hard to tell apart in lists, logs and notifications.
 */
export function sameName<T extends { id: string; name: string }>(
  name: string,
  others: readonly T[],
  selfId: string | null,
): T | null {
  const n = norm(name);
  if (!n) return null;
  return others.find((o) => o.id !== selfId && norm(o.name) === n) ?? null;
}
