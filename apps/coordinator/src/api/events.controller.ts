import { Controller, Get, Headers, Inject, Query, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { Coordinator } from '../coordinator';
import type { HubEvent } from '../events/event-hub';
import { COORDINATOR } from './tokens';

/**
 * `GET /api/events`: Server-Sent Events for run status, output chunks, task/job/profile/settings changes and node
 * changes. Each event carries its hub id; a client that reconnects with `Last-Event-ID` (browsers do this
 * themselves) first receives the events it missed, or a `resync` event when they are no longer buffered.
 */
@ApiTags('events')
@Controller('api')
export class EventsController {
  constructor(@Inject(COORDINATOR) private readonly c: Coordinator) {}

  @Get('events')
  events(
    @Headers('last-event-id') lastEventId: string | undefined,
    @Query('last_event_id') lastQuery: string | undefined,
    @Res() reply: FastifyReply,
  ): void {
    const raw = reply.raw;
    reply.hijack();
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    raw.socket?.setTimeout(0);
    const send = (e: HubEvent): void => {
      raw.write(`id: ${e.id}\nevent: ${e.type}\ndata: ${JSON.stringify(e.data)}\n\n`);
    };
    raw.write(`retry: 2000\n: connected, last event id ${this.c.hub.lastId}\n\n`);
    const from = Number(lastEventId ?? lastQuery);
    if (Number.isInteger(from) && from >= 0) {
      const { events, complete } = this.c.hub.since(from);
      if (!complete) raw.write(`event: resync\ndata: {"reason":"events were missed; reload the state"}\n\n`);
      events.forEach(send);
    }
    const unsubscribe = this.c.hub.subscribe(send);
    // Comment lines keep proxies and idle timeouts from closing a quiet stream.
    const keepAlive = setInterval(() => raw.write(': keep-alive\n\n'), 15_000);
    keepAlive.unref();
    raw.on('close', () => {
      clearInterval(keepAlive);
      unsubscribe();
    });
  }
}
