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
 * Finds the other record that already has a name (compared without case and extra spaces). Names need not be unique
 * for the API, but two tasks called alike are hard to tell apart in lists, logs and notifications. The index is
 * built once per list, so checking on every key press costs a lookup, not a pass over a thousand names.
 */
export function nameIndex<T extends { id: string; name: string }>(
  others: readonly T[],
): (name: string, selfId: string | null) => T | null {
  const byName = new Map<string, T[]>();
  for (const o of others) {
    const n = norm(o.name);
    const list = byName.get(n);
    if (list) list.push(o);
    else byName.set(n, [o]);
  }
  return (name, selfId) => {
    const n = norm(name);
    if (!n) return null;
    return byName.get(n)?.find((o) => o.id !== selfId) ?? null;
  };
}

/** One-off form of {@link nameIndex}. */
export function sameName<T extends { id: string; name: string }>(
  name: string,
  others: readonly T[],
  selfId: string | null,
): T | null {
  return nameIndex(others)(name, selfId);
}
