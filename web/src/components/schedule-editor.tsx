'use client';
import { useMemo } from 'react';
import { formatLocal } from '@/lib/format';
import {
  CATCHUP_LABELS,
  INTERVAL_PRESETS,
  OVERLAP_LABELS,
  SCHEDULE_KINDS,
  WEEKDAYS,
  previewSchedule,
  withScheduleType,
} from '@/lib/schedule';
import type { FireTime, ScheduleConfig } from '@/lib/types';
import { Field, Segmented, cx } from './ui';

export interface ScheduleEditorProps {
  value: ScheduleConfig;
  onChange: (next: ScheduleConfig) => void;
  /** Sequential schedules need a job. */
  hasJob: boolean;
  /** Errors from the API, keyed `schedule.<field>`. */
  errors?: Record<string, string>;
  /** The server's preview of the saved schedule; when null the preview is computed here. */
  serverPreview?: FireTime[] | null;
  defaultTimezone: string;
  /** The task's created_at (fixed-interval grids start there). */
  anchor?: Date;
  now?: Date;
}

const num = (v: string): number | null => (v.trim() === '' || Number.isNaN(Number(v)) ? null : Number(v));

/**
 * One editor per schedule kind (manual, startup, calendar, interval preset/custom/cron, file watch, sequential),
 * the overlap and catch-up policies, and a preview of the next five fire times. The preview is the scheduler's
 * own math run in the browser, so it is exact before saving; after saving, the server's answer is shown.
 */
