import { Run, isTerminalRunStatus } from '@ccs/core';
import type { ApiClient } from './api-client';

export interface FollowOptions {
  /** Pause before reconnecting when a stream ended while the run still runs (server idle timeout, proxy). */
  reconnectDelayMs?: number;
  /** Which log: the text log (default) or the raw stream-json (`jsonl`). */
  kind?: 'log' | 'jsonl';
}

function runPath(runId: string): string {
  return `/api/runs/${encodeURIComponent(runId)}`;
}

/**
 * Writes a run's log to `sink` as it grows, until the run has ended, and returns the run's final record.
 * `GET /api/runs/{id}/logs?follow=true` streams until the run ends; when the connection ends earlier (the server
 * closes sockets that stay quiet for two minutes) it is reopened at the byte offset already received, so no line is
 * printed twice or lost (stored logs only grow, also when they are capped, so offsets stay valid).
 */
export async function followRunLog(
  client: ApiClient,
  runId: string,
  sink: (chunk: Uint8Array) => void,
  options: FollowOptions = {},
): Promise<Run> {
  let offset = 0;
  const kind = options.kind === 'jsonl' ? 'jsonl' : undefined;
  const write = (chunk: Uint8Array): void => {
    offset += chunk.byteLength;
    sink(chunk);
  };
  for (;;) {
    await client.stream(`${runPath(runId)}/logs`, { follow: true, offset, kind }, write);
    const { run } = await client.get<{ run: Run }>(runPath(runId));
    if (isTerminalRunStatus(run.status)) {
      // Bytes written between the stream's last read and the end of the run, streamed (a capped log's kept
      // tail can be megabytes).
      await client.stream(`${runPath(runId)}/logs`, { offset, kind }, write);
      return run;
    }
    await new Promise((r) => setTimeout(r, options.reconnectDelayMs ?? 500));
  }
}
