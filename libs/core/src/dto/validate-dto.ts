import { ValidationError as ClassValidatorError, validateSync } from 'class-validator';
import { ClassRef, DtoConstructor, FIELD_CONSTRAINT, fromQueryString, getDtoFields } from './dto-field';

/** One problem with one field of a request, e.g. `{ field: 'schedule.interval_unit', message: '…' }`. */
export interface FieldError {
  /** Dotted path into the input; list items as `env_vars[2].name`; `body`/`query` for the input as a whole. */
  field: string;
  /** A sentence the user can act on; it starts with the field path. */
  message: string;
}

export type DtoResult<T> = { value: T } | { errors: FieldError[] };

/**
 * A DTO class, optionally with two pure static hooks that `validateDto` calls:
 * `preprocess` rewrites the raw input first (legacy aliases, a bare array for `{ task_order }`), and `crossCheck`
 * reports problems that span fields once every field is valid on its own.
 */
export interface DtoClass<T extends object = object> extends DtoConstructor<T> {
  preprocess?(raw: unknown): unknown;
  crossCheck?(value: T): FieldError[];
}

export interface ValidateDtoOptions {
  /** What the input is called in messages about the input as a whole. Default `body`. */
  source?: 'body' | 'query' | 'message';
  /**
   * `reject` (default, for API requests): a field the DTO does not declare is an error. `keep`: undeclared fields
   * are neither checked nor removed — for messages between processes of different versions, where a newer sender's
   * extra fields must reach the handler unchanged (tolerant reader); the declared ones are still checked strictly.
   */
  unknownFields?: 'reject' | 'keep';
}

/**
 * Fields that exist on the stored records but are owned by the server. Sending one gets a message that says so,
 * instead of a bare "unknown field".
 */
const SERVER_MANAGED_HINTS: Record<string, string> = {
  id: 'ids are assigned by the server',
  created_at: 'timestamps are set by the server',
  updated_at: 'timestamps are set by the server',
  last_session_id: 'it is recorded from the last run; use session_mode to choose how the next run starts',
  last_run_status: 'it is recorded from the last run',
  status: "a job's status follows its runs; use POST /api/jobs/{id}/run or POST /api/jobs/{id}/stop",
  status_reason: 'it is set by the server together with the status',
};

/**
 * Names that would reach an object's prototype machinery when copied onto a class instance. JSON.parse creates them
 * as ordinary own keys; the HTTP layer already refuses `__proto__`, this keeps the pure helper safe on its own.
 */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function joinPath(parent: string, prop: string): string {
  if (/^\d+$/.test(prop)) return `${parent}[${prop}]`;
  return parent ? `${parent}.${prop}` : prop;
}

/**
 * Deepest nesting a request may have. Real bodies need about 5 levels (a job import: tasks[i].schedule.…); JSON
 * nested thousands deep is legal and parses, but would overflow the stack of recursive code further on (a 500,
 * found by the fuzz drill in test/drills), so it is refused up front.
 */
export const MAX_INPUT_DEPTH = 32;

type WalkStep = { visit: unknown; path: string; depth: number } | { error: FieldError };

/**
 * Forbidden keys anywhere in the input, in document order, or the one place nested deeper than MAX_INPUT_DEPTH.
 * An explicit stack instead of recursion, so no input can exhaust the call stack here.
 */
function checkStructure(input: unknown, source: string): FieldError[] {
  const out: FieldError[] = [];
  const stack: WalkStep[] = [{ visit: input, path: '', depth: 0 }];
  while (stack.length > 0) {
    const step = stack.pop()!;
    if ('error' in step) {
      out.push(step.error);
      continue;
    }
    const { visit: v, path, depth } = step;
    if (typeof v !== 'object' || v === null) continue;
    if (depth > MAX_INPUT_DEPTH) {
      const where = path || source;
      return [{ field: where, message: `${where} is nested more than ${MAX_INPUT_DEPTH} levels deep` }];
    }
    const children: WalkStep[] = [];
    if (Array.isArray(v))
      v.forEach((x, i) => children.push({ visit: x, path: joinPath(path, String(i)), depth: depth + 1 }));
    else {
      for (const [k, x] of Object.entries(v)) {
        const p = joinPath(path, k);
        children.push(
          FORBIDDEN_KEYS.has(k)
            ? { error: { field: p, message: `${p} is not allowed as a field name` } }
            : { visit: x, path: p, depth: depth + 1 },
        );
      }
    }
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
  }
  return out;
}

function kindOf(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  return `a ${typeof v}`;
}

