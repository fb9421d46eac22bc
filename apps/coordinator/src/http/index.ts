export * from './api-error';
export * from './http-error.filter';
export * from './dto-validation.pipe';
export * from './http-security';
export * from './fastify-options';
export * from './openapi';
export * from './configure-http-app';
export * from './query-guard';
