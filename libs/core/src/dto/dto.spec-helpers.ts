import { DtoClass, FieldError, isDtoFailure, validateDto } from './validate-dto';

/** Test helper: the validated value, or a thrown error that shows the field errors. */
export function expectValid<T extends object>(cls: DtoClass<T>, body: unknown): T {
  const r = validateDto(cls, body);
  if (isDtoFailure(r)) throw new Error(`expected valid, got ${JSON.stringify(r.errors)}`);
  return r.value;
}

/** Test helper: the field errors, or a thrown error when the body was accepted. */
export function expectInvalid(cls: DtoClass, body: unknown): FieldError[] {
  const r = validateDto(cls, body);
  if (!isDtoFailure(r)) throw new Error(`expected errors, got ${JSON.stringify(r.value)}`);
  return r.errors;
}

/** The plain JSON a DTO instance serialises to. */
export function json(v: unknown): unknown {
  return JSON.parse(JSON.stringify(v));
}
