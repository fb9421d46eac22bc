import { Body, Controller, Get, Inject, Put, Patch, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ResponseCache } from './response-cache';
import { ApiBody, ApiTags } from '@nestjs/swagger';
import { UpdateSettingsDto } from '@ccs/core';
import type { Coordinator } from '../coordinator';
import { COORDINATOR } from './tokens';

@ApiTags('state')
@Controller('api')
export class SystemController {
  constructor(
    @Inject(COORDINATOR) private readonly c: Coordinator,
    private readonly cache: ResponseCache,
  ) {}

  @Get('health')
  health() {
    return this.c.state.health();
  }

  @Get('state')
  state(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.cache.send(req, reply, () => this.c.state.state());
  }

  @Get('scheduler')
  scheduler() {
    return { scheduler: this.c.state.scheduler() };
  }

  @Get('stats')
  stats() {
    return this.c.state.stats();
  }

  @Get('nodes')
  nodes() {
    const nodes = this.c.context.store.nodes.list();
    return { nodes, count: nodes.length };
  }

  @Get('settings')
  settings() {
    return { settings: this.c.settings.get() };
  }

  @Put('settings')
  @ApiBody({ type: UpdateSettingsDto })
  async putSettings(@Body() body: unknown) {
    return { settings: await this.c.settings.update(body) };
  }

  @Patch('settings')
  @ApiBody({ type: UpdateSettingsDto })
  async patchSettings(@Body() body: unknown) {
    return { settings: await this.c.settings.update(body) };
  }
}
