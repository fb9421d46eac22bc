import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { getLogger } from '@ccs/shared';
import { DIR_MODE, FILE_MODE, RunLogFiles } from '@ccs/storage';
import { CappedLogWriter } from '../capped-log.writer';
import { LogCapPolicy } from '../log-cap.policy';
import { clampRange, localLogSize, openLocalLog } from '../log-file.range';
import type { LogKind, LogSlice, LogStore } from '../ports';
import { RetryOptions, withAwsRetry } from './aws-retry';
import { TransportError, describeError } from './transport.errors';

const log = getLogger('transport.s3.logs');

export interface S3LogStoreConfig {
  bucket: string;
  /** Local spool directory (on a node: under its work dir). Files are `run_<id>.log|jsonl`, as in the data dir. */
  spoolDir: string;
  /** Object key prefix (default `logs/`): objects are `<prefix><run-id>.log` and `<prefix><run-id>.jsonl`. */
  keyPrefix?: string;
  /** How often changed logs are uploaded while runs progress (default 5000 ms). */
  uploadIntervalMs?: number;
  /** Longest pause between upload attempts while S3 fails (default 60 s). */
  maxRetryDelayMs?: number;
  /** Retries of reads and deletes (default: 4 attempts). */
  retry?: RetryOptions;
  /** The per-run cap on stored log bytes (default: the default `max_log_bytes`), applied in the spool. */
  logCap?: LogCapPolicy;
}

interface SpoolEntry {
  runId: string;
  kind: LogKind;
  /** Bumped by every append; `uploaded` is the version the last successful upload contained. */
  version: number;
  uploaded: number;
  /** finalize() was called: after the last upload the spool file is removed. */
  final: boolean;
  inflight: Promise<void> | null;
}

const KINDS: readonly LogKind[] = ['log', 'jsonl'];
const CONTENT_TYPE: Record<LogKind, string> = { log: 'text/plain; charset=utf-8', jsonl: 'application/x-ndjson' };

/**
 * Run logs in S3 (`logs/<run-id>.log`, `logs/<run-id>.jsonl`) written through a local spool.
 *
 * Chosen design: append() writes to the spool file only (capped per run by the LogCapPolicy, so a spool file never
 * exceeds `max_log_bytes`); a background loop uploads the WHOLE current file as the object, streamed from the
 * file, every `uploadIntervalMs` when it changed, and finalize() appends the kept tail of a capped log, uploads it
 * once more and then removes the spool file. A whole-object PUT is idempotent, needs no multipart bookkeeping
 * across restarts, and a failed upload is simply repeated. While S3 is unreachable the spool keeps
 * everything and the loop retries with backoff; `flush()` waits for it; `start()` picks up spool files a previous
 * process left behind and uploads them as final.
 *
 * Before the first append to a run in this process, an existing object is copied into the spool, so a log
 * written before (an earlier attempt on another node, a note by the coordinator) is continued, not overwritten.
 *
 * read(), size() and open() serve from the spool when the file is here (it is never older than the object), else
 * from S3: open() streams a ranged GET, so a reader never holds a whole log.
 */
export class S3LogStore implements LogStore {
  private readonly spool: RunLogFiles;
  private readonly capped: CappedLogWriter;
  private readonly entries = new Map<string, SpoolEntry>();
  private readonly chains = new Map<string, Promise<void>>();
  private readonly seeded = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private pumping: Promise<void> | null = null;
  private failures = 0;
  private nextAttemptAt = 0;
  private closed = false;

  constructor(
    private readonly s3: S3Client,
    private readonly config: S3LogStoreConfig,
  ) {
    this.spool = new RunLogFiles(config.spoolDir);
    this.capped = new CappedLogWriter(this.spool, config.logCap ?? new LogCapPolicy());
  }

  /** The object key of a run's log (validates the run id: a full UUID). */
  key(runId: string, kind: LogKind = 'log'): string {
    this.spool.path(runId, kind);
    return `${this.config.keyPrefix ?? 'logs/'}${runId}.${kind}`;
  }

