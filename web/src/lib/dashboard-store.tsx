'use client';
/**
 * The dashboard's state: what the API holds (jobs, tasks, runs in view, profiles, settings), the selection, and the
 * live connection (`GET /api/events`). Lists are fetched once and kept current by SSE events; after a reconnect
 * (server restart, network blip) or a `resync` event everything is fetched again, because events may have been
 * missed in between.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState } from 'react';
import { api, eventsUrl, qs } from './api';
import { LiveLog } from './log-format';
import type { Health, JobView, Profile, Run, RunOutputEvent, RunStatus, Settings, TaskView } from './types';

export type Connection = 'connecting' | 'live' | 'offline';
export type RunFilter = RunStatus | 'all';

export interface DashboardState {
  ready: boolean;
  loadError: string | null;
  health: Health | null;
  defaultTimezone: string;
  jobs: JobView[];
  tasks: TaskView[];
  profiles: Profile[];
  settings: Settings | null;
  runs: Run[];
  runFilter: RunFilter;
  /** null = "All tasks". */
  selectedJobId: string | null;
  /** 'new' = the editor shows a new, unsaved task. */
  selectedTaskId: string | null;
  selectedRunId: string | null;
  connection: Connection;
  /** Bumped when live output of the selected run arrives. */
  liveTick: number;
}

type Listener = (type: string, data: unknown) => void;

export interface DashboardApi {
  state: DashboardState;
  refreshAll: () => Promise<void>;
  refreshTasks: () => Promise<void>;
  refreshJobs: () => Promise<void>;
  refreshRuns: () => Promise<void>;
  refreshProfiles: () => Promise<void>;
  selectJob: (id: string | null) => void;
  selectTask: (id: string | null) => void;
  selectRun: (id: string | null) => void;
  setRunFilter: (f: RunFilter) => void;
  setSettings: (s: Settings) => void;
  /** The live log of a run (created on first use). */
  liveLog: (runId: string) => LiveLog;
  clearLive: (runId: string) => void;
  /** Other components (dialogs) listen to raw events here. */
  subscribe: (listener: Listener) => () => void;
}

const DashboardContext = createContext<DashboardApi | null>(null);

export function useDashboard(): DashboardApi {
  const ctx = useContext(DashboardContext);
  if (!ctx) throw new Error('useDashboard outside DashboardProvider');
  return ctx;
}

const MAX_LIVE_RUNS = 30;
const RUN_PAGE = 200;

function upsert<T extends { id: string }>(list: T[], item: T, prepend = true): T[] {
  const i = list.findIndex((x) => x.id === item.id);
  if (i < 0) return prepend ? [item, ...list] : [...list, item];
  const copy = list.slice();
  copy[i] = { ...copy[i], ...item };
  return copy;
}

function newestFirst(a: Run, b: Run): number {
  return b.scheduled_time.localeCompare(a.scheduled_time) || b.id.localeCompare(a.id);
}

