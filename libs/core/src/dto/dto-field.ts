import { ValidateBy, ValidateIf, ValidateNested, ValidationArguments } from 'class-validator';

/**
 * `@Field(spec)`: one decorator per DTO property that states the field's type, range, presence and documentation
 * once. From that single spec it
 *  - registers class-validator checks (so a DTO is an ordinary class-validator class), with ONE message per field
 *    that tells the user what a valid value looks like ("retry.max_attempts must be an integer from 0 to 10");
 *  - records the spec in a registry that `validateDto` uses to build nested instances and that the coordinator
 *    turns into OpenAPI `@ApiProperty` metadata.
 *
 * Why not `@ApiProperty` here: importing @nestjs/swagger is not side-effect free for this library — it loads
 * `reflect-metadata` (a global polyfill), @nestjs/core and js-yaml, and costs about a second at start-up, in a
 * library that the CLI client and the node runtime also load. libs/core therefore keeps the documentation as plain
 * data and apps/coordinator applies `ApiProperty` from it when it builds the OpenAPI document.
 *
 * Why not class-transformer's `@Type`: it calls `Reflect.getMetadata` at decoration time, i.e. it requires the
 * `reflect-metadata` polyfill to be loaded by whoever imports libs/core. The registry already knows each nested
 * class, so `validateDto` builds instances itself and no implicit conversion can sneak in.
 */

/** Field kinds. Values are never converted implicitly: `"5"` is not an integer. */
export type FieldKind =
  | {
      type: 'string';
      /** Rejects '' and whitespace-only strings. */
      nonBlank?: boolean;
      maxLength?: number;
      pattern?: RegExp;
      /** What a matching value is, for messages: "a git branch name such as …" (defaults to the pattern). */
      patternHint?: string;
      format?: 'uuid' | 'date-time' | 'timezone';
    }
  | { type: 'integer'; min?: number; max?: number }
  | { type: 'number'; min?: number; max?: number; /** `min` itself is not allowed. */ exclusiveMin?: boolean }
  | { type: 'boolean' }
  | { type: 'enum'; values: readonly string[] }
  | { type: 'string-list'; nonBlankItems?: boolean; unique?: boolean; maxItems?: number }
  | { type: 'integer-list'; min?: number; max?: number; unique?: boolean; maxItems?: number }
  /** A free-form JSON object (e.g. an env var's source options, an imported record). */
  | { type: 'object' }
  /** A list of free-form JSON objects. */
  | { type: 'object-list'; maxItems?: number }
  /** A nested DTO (`list: true` for a list of them); unknown fields inside are rejected too. */
  | { type: 'nested'; dto: () => DtoConstructor; list?: boolean; maxItems?: number };

export interface FieldPresence {
  /** Absent → "x is required". Default false: the field may be omitted. */
  required?: boolean;
  /** null is a valid value (it means "clear" / "use the default"). Default false: null is rejected. */
  nullable?: boolean;
}

export interface FieldDocs {
  /** For the API reference. */
  description: string;
  example?: unknown;
  /** The value used when the field is omitted, for the API reference only (the service applies it). */
  defaultValue?: unknown;
  /**
   * Replaces the generated message when the value is missing, null or a string that is not acceptable — for fields
   * where a hint helps more (e.g. prompt). A value of another JSON type still gets "x must be …".
   */
  message?: string;
  /**
   * The value comes from a query string: a string of digits becomes an integer/number and "true"/"false" a
   * boolean, before validation. Anything else is left as is, so it fails with the field's message.
   */
  fromQuery?: boolean;
}

export type FieldSpec = FieldKind & FieldPresence & FieldDocs;

/** Any DTO class: constructible without arguments. */
export type DtoConstructor<T extends object = object> = new () => T;

/** A class of any shape, as found in `target.constructor` and in Nest's parameter metadata. */
export type ClassRef = abstract new (...args: never[]) => unknown;

/**
 * A reference to a stored item by id: a UUID or a unique prefix of one (resolved by the service). The pattern also
 * keeps `../` and friends out of anything that might end up in a path.
 */
export const ID_REF = {
  type: 'string',
  pattern: /^[0-9a-fA-F-]{1,36}$/,
  patternHint: 'an id (a UUID or a unique prefix of one)',
} as const;

/** Name of the class-validator constraint registered by `@Field`; `validateDto` prefers its message. */
export const FIELD_CONSTRAINT = 'ccsField';

const registry = new Map<ClassRef, Map<string, FieldSpec>>();

/**
 * The fields of a DTO class, including inherited ones (a subclass's spec for the same name wins), in declaration
 * order.
 */
