import { INestApplication } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import { HttpErrorFilter } from './http-error.filter';
import { DtoValidationPipe } from './dto-validation.pipe';
import { HttpSecurityOptions, registerSecurity } from './http-security';
import { setupOpenApi } from './openapi';
import { registerSingleValueQuery } from './query-guard';

export interface HttpAppOptions {
  security: HttpSecurityOptions;
  /** The body limit given to `createFastifyAdapterOptions`, for the 413 message. */
  bodyLimitBytes?: number;
  /** Serve /api/openapi.json and /api/docs. Default true. */
  openApi?: boolean;
}

/**
 * Wires the HTTP infrastructure into a Nest app on the Fastify adapter, in the order it needs: security hooks
 * first (so they cover every route, Swagger's included), then the global filter and validation pipe, then
 * OpenAPI. Call after `NestFactory.create(module, new FastifyAdapter(createFastifyAdapterOptions(…)))` and before
 * `listen`.
 */
export function configureHttpApp(app: INestApplication, options: HttpAppOptions): void {
  const adapter = app.getHttpAdapter();
  registerSecurity(adapter.getInstance() as FastifyInstance, options.security);
  registerSingleValueQuery(adapter.getInstance() as FastifyInstance);
  app.useGlobalFilters(new HttpErrorFilter(adapter, { bodyLimit: options.bodyLimitBytes }));
  app.useGlobalPipes(new DtoValidationPipe());
  if (options.openApi !== false) setupOpenApi(app);
}