export function DashboardProvider({ children }: { children: React.ReactNode }) {
  const [state, setState] = useState<DashboardState>({
    ready: false,
    loadError: null,
    health: null,
    defaultTimezone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    jobs: [],
    tasks: [],
    profiles: [],
    settings: null,
    runs: [],
    runFilter: 'all',
    selectedJobId: null,
    selectedTaskId: null,
    selectedRunId: null,
    connection: 'connecting',
    liveTick: 0,
  });
  const stateRef = useRef(state);
  stateRef.current = state;
  const listeners = useRef(new Set<Listener>());
  const live = useRef(new Map<string, LiveLog>());

  const patch = useCallback((p: Partial<DashboardState> | ((s: DashboardState) => Partial<DashboardState>)) => {
    setState((s) => ({ ...s, ...(typeof p === 'function' ? p(s) : p) }));
  }, []);

  const refreshTasks = useCallback(async () => {
    const { tasks } = await api.get<{ tasks: TaskView[] }>('/api/tasks');
    patch({ tasks });
  }, [patch]);

  const refreshJobs = useCallback(async () => {
    const { jobs } = await api.get<{ jobs: JobView[] }>('/api/jobs');
    patch({ jobs });
  }, [patch]);

  const refreshProfiles = useCallback(async () => {
    const { profiles } = await api.get<{ profiles: Profile[] }>('/api/profiles');
    patch({ profiles });
  }, [patch]);

  /** The runs in view: of the selected task, else of the selected job, else all; newest first. */
  const runScope = useCallback((s: DashboardState) => {
    if (s.selectedTaskId && s.selectedTaskId !== 'new') return { task_id: s.selectedTaskId };
    if (s.selectedJobId) return { job_id: s.selectedJobId };
    return {};
  }, []);

  const refreshRuns = useCallback(async () => {
    const s = stateRef.current;
    const scope = runScope(s);
    const key = JSON.stringify([scope, s.runFilter]);
    const { runs } = await api.get<{ runs: Run[] }>(
      `/api/runs${qs({ ...scope, status: s.runFilter === 'all' ? null : s.runFilter, limit: RUN_PAGE })}`,
    );
    // Drop the answer when the selection moved on while it was under way.
    const now = stateRef.current;
    if (JSON.stringify([runScope(now), now.runFilter]) === key) patch({ runs });
  }, [patch, runScope]);

  const refreshAll = useCallback(async () => {
    try {
      const [health, settings, scheduler] = await Promise.all([
        api.get<Health>('/api/health'),
        api.get<{ settings: Settings }>('/api/settings'),
        api.get<{ scheduler: { default_timezone?: string } }>('/api/scheduler'),
      ]);
      await Promise.all([refreshJobs(), refreshTasks(), refreshProfiles(), refreshRuns()]);
      patch((s) => ({
        health,
        settings: settings.settings,
        defaultTimezone: scheduler.scheduler.default_timezone ?? s.defaultTimezone,
        ready: true,
        loadError: null,
      }));
    } catch (err) {
      patch({ loadError: err instanceof Error ? err.message : String(err) });
      throw err;
    }
  }, [patch, refreshJobs, refreshTasks, refreshProfiles, refreshRuns]);

  // Coalesce bursts of events (a job run changes many runs and tasks) into one refetch each.
  const pending = useRef(new Map<string, ReturnType<typeof setTimeout>>());
  const soon = useCallback((key: string, fn: () => Promise<void>, ms = 250) => {
    if (pending.current.has(key)) return;
    pending.current.set(
      key,
      setTimeout(() => {
        pending.current.delete(key);
        fn().catch(() => undefined);
      }, ms),
    );
  }, []);

  const liveLog = useCallback((runId: string): LiveLog => {
    let log = live.current.get(runId);
    if (!log) {
      log = new LiveLog();
      live.current.set(runId, log);
      if (live.current.size > MAX_LIVE_RUNS) {
        const oldest = live.current.keys().next().value;
        if (oldest !== undefined && oldest !== stateRef.current.selectedRunId) live.current.delete(oldest);
      }
    }
    return log;
  }, []);

  const runInScope = useCallback(
    (r: Run): boolean => {
      const s = stateRef.current;
      const scope = runScope(s) as { task_id?: string; job_id?: string };
      if (scope.task_id && r.task_id !== scope.task_id) return false;
      if (scope.job_id && r.job_id !== scope.job_id) return false;
      return s.runFilter === 'all' || r.status === s.runFilter;
    },
    [runScope],
  );

  const handleEvent = useCallback(
    (type: string, data: unknown) => {
      for (const l of listeners.current) l(type, data);
      switch (type) {
        case 'run.created':
        case 'run.updated': {
          const run = data as Run;
          patch((s) => {
            const known = s.runs.some((r) => r.id === run.id);
            if (runInScope(run)) return { runs: upsert(s.runs, run).sort(newestFirst) };
            return known ? { runs: s.runs.filter((r) => r.id !== run.id) } : {};
          });
          soon('tasks', refreshTasks);
          soon('jobs', refreshJobs);
          break;
        }
        case 'run.deleted': {
          const { id } = data as { id: string };
          live.current.delete(id);
          patch((s) => ({
            runs: s.runs.filter((r) => r.id !== id),
            selectedRunId: s.selectedRunId === id ? null : s.selectedRunId,
          }));
          soon('tasks', refreshTasks);
          break;
        }
        case 'run.output': {
          const ev = data as RunOutputEvent;
          liveLog(ev.run_id).push(ev.lines);
          if (stateRef.current.selectedRunId === ev.run_id) {
            // One re-render per frame, however many chunks arrive.
            if (!pending.current.has('live')) {
              pending.current.set(
                'live',
                setTimeout(() => {
                  pending.current.delete('live');
                  patch((s) => ({ liveTick: s.liveTick + 1 }));
                }, 50),
              );
            }
          }
          break;
        }
        case 'task.changed':
          patch((s) => ({
            tasks: s.tasks.some((t) => t.id === (data as TaskView).id)
              ? s.tasks.map((t) => (t.id === (data as TaskView).id ? { ...t, ...(data as TaskView) } : t))
              : [...s.tasks, data as TaskView],
          }));
          soon('tasks', refreshTasks);
          soon('jobs', refreshJobs);
          break;
        case 'task.deleted': {
          const { id } = data as { id: string };
          patch((s) => ({
            tasks: s.tasks.filter((t) => t.id !== id),
            selectedTaskId: s.selectedTaskId === id ? null : s.selectedTaskId,
          }));
          soon('jobs', refreshJobs);
          break;
        }
        case 'job.changed':
          patch((s) => ({ jobs: upsert(s.jobs, data as JobView, false) }));
          soon('jobs', refreshJobs);
          break;
        case 'job.deleted': {
          const { id } = data as { id: string };
          patch((s) => ({
            jobs: s.jobs.filter((j) => j.id !== id),
            selectedJobId: s.selectedJobId === id ? null : s.selectedJobId,
          }));
          soon('tasks', refreshTasks);
          break;
        }
        case 'profile.changed':
          soon('profiles', refreshProfiles);
          break;
        case 'settings.changed':
          patch({ settings: data as Settings });
          break;
        case 'resync':
          soon('all', refreshAll, 0);
          break;
        default:
          break;
      }
    },
    [patch, soon, refreshTasks, refreshJobs, refreshProfiles, refreshAll, liveLog, runInScope],
  );

  // The SSE connection. Browsers reconnect an EventSource by themselves after a network error; a stream that
  // ended for good (readyState CLOSED) is reopened here. Either way, a reconnect reloads everything.
  useEffect(() => {
    let source: EventSource | null = null;
    let retry: ReturnType<typeof setTimeout> | null = null;
    let lostOnce = false;
    let stopped = false;
    const types = [
      'run.created',
      'run.updated',
      'run.deleted',
      'run.output',
      'task.changed',
      'task.deleted',
      'job.changed',
      'job.deleted',
      'profile.changed',
      'settings.changed',
      'node.changed',
      'node.deleted',
      'occurrence.created',
      'resync',
    ];
    const open = (): void => {
      source = new EventSource(eventsUrl());
      source.onopen = () => {
        patch({ connection: 'live' });
        if (lostOnce) refreshAll().catch(() => undefined);
      };
      source.onerror = () => {
        lostOnce = true;
        patch({ connection: 'offline' });
        if (source?.readyState === EventSource.CLOSED && !stopped) {
          source.close();
          retry = setTimeout(open, 2000);
        }
      };
      for (const t of types) {
        source.addEventListener(t, (e) => {
          let data: unknown;
          try {
            data = JSON.parse((e as MessageEvent<string>).data);
          } catch {
            return;
          }
          handleEvent(t, data);
        });
      }
    };
    open();
    return () => {
      stopped = true;
      if (retry) clearTimeout(retry);
      source?.close();
    };
  }, [handleEvent, patch, refreshAll]);

  // First load; retried until the server answers.
  useEffect(() => {
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const load = (): void => {
      refreshAll().catch(() => {
        if (!cancelled) timer = setTimeout(load, 2000);
      });
    };
    load();
    return () => {
      cancelled = true;
      if (timer) clearTimeout(timer);
    };
  }, [refreshAll]);

  // The runs in view follow the selection and the filter.
  const scopeKey = JSON.stringify([runScope(state), state.runFilter]);
  useEffect(() => {
    if (state.ready) refreshRuns().catch(() => undefined);
    // scopeKey stands for the selection and the filter: refetch when either changes.
  }, [scopeKey, state.ready]);

  const value = useMemo<DashboardApi>(
    () => ({
      state,
      refreshAll,
      refreshTasks,
      refreshJobs,
      refreshRuns,
      refreshProfiles,
      selectJob: (id) => patch({ selectedJobId: id, selectedTaskId: null, selectedRunId: null }),
      selectTask: (id) => patch({ selectedTaskId: id, selectedRunId: null }),
      selectRun: (id) => patch({ selectedRunId: id }),
      setRunFilter: (f) => patch({ runFilter: f }),
      setSettings: (s) => patch({ settings: s }),
      liveLog,
      clearLive: (runId) => {
        live.current.set(runId, new LiveLog());
        patch((s) => ({ liveTick: s.liveTick + 1 }));
      },
      subscribe: (l) => {
        listeners.current.add(l);
        return () => listeners.current.delete(l);
      },
    }),
    [state, refreshAll, refreshTasks, refreshJobs, refreshRuns, refreshProfiles, patch, liveLog],
  );

  return <DashboardContext.Provider value={value}>{children}</DashboardContext.Provider>;
}
