import { INestApplication } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptions, DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { ClassRef, FieldSpec, VERSION, getDtoClasses, getDtoFields } from '@ccs/core';

/**
 * OpenAPI for the API. The DTOs of libs/core carry no swagger decorators (libs/core must not load
 * @nestjs/swagger, see libs/core/src/dto/dto-field.ts); their `@Field` specs hold the same facts, and
 * `describeDtosForOpenApi` turns them into `@ApiProperty` metadata on the same classes. One spec per field is
 * therefore the source of the validation, its messages and the API reference, which cannot drift apart.
 */

export const OPENAPI_JSON_PATH = '/api/openapi.json';
export const SWAGGER_UI_PATH = '/api/docs';

/** The error shape, as a schema for the API reference (see `ApiErrorBody`). */
export class ApiErrorDetailsSchema {
  @ApiProperty({ description: 'Stable machine-readable code, e.g. VALIDATION_FAILED, NOT_FOUND, INTERNAL.' })
  code: string;

  @ApiProperty({ description: 'What went wrong, for people.' })
  message: string;

  @ApiProperty({
    description:
      'Depends on the code: for VALIDATION_FAILED a list of { field, message } (field is a dotted path such as ' +
      'schedule.interval_unit); for INTERNAL { error_id } (also in the server log); otherwise usually null.',
    nullable: true,
    oneOf: [{ type: 'array', items: { type: 'object' } }, { type: 'object' }],
  })
  details: unknown;
}

export class ApiErrorSchema {
  @ApiProperty({ type: () => ApiErrorDetailsSchema })
  error: ApiErrorDetailsSchema;
}

/** The `@ApiProperty` options equivalent to a field spec. */
export function apiPropertyOptions(spec: FieldSpec): ApiPropertyOptions {
  const common: ApiPropertyOptions = {
    description: spec.description,
    required: spec.required === true,
    ...(spec.nullable ? { nullable: true } : {}),
    ...(spec.example !== undefined ? { example: spec.example } : {}),
    ...(spec.defaultValue !== undefined ? { default: spec.defaultValue } : {}),
  };
  switch (spec.type) {
    case 'string':
      return {
        ...common,
        type: 'string',
        ...(spec.nonBlank ? { minLength: 1 } : {}),
        ...(spec.maxLength !== undefined ? { maxLength: spec.maxLength } : {}),
        ...(spec.pattern ? { pattern: spec.pattern.source } : {}),
        ...(spec.format === 'uuid' || spec.format === 'date-time' ? { format: spec.format } : {}),
      };
    case 'integer':
    case 'number':
      return {
        ...common,
        type: spec.type,
        ...(spec.min !== undefined ? { minimum: spec.min } : {}),
        ...(spec.max !== undefined ? { maximum: spec.max } : {}),
        ...(spec.type === 'number' && spec.exclusiveMin ? { exclusiveMinimum: true } : {}),
      };
    case 'boolean':
      return { ...common, type: 'boolean' };
    case 'enum':
      return { ...common, type: 'string', enum: [...spec.values] };
    case 'string-list':
      return {
        ...common,
        type: 'array',
        items: { type: 'string', ...(spec.nonBlankItems ? { minLength: 1 } : {}) },
        ...(spec.unique ? { uniqueItems: true } : {}),
        ...(spec.maxItems !== undefined ? { maxItems: spec.maxItems } : {}),
      };
    case 'integer-list':
      return {
        ...common,
        type: 'array',
        items: {
          type: 'integer',
          ...(spec.min !== undefined ? { minimum: spec.min } : {}),
          ...(spec.max !== undefined ? { maximum: spec.max } : {}),
        },
        ...(spec.unique ? { uniqueItems: true } : {}),
        ...(spec.maxItems !== undefined ? { maxItems: spec.maxItems } : {}),
      };
    case 'object': {
      // Swagger's object variant takes `required` as the list of required properties; `selfRequired` is ours.
      const { required, ...rest } = common as { required?: boolean };
      return { ...rest, type: 'object', additionalProperties: true, selfRequired: required === true };
    }
    case 'object-list':
      return {
        ...common,
        type: 'array',
        items: { type: 'object', additionalProperties: true },
        ...(spec.maxItems !== undefined ? { maxItems: spec.maxItems } : {}),
      };
    case 'nested':
      return {
        ...common,
        // Resolved now (all classes exist when the document is built). Passing `spec.dto` itself would not work:
        // swagger treats only nameless functions as lazy type thunks, and this one is named "dto".
        type: spec.dto(),
        ...(spec.list ? { isArray: true } : {}),
        ...(spec.maxItems !== undefined ? { maxItems: spec.maxItems } : {}),
      };
  }
}

const described = new WeakSet<ClassRef>();

/**
 * Applies `@ApiProperty` to every field of every `@Field` DTO class loaded so far (idempotent). Runs at
 * document-build time, so DTO classes declared later (e.g. by controllers) are covered too.
 */
export function describeDtosForOpenApi(): void {
  for (const cls of getDtoClasses()) {
    if (described.has(cls)) continue;
    described.add(cls);
    for (const [key, spec] of getDtoFields(cls)) {
      ApiProperty(apiPropertyOptions(spec))(cls.prototype as object, key);
    }
  }
}

/**
 * Builds the OpenAPI document from the app's controllers and serves it at GET /api/openapi.json, with Swagger UI at
 * /api/docs (its assets come through @fastify/static). Call after the app is created and before `init()`/`listen`.
 */
export function setupOpenApi(app: INestApplication): OpenAPIObject {
  describeDtosForOpenApi();
  const config = new DocumentBuilder()
    .setTitle('claude-code-scheduler API')
    .setDescription(
      'Schedule and run Claude Code CLI sessions. Errors always have the shape { "error": { "code", "message", ' +
        '"details" } }; unknown fields in request bodies are rejected.',
    )
    .setVersion(VERSION)
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'Needed when the server has an API token.' })
    .build();
  const document = SwaggerModule.createDocument(app, config, { extraModels: [ApiErrorSchema] });
  SwaggerModule.setup(SWAGGER_UI_PATH.slice(1), app, document, {
    jsonDocumentUrl: OPENAPI_JSON_PATH.slice(1),
    raw: ['json'],
    customSiteTitle: 'claude-code-scheduler API',
  });
  return document;
}
