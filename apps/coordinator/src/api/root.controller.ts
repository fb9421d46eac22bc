import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { PRODUCT_NAME, VERSION } from '@ccs/core';
import type { Coordinator } from '../coordinator';
import { API_OPTIONS, COORDINATOR } from './tokens';
import type { ApiServerOptions } from './api-server';
import { dashboardMissing, sendDashboardIndex } from './dashboard';

/**
 * `GET /api`: a self-describing index of the API. `GET /`: the web dashboard when it is built and served, else the
 * same index (so a fresh checkout without `make web` still answers something useful).
 */
@ApiExcludeController()
@Controller()
export class RootController {
  constructor(
    @Inject(COORDINATOR) private readonly c: Coordinator,
    @Inject(API_OPTIONS) private readonly options: ApiServerOptions,
  ) {}

  @Get()
  async root(@Res() reply: FastifyReply): Promise<void> {
    if (this.options.dashboard) return sendDashboardIndex(reply, this.options.dashboard);
    await reply.send(this.index());
  }

  @Get('api')
  index() {
    const base = this.options.publicUrl;
    return {
      name: PRODUCT_NAME,
      version: VERSION,
      mode: this.c.state.health().mode,
      base_url: base,
      dashboard: this.options.dashboard ? `${base}/` : null,
      dashboard_hint: this.options.dashboard ? null : dashboardMissing(),
      openapi: `${base}/api/openapi.json`,
      docs: `${base}/api/docs`,
      endpoints: this.options.routes().map((r) => `${r.method} ${r.url}`),
      examples: [
        `curl ${base}/api/health`,
        `curl ${base}/api/tasks`,
        `curl -X POST -H 'Content-Type: application/json' -d '{"name":"Review","prompt":"/review-pr 12"}' ${base}/api/tasks`,
        `curl -X POST ${base}/api/tasks/<id>/run`,
        `curl '${base}/api/runs/<id>/logs?follow=true'`,
      ],
    };
  }
}
