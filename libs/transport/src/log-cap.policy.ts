import { DEFAULT_SETTINGS, ValidationError } from '@ccs/core';
import type { CommandEnvelope } from './messages';
import type { CommandSource, MessageHandler } from './ports';

/** The smallest cap a log can have: room for some head, the two marker lines and some tail. */
export const MIN_LOG_CAP_BYTES = 4096;
/** Room kept for each marker line (a marker is shorter than this). */
export const MARKER_RESERVE_BYTES = 256;

/** How a cap splits: the head is written as it comes; the tail is kept rolling and appended at the end. */
export interface LogCapBudget {
  /** Most bytes written before the cap marker (whole lines only). */
  head: number;
}

/**
 * Text of the marker written where the log stops being written as it comes. It is a plain line (not JSON) in both
 * streams, so the Output view shows it as-is and raw readers see where the gap is.
 */
export function capStartMarker(maxBytes: number): string {
  return (
    `[scheduler] ---- log capped at ${formatBytes(maxBytes)} (setting max_log_bytes): output after this line is ` +
    'left out, except its last part, which follows when the run ends ----'
  );
}

/** Text of the marker that precedes the kept tail, written when the run ends. */
export function capTailMarker(omittedBytes: number, keptBytes: number): string {
  return keptBytes > 0
    ? `[scheduler] ---- ${omittedBytes} bytes of output left out here; the last ${keptBytes} bytes follow ----`
    : `[scheduler] ---- ${omittedBytes} bytes of output left out here ----`;
}

function formatBytes(n: number): string {
  if (n >= 1024 * 1024 && n % (1024 * 1024) === 0) return `${n / (1024 * 1024)} MiB`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024} KiB`;
  return `${n} bytes`;
}

/**
 * The per-run cap on stored log bytes (`max_log_bytes`), shared by both LogStore adapters. A log that grows past
 * it keeps its first part (`head`, about half the cap, whole lines) and its last part (the rest of the cap less
 * room for two marker lines), with marker lines saying what was left out between them; each of a run's two
 * streams (`log`, `jsonl`) is capped on its own. The stored file only ever grows (the tail is kept aside and
 * appended when the run ends), so readers' byte offsets stay valid throughout.
 *
 * The cap of a run is the one it was dispatched with (`setRunLimit`, fed from the ExecuteRun settings by
 * `applyLogCapsFrom`), else the default.
 */
export class LogCapPolicy {
  private defaultMax: number;
  private readonly perRun = new Map<string, number>();

  constructor(defaultMaxBytes: number = DEFAULT_SETTINGS.max_log_bytes) {
    this.defaultMax = checkedCap(defaultMaxBytes);
  }

  /** The cap for runs that were not given their own. */
  setDefault(maxBytes: number): void {
    this.defaultMax = checkedCap(maxBytes);
  }

  /** The cap of one run (from the settings it was dispatched with). */
  setRunLimit(runId: string, maxBytes: number): void {
    this.perRun.set(runId, checkedCap(maxBytes));
  }

  /** Forgets a run's own cap (its logs are complete). */
  forgetRun(runId: string): void {
    this.perRun.delete(runId);
  }

  limitFor(runId: string): number {
    return this.perRun.get(runId) ?? this.defaultMax;
  }

  /** The head budget of a cap: half of what remains after room for three markers (start, tail, a later start). */
  static budget(maxBytes: number): LogCapBudget {
    return { head: Math.floor((maxBytes - 3 * MARKER_RESERVE_BYTES) / 2) };
  }
}

function checkedCap(n: number): number {
  if (!Number.isSafeInteger(n) || n < MIN_LOG_CAP_BYTES) {
    throw new ValidationError(`max_log_bytes must be an integer of at least ${MIN_LOG_CAP_BYTES} (got ${n})`);
  }
  return n;
}

/**
 * A CommandSource that hands each ExecuteRun's `max_log_bytes` to the node's log cap policy before the run
 * starts, so a node (in gui or in the cloud) caps each run's logs as the coordinator's settings said at dispatch.
 * A coordinator that sends no `max_log_bytes` (an older version) leaves the default.
 */
export function applyLogCapsFrom(source: CommandSource, policy: LogCapPolicy): CommandSource {
  const tap =
    (handler: MessageHandler<CommandEnvelope>): MessageHandler<CommandEnvelope> =>
    (message) => {
      if (message.type === 'ExecuteRun') {
        const max = message.payload.settings.max_log_bytes;
        if (typeof max === 'number' && Number.isSafeInteger(max) && max >= MIN_LOG_CAP_BYTES) {
          policy.setRunLimit(message.payload.run.id, max);
        }
      }
      return handler(message);
    };
  return {
    start: (nodeId, handler, options) => source.start(nodeId, tap(handler), options),
    stop: () => source.stop(),
    setConcurrency: (n) => source.setConcurrency(n),
  };
}
