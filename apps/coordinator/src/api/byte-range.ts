/** A byte range [start, end) of a resource, as a `Range` header asked for it. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Reads a `Range: bytes=…` header against a resource of `size` bytes (RFC 9110 §14.1.2): `bytes=a-b`, `bytes=a-`
 * and the suffix form `bytes=-n`. Returns the range (end clamped to the size), `'unsatisfiable'` when it starts
 * at or past the end (→ 416), or null when the header is absent, malformed, names another unit or several
 * ranges — the RFC lets a server ignore those and answer the whole resource.
 */
export function parseByteRange(header: string | undefined, size: number): ByteRange | 'unsatisfiable' | null {
  if (header === undefined) return null;
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!m || (m[1] === '' && m[2] === '')) return null;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (!Number.isSafeInteger(suffix)) return null;
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size };
  }
  const start = Number(m[1]);
  const last = m[2] === '' ? null : Number(m[2]);
  if (!Number.isSafeInteger(start) || (last !== null && (!Number.isSafeInteger(last) || last < start))) return null;
  if (start >= size) return 'unsatisfiable';
  return { start, end: last === null ? size : Math.min(size, last + 1) };
}