/** Copies a plain object onto a new DTO instance, recursing into nested DTOs. No implicit conversion. */
function toInstance(cls: DtoConstructor, plain: Record<string, unknown>): object {
  const instance = new cls() as Record<string, unknown>;
  // With ES2022 class fields every declared property starts as an own `undefined`; drop those so the instance's
  // own keys are exactly the input's (plus real defaults such as a query's `limit`), which the merge helpers rely on.
  for (const key of Object.keys(instance)) {
    if (instance[key] === undefined && !Object.hasOwn(plain, key)) delete instance[key];
  }
  const fields = getDtoFields(cls);
  for (const [key, raw] of Object.entries(plain)) {
    const spec = fields.get(key);
    let value = spec?.fromQuery ? fromQueryString(spec, raw) : raw;
    if (spec?.type === 'nested') {
      const sub = spec.dto();
      if (spec.list && Array.isArray(value))
        value = (value as unknown[]).map((x) => (isPlainObject(x) ? toInstance(sub, x) : x));
      else if (!spec.list && isPlainObject(value)) value = toInstance(sub, value);
    }
    Object.defineProperty(instance, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return instance;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return row[b.length];
}

function unknownFieldMessage(path: string, name: string, target: unknown): string {
  const hint = SERVER_MANAGED_HINTS[name];
  if (hint) return `${path} cannot be set here: ${hint}`;
  const known = target && typeof target === 'object' ? [...getDtoFields(target.constructor as ClassRef).keys()] : [];
  const close = known
    .map((k) => ({ k, d: k.toLowerCase() === name.toLowerCase() ? 0 : editDistance(k, name) }))
    .filter((x) => x.d <= 2)
    .sort((x, y) => x.d - y.d)[0];
  if (close) return `${path} is not a known field; did you mean "${close.k}"?`;
  return known.length
    ? `${path} is not a known field (known fields: ${known.join(', ')})`
    : `${path} is not a known field`;
}

function pickMessage(e: ClassValidatorError, path: string): string {
  const c = e.constraints ?? {};
  const entries = Object.entries(c);
  // @Field's message describes the whole field; class-validator's generic "nested property … must be either object
  // or array" only repeats it.
  const message =
    c[FIELD_CONSTRAINT] ??
    entries.find(([name]) => name !== 'nestedValidation')?.[1] ??
    entries[0]?.[1] ??
    `${e.property} is invalid`;
  // Messages start with the property's own name; give the whole path so nested errors are unambiguous.
  return message.startsWith(e.property) ? path + message.slice(e.property.length) : message;
}

function flatten(errors: ClassValidatorError[], parent: string, out: FieldError[], parentReported = false): void {
  for (const e of errors) {
    const path = joinPath(parent, e.property);
    const names = Object.keys(e.constraints ?? {});
    // A list item that is not an object: the list's own message already says "a list of objects".
    const redundant = parentReported && names.length === 1 && names[0] === 'nestedValidation';
    if (e.constraints?.['whitelistValidation']) {
      out.push({ field: path, message: unknownFieldMessage(path, e.property, e.target) });
    } else if (names.length && !redundant) {
      out.push({ field: path, message: pickMessage(e, path) });
    }
    if (e.children?.length) flatten(e.children, path, out, names.length > 0);
  }
}

/**
 * Validates untrusted input (a parsed JSON body or a query object) against a DTO class. Pure and synchronous.
 *
 * Unknown fields are rejected (with a "did you mean" hint) unless `unknownFields: 'keep'`, values are never converted implicitly (except fields
 * marked `fromQuery`), and every problem comes back as a `FieldError` with a dotted path. On success `value` is an
 * instance of `cls` holding exactly the fields the input had (plus class defaults such as a query's `limit`).
 */
export function validateDto<T extends object>(
  cls: DtoClass<T>,
  input: unknown,
  options: ValidateDtoOptions = {},
): DtoResult<T> {
  const source = options.source ?? 'body';
  const structural = checkStructure(input, source);
  if (structural.length) return { errors: structural };
  const raw = cls.preprocess ? cls.preprocess(input) : input;
  if (!isPlainObject(raw)) {
    const what = source === 'body' ? 'the request body' : `the ${source}`;
    return { errors: [{ field: source, message: `${what} must be a JSON object (got ${kindOf(raw)})` }] };
  }

  const instance = toInstance(cls, raw) as T;
  const errors: FieldError[] = [];
  const strict = (options.unknownFields ?? 'reject') === 'reject';
  flatten(
    validateSync(instance, {
      whitelist: strict,
      forbidNonWhitelisted: strict,
      forbidUnknownValues: true,
      validationError: { target: true, value: true },
    }),
    '',
    errors,
  );
  if (errors.length === 0 && cls.crossCheck) errors.push(...cls.crossCheck(instance));
  return errors.length ? { errors } : { value: instance };
}

/** Narrowing helper: `if (isDtoFailure(r)) … r.errors`. */
export function isDtoFailure<T>(r: DtoResult<T>): r is { errors: FieldError[] } {
  return 'errors' in r;
}

/** One line summing up a failed validation, for error messages and logs. */
export function summarizeFieldErrors(errors: readonly FieldError[]): string {
  if (errors.length === 0) return 'Invalid request';
  const first = errors[0].message;
  return errors.length === 1
    ? first
    : `${first} (and ${errors.length - 1} more problem${errors.length > 2 ? 's' : ''})`;
}
