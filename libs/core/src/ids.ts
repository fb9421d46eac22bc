import { AmbiguousIdError, NotFoundError, ValidationError } from './errors';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** What an id or id prefix may contain before it is used anywhere, in particular in a file path. */
const ID_PREFIX_RE = /^[0-9a-fA-F-]{1,36}$/;

/**
 * A cluster node's id: what `node --node-id` accepts, what messages carry, and what its control-queue name is made
 * of (`<prefix>-node-<id>`).
 */
export const NODE_ID_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;

export function isUuid(s: string): boolean {
  return UUID_RE.test(s);
}

/** Throws unless `s` could be (a prefix of) one of our ids; keeps `../` and friends out of paths. */
export function assertIdPrefix(s: string, kind = 'id'): string {
  if (!ID_PREFIX_RE.test(s)) throw new ValidationError(`Invalid ${kind} "${s}": expected a UUID or a prefix of one`);
  return s.toLowerCase();
}

/**
 * Resolves a full id or a unique, case-insensitive prefix against a set of ids.
 * Unknown → NotFoundError; more than one match → AmbiguousIdError listing the candidates.
 */
export function resolveIdPrefix(prefix: string, ids: Iterable<string>, kind: string): string {
  const p = assertIdPrefix(prefix.trim(), kind);
  const matches: string[] = [];
  for (const id of ids) {
    const lower = id.toLowerCase();
    if (lower === p) return id;
    if (lower.startsWith(p)) matches.push(id);
  }
  if (matches.length === 1) return matches[0];
  if (matches.length === 0) throw new NotFoundError(`No ${kind} matches "${prefix}"`);
  const shown = matches.slice(0, 5).join(', ');
  throw new AmbiguousIdError(
    `${kind} prefix "${prefix}" is ambiguous: ${matches.length} ${kind}s match (${shown}${matches.length > 5 ? ', …' : ''}); give more characters`,
    { candidates: matches },
  );
}