export function getDtoFields(cls: ClassRef): ReadonlyMap<string, FieldSpec> {
  const chain: ClassRef[] = [];
  for (let c: unknown = cls; typeof c === 'function' && c !== Function.prototype; c = Object.getPrototypeOf(c)) {
    chain.unshift(c as ClassRef);
  }
  const out = new Map<string, FieldSpec>();
  for (const c of chain) for (const [k, v] of registry.get(c) ?? []) out.set(k, v);
  return out;
}

/** Every class that has at least one `@Field` (used to describe all DTOs for OpenAPI). */
export function getDtoClasses(): ClassRef[] {
  return [...registry.keys()];
}

/** True when `cls` is a DTO declared with `@Field`. */
export function isDtoClass(cls: unknown): cls is DtoConstructor {
  return typeof cls === 'function' && getDtoFields(cls as ClassRef).size > 0;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function range(min: number | undefined, max: number | undefined, exclusiveMin = false): string {
  if (min !== undefined && max !== undefined && !exclusiveMin) return ` from ${min} to ${max}`;
  const parts: string[] = [];
  if (min !== undefined) parts.push(exclusiveMin ? `greater than ${min}` : `at least ${min}`);
  if (max !== undefined) parts.push(`at most ${max}`);
  if (!parts.length) return '';
  return `${exclusiveMin && min !== undefined ? '' : ' of'} ${parts.join(' and ')}`;
}

/** What a valid value looks like, e.g. "an integer from 0 to 10". Used in messages and docs. */
export function describeField(spec: FieldKind): string {
  switch (spec.type) {
    case 'string': {
      if (spec.format === 'uuid') return 'a UUID';
      if (spec.format === 'date-time') return 'an ISO 8601 date-time such as 2026-01-31T09:00:00Z';
      if (spec.format === 'timezone') return 'an IANA time zone name such as Europe/Amsterdam';
      if (spec.patternHint) {
        return spec.maxLength !== undefined
          ? `${spec.patternHint} (at most ${spec.maxLength} characters)`
          : spec.patternHint;
      }
      let s = spec.nonBlank ? 'a non-empty string' : 'a string';
      if (spec.maxLength !== undefined) s += ` of at most ${spec.maxLength} characters`;
      if (spec.pattern) s += ` matching ${spec.pattern.source}`;
      return s;
    }
    case 'integer':
      return `an integer${range(spec.min, spec.max)}`;
    case 'number':
      return `a number${range(spec.min, spec.max, spec.exclusiveMin)}`;
    case 'boolean':
      return 'true or false';
    case 'enum':
      return `one of: ${spec.values.join(', ')}`;
    case 'string-list':
      return `a list of ${spec.unique ? 'distinct ' : ''}${spec.nonBlankItems ? 'non-empty ' : ''}strings${
        spec.maxItems !== undefined ? ` (at most ${spec.maxItems})` : ''
      }`;
    case 'integer-list':
      return `a list of ${spec.unique ? 'distinct ' : ''}integers${range(spec.min, spec.max)}${
        spec.maxItems !== undefined ? ` (at most ${spec.maxItems} items)` : ''
      }`;
    case 'object':
      return 'a JSON object';
    case 'object-list':
      return 'a list of JSON objects';
    case 'nested':
      return spec.list
        ? `a list of objects${spec.maxItems !== undefined ? ` (at most ${spec.maxItems})` : ''}`
        : 'an object';
  }
}

function isTimeZone(v: string): boolean {
  try {
    // Intl is pure (no I/O): it knows the IANA zones compiled into the runtime.
    new Intl.DateTimeFormat('en-US', { timeZone: v });
    return true;
  } catch {
    return false;
  }
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Date-time with a date part; Date.parse alone accepts "1" or "Tuesday".
// A date, or a date and a time; Date.parse alone accepts "1" or "Tuesday". Two flat patterns instead of one with
// nested optional groups (which the unsafe-regex lint rightly distrusts).
const DATE_TIME_START_RE = /^\d{4}-\d{2}-\d{2}(?:$|[T ]\d{2}:\d{2})/;
const DATE_TIME_CHARS_RE = /^[\dT:.+Z -]{10,40}$/;

function isInt(v: unknown, min?: number, max?: number): boolean {
  return (
    typeof v === 'number' && Number.isInteger(v) && (min === undefined || v >= min) && (max === undefined || v <= max)
  );
}

function isUniqueList(v: unknown[]): boolean {
  return new Set(v).size === v.length;
}

/** Whether a present, non-null value satisfies the kind. */
export function fieldValueIsValid(spec: FieldKind, v: unknown): boolean {
  switch (spec.type) {
    case 'string':
      if (typeof v !== 'string') return false;
      if (spec.nonBlank && v.trim() === '') return false;
      if (spec.maxLength !== undefined && v.length > spec.maxLength) return false;
      if (spec.pattern && !spec.pattern.test(v)) return false;
      if (spec.format === 'uuid') return UUID_RE.test(v);
      if (spec.format === 'date-time') {
        return DATE_TIME_START_RE.test(v) && DATE_TIME_CHARS_RE.test(v) && !Number.isNaN(Date.parse(v));
      }
      if (spec.format === 'timezone') return isTimeZone(v);
      return true;
    case 'integer':
      return isInt(v, spec.min, spec.max);
    case 'number':
      return (
        typeof v === 'number' &&
        Number.isFinite(v) &&
        (spec.min === undefined || (spec.exclusiveMin ? v > spec.min : v >= spec.min)) &&
        (spec.max === undefined || v <= spec.max)
      );
    case 'boolean':
      return typeof v === 'boolean';
    case 'enum':
      return typeof v === 'string' && spec.values.includes(v);
    case 'string-list':
      return (
        Array.isArray(v) &&
        v.every((x) => typeof x === 'string' && (!spec.nonBlankItems || x.trim() !== '')) &&
        (!spec.unique || isUniqueList(v)) &&
        (spec.maxItems === undefined || v.length <= spec.maxItems)
      );
    case 'integer-list':
      return (
        Array.isArray(v) &&
        v.every((x) => isInt(x, spec.min, spec.max)) &&
        (!spec.unique || isUniqueList(v)) &&
        (spec.maxItems === undefined || v.length <= spec.maxItems)
      );
    case 'object':
      return isPlainObject(v);
    case 'object-list':
      return Array.isArray(v) && v.every(isPlainObject) && (spec.maxItems === undefined || v.length <= spec.maxItems);
    case 'nested':
      if (!spec.list) return isPlainObject(v);
      return Array.isArray(v) && v.every(isPlainObject) && (spec.maxItems === undefined || v.length <= spec.maxItems);
  }
}

function fieldMessage(spec: FieldSpec, property: string, value: unknown): string {
  if (spec.message && (value === undefined || value === null || typeof value === 'string')) return spec.message;
  if (value === undefined) return `${property} is required (${describeField(spec)})`;
  const what = `${describeField(spec)}${spec.nullable ? ', or null' : ''}`;
  if (value === null) return `${property} must be ${what} (null is not allowed)`;
  return `${property} must be ${what}`;
}

/** Declares a DTO field; see the top of this file. */
export function Field(spec: FieldSpec): PropertyDecorator {
  return (target: object, key: string | symbol) => {
    if (typeof key !== 'string') throw new TypeError('@Field() needs a string property name');
    const cls = target.constructor as ClassRef;
    let fields = registry.get(cls);
    if (!fields) registry.set(cls, (fields = new Map<string, FieldSpec>()));
    fields.set(key, spec);

    if (!spec.required) {
      // Omitted is fine; null only where the model allows it. (class-validator's @IsOptional() would let null
      // through for every field, e.g. `"name": null` on an update.)
      ValidateIf((o: Record<string, unknown>) => o[key] !== undefined && !(spec.nullable && o[key] === null))(
        target,
        key,
      );
    } else if (spec.nullable) {
      ValidateIf((o: Record<string, unknown>) => o[key] !== null)(target, key);
    }
    ValidateBy(
      {
        name: FIELD_CONSTRAINT,
        validator: {
          validate: (value: unknown) => value !== undefined && value !== null && fieldValueIsValid(spec, value),
          defaultMessage: (args?: ValidationArguments) => fieldMessage(spec, args?.property ?? key, args?.value),
        },
      },
      {},
    )(target, key);
    if (spec.type === 'nested') ValidateNested({ each: spec.list === true })(target, key);
  };
}

/** Converts a query-string value the way `fromQuery` promises; anything unexpected is returned unchanged. */
export function fromQueryString(spec: FieldKind, v: unknown): unknown {
  if (typeof v !== 'string') return v;
  if (spec.type === 'integer' && /^-?\d{1,15}$/.test(v)) return Number(v);
  if (spec.type === 'number' && (/^-?\d{1,15}$/.test(v) || /^-?\d{1,15}\.\d{1,15}$/.test(v))) return Number(v);
  if (spec.type === 'boolean' && (v === 'true' || v === 'false')) return v === 'true';
  return v;
}

/** Own fields of a (validated) DTO without the `undefined` ones, as a plain object; `{}` for undefined. */
export function definedFields<T extends object>(o: T | undefined): Partial<T> {
  const out: Record<string, unknown> = {};
  if (o) for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out as Partial<T>;
}
