import { DtoClass, ValidationError, isDtoFailure, summarizeFieldErrors, validateDto } from '@ccs/core';

/** Validates a request body or query against a DTO class; invalid input becomes a ValidationError (HTTP 400). */
export function validated<T extends object>(cls: DtoClass<T>, input: unknown, source: 'body' | 'query' = 'body'): T {
  const result = validateDto(cls, input, { source });
  if (isDtoFailure(result)) throw new ValidationError(summarizeFieldErrors(result.errors), result.errors);
  return result.value;
}
