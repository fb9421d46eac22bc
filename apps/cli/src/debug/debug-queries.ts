import { AmbiguousIdError, NotFoundError, Profile, Run, Task, resolveIdPrefix, toDate } from '@ccs/core';

/** Pure lookups and orderings behind the `debug` commands. */

const ID_PREFIX_RE = /^[0-9a-fA-F-]{1,36}$/;

function time(iso: string | null): number {
  if (iso === null) return Number.NEGATIVE_INFINITY;
  const t = toDate(iso).getTime();
  return Number.isNaN(t) ? Number.NEGATIVE_INFINITY : t;
}

/** Newest first by scheduled_time (ties: newest start), at most `limit`. */
export function runsNewestFirst(runs: readonly Run[], limit = Infinity): Run[] {
  return [...runs]
    .sort(
      (a, b) =>
        time(b.scheduled_time) - time(a.scheduled_time) ||
        time(b.start_time) - time(a.start_time) ||
        a.id.localeCompare(b.id),
    )
    .slice(0, limit);
}

/**
 * An item by full id, unique id prefix, or (failing those) exact name, case-insensitive. Names are not unique, so
 * a name shared by several items is ambiguous and lists their ids.
 */
function findByIdOrName<T extends { id: string; name: string }>(items: readonly T[], ref: string, kind: string): T {
  const wanted = ref.trim();
  if (wanted === '') throw new NotFoundError(`No ${kind} matches an empty ${kind} reference`);
  if (ID_PREFIX_RE.test(wanted)) {
    try {
      const id = resolveIdPrefix(
        wanted,
        items.map((i) => i.id),
        kind,
      );
      return items.find((i) => i.id === id)!;
    } catch (err) {
      // A hex-looking word may still be a name ("cafe"); only "not found" falls through to names.
      if (!(err instanceof NotFoundError)) throw err;
    }
  }
  const byName = items.filter((i) => i.name.toLowerCase() === wanted.toLowerCase());
  if (byName.length === 1) return byName[0];
  if (byName.length > 1) {
    throw new AmbiguousIdError(
      `${byName.length} ${kind}s are named "${wanted}" (${byName.map((i) => i.id).join(', ')}); use an id`,
      { candidates: byName.map((i) => i.id) },
    );
  }
  throw new NotFoundError(`No ${kind} matches "${wanted}" (by id, id prefix or name)`);
}

export function findTask(tasks: readonly Task[], ref: string): Task {
  return findByIdOrName(tasks, ref, 'task');
}

export function findProfile(profiles: readonly Profile[], ref: string): Profile {
  return findByIdOrName(profiles, ref, 'profile');
}

/** A run id from a full id or unique prefix among `ids` (runs and log files together). */
export function resolveRunId(ids: Iterable<string>, ref: string): string {
  return resolveIdPrefix(ref, new Set([...ids].map((i) => i.toLowerCase())), 'run');
}

/** Human summary of a task's schedule, e.g. `calendar weekly Mon,Tue at 10:00`. */
export function scheduleSummary(task: Task): string {
  const s = task.schedule;
  const tz = s.timezone ? ` (${s.timezone})` : '';
  switch (s.schedule_type) {
    case 'manual':
    case 'startup':
    case 'sequential':
      return s.schedule_type;
    case 'file_watch':
      return `file_watch ${s.watch_directory ?? '~'}${s.watch_recursive ? ' (recursive)' : ''}, debounce ${s.watch_debounce_seconds}s`;
    case 'interval':
      if (s.interval_type === 'cron') return `cron "${s.interval_cron ?? '* * * * *'}"${tz}`;
      if (s.interval_type === 'simple') return `every ${s.interval_preset ?? '?'}`;
      return `every ${s.interval_value ?? 1} ${s.interval_unit ?? 'minutes'}`;
    case 'calendar': {
      const at = s.calendar_time ?? '00:00';
      const days = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
      if (s.calendar_frequency === 'weekly') {
        const on = (s.calendar_days_of_week.length ? s.calendar_days_of_week : [0]).map((d) => days[d] ?? `?${d}`);
        return `weekly ${on.join(',')} at ${at}${tz}`;
      }
      if (s.calendar_frequency === 'monthly') return `monthly on day ${s.calendar_day_of_month ?? 1} at ${at}${tz}`;
      return `daily at ${at}${tz}`;
    }
  }
}
