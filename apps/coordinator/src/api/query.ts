import { ValidationError } from '@ccs/core';

/** Query flags: `true`/`1`/`yes` and `false`/`0`/`no`; anything else is a 400, not silently false. */
export function queryFlag(value: unknown, name: string): boolean {
  if (value === undefined || value === '') return false;
  if (typeof value === 'string') {
    const v = value.toLowerCase();
    if (v === 'true' || v === '1' || v === 'yes') return true;
    if (v === 'false' || v === '0' || v === 'no') return false;
  }
  throw new ValidationError(`${name} must be true or false`, [
    { field: name, message: `${name} must be true or false` },
  ]);
}

export function queryInt(value: unknown, name: string, dflt: number, min: number, max: number): number {
  if (value === undefined || value === '') return dflt;
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ValidationError(`${name} must be a whole number from ${min} to ${max}`, [
      { field: name, message: `${name} must be a whole number from ${min} to ${max}` },
    ]);
  }
  return n;
}
