/**
 * A binary min-heap of (time, key) with lazy invalidation: re-scheduling a key pushes a new entry and bumps
 * the key's version, so stale entries are dropped when they reach the top. One heap and one armed timer serve
 * every schedule, however many there are.
 */
export interface HeapEntry {
  at: number;
  key: string;
  version: number;
}

export class TimerHeap {
  private readonly heap: HeapEntry[] = [];
  private readonly versions = new Map<string, number>();

  /** Schedules `key` at `at`, replacing any earlier schedule of the key. */
  set(key: string, at: number): void {
    const version = (this.versions.get(key) ?? 0) + 1;
    this.versions.set(key, version);
    this.push({ at, key, version });
  }

  delete(key: string): void {
    if (this.versions.has(key)) this.versions.set(key, this.versions.get(key)! + 1);
  }

  /** The earliest live entry, without removing it. */
  peek(): HeapEntry | null {
    this.dropStale();
    return this.heap[0] ?? null;
  }

  /** Removes and returns every live entry due at or before `now`, earliest first. */
  popDue(now: number): HeapEntry[] {
    const due: HeapEntry[] = [];
    for (;;) {
      const top = this.peek();
      if (!top || top.at > now) return due;
      this.pop();
      this.versions.set(top.key, top.version + 1);
      due.push(top);
    }
  }

  /** Live keys with their times (for status views). */
  entries(): Map<string, number> {
    const out = new Map<string, number>();
    for (const e of this.heap) if (this.versions.get(e.key) === e.version) out.set(e.key, e.at);
    return out;
  }

  get size(): number {
    return this.heap.length;
  }

  private dropStale(): void {
    while (this.heap.length > 0 && this.versions.get(this.heap[0].key) !== this.heap[0].version) this.pop();
  }

  private push(e: HeapEntry): void {
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (h[p].at <= h[i].at) break;
      [h[p], h[i]] = [h[i], h[p]];
      i = p;
    }
  }

  private pop(): HeapEntry | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && h[l].at < h[m].at) m = l;
        if (r < h.length && h[r].at < h[m].at) m = r;
        if (m === i) break;
        [h[m], h[i]] = [h[i], h[m]];
        i = m;
      }
    }
    return top;
  }
}
