import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { getLogger } from '@ccs/shared';
import { DIR_MODE, FILE_MODE, RunLogFiles } from '@ccs/storage';
import { LogCapPolicy, MARKER_RESERVE_BYTES, capStartMarker, capTailMarker } from './log-cap.policy';
import type { LogKind } from './ports';

const log = getLogger('transport.logcap');

/** Ring files older than this that no writer of this process holds were left by a crashed process. */
const STALE_RING_MS = 24 * 60 * 60 * 1000;
const COPY_CHUNK = 1024 * 1024;

/** The last `capacity` bytes of a run's output past the cap, in a file written in place (a ring). */
class RingFile {
  /** Next write position. */
  private pos = 0;
  /** Bytes held (≤ capacity). */
  private fill = 0;
  /** Bytes ever written to the ring. */
  written = 0;

  private constructor(
    readonly file: string,
    private readonly fh: fsp.FileHandle | null,
    readonly capacity: number,
  ) {}

  static async open(file: string, capacity: number): Promise<RingFile> {
    if (capacity <= 0) return new RingFile(file, null, 0);
    await fsp.mkdir(path.dirname(file), { recursive: true, mode: DIR_MODE });
    return new RingFile(file, await fsp.open(file, 'w+', FILE_MODE), capacity);
  }

  async write(buf: Buffer): Promise<void> {
    this.written += buf.length;
    if (!this.fh) return;
    let data = buf;
    if (data.length >= this.capacity) {
      data = data.subarray(data.length - this.capacity);
      await this.fh.write(data, 0, data.length, 0);
      this.pos = 0;
      this.fill = this.capacity;
      return;
    }
    const first = Math.min(data.length, this.capacity - this.pos);
    await this.fh.write(data, 0, first, this.pos);
    if (first < data.length) await this.fh.write(data, first, data.length - first, 0);
    this.pos = (this.pos + data.length) % this.capacity;
    this.fill = Math.min(this.capacity, this.fill + data.length);
  }

  /** The held bytes in order, as [position, length] pieces of the file. */
  private pieces(): [number, number][] {
    if (this.fill < this.capacity) return [[0, this.fill]];
    return [
      [this.pos, this.capacity - this.pos],
      [0, this.pos],
    ];
  }

  /**
   * Appends the held bytes to `out`, from the first line start when older bytes were dropped (a cut line would
   * only confuse), in bounded chunks. Returns how many bytes were appended.
   */
  async copyTo(out: fsp.FileHandle): Promise<number> {
    if (!this.fh) return 0;
    let skipping = this.written > this.fill;
    let copied = 0;
    const buf = Buffer.alloc(Math.min(COPY_CHUNK, Math.max(1, this.fill)));
    for (const [start, length] of this.pieces()) {
      for (let off = 0; off < length;) {
        const { bytesRead } = await this.fh.read(buf, 0, Math.min(buf.length, length - off), start + off);
        if (bytesRead === 0) break;
        off += bytesRead;
        let chunk = buf.subarray(0, bytesRead);
        if (skipping) {
          const nl = chunk.indexOf(0x0a);
          if (nl < 0) continue;
          chunk = chunk.subarray(nl + 1);
          skipping = false;
        }
        await out.write(chunk);
        copied += chunk.length;
      }
    }
    return copied;
  }

  /** Bytes `copyTo` would append (without reading when nothing was dropped). */
  async keptBytes(): Promise<number> {
    if (!this.fh) return 0;
    if (this.written === this.fill) return this.fill;
    // Older bytes were dropped: the kept part starts after the first newline.
    const buf = Buffer.alloc(Math.min(COPY_CHUNK, this.fill));
    let skipped = 0;
    for (const [start, length] of this.pieces()) {
      for (let off = 0; off < length;) {
        const { bytesRead } = await this.fh.read(buf, 0, Math.min(buf.length, length - off), start + off);
        if (bytesRead === 0) break;
        const nl = buf.subarray(0, bytesRead).indexOf(0x0a);
        if (nl >= 0) return this.fill - (skipped + nl + 1);
        skipped += bytesRead;
        off += bytesRead;
      }
    }
    return 0;
  }

  async close(): Promise<void> {
    await this.fh?.close().catch(() => undefined);
    await fsp.rm(this.file, { force: true });
  }
}

interface CapState {
  limit: number;
  /** Bytes in the stored file. */
  stored: number;
  /** The head is full: output goes to the ring until the run ends. */
  ring: RingFile | null;
}

/**
 * Appends run log lines to files under a `RunLogFiles` directory with the `LogCapPolicy` applied: up to the head
 * budget lines are appended as they come; past it a start marker is appended, further output goes to a ring file
 * beside the logs (`.capped/run_<id>.<kind>.tail`) that holds its latest bytes, and `finalize` appends a tail
 * marker and the ring's content. Each log's file never exceeds its cap, and memory stays bounded (one copy chunk)
 * whatever the output size. Calls for one log are applied in order.
 *
 * Used by both LogStore adapters: FileLogStore on the data directory, S3LogStore on its local spool.
 */
export class CappedLogWriter {
  private readonly states = new Map<string, CapState>();
  private readonly chains = new Map<string, Promise<void>>();
  private swept = false;

  constructor(
    private readonly files: RunLogFiles,
    readonly policy: LogCapPolicy,
  ) {}

