import type { ServerResponse } from 'node:http';

const FLUSH_GRACE_MS = 500;

/** How a long-lived response says goodbye when the server stops (e.g. a final SSE event), then ends. */
export type StreamStopper = (reason: string) => void;

/**
 * The long-lived responses the API holds open (the SSE stream, followed logs). Shutdown must never wait for the
 * clients of these to go away: `stopAll` ends every one of them at once (each says why in its own format), and
 * refuses new ones from then on. One instance per API server.
 */
export class LiveStreams {
  private readonly open = new Map<ServerResponse, StreamStopper>();
  private stopReason: string | null = null;

  /** Registers a response until it closes. Returns false when the server is already stopping (answer 503). */
  add(raw: ServerResponse, stop: StreamStopper): boolean {
    if (this.stopReason !== null) return false;
    this.open.set(raw, stop);
    raw.once('close', () => this.open.delete(raw));
    return true;
  }

  get stopping(): boolean {
    return this.stopReason !== null;
  }

  get count(): number {
    return this.open.size;
  }

  /**
   * Ends every open stream now: each gets its stopper (a last message) and is ended; its socket is destroyed once
   * that is flushed, or after a short grace when the client does not read (it would never be flushed).
   */
  stopAll(reason: string): void {
    this.stopReason ??= reason;
    for (const [raw, stop] of [...this.open]) {
      this.open.delete(raw);
      const socket = raw.socket;
      try {
        stop(reason);
      } catch {
        // the socket may already be gone
      }
      raw.end(() => socket?.destroy());
      setTimeout(() => socket?.destroy(), FLUSH_GRACE_MS).unref();
    }
  }
}