export function ScheduleEditor({
  value: s,
  onChange,
  hasJob,
  errors = {},
  serverPreview,
  defaultTimezone,
  anchor,
  now,
}: ScheduleEditorProps) {
  const preview = useMemo(
    () => previewSchedule(s, { defaultTimezone, anchor, now }),
    [s, defaultTimezone, anchor, now],
  );
  const set = (p: Partial<ScheduleConfig>): void => onChange({ ...s, ...p });
  const err = (f: string): string | undefined => errors[`schedule.${f}`] ?? preview.problems[`schedule.${f}`];
  const zones = useMemo(() => {
    try {
      return (Intl as unknown as { supportedValuesOf(k: string): string[] }).supportedValuesOf('timeZone');
    } catch {
      return [];
    }
  }, []);
  const fires = serverPreview ?? preview.fires;
  const zoneMatters = s.schedule_type === 'calendar' || (s.schedule_type === 'interval' && s.interval_type === 'cron');

  return (
    <fieldset className="schedule-editor">
      <legend>Schedule</legend>
      <Segmented
        label="Schedule type"
        value={s.schedule_type}
        onChange={(type) => onChange(withScheduleType(s, type))}
        options={SCHEDULE_KINDS.map((k) => {
          const disabled = k.type === 'sequential' && !hasJob;
          return {
            value: k.type,
            label: k.label,
            disabled,
            title: disabled ? 'Sequential tasks belong to a job: choose a job first' : k.hint,
          };
        })}
      />
      {err('schedule_type') && (
        <div className="field-error" role="alert">
          {err('schedule_type')}
        </div>
      )}

      {s.schedule_type === 'calendar' && (
        <div className="grid-2">
          <Field label="Repeat" error={err('calendar_frequency')}>
            {(p) => (
              <select
                {...p}
                value={s.calendar_frequency ?? ''}
                onChange={(e) =>
                  set({ calendar_frequency: (e.target.value || null) as ScheduleConfig['calendar_frequency'] })
                }
              >
                <option value="daily">Daily</option>
                <option value="weekly">Weekly</option>
                <option value="monthly">Monthly</option>
              </select>
            )}
          </Field>
          <Field label="At (time of day)" error={err('calendar_time')}>
            {(p) => (
              <input
                {...p}
                type="time"
                value={(s.calendar_time ?? '').slice(0, 5)}
                onChange={(e) => set({ calendar_time: e.target.value || null })}
              />
            )}
          </Field>
          {s.calendar_frequency === 'weekly' && (
            <div className="field span-2">
              <span className="label" id="weekdays-label">
                On days
              </span>
              <div className="weekdays" role="group" aria-labelledby="weekdays-label">
                {WEEKDAYS.map((d, i) => {
                  const on = s.calendar_days_of_week.includes(i);
                  return (
                    <label key={d} className={cx('chip', on && 'on')}>
                      <input
                        type="checkbox"
                        checked={on}
                        onChange={() =>
                          set({
                            calendar_days_of_week: on
                              ? s.calendar_days_of_week.filter((x) => x !== i)
                              : [...s.calendar_days_of_week, i].sort((a, b) => a - b),
                          })
                        }
                      />
                      {d}
                    </label>
                  );
                })}
              </div>
              {s.calendar_days_of_week.length === 0 && <div className="hint">No day chosen: runs on Mondays.</div>}
              {err('calendar_days_of_week') && <div className="field-error">{err('calendar_days_of_week')}</div>}
            </div>
          )}
          {s.calendar_frequency === 'monthly' && (
            <Field
              label="Day of month"
              error={err('calendar_day_of_month')}
              hint="Months without this day are skipped."
            >
              {(p) => (
                <input
                  {...p}
                  type="number"
                  min={1}
                  max={31}
                  value={s.calendar_day_of_month ?? ''}
                  onChange={(e) => set({ calendar_day_of_month: num(e.target.value) })}
                />
              )}
            </Field>
          )}
        </div>
      )}

      {s.schedule_type === 'interval' && (
        <>
          <Segmented
            label="Interval kind"
            small
            value={s.interval_type}
            options={[
              { value: 'simple', label: 'Preset' },
              { value: 'custom', label: 'Custom' },
              { value: 'cron', label: 'Cron' },
            ]}
            onChange={(t) =>
              set({
                interval_type: t,
                interval_preset: t === 'simple' ? (s.interval_preset ?? '1 hour') : s.interval_preset,
                interval_value: t === 'custom' ? (s.interval_value ?? 30) : s.interval_value,
                interval_unit: t === 'custom' ? (s.interval_unit ?? 'minutes') : s.interval_unit,
                interval_cron: t === 'cron' ? (s.interval_cron ?? '0 9 * * 1-5') : s.interval_cron,
              })
            }
          />
          {s.interval_type === 'simple' && (
            <Field label="Every" error={err('interval_preset')}>
              {(p) => (
                <select
                  {...p}
                  value={s.interval_preset ?? ''}
                  onChange={(e) => set({ interval_preset: e.target.value })}
                >
                  {s.interval_preset && !INTERVAL_PRESETS.includes(s.interval_preset) && (
                    <option value={s.interval_preset}>{s.interval_preset}</option>
                  )}
                  {INTERVAL_PRESETS.map((p2) => (
                    <option key={p2} value={p2}>
                      {p2}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          )}
          {s.interval_type === 'custom' && (
            <div className="grid-2">
              <Field label="Every (number)" error={err('interval_value')}>
                {(p) => (
                  <input
                    {...p}
                    type="number"
                    min={1}
                    max={999}
                    value={s.interval_value ?? ''}
                    onChange={(e) => set({ interval_value: num(e.target.value) })}
                  />
                )}
              </Field>
              <Field label="Unit" error={err('interval_unit')}>
                {(p) => (
                  <select
                    {...p}
                    value={s.interval_unit ?? 'minutes'}
                    onChange={(e) => set({ interval_unit: e.target.value as ScheduleConfig['interval_unit'] })}
                  >
                    <option value="minutes">minutes</option>
                    <option value="hours">hours</option>
                    <option value="days">days</option>
                  </select>
                )}
              </Field>
            </div>
          )}
          {s.interval_type === 'cron' && (
            <Field
              label="Cron expression"
              error={err('interval_cron')}
              hint="minute hour day-of-month month day-of-week, e.g. */15 * * * * or 0 9 * * 1-5"
            >
              {(p) => (
                <input
                  {...p}
                  className="mono"
                  spellCheck={false}
                  value={s.interval_cron ?? ''}
                  placeholder="0 9 * * 1-5"
                  onChange={(e) => set({ interval_cron: e.target.value })}
                />
              )}
            </Field>
          )}
        </>
      )}

      {s.schedule_type === 'file_watch' && (
        <div className="grid-2">
          <Field
            label="Directory to watch"
            error={err('watch_directory')}
            className="span-2"
            hint="~ and $VARS are expanded"
          >
            {(p) => (
              <input
                {...p}
                className="mono"
                value={s.watch_directory ?? ''}
                placeholder="~/projects/my-repo/src"
                onChange={(e) => set({ watch_directory: e.target.value || null })}
              />
            )}
          </Field>
          <Field
            label="Quiet period (seconds)"
            error={err('watch_debounce_seconds')}
            hint="Waits for changes to settle"
          >
            {(p) => (
              <input
                {...p}
                type="number"
                min={0}
                max={300}
                value={s.watch_debounce_seconds}
                onChange={(e) => set({ watch_debounce_seconds: num(e.target.value) ?? 0 })}
              />
            )}
          </Field>
          <label className="check">
            <input
              type="checkbox"
              checked={s.watch_recursive}
              onChange={(e) => set({ watch_recursive: e.target.checked })}
            />
            Include subdirectories
          </label>
        </div>
      )}

      {s.schedule_type === 'sequential' && (
        <div className="grid-2">
          <Field label="Retries within the job" error={err('seq_max_retries')}>
            {(p) => (
              <input
                {...p}
                type="number"
                min={0}
                max={10}
                value={s.seq_max_retries}
                onChange={(e) => set({ seq_max_retries: num(e.target.value) ?? 0 })}
              />
            )}
          </Field>
          <Field label="Seconds between retries" error={err('seq_retry_delay_seconds')}>
            {(p) => (
              <input
                {...p}
                type="number"
                min={0}
                value={s.seq_retry_delay_seconds}
                onChange={(e) => set({ seq_retry_delay_seconds: num(e.target.value) ?? 0 })}
              />
            )}
          </Field>
        </div>
      )}

      {zoneMatters && (
        <Field label="Time zone" error={err('timezone')} hint={`Empty = the scheduler's zone (${defaultTimezone})`}>
          {(p) => (
            <>
              <input
                {...p}
                list="tz-list"
                value={s.timezone ?? ''}
                placeholder={defaultTimezone}
                onChange={(e) => set({ timezone: e.target.value.trim() || null })}
              />
              <datalist id="tz-list">
                {zones.map((z) => (
                  <option key={z} value={z} />
                ))}
              </datalist>
            </>
          )}
        </Field>
      )}

      {(s.schedule_type === 'calendar' || s.schedule_type === 'interval' || s.schedule_type === 'file_watch') && (
        <div className="grid-2">
          <Field label="If still running when due" error={err('overlap_policy')}>
            {(p) => (
              <select
                {...p}
                value={s.overlap_policy ?? ''}
                onChange={(e) => set({ overlap_policy: (e.target.value || null) as ScheduleConfig['overlap_policy'] })}
              >
                <option value="">Default (from settings)</option>
                {Object.entries(OVERLAP_LABELS).map(([k, v]) => (
                  <option key={k} value={k}>
                    {v}
                  </option>
                ))}
              </select>
            )}
          </Field>
          {s.schedule_type !== 'file_watch' && (
            <Field label="Missed while stopped" error={err('catchup_policy')}>
              {(p) => (
                <select
                  {...p}
                  value={s.catchup_policy ?? ''}
                  onChange={(e) =>
                    set({ catchup_policy: (e.target.value || null) as ScheduleConfig['catchup_policy'] })
                  }
                >
                  <option value="">Default (from settings)</option>
                  {Object.entries(CATCHUP_LABELS).map(([k, v]) => (
                    <option key={k} value={k}>
                      {v}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          )}
        </div>
      )}

      <div className="schedule-preview" aria-live="polite">
        <div className="preview-head">
          <strong className="schedule-text">{preview.description}</strong>
          {serverPreview === null || serverPreview === undefined ? null : (
            <span className="muted small">from the scheduler</span>
          )}
        </div>
        {fires.length > 0 ? (
          <ol className="fire-times" aria-label="Next fire times">
            {fires.map((f) => (
              <li key={`${f.at}-${f.skipped ?? ''}`} className={cx(f.skipped && 'skipped')}>
                <span className="mono">{formatLocal(f.local)}</span>
                <span className="muted small">{f.time_zone}</span>
                {f.skipped && <span className="muted small"> — skipped: {f.skipped}</span>}
              </li>
            ))}
          </ol>
        ) : (
          preview.note && <p className="muted small">{preview.note}</p>
        )}
      </div>
    </fieldset>
  );
}
