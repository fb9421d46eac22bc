import { Controller, Delete, Get, HttpCode, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ResponseCache } from './response-cache';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { isTerminalRunStatus } from '@ccs/core';
import type { Coordinator } from '../coordinator';
import { queryFlag, queryInt } from './query';
import { COORDINATOR } from './tokens';

@ApiTags('runs')
@Controller('api/runs')
export class RunsController {
  constructor(
    @Inject(COORDINATOR) private readonly c: Coordinator,
    private readonly cache: ResponseCache,
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
  async get(@Param('id') id: string) {
    return { run: await this.c.runsApi.get(id) };
  }

  /**
   * The run's log as text. `?follow=true` keeps the response open and streams new lines until the run ends.
   */
  @Get(':id/logs')
  @ApiOperation({ summary: 'The run log as text; follow=true streams until the run ends' })
  @ApiQuery({ name: 'follow', required: false, type: Boolean })
  @ApiQuery({ name: 'offset', required: false, type: Number })
  async logs(
    @Param('id') id: string,
    @Query('follow') follow: string | undefined,
    @Query('offset') offset: string | undefined,
    @Res() reply: FastifyReply,
  ) {
    const { run, text } = await this.c.runsApi.logs(id, queryInt(offset, 'offset', 0, 0, Number.MAX_SAFE_INTEGER));
    if (!queryFlag(follow, 'follow')) {
      return reply.type('text/plain; charset=utf-8').send(text ?? '');
    }
    const raw = reply.raw;
    reply.hijack();
    raw.writeHead(200, {
      'content-type': 'text/plain; charset=utf-8',
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
    });
    let pos = queryInt(offset, 'offset', 0, 0, Number.MAX_SAFE_INTEGER);
    let closed = false;
    raw.on('close', () => (closed = true));
    const pump = async (): Promise<void> => {
      while (!closed) {
        const chunk = await this.c.context.logs.read(run.id, 'log', pos);
        if (chunk) {
          pos += Buffer.byteLength(chunk);
          raw.write(chunk);
        }
        const current = this.c.context.store.runs.get(run.id);
        if (!current || isTerminalRunStatus(current.status)) {
          // One last read: the node writes its final lines just before it reports the end.
          const tail = await this.c.context.logs.read(run.id, 'log', pos);
          if (tail) raw.write(tail);
          break;
        }
        await new Promise((r) => setTimeout(r, 200));
      }
      raw.end();
    };
    await pump();
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
