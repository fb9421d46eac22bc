import type { ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { Controller, Delete, Get, Headers, HttpCode, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ValidationError, isTerminalRunStatus } from '@ccs/core';
import type { LogKind } from '@ccs/transport';
import type { Coordinator } from '../coordinator';
import { apiErrorBody } from '../http';
import { parseByteRange } from './byte-range';
import { LiveStreams } from './live-streams';
import { queryFlag, queryInt } from './query';
import { ResponseCache } from './response-cache';
import { COORDINATOR } from './tokens';

const CONTENT_TYPE: Record<LogKind, string> = {
  log: 'text/plain; charset=utf-8',
  jsonl: 'application/x-ndjson; charset=utf-8',
};
const FOLLOW_POLL_MS = 200;

function logKind(value: string | undefined): LogKind {
  if (value === undefined || value === '' || value === 'log') return 'log';
  if (value === 'jsonl') return 'jsonl';
  throw new ValidationError('kind must be log or jsonl', [{ field: 'kind', message: 'kind must be log or jsonl' }]);
}

/** Writes a stream to a response that stays open, chunk by chunk, waiting whenever the client is behind. */
async function writeAll(body: Readable, raw: ServerResponse): Promise<void> {
  try {
    for await (const chunk of body) {
      if (raw.writableEnded || raw.destroyed) break;
      if (!raw.write(chunk as Buffer)) {
        await new Promise<void>((resolve) => {
          const done = (): void => {
            raw.off('drain', done);
            raw.off('close', done);
            resolve();
          };
          raw.on('drain', done);
          raw.on('close', done);
        });
      }
    }
  } finally {
    body.destroy();
  }
}

@ApiTags('runs')
@Controller('api/runs')
export class RunsController {
  constructor(
    @Inject(COORDINATOR) private readonly c: Coordinator,
    private readonly cache: ResponseCache,
    private readonly streams: LiveStreams,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Run history, newest first; filters and cursor paging' })
  @ApiQuery({ name: 'task_id', required: false })
  @ApiQuery({ name: 'job_id', required: false })
  @ApiQuery({ name: 'status', required: false, enum: ['upcoming', 'running', 'success', 'failed', 'cancelled'] })
  @ApiQuery({ name: 'limit', required: false, type: Number })
  @ApiQuery({ name: 'cursor', required: false })
  list(@Query() query: Record<string, unknown>, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.cache.send(req, reply, () => this.c.runsApi.list(query));
  }

  @Get(':id')
  @ApiOperation({
    summary: 'One run with the last part of its output',
    description:
      'raw_output is the tail of the stored stream-json output (whole lines) and output its Output-view text; ' +
      'output_tail says whether it was cut (truncated, raw_start, raw_size, log_size) and how to read the rest. ' +
      'The answer stays under 1 MiB whatever the size of the run.',
  })
  async get(@Param('id') id: string) {
    return { run: await this.c.runsApi.get(id) };
  }

  /**
   * A run log, streamed from storage: the text log (`kind=log`, default) or the raw stream-json (`kind=jsonl`).
   * A part: `Range: bytes=…` (206, Content-Range) or `?offset=&limit=`. `?follow=true` keeps the response open and
   * streams new bytes until the run ends. Memory per request stays small whatever the log's size.
   */
  @Get(':id/logs')
  @ApiOperation({
    summary: 'A run log, streamed; a part by Range or offset/limit; follow=true streams until the run ends',
    description:
      'X-Log-Size is the stored size of the log. Logs are capped per run by the setting max_log_bytes (head and ' +
      'tail kept with marker lines). Stored logs only grow, so an offset stays valid while the run goes on.',
  })
  @ApiQuery({ name: 'kind', required: false, enum: ['log', 'jsonl'] })
  @ApiQuery({ name: 'offset', required: false, type: Number, description: 'first byte (default 0)' })
  @ApiQuery({ name: 'limit', required: false, type: Number, description: 'most bytes (default: to the end)' })
  @ApiQuery({ name: 'follow', required: false, type: Boolean })
  @ApiHeader({ name: 'Range', required: false, description: 'bytes=a-b, bytes=a- or bytes=-n (one range)' })
  async logs(
    @Param('id') id: string,
    @Query('kind') kindParam: string | undefined,
    @Query('offset') offsetParam: string | undefined,
    @Query('limit') limitParam: string | undefined,
    @Query('follow') followParam: string | undefined,
    @Headers('range') rangeHeader: string | undefined,
    @Res() reply: FastifyReply,
  ) {
    const kind = logKind(kindParam);
    const offset = queryInt(offsetParam, 'offset', 0, 0, Number.MAX_SAFE_INTEGER);
    const limit = limitParam === undefined ? null : queryInt(limitParam, 'limit', 0, 1, Number.MAX_SAFE_INTEGER);
    const follow = queryFlag(followParam, 'follow');
    const run = this.c.runsApi.resolve(id);
    if (follow) return this.follow(run.id, kind, offset, reply);

    const size = await this.c.runsApi.logSize(run.id, kind);
    let range = { start: offset, end: limit === null ? size : Math.min(size, offset + limit) };
    let partial = false;
    const asked = parseByteRange(rangeHeader, size);
    if (asked === 'unsatisfiable') {
      return reply
        .code(416)
        .headers({ 'content-range': `bytes */${size}`, 'x-log-size': String(size) })
        .send(
          apiErrorBody(
            'RANGE_NOT_SATISFIABLE',
            `the log has ${size} bytes; ask for a range that starts before its end`,
          ),
        );
    }
    if (asked) {
      range = asked;
      partial = true;
    }
    const { slice } = await this.c.runsApi.openLog(run.id, kind, range);
    const start = slice?.start ?? 0;
    const end = slice?.end ?? 0;
    const headers: Record<string, string> = {
      'content-type': CONTENT_TYPE[kind],
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-store',
      'accept-ranges': 'bytes',
      'x-log-size': String(slice?.size ?? 0),
      'content-length': String(end - start),
    };
    if (partial) headers['content-range'] = `bytes ${start}-${end - 1}/${slice?.size ?? 0}`;
    return reply
      .code(partial ? 206 : 200)
      .headers(headers)
      .send(slice?.body ?? '');
  }

  /** Streams the log from `offset` while the run goes on; ends after the run's last bytes. */
  private async follow(runId: string, kind: LogKind, offset: number, reply: FastifyReply): Promise<void> {
    const raw = reply.raw;
    reply.hijack();
    let stopped = false;
    if (!this.streams.add(raw, () => (stopped = true))) {
      raw.writeHead(503, { 'content-type': 'application/json', connection: 'close' });
      raw.end(JSON.stringify(apiErrorBody('SERVER_STOPPING', 'the server is stopping')));
      return;
    }
    raw.on('error', () => undefined); // a client that went away; the loop below notices
    raw.writeHead(200, {
      'content-type': CONTENT_TYPE[kind],
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
    });
    let pos = offset;
    const gone = (): boolean => stopped || raw.destroyed || raw.writableEnded;
    const pump = async (): Promise<void> => {
      const { slice } = await this.c.runsApi.openLog(runId, kind, { start: pos });
      if (!slice) return;
      if (gone()) {
        slice.body.destroy();
        return;
      }
      await writeAll(slice.body, raw);
      pos = slice.end;
    };
    while (!gone()) {
      await pump();
      const current = this.c.runsApi.current(runId);
      if (!current || isTerminalRunStatus(current.status)) {
        // One last read: the node writes its final lines (and a capped log's tail) just before it reports the end.
        await pump();
        break;
      }
      await new Promise((r) => setTimeout(r, FOLLOW_POLL_MS));
    }
    if (!raw.writableEnded) raw.end();
  }

  @Post(':id/stop')
  async stop(@Param('id') id: string) {
    return { run: await this.c.runsApi.stop(id) };
  }

  @Post(':id/restart')
  @HttpCode(202)
  async restart(@Param('id') id: string) {
    const run = await this.c.runsApi.restart(id);
    return { run_id: run.id, run };
  }

  @Delete(':id')
  async delete(@Param('id') id: string) {
    return { deleted: (await this.c.runsApi.delete(id)).id };
  }
}
