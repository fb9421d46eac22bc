import { ValidationError } from '../errors';

/**
 * Small typed readers used by the normalisers: they turn an unknown JSON value into a typed field or throw a
 * ValidationError that names the field path, so a bad record is reported, never silently dropped.
 */
export type Json = Record<string, unknown>;

export function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function asObject(v: unknown, path: string): Json {
  if (!isObject(v)) throw new ValidationError(`${path} must be an object`);
  return v;
}

export function str(o: Json, key: string, path: string, dflt: string): string {
  const v = o[key];
  if (v === undefined || v === null) return dflt;
  if (typeof v !== 'string') throw new ValidationError(`${path}.${key} must be a string`);
  return v;
}

export function optStr(o: Json, key: string, path: string): string | null {
  const v = o[key];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') throw new ValidationError(`${path}.${key} must be a string or null`);
  return v;
}

export function bool(o: Json, key: string, path: string, dflt: boolean): boolean {
  const v = o[key];
  if (v === undefined || v === null) return dflt;
  if (typeof v !== 'boolean') throw new ValidationError(`${path}.${key} must be true or false`);
  return v;
}

export function num(o: Json, key: string, path: string, dflt: number): number {
  const v = o[key];
  if (v === undefined || v === null) return dflt;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ValidationError(`${path}.${key} must be a number`);
  return v;
}

export function optNum(o: Json, key: string, path: string): number | null {
  const v = o[key];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new ValidationError(`${path}.${key} must be a number or null`);
  return v;
}

export function strList(o: Json, key: string, path: string): string[] {
  const v = o[key];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
    throw new ValidationError(`${path}.${key} must be a list of strings`);
  }
  return [...(v as string[])];
}

export function numList(o: Json, key: string, path: string, dflt: number[]): number[] {
  const v = o[key];
  if (v === undefined || v === null) return [...dflt];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'number')) {
    throw new ValidationError(`${path}.${key} must be a list of numbers`);
  }
  return [...(v as number[])];
}

export function oneOf<T extends string>(o: Json, key: string, path: string, allowed: readonly T[], dflt: T): T {
  const v = o[key];
  if (v === undefined || v === null) return dflt;
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    throw new ValidationError(`${path}.${key} must be one of ${allowed.join(', ')} (got ${JSON.stringify(v)})`);
  }
  return v as T;
}

export function optOneOf<T extends string>(o: Json, key: string, path: string, allowed: readonly T[]): T | null {
  const v = o[key];
  if (v === undefined || v === null) return null;
  return oneOf(o, key, path, allowed, allowed[0]);
}

/**
 * Timestamps: this edition writes ISO-8601 UTC (`…Z`). The original wrote naive local times
 * (`2025-01-01T09:00:00.123456`); those are kept verbatim (they are data), and read as local time by `toDate`.
 */
export function timestamp(o: Json, key: string, path: string, dflt: string): string {
  const v = str(o, key, path, dflt);
  if (Number.isNaN(Date.parse(v))) throw new ValidationError(`${path}.${key} is not a valid date-time: ${v}`);
  return v;
}

export function optTimestamp(o: Json, key: string, path: string): string | null {
  const v = optStr(o, key, path);
  if (v !== null && Number.isNaN(Date.parse(v))) {
    throw new ValidationError(`${path}.${key} is not a valid date-time: ${v}`);
  }
  return v;
}

/** Parses a stored timestamp; naive ISO strings (no zone) are local time, as the original meant them. */
export function toDate(iso: string): Date {
  return new Date(iso);
}

export function nowIso(now: Date = new Date()): string {
  return now.toISOString();
}
