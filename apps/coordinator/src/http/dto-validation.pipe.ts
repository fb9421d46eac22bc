import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { DtoClass, ValidationError, isDtoClass, isDtoFailure, summarizeFieldErrors, validateDto } from '@ccs/core';

/**
 * Validates `@Body()` and `@Query()` parameters whose type is a DTO of libs/core with `validateDto`; invalid
 * input throws a ValidationError (→ 400 VALIDATION_FAILED with the field errors as `details`). Parameters of
 * other types (strings, `@Body('field')`, `@Param()`) pass through untouched, and nothing is converted
 * implicitly: query values stay strings unless the DTO field converts them (`fromQuery`).
 */
@Injectable()
export class DtoValidationPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    const source = metadata.type;
    if ((source !== 'body' && source !== 'query') || metadata.data || !isDtoClass(metadata.metatype)) return value;
    const result = validateDto(metadata.metatype as DtoClass, value, { source });
    if (isDtoFailure(result)) throw new ValidationError(summarizeFieldErrors(result.errors), result.errors);
    return result.value;
  }
}
