/**
 * Request DTOs of the REST API (class-validator), their pure helpers, and `validateDto`. OpenAPI metadata is added
 * by apps/coordinator from the `@Field` specs (see dto-field.ts for why swagger is not imported here).
 */
export * from './dto-field';
export * from './validate-dto';
export * from './task.dto';
export * from './job.dto';
export * from './profile.dto';
export * from './settings.dto';
export * from './runs-query.dto';
export * from './import-job.dto';
