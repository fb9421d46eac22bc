/** Writes one file's full content durably; the default is writeFileAtomic. */
export type FileWriteFn = (target: string, data: string) => Promise<void>;

interface Waiter {
  version: number;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Coalesces writes of one file. Every mutation bumps a version and asks for a write; one write loop runs per file
 * and always writes the latest in-memory state. A caller's promise settles once a write that started after its
 * mutation has finished, so "resolved" means "that change is on disk", while any number of mutations made in the
 * same tick, or while a write is in flight, share one write.
 */
export class CoalescingFileWriter {
  private version = 0;
  private persisted = 0;
  private running: Promise<void> | null = null;
  private waiters: Waiter[] = [];
  /** Successful writes so far (for tests and diagnostics). */
  writes = 0;

  constructor(
    readonly target: string,
    private readonly serialize: () => string,
    private readonly write: FileWriteFn,
  ) {}

  /** Records that the in-memory state changed; resolves when a write containing the change is durable. */
  changed(): Promise<void> {
    const version = ++this.version;
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ version, resolve, reject }));
    this.kick();
    return done;
  }

  /** Resolves when everything changed so far is durable (or rejects with the error of the failed write). */
  flush(): Promise<void> {
    if (this.persisted >= this.version && this.waiters.length === 0) return this.running ?? Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.waiters.push({ version: this.version, resolve, reject });
      this.kick();
    });
  }

  private kick(): void {
    if (this.running) return;
    this.running = new Promise<void>((resolve) => {
      // setImmediate, not a microtask: lets every put issued in this turn of the event loop join the first write.
      setImmediate(() => {
        // loop() never rejects: write errors are handed to the waiters.
        void this.loop().finally(() => {
          this.running = null;
          resolve();
          // A failed write leaves later waiters (for a newer version) pending: try again for them.
          if (this.waiters.length > 0) this.kick();
        });
      });
    });
  }

  private async loop(): Promise<void> {
    while (this.waiters.length > 0) {
      const version = this.version;
      try {
        await this.write(this.target, this.serialize());
        this.writes++;
        this.persisted = version;
        this.settle(version, (w) => w.resolve());
      } catch (err) {
        // Only the callers whose change was in this write learn of the failure; the state stays in memory and the
        // next mutation retries the whole file.
        this.settle(version, (w) => w.reject(err));
        return;
      }
    }
  }

  private settle(upTo: number, fn: (w: Waiter) => void): void {
    const done = this.waiters.filter((w) => w.version <= upTo);
    this.waiters = this.waiters.filter((w) => w.version > upTo);
    for (const w of done) fn(w);
  }
}
