import { randomUUID } from 'node:crypto';
import { OCCURRENCE_KINDS, OccurrenceKind } from './enums';
import { asObject, nowIso, oneOf, optStr, str, timestamp } from './read';

/**
 * The trace one due schedule slot leaves: the run it created, or why no run was created. Every slot yields
 * exactly one occurrence, so no scheduled run disappears silently.
 */
export interface Occurrence {
  id: string;
  task_id: string;
  /** The slot's scheduled instant (UTC ISO). */
  scheduled_time: string;
  kind: OccurrenceKind;
  run_id: string | null;
  reason: string | null;
  created_at: string;
  [extra: string]: unknown;
}

export function normalizeOccurrence(raw: unknown, path = 'occurrence', now = nowIso()): Occurrence {
  const o = asObject(raw, path);
  return {
    ...o,
    id: str(o, 'id', path, '') || randomUUID(),
    task_id: str(o, 'task_id', path, ''),
    scheduled_time: timestamp(o, 'scheduled_time', path, now),
    kind: oneOf(o, 'kind', path, OCCURRENCE_KINDS, 'run'),
    run_id: optStr(o, 'run_id', path),
    reason: optStr(o, 'reason', path),
    created_at: timestamp(o, 'created_at', path, now),
  };
}
