import { Controller, Get, Inject } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { PRODUCT_NAME, VERSION } from '@ccs/core';
import type { Coordinator } from '../coordinator';
import { API_OPTIONS, COORDINATOR } from './tokens';
import type { ApiServerOptions } from './api-server';

/** `GET /`: a self-describing index of the API (the dashboard replaces it once it is built and served). */
@ApiExcludeController()
@Controller()
export class RootController {
  constructor(
    @Inject(COORDINATOR) private readonly c: Coordinator,
    @Inject(API_OPTIONS) private readonly options: ApiServerOptions,
  ) {}

  @Get()
  index() {
    const base = this.options.publicUrl;
    return {
      name: PRODUCT_NAME,
      version: VERSION,
      mode: this.c.state.health().mode,
      base_url: base,
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
