'use client';
import { useEffect, useMemo, useState } from 'react';
import { api } from '@/lib/api';
import { useDashboard } from '@/lib/dashboard-store';
import { formatCost, formatTokens, formatWhen, plural } from '@/lib/format';
import { scheduleBody } from '@/lib/schedule';
import type { FireTime, ScheduleConfig, Settings, TaskView } from '@/lib/types';
import { ScheduleEditor } from './schedule-editor';
import { isTaskActive, useTaskActions } from './tasks-panel';
import { nameIndex } from '@/lib/bulk';
import { ErrorBanner, Field, Segmented, useAction, useOpenDialog } from './ui';
import { Icon } from './icons';

const DEFAULT_SCHEDULE: ScheduleConfig = {
  schedule_type: 'manual',
  timezone: null,
  calendar_frequency: null,
  calendar_time: null,
  calendar_days_of_week: [],
  calendar_day_of_month: null,
  interval_type: null,
  interval_preset: null,
  interval_value: null,
  interval_unit: null,
  interval_cron: null,
  watch_directory: null,
  watch_recursive: true,
  watch_debounce_seconds: 5,
  seq_max_retries: 0,
  seq_retry_delay_seconds: 60,
  overlap_policy: null,
  catchup_policy: null,
  catchup_window_hours: null,
};

/** The editable fields of a task, as the editor holds them. Tool lists are edited as comma-separated text. */
export interface TaskDraft {
  name: string;
  job_id: string | null;
  enabled: boolean;
  model: string;
  profile: string | null;
  prompt_type: 'prompt' | 'slash_command';
  prompt: string;
  permissions: string;
  session_mode: string;
  allowed_tools: string;
  disallowed_tools: string;
  schedule: ScheduleConfig;
  retry: { enabled: boolean; max_attempts: number; delay_seconds: number; backoff_multiplier: number };
  notifications: { on_start: boolean; on_end: boolean; on_failure: boolean };
  commit_on_success: boolean;
  timeout_seconds: number | null;
  max_turns: number | null;
  max_budget_usd: number | null;
  append_system_prompt: string;
}

export function draftFromTask(t: TaskView): TaskDraft {
  return {
    name: t.name,
    job_id: t.job_id,
    enabled: t.enabled,
    model: t.model,
    profile: t.profile,
    prompt_type: t.prompt_type,
    prompt: t.prompt,
    permissions: t.permissions,
    session_mode: t.session_mode,
    allowed_tools: t.allowed_tools.join(', '),
    disallowed_tools: t.disallowed_tools.join(', '),
    schedule: { ...DEFAULT_SCHEDULE, ...(scheduleBody(t.schedule) as Partial<ScheduleConfig>) },
    retry: {
      enabled: t.retry.enabled,
      max_attempts: t.retry.max_attempts,
      delay_seconds: t.retry.delay_seconds,
      backoff_multiplier: t.retry.backoff_multiplier,
    },
    notifications: {
      on_start: t.notifications.on_start,
      on_end: t.notifications.on_end,
      on_failure: t.notifications.on_failure,
    },
    commit_on_success: t.commit_on_success,
    timeout_seconds: t.timeout_seconds,
    max_turns: t.max_turns,
    max_budget_usd: t.max_budget_usd,
    append_system_prompt: t.append_system_prompt ?? '',
  };
}

export function newDraft(jobId: string | null, settings: Settings | null): TaskDraft {
  return {
    name: '',
    job_id: jobId,
    enabled: true,
    model: settings?.default_model ?? 'sonnet',
    profile: null,
    prompt_type: 'prompt',
    prompt: '',
    permissions: 'default',
    session_mode: 'new',
    allowed_tools: '',
    disallowed_tools: '',
    schedule: { ...DEFAULT_SCHEDULE },
    retry: { enabled: false, max_attempts: 3, delay_seconds: 60, backoff_multiplier: 2 },
    notifications: { on_start: false, on_end: true, on_failure: true },
    commit_on_success: false,
    timeout_seconds: null,
    max_turns: null,
    max_budget_usd: null,
    append_system_prompt: '',
  };
}

const list = (text: string): string[] =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** The request body for create/update. */
export function draftBody(d: TaskDraft): Record<string, unknown> {
  return {
    ...d,
    allowed_tools: list(d.allowed_tools),
    disallowed_tools: list(d.disallowed_tools),
    schedule: scheduleBody(d.schedule),
    append_system_prompt: d.append_system_prompt.trim() ? d.append_system_prompt : null,
  };
}