  /** Uploads what an earlier process left in the spool (as final logs) and starts the upload loop. */
  async start(): Promise<void> {
    for (const f of await this.spool.list()) {
      const k = `${f.runId}.${f.kind}`;
      if (this.entries.has(k)) continue;
      this.seeded.add(k);
      this.entries.set(k, { runId: f.runId, kind: f.kind, version: 1, uploaded: 0, final: true, inflight: null });
    }
    this.ensureTimer();
    void this.pump();
  }

  /** Stops the upload loop (spool files stay for the next start). Call flush() first to upload what is pending. */
  close(): void {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Logs whose latest content is not in S3 yet. */
  pendingUploads(): number {
    return [...this.entries.values()].filter((e) => needsUpload(e)).length;
  }

  append(runId: string, lines: readonly string[], kind: LogKind = 'log'): Promise<void> {
    if (lines.length === 0) return Promise.resolve();
    return this.serial(runId, kind, async () => {
      await this.seed(runId, kind);
      await this.capped.append(runId, kind, lines);
      const k = `${runId}.${kind}`;
      const e = this.entries.get(k) ?? { runId: runId, kind, version: 0, uploaded: 0, final: false, inflight: null };
      e.version++;
      e.final = false;
      this.entries.set(k, e);
      this.ensureTimer();
    });
  }

  /**
   * Marks the run's logs complete and uploads them now. Never throws for S3 trouble: the spool keeps the logs and
   * the loop uploads them when S3 answers again.
   */
  async finalize(runId: string): Promise<void> {
    const id = runId;
    // A capped log gets its kept tail appended to the spool file first: that is part of the final object.
    await this.capped.finalize(id);
    for (const kind of KINDS) {
      await this.serial(id, kind, () => {
        const e = this.entries.get(`${id}.${kind}`);
        if (e) {
          e.version++;
          e.final = true;
        }
        return Promise.resolve();
      });
    }
    for (const kind of KINDS) {
      const e = this.entries.get(`${id}.${kind}`);
      if (!e) continue;
      try {
        await this.upload(e);
      } catch (err) {
        this.noteFailure(err);
      }
    }
  }

  async read(runId: string, kind: LogKind = 'log', offset = 0): Promise<string | null> {
    const key = this.key(runId, kind);
    const local = await this.spool.read(runId, kind, offset);
    if (local !== null) return local;
    const start = Math.max(0, Math.floor(offset));
    try {
      const r = await withAwsRetry(
        `S3 get ${key}`,
        () =>
          this.s3.send(
            new GetObjectCommand({
              Bucket: this.config.bucket,
              Key: key,
              Range: start > 0 ? `bytes=${start}-` : undefined,
            }),
          ),
        this.config.retry,
      );
      return (await r.Body?.transformToString('utf-8')) ?? '';
    } catch (err) {
      const name = errorName(err);
      if (name === 'NoSuchKey' || name === 'NotFound') return null;
      // The offset is at or past the end of an object that exists: nothing new yet.
      if (name === 'InvalidRange' || statusOf(err) === 416) return '';
      throw err;
    }
  }

  async size(runId: string, kind: LogKind): Promise<number | null> {
    const key = this.key(runId, kind);
    const local = await localLogSize(this.spool.path(runId, kind));
    if (local !== null) return local;
    try {
      const head = await withAwsRetry(
        `S3 head ${key}`,
        () => this.s3.send(new HeadObjectCommand({ Bucket: this.config.bucket, Key: key })),
        this.config.retry,
      );
      return head.ContentLength ?? 0;
    } catch (err) {
      if (isMissing(err)) return null;
      throw err;
    }
  }

  async open(runId: string, kind: LogKind, range?: { start?: number; end?: number }): Promise<LogSlice | null> {
    const key = this.key(runId, kind);
    const local = await openLocalLog(this.spool.path(runId, kind), range);
    if (local) return local;
    const start = Math.max(0, Math.floor(range?.start ?? 0));
    const end = range?.end === undefined ? null : Math.max(start, Math.floor(range.end));
    if (end !== null && end === start) {
      const size = await this.size(runId, kind);
      return size === null ? null : { size, ...clampRange(size, range), body: Readable.from([]) };
    }
    try {
      const r = await withAwsRetry(
        `S3 get ${key}`,
        () =>
          this.s3.send(
            new GetObjectCommand({
              Bucket: this.config.bucket,
              Key: key,
              Range: start > 0 || end !== null ? `bytes=${start}-${end === null ? '' : end - 1}` : undefined,
            }),
          ),
        this.config.retry,
      );
      // "bytes 100-199/1234": the total size; without a range the length is the size.
      const total = /\/(\d+)$/.exec(r.ContentRange ?? '')?.[1];
      const size = total !== undefined ? Number(total) : (r.ContentLength ?? 0);
      const length = r.ContentLength ?? 0;
      const body = r.Body instanceof Readable ? r.Body : Readable.from([]);
      return { size, start, end: start + length, body };
    } catch (err) {
      if (isMissing(err)) return null;
      // The start is at or past the end of an object that exists: an empty slice at its end.
      if (errorName(err) === 'InvalidRange' || statusOf(err) === 416) {
        const size = await this.size(runId, kind);
        return size === null ? null : { size, ...clampRange(size, range), body: Readable.from([]) };
      }
      throw err;
    }
  }

  async delete(runId: string): Promise<void> {
    const id = runId;
    const keys = KINDS.map((kind) => this.key(id, kind));
    await this.capped.discard(id);
    for (const kind of KINDS) {
      await this.serial(id, kind, async () => {
        this.entries.delete(`${id}.${kind}`);
        await this.spool.delete(id, [kind]);
      });
    }
    for (const key of keys) {
      await withAwsRetry(
        `S3 delete ${key}`,
        () => this.s3.send(new DeleteObjectCommand({ Bucket: this.config.bucket, Key: key })),
        this.config.retry,
      );
    }
  }

  /**
   * Uploads everything pending now, retrying until done or `timeoutMs` (default 30 s) passed. True when nothing is
   * pending any more. For shutdown and tests.
   */
  async flush(options: { timeoutMs?: number } = {}): Promise<boolean> {
    const deadline = Date.now() + (options.timeoutMs ?? 30_000);
    for (;;) {
      await this.uploadAll();
      if (this.pendingUploads() === 0) return true;
      if (Date.now() >= deadline) return false;
      await new Promise((r) => setTimeout(r, Math.min(1000, Math.max(50, deadline - Date.now()))));
    }
  }

  private ensureTimer(): void {
    if (this.timer || this.closed) return;
    this.timer = setInterval(() => {
      if (Date.now() >= this.nextAttemptAt) void this.pump();
    }, this.config.uploadIntervalMs ?? 5000);
    this.timer.unref();
  }

  /** One pass of the background loop (single-flight). */
  private pump(): Promise<void> {
    this.pumping ??= this.uploadAll().finally(() => {
      this.pumping = null;
    });
    return this.pumping;
  }

  private async uploadAll(): Promise<void> {
    for (const e of [...this.entries.values()]) {
      if (!needsUpload(e)) continue;
      try {
        await this.upload(e);
      } catch (err) {
        this.noteFailure(err);
        // S3 is most likely down for every key; the next pass comes after the backoff.
        return;
      }
    }
  }

  private noteFailure(err: unknown): void {
    this.failures++;
    const interval = this.config.uploadIntervalMs ?? 5000;
    const delay = Math.min(this.config.maxRetryDelayMs ?? 60_000, interval * 2 ** Math.min(this.failures - 1, 10));
    this.nextAttemptAt = Date.now() + delay;
    if (this.failures === 1) log.warn(`log upload failed, keeping the spool and retrying: ${describeError(err)}`);
    else log.debug(`log upload failed again (${this.failures}): ${describeError(err)}`);
  }

  /** Uploads the entry until the object holds its latest version; removes a final entry's spool file after. */
  private async upload(e: SpoolEntry): Promise<void> {
    while (needsUpload(e)) {
      e.inflight ??= this.putOnce(e).finally(() => {
        e.inflight = null;
      });
      await e.inflight;
    }
  }

  private async putOnce(e: SpoolEntry): Promise<void> {
    const version = e.version;
    let fh: fsp.FileHandle;
    try {
      fh = await fsp.open(this.spool.path(e.runId, e.kind), 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      // Deleted meanwhile (delete()): nothing to upload.
      this.entries.delete(`${e.runId}.${e.kind}`);
      e.uploaded = e.version;
      e.final = false;
      return;
    }
    const key = this.key(e.runId, e.kind);
    let stream: fs.ReadStream | null = null;
    try {
      // Streamed from the file: the spool only grows, so the first `size` bytes are a consistent version.
      const { size } = await fh.stat();
      stream = size > 0 ? fh.createReadStream({ start: 0, end: size - 1, autoClose: false }) : null;
      stream?.on('error', () => undefined); // a failed upload reports the error; the stream's own is noise
      const body = stream ?? Buffer.alloc(0);
      await this.s3.send(
        new PutObjectCommand({
          Bucket: this.config.bucket,
          Key: key,
          Body: body,
          ContentLength: size,
          ContentType: CONTENT_TYPE[e.kind],
        }),
      );
    } catch (err) {
      throw new TransportError(`S3 put ${key} failed: ${describeError(err)}`, err);
    } finally {
      stream?.destroy();
      await fh.close().catch(() => undefined);
    }
    e.uploaded = Math.max(e.uploaded, version);
    if (this.failures > 0) log.info(`log uploads work again after ${this.failures} failures`);
    this.failures = 0;
    this.nextAttemptAt = 0;
    if (e.final && e.uploaded === e.version) {
      await this.serial(e.runId, e.kind, async () => {
        // Re-checked inside the chain: an append may have come in since (a new attempt of the run).
        if (!e.final || e.uploaded !== e.version) return;
        this.entries.delete(`${e.runId}.${e.kind}`);
        e.final = false;
        await this.spool.delete(e.runId, [e.kind]);
      });
    }
  }

  /** Copies an existing object into the spool before the first append of this process to that log. */
  private async seed(runId: string, kind: LogKind): Promise<void> {
    const k = `${runId}.${kind}`;
    if (this.seeded.has(k)) return;
    this.seeded.add(k);
    if (await this.spool.exists(runId, kind)) return;
    const file = this.spool.path(runId, kind);
    try {
      const remote = await this.open(runId, kind);
      if (remote) {
        // Copied aside and renamed into place: a copy that breaks off leaves no partial spool file.
        await fsp.mkdir(this.config.spoolDir, { recursive: true, mode: DIR_MODE });
        await pipeline(remote.body, fs.createWriteStream(`${file}.seed`, { mode: FILE_MODE }));
        await fsp.rename(`${file}.seed`, file);
      }
    } catch (err) {
      await fsp.rm(`${file}.seed`, { force: true });
      log.warn(
        `could not read the existing log of run ${runId} (${kind}); appending to a new one: ${describeError(err)}`,
      );
    }
  }

  /** Runs `fn` after everything queued for the same log (appends, spool removal) finished. */
  private serial(runId: string, kind: LogKind, fn: () => Promise<void>): Promise<void> {
    const k = `${runId}.${kind}`;
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

function needsUpload(e: SpoolEntry): boolean {
  return e.uploaded !== e.version || e.final;
}

function isMissing(err: unknown): boolean {
  const name = errorName(err);
  return name === 'NoSuchKey' || name === 'NotFound' || statusOf(err) === 404;
}

function errorName(err: unknown): string {
  const cause = (err as { cause?: { name?: string } }).cause;
  return cause?.name ?? (err as { name?: string }).name ?? '';
}

function statusOf(err: unknown): number | undefined {
  const cause = (err as { cause?: { $metadata?: { httpStatusCode?: number } } }).cause;
  return cause?.$metadata?.httpStatusCode;
}