  /** Appends each line followed by a newline, within the run's cap. */
  async append(runId: string, kind: LogKind, lines: readonly string[]): Promise<void> {
    const file = this.files.path(runId, kind); // validates the id before anything is queued
    if (lines.length === 0) return;
    return this.serial(runId, kind, async () => {
      await this.sweepOnce();
      const state = await this.state(runId, kind, file);
      let rest: readonly string[] = lines;
      if (!state.ring) {
        const head = LogCapPolicy.budget(state.limit).head;
        let fit = 0;
        let bytes = 0;
        for (const line of lines) {
          const n = Buffer.byteLength(line) + 1;
          if (state.stored + bytes + n > head) break;
          bytes += n;
          fit++;
        }
        if (fit === lines.length) {
          await this.files.appendLines(runId, lines, kind);
          state.stored += bytes;
          return;
        }
        const marker = `${capStartMarker(state.limit)}\n`;
        const markerBytes = Buffer.byteLength(marker);
        const text = lines.slice(0, fit).map((l) => `${l}\n`);
        // A log continued from a full one (another attempt) may not even have room for the marker.
        const withMarker = state.stored + bytes + markerBytes <= state.limit;
        if (withMarker) text.push(marker);
        if (text.length > 0) await this.files.append(runId, text.join(''), kind);
        state.stored += bytes + (withMarker ? markerBytes : 0);
        // Room for this run's tail marker and for the start marker of a later attempt continuing this log.
        const capacity = state.limit - state.stored - 2 * MARKER_RESERVE_BYTES;
        state.ring = await RingFile.open(this.ringPath(runId, kind), capacity);
        log.info(`the ${kind} log of run ${runId} reached its cap (${state.limit} bytes); keeping head and tail`);
        rest = lines.slice(fit);
      }
      await state.ring.write(Buffer.from(rest.map((l) => `${l}\n`).join('')));
    });
  }

  /**
   * Completes the run's logs: a capped log gets its tail marker and the kept tail appended, and the ring file is
   * removed. A later append (another attempt) starts again from the stored size.
   */
  async finalize(runId: string): Promise<void> {
    for (const kind of ['log', 'jsonl'] as const) {
      const file = this.files.path(runId, kind);
      await this.serial(runId, kind, async () => {
        const state = this.states.get(this.key(runId, kind));
        this.states.delete(this.key(runId, kind));
        const ring = state?.ring;
        if (!state || !ring) return;
        try {
          const kept = await ring.keptBytes();
          const marker = `${capTailMarker(ring.written - kept, kept)}\n`;
          if (state.stored + Buffer.byteLength(marker) + kept > state.limit) return; // no room (see append)
          const out = await fsp.open(file, 'a', FILE_MODE);
          try {
            await out.write(marker);
            await ring.copyTo(out);
          } finally {
            await out.close();
          }
        } finally {
          await ring.close();
        }
      });
    }
    this.policy.forgetRun(runId);
  }

  /** Forgets a run's state and removes its ring files (its logs are being deleted). */
  async discard(runId: string): Promise<void> {
    for (const kind of ['log', 'jsonl'] as const) {
      this.files.path(runId, kind);
      await this.serial(runId, kind, async () => {
        const state = this.states.get(this.key(runId, kind));
        this.states.delete(this.key(runId, kind));
        if (state?.ring) await state.ring.close();
        else await fsp.rm(this.ringPath(runId, kind), { force: true });
      });
    }
    this.policy.forgetRun(runId);
  }

  private async state(runId: string, kind: LogKind, file: string): Promise<CapState> {
    const k = this.key(runId, kind);
    let state = this.states.get(k);
    if (!state) {
      const size = await fsp.stat(file).then(
        (st) => st.size,
        (err: NodeJS.ErrnoException) => {
          if (err.code === 'ENOENT') return 0;
          throw err;
        },
      );
      state = { limit: this.policy.limitFor(runId), stored: size, ring: null };
      this.states.set(k, state);
    }
    return state;
  }

  private ringDir(): string {
    return path.join(this.files.logsDir, '.capped');
  }

  private ringPath(runId: string, kind: LogKind): string {
    return path.join(this.ringDir(), `${path.basename(this.files.path(runId, kind))}.tail`);
  }

  /** Removes ring files a crashed process left behind (their order was only known to that process). */
  private async sweepOnce(): Promise<void> {
    if (this.swept) return;
    this.swept = true;
    const names = await fsp.readdir(this.ringDir()).catch(() => [] as string[]);
    const now = Date.now();
    for (const name of names) {
      const file = path.join(this.ringDir(), name);
      const st = await fsp.stat(file).catch(() => null);
      if (st && now - st.mtimeMs > STALE_RING_MS) await fsp.rm(file, { force: true });
    }
  }

  private key(runId: string, kind: LogKind): string {
    return `${runId}.${kind}`;
  }

  private serial(runId: string, kind: LogKind, fn: () => Promise<void>): Promise<void> {
    const k = this.key(runId, kind);
    const prev = this.chains.get(k) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const settled = next.catch(() => undefined);
    this.chains.set(k, settled);
    void settled.then(() => {
      if (this.chains.get(k) === settled) this.chains.delete(k);
    });
    return next;
  }
}