const num = (v: string): number | null => (v.trim() === '' || Number.isNaN(Number(v)) ? null : Number(v));

const MODELS = ['sonnet', 'opus', 'haiku'];
const PERMISSION_LABELS: Record<string, string> = {
  default: 'Default (ask)',
  acceptEdits: 'Accept edits',
  plan: 'Plan only',
  auto: 'Auto',
  dontAsk: "Don't ask (deny unlisted tools)",
  bypass: 'Bypass all permission checks',
};

export function TaskEditor() {
  const { state, selectTask } = useDashboard();
  const openDialog = useOpenDialog();
  const save = useAction();
  const actions = useTaskActions();
  const isNew = state.selectedTaskId === 'new';
  const task = isNew ? null : (state.tasks.find((t) => t.id === state.selectedTaskId) ?? null);
  const baseline = useMemo(
    () => (task ? draftFromTask(task) : isNew ? newDraft(state.selectedJobId, state.settings) : null),
    // A new draft is made when "new" is chosen, not again when settings or the job selection change.
    [task, isNew],
  );
  const [draft, setDraft] = useState<TaskDraft | null>(baseline);
  const [draftOf, setDraftOf] = useState<string | null>(state.selectedTaskId);
  const [serverPreview, setServerPreview] = useState<FireTime[] | null>(null);
  const sameTaskName = useMemo(() => nameIndex(state.tasks), [state.tasks]);

  const dirty = useMemo(
    () => !!draft && !!baseline && JSON.stringify(draftBody(draft)) !== JSON.stringify(draftBody(baseline)),
    [draft, baseline],
  );

  // A new task: focus goes to its first field.
  useEffect(() => {
    if (isNew) document.querySelector<HTMLElement>('[data-panel="task_editor"] [data-new-focus]')?.focus();
  }, [isNew, draftOf]);

  // Another task chosen: start from it. The same task changed elsewhere: take the change unless edits are pending.
  // Done while rendering (not in an effect), so a selection shows in one render instead of two.
  if (draftOf !== state.selectedTaskId) {
    setDraftOf(state.selectedTaskId);
    setDraft(baseline);
    save.clear();
  } else if (!dirty && draft !== baseline) {
    setDraft(baseline);
  }

  // One Date per task, not per render: the schedule preview is recomputed only when its inputs change.
  const createdAt = task?.created_at;
  const anchor = useMemo(() => (createdAt ? new Date(createdAt) : undefined), [createdAt]);

  const scheduleSaved =
    !!task && !!draft && JSON.stringify(scheduleBody(draft.schedule)) === JSON.stringify(scheduleBody(task.schedule));
  useEffect(() => {
    setServerPreview(null);
    if (!task || !scheduleSaved) return;
    let cancelled = false;
    api
      .get<{ fire_times: FireTime[] }>(`/api/tasks/${task.id}/schedule/preview?count=5`)
      .then((r) => {
        if (!cancelled) setServerPreview(r.fire_times);
      })
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, [task, scheduleSaved]);

  if (!draft) {
    return (
      <section className="pane" data-panel="task_editor" aria-labelledby="editor-title">
        <header className="pane-head">
          <h2 id="editor-title">Task editor</h2>
        </header>
        <div className="empty-state">
          <p>Select a task to see and edit it, or create one.</p>
          <button type="button" className="btn btn-primary" onClick={() => selectTask('new')}>
            + New task
          </button>
        </div>
      </section>
    );
  }

  const set = (p: Partial<TaskDraft>): void => setDraft({ ...draft, ...p });
  const f = save.liveFields(draftBody(draft));
  const job = state.jobs.find((j) => j.id === draft.job_id) ?? null;
  const workdir = job
    ? job.working_directory.use_git_worktree
      ? `${job.working_directory.path.replace(/\/+$/, '')}/trees/${job.working_directory.worktree_name ?? `job-${job.id.slice(0, 8)}`}`
      : job.working_directory.path
    : (state.settings?.default_working_directory ?? '~');

  const onSave = async (): Promise<void> => {
    const body = draftBody(draft);
    await save.run(
      isNew ? 'create the task' : 'save the task',
      async () => {
        if (isNew) {
          const { task: created } = await api.post<{ task: TaskView }>('/api/tasks', body);
          selectTask(created.id);
        } else if (task) {
          await api.put(`/api/tasks/${task.id}`, body);
        }
      },
      body,
    );
  };

  const advancedErrors = Object.keys(f).some((k) =>
    /^(retry|allowed_tools|disallowed_tools|timeout_seconds|max_turns|max_budget_usd|append_system_prompt|notifications)/.test(
      k,
    ),
  );

  return (
    <section className="pane" data-panel="task_editor" aria-labelledby="editor-title">
      <header className="pane-head">
        <h2 id="editor-title">{isNew ? 'New task' : 'Edit task'}</h2>
        {task && (
          <span className="head-actions">
            {isTaskActive(task) ? (
              <button type="button" className="btn btn-small" onClick={() => void actions.stop(task)}>
                <Icon name="stop" /> Stop
              </button>
            ) : (
              <button
                type="button"
                className="btn btn-small"
                onClick={() => void actions.run(task)}
                disabled={dirty}
                title={dirty ? 'Save your changes first' : 'Run now (R)'}
                aria-keyshortcuts="R"
              >
                <Icon name="play" /> Run now
              </button>
            )}
          </span>
        )}
      </header>
      <form
        noValidate
        className="editor"
        aria-label="Task editor"
        onSubmit={(e) => {
          e.preventDefault();
          void onSave();
        }}
      >
        <div className="editor-scroll">
          <ErrorBanner
            error={save.error ?? actions.action.error}
            onDismiss={() => (save.clear(), actions.action.clear())}
          />
          {task && (
            <div className="task-facts">
              {task.stats && (
                <span>
                  {plural(task.stats.runs, 'run')} · {task.stats.success} ok · {task.stats.failed} failed
                  {task.stats.cost_usd > 0 && ` · ${formatCost(task.stats.cost_usd)}`}
                  {task.stats.input_tokens + task.stats.output_tokens > 0 &&
                    ` · ${formatTokens(task.stats.input_tokens + task.stats.output_tokens)} tokens`}
                </span>
              )}
              {task.next_fire_time && task.enabled && <span>Next run {formatWhen(task.next_fire_time)}</span>}
            </div>
          )}
          <Field
            label="Name"
            error={f['name']}
            warning={
              sameTaskName(draft.name, task?.id ?? null)
                ? `Another task is already called “${draft.name.trim()}”: a distinct name is easier to tell apart in lists and logs.`
                : null
            }
          >
            {(p) => (
              <input
                {...p}
                data-new-focus
                value={draft.name}
                onChange={(e) => set({ name: e.target.value })}
                placeholder="Nightly review"
              />
            )}
          </Field>
          <div className="grid-2">
            <Field label="Job" error={f['job_id']}>
              {(p) => (
                <select
                  {...p}
                  value={draft.job_id ?? ''}
                  onChange={(e) => {
                    const job_id = e.target.value || null;
                    // A sequential task without a job cannot run: fall back to manual, as the original did.
                    const schedule =
                      !job_id && draft.schedule.schedule_type === 'sequential'
                        ? { ...draft.schedule, schedule_type: 'manual' as const }
                        : draft.schedule;
                    set({ job_id, schedule });
                  }}
                >
                  <option value="">(None)</option>
                  {state.jobs.map((j) => (
                    <option key={j.id} value={j.id}>
                      {j.name}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label="Model" error={f['model']}>
              {(p) => (
                <>
                  <input
                    {...p}
                    list="model-list"
                    value={draft.model}
                    onChange={(e) => set({ model: e.target.value })}
                  />
                  <datalist id="model-list">
                    {MODELS.map((m) => (
                      <option key={m} value={m} />
                    ))}
                  </datalist>
                </>
              )}
            </Field>
            <Field
              label="Profile"
              error={f['profile']}
              hint={job?.profile ? "The job's profile wins over this one." : undefined}
            >
              {(p) => (
                <div className="with-button">
                  <select {...p} value={draft.profile ?? ''} onChange={(e) => set({ profile: e.target.value || null })}>
                    <option value="">(None)</option>
                    {state.profiles.map((pr) => (
                      <option key={pr.id} value={pr.id}>
                        {pr.name}
                      </option>
                    ))}
                  </select>
                  <button
                    type="button"
                    className="btn btn-small"
                    onClick={() => openDialog({ kind: 'profiles', profileId: draft.profile })}
                  >
                    Manage…
                  </button>
                </div>
              )}
            </Field>
            <Field label="Permissions" error={f['permissions']}>
              {(p) => (
                <select {...p} value={draft.permissions} onChange={(e) => set({ permissions: e.target.value })}>
                  {Object.entries(PERMISSION_LABELS).map(([k, v]) => (
                    <option key={k} value={k}>
                      {v}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label="Session" error={f['session_mode']}>
              {(p) => (
                <select {...p} value={draft.session_mode} onChange={(e) => set({ session_mode: e.target.value })}>
                  <option value="new">New session each run</option>
                  <option value="reuse">Resume the last session</option>
                  <option value="fork">Fork the last session</option>
                </select>
              )}
            </Field>
            <Field label="Working directory" hint={job ? 'From the job' : 'Default from settings'}>
              {(p) => <input {...p} className="mono" value={workdir} readOnly />}
            </Field>
          </div>
          <label className="check">
            <input type="checkbox" checked={draft.enabled} onChange={(e) => set({ enabled: e.target.checked })} />
            Enabled (runs on its schedule)
          </label>

          <Segmented
            label="Prompt kind"
            small
            value={draft.prompt_type}
            options={[
              { value: 'prompt', label: 'Claude prompt' },
              { value: 'slash_command', label: 'Existing command' },
            ]}
            onChange={(k) => set({ prompt_type: k })}
          />
          <Field label={draft.prompt_type === 'slash_command' ? 'Command' : 'Prompt'} error={f['prompt']}>
            {(p) =>
              draft.prompt_type === 'slash_command' ? (
                <input
                  {...p}
                  className="mono"
                  value={draft.prompt}
                  placeholder="/commit, /review-pr 12…"
                  onChange={(e) => set({ prompt: e.target.value })}
                />
              ) : (
                <textarea
                  {...p}
                  rows={5}
                  value={draft.prompt}
                  placeholder="What should Claude do?"
                  onChange={(e) => set({ prompt: e.target.value })}
                />
              )
            }
          </Field>

          <ScheduleEditor
            value={draft.schedule}
            onChange={(schedule) => set({ schedule })}
            hasJob={!!draft.job_id}
            errors={f}
            serverPreview={scheduleSaved ? serverPreview : null}
            defaultTimezone={state.defaultTimezone}
            anchor={anchor}
          />

          <details className="advanced" open={advancedErrors || undefined}>
            <summary>Advanced options</summary>
            <fieldset>
              <legend>Retry</legend>
              <label className="check">
                <input
                  type="checkbox"
                  checked={draft.retry.enabled}
                  onChange={(e) => set({ retry: { ...draft.retry, enabled: e.target.checked } })}
                />
                Retry failed runs
              </label>
              {draft.retry.enabled && (
                <div className="grid-3">
                  <Field label="Attempts" error={f['retry.max_attempts']}>
                    {(p) => (
                      <input
                        {...p}
                        type="number"
                        min={0}
                        max={10}
                        value={draft.retry.max_attempts}
                        onChange={(e) => set({ retry: { ...draft.retry, max_attempts: num(e.target.value) ?? 0 } })}
                      />
                    )}
                  </Field>
                  <Field label="Delay (s)" error={f['retry.delay_seconds']}>
                    {(p) => (
                      <input
                        {...p}
                        type="number"
                        min={0}
                        value={draft.retry.delay_seconds}
                        onChange={(e) => set({ retry: { ...draft.retry, delay_seconds: num(e.target.value) ?? 0 } })}
                      />
                    )}
                  </Field>
                  <Field label="Backoff ×" error={f['retry.backoff_multiplier']}>
                    {(p) => (
                      <input
                        {...p}
                        type="number"
                        min={1}
                        max={10}
                        step={0.5}
                        value={draft.retry.backoff_multiplier}
                        onChange={(e) =>
                          set({ retry: { ...draft.retry, backoff_multiplier: num(e.target.value) ?? 1 } })
                        }
                      />
                    )}
                  </Field>
                </div>
              )}
            </fieldset>
            <fieldset>
              <legend>Tools</legend>
              <Field
                label="Allowed tools"
                error={f['allowed_tools']}
                hint="Comma-separated, e.g. Read, Bash(git status:*)"
              >
                {(p) => (
                  <input
                    {...p}
                    className="mono"
                    value={draft.allowed_tools}
                    onChange={(e) => set({ allowed_tools: e.target.value })}
                  />
                )}
              </Field>
              <Field label="Disallowed tools" error={f['disallowed_tools']}>
                {(p) => (
                  <input
                    {...p}
                    className="mono"
                    value={draft.disallowed_tools}
                    onChange={(e) => set({ disallowed_tools: e.target.value })}
                  />
                )}
              </Field>
            </fieldset>
            <fieldset>
              <legend>Limits</legend>
              <div className="grid-3">
                <Field
                  label="Timeout (s)"
                  error={f['timeout_seconds']}
                  hint={`Empty = ${state.settings?.default_timeout_seconds ?? 3600}`}
                >
                  {(p) => (
                    <input
                      {...p}
                      type="number"
                      min={1}
                      value={draft.timeout_seconds ?? ''}
                      onChange={(e) => set({ timeout_seconds: num(e.target.value) })}
                    />
                  )}
                </Field>
                <Field label="Max turns" error={f['max_turns']} hint="Empty = no limit">
                  {(p) => (
                    <input
                      {...p}
                      type="number"
                      min={1}
                      value={draft.max_turns ?? ''}
                      onChange={(e) => set({ max_turns: num(e.target.value) })}
                    />
                  )}
                </Field>
                <Field label="Budget (USD)" error={f['max_budget_usd']} hint="Empty = no limit">
                  {(p) => (
                    <input
                      {...p}
                      type="number"
                      min={0}
                      step={0.01}
                      value={draft.max_budget_usd ?? ''}
                      onChange={(e) => set({ max_budget_usd: num(e.target.value) })}
                    />
                  )}
                </Field>
              </div>
              {draft.schedule.schedule_type !== 'manual' && draft.schedule.schedule_type !== 'startup' && (
                <Field
                  label="Catch up missed slots from the last (hours)"
                  error={f['schedule.catchup_window_hours']}
                  hint={`Empty = ${state.settings?.catchup_window_hours ?? 24} (settings)`}
                >
                  {(p) => (
                    <input
                      {...p}
                      type="number"
                      min={0}
                      value={draft.schedule.catchup_window_hours ?? ''}
                      onChange={(e) =>
                        set({ schedule: { ...draft.schedule, catchup_window_hours: num(e.target.value) } })
                      }
                    />
                  )}
                </Field>
              )}
            </fieldset>
            <Field label="Append to the system prompt" error={f['append_system_prompt']}>
              {(p) => (
                <textarea
                  {...p}
                  rows={2}
                  value={draft.append_system_prompt}
                  onChange={(e) => set({ append_system_prompt: e.target.value })}
                />
              )}
            </Field>
            <fieldset>
              <legend>After a run</legend>
              <label className="check">
                <input
                  type="checkbox"
                  checked={draft.commit_on_success}
                  onChange={(e) => set({ commit_on_success: e.target.checked })}
                />
                Commit the working directory with git after a successful run
              </label>
              <label className="check">
                <input
                  type="checkbox"
                  checked={draft.notifications.on_start}
                  onChange={(e) => set({ notifications: { ...draft.notifications, on_start: e.target.checked } })}
                />
                Notify on start
              </label>
              <label className="check">
                <input
                  type="checkbox"
                  checked={draft.notifications.on_end}
                  onChange={(e) => set({ notifications: { ...draft.notifications, on_end: e.target.checked } })}
                />
                Notify on completion
              </label>
              <label className="check">
                <input
                  type="checkbox"
                  checked={draft.notifications.on_failure}
                  onChange={(e) => set({ notifications: { ...draft.notifications, on_failure: e.target.checked } })}
                />
                Notify on failure
              </label>
            </fieldset>
          </details>
        </div>
        <footer className="editor-actions">
          {dirty && <span className="muted small">Unsaved changes</span>}
          <button
            type="button"
            className="btn"
            disabled={!dirty && !isNew}
            onClick={() => {
              if (isNew) selectTask(null);
              else {
                setDraft(baseline);
                save.clear();
              }
            }}
          >
            {isNew ? 'Cancel' : 'Revert'}
          </button>
          <button type="submit" className="btn btn-primary" disabled={save.busy || (!dirty && !isNew)}>
            {isNew ? 'Create task' : 'Save'}
          </button>
        </footer>
      </form>
    </section>
  );
}
