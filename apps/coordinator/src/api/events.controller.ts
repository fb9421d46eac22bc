import { Controller, Get, Headers, Inject, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { getLogger } from '@ccs/shared';
import type { Coordinator } from '../coordinator';
import { apiErrorBody } from '../http';
import type { HubEvent } from '../events/event-hub';
import type { ApiServerOptions } from './api-server';
import { LiveStreams } from './live-streams';
import { API_OPTIONS, COORDINATOR } from './tokens';

const log = getLogger('api.events');

/** Memory bounds of the event stream, per client. */
export interface SseLimits {
  /**
   * Bytes queued for one client (beyond what the kernel holds) before it counts as not reading and is dropped.
   * Default 1 MiB.
   */
  clientBufferBytes: number;
  /** Most events replayed to a client that reconnects with Last-Event-ID; more → `resync`. Default 1000. */
  replayMaxEvents: number;
  /** Most bytes replayed; more → `resync`. Default 512 KiB. */
  replayMaxBytes: number;
}

export const DEFAULT_SSE_LIMITS: SseLimits = {
  clientBufferBytes: 1024 * 1024,
  replayMaxEvents: 1000,
  replayMaxBytes: 512 * 1024,
};

/** The last event of a stream when the server stops; the page shows the server as stopped. */
export const SERVER_STOPPING_EVENT = 'server.stopping';

/**
 * `GET /api/events`: Server-Sent Events for run status, output chunks, task/job/profile/settings changes and node
 * changes. Each event carries its hub id; a client that reconnects with `Last-Event-ID` (browsers do this
 * themselves) first receives the events it missed, or a `resync` event when they are no longer buffered or too
 * many to replay. Each client's unread backlog is bounded: a client that stops reading is dropped (and reconnects
 * with Last-Event-ID when it wakes up). When the server stops, every stream gets a final `server.stopping` event
 * and is closed, so shutdown never waits for browsers.
 */
@ApiTags('events')
@Controller('api')
export class EventsController {
  private readonly limits: SseLimits;

  constructor(
    @Inject(COORDINATOR) private readonly c: Coordinator,
    @Inject(API_OPTIONS) options: ApiServerOptions,
    private readonly streams: LiveStreams,
  ) {
    this.limits = { ...DEFAULT_SSE_LIMITS, ...options.sse };
  }

  @Get('events')
  @ApiOperation({
    summary: 'Server-Sent Events: run, task, job, profile, settings and node changes, live output',
    description:
      'Event names: run.created, run.updated, run.deleted, run.output, task.changed, task.deleted, job.changed, ' +
      'job.deleted, profile.changed, settings.changed, node.changed, occurrence.created; resync (reload the ' +
      `state: missed events are no longer available); ${SERVER_STOPPING_EVENT} (the last event before the server ` +
      'stops, data { reason }). Reconnect with Last-Event-ID (or ?last_event_id=) to receive missed events. A ' +
      'client that does not read is disconnected once 1 MiB is queued for it.',
  })
  events(
    @Headers('last-event-id') lastEventId: string | undefined,
    @Query('last_event_id') lastQuery: string | undefined,
    @Res() reply: FastifyReply,
  ): void {
    const raw = reply.raw;
    reply.hijack();
    let unsubscribe = (): void => undefined;
    const registered = this.streams.add(raw, (reason) => {
      unsubscribe();
      raw.write(`event: ${SERVER_STOPPING_EVENT}\ndata: ${JSON.stringify({ reason })}\n\n`);
    });
    if (!registered) {
      raw.writeHead(503, { 'content-type': 'application/json', connection: 'close' });
      raw.end(JSON.stringify(apiErrorBody('SERVER_STOPPING', 'the server is stopping')));
      return;
    }
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    raw.socket?.setTimeout(0);
    const peer = `${raw.socket?.remoteAddress ?? '?'}:${raw.socket?.remotePort ?? '?'}`;
    let dropped = false;
    /** Writes unless the client's backlog is over the limit, in which case the client is dropped. */
    const write = (frame: string): void => {
      if (dropped) return;
      if (raw.writableLength + frame.length > this.limits.clientBufferBytes) {
        dropped = true;
        unsubscribe();
        log.warn(
          `dropping event-stream client ${peer}: it does not read (${raw.writableLength} bytes queued, limit ` +
            `${this.limits.clientBufferBytes}); it may reconnect with Last-Event-ID`,
        );
        raw.destroy();
        return;
      }
      raw.write(frame);
    };
    write(`retry: 2000\n: connected, last event id ${this.c.hub.lastId}\n\n`);
    const from = Number(lastEventId ?? lastQuery);
    if (Number.isInteger(from) && from >= 0) {
      const { frames, complete } = this.c.hub.since(from, {
        maxEvents: this.limits.replayMaxEvents,
        maxBytes: this.limits.replayMaxBytes,
      });
      if (!complete) write(`event: resync\ndata: {"reason":"events were missed; reload the state"}\n\n`);
      frames.forEach(write);
    }
    unsubscribe = this.c.hub.subscribe((e: HubEvent) => write(e.sse));
    // Comment lines keep proxies and idle timeouts from closing a quiet stream.
    const keepAlive = setInterval(() => write(': keep-alive\n\n'), 15_000);
    keepAlive.unref();
    raw.on('close', () => {
      clearInterval(keepAlive);
      unsubscribe();
    });
  }
}
