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
import type { Health, JobView, Profile, Run, RunOutputEvent, Settings, TaskView } from './types';
import {
  DEFAULT_HISTORY,
  type HistoryFilters,
  type RunFilter,
  type UrlState,
  type View,
  formatUrlState,
  parseUrlState,
} from './url-state';

/** `stopped`: the server said it is shutting down (the page reconnects once it is back). */
export type Connection = 'connecting' | 'live' | 'offline' | 'stopped';
export type { RunFilter, View };

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
  /** Cursor of the next (older) page of runs in view; null when every run in view is loaded. */
  runsCursor: string | null;
  runsLoading: boolean;
  runFilter: RunFilter;
  view: View;
  history: HistoryFilters;
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
  /** Loads the next page of older runs in view (infinite scroll). */
  loadMoreRuns: () => Promise<void>;
  refreshProfiles: () => Promise<void>;
  setView: (v: View) => void;
  setHistory: (h: Partial<HistoryFilters>) => void;
  /** Shows one run in the tasks view (its task selected), e.g. from the history or an occurrence. */
  openRun: (run: { id: string; task_id: string }) => void;
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
export const RUN_PAGE = 100;

function upsert<T extends { id: string }>(list: T[], item: T, prepend = true): T[] {
  const i = list.findIndex((x) => x.id === item.id);
  if (i < 0) return prepend ? [item, ...list] : [...list, item];
  const copy = list.slice();
  copy[i] = { ...copy[i], ...item };
  return copy;
}

function toUrlState(s: DashboardState): UrlState {
  return {
    view: s.view,
    jobId: s.selectedJobId,
    taskId: s.selectedTaskId,
    runId: s.selectedRunId,
    runFilter: s.runFilter,
    history: s.history,
  };
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
    runsCursor: null,
    runsLoading: false,
    runFilter: 'all',
    view: 'tasks',
    history: DEFAULT_HISTORY,
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
  const urlApplied = useRef(false);

  const patch = useCallback((p: Partial<DashboardState> | ((s: DashboardState) => Partial<DashboardState>)) => {
    setState((s) => ({ ...s, ...(typeof p === 'function' ? p(s) : p) }));
  }, []);

  const applyUrl = useCallback((u: UrlState) => {
    const next: Partial<DashboardState> = {
      view: u.view,
      selectedJobId: u.jobId,
      selectedTaskId: u.taskId,
      selectedRunId: u.runId,
      runFilter: u.runFilter,
      history: u.history,
      runsCursor: null,
    };
    // Read by the first fetch, which runs before React re-renders.
    stateRef.current = { ...stateRef.current, ...next };
    setState((s) => ({ ...s, ...next }));
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

  const scopeKeyOf = useCallback((s: DashboardState) => JSON.stringify([runScope(s), s.runFilter]), [runScope]);
  const runsUrl = useCallback(
    (s: DashboardState, cursor: string | null) =>
      `/api/runs${qs({ ...runScope(s), status: s.runFilter === 'all' ? null : s.runFilter, limit: RUN_PAGE, cursor })}`,
    [runScope],
  );

  const refreshRuns = useCallback(async () => {
    const s = stateRef.current;
    const key = scopeKeyOf(s);
    const page = await api.get<{ runs: Run[]; next_cursor: string | null }>(runsUrl(s, null));
    // Drop the answer when the selection moved on while it was under way.
    if (scopeKeyOf(stateRef.current) === key) patch({ runs: page.runs, runsCursor: page.next_cursor });
  }, [patch, scopeKeyOf, runsUrl]);

  const loadingMore = useRef(false);
  const loadMoreRuns = useCallback(async () => {
    const s = stateRef.current;
    if (!s.runsCursor || loadingMore.current) return;
    loadingMore.current = true;
    const key = scopeKeyOf(s);
    patch({ runsLoading: true });
    try {
      const page = await api.get<{ runs: Run[]; next_cursor: string | null }>(runsUrl(s, s.runsCursor));
      if (scopeKeyOf(stateRef.current) !== key) return;
      patch((now) => {
        const known = new Set(now.runs.map((r) => r.id));
        return { runs: [...now.runs, ...page.runs.filter((r) => !known.has(r.id))], runsCursor: page.next_cursor };
      });
    } finally {
      loadingMore.current = false;
      patch({ runsLoading: false });
    }
  }, [patch, scopeKeyOf, runsUrl]);

  const refreshAll = useCallback(async () => {
    try {
      // Everything in parallel: the page is ready when the slowest answer is in, not after a chain of them.
      const [health, settings, scheduler] = await Promise.all([
        api.get<Health>('/api/health'),
        api.get<{ settings: Settings }>('/api/settings'),
        api.get<{ scheduler: { default_timezone?: string } }>('/api/scheduler'),
        refreshJobs(),
        refreshTasks(),
        refreshProfiles(),
        refreshRuns(),
      ]);
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
        case 'server.stopping':
          patch({ connection: 'stopped' });
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
      'server.stopping',
    ];
    const open = (): void => {
      source = new EventSource(eventsUrl());
      source.onopen = () => {
        patch({ connection: 'live' });
        if (lostOnce) refreshAll().catch(() => undefined);
      };
      source.onerror = () => {
        lostOnce = true;
        // A server that said it is stopping stays "stopped" (not "reconnecting") until it is back.
        patch((s) => ({ connection: s.connection === 'stopped' ? 'stopped' : 'offline' }));
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
    applyUrl(parseUrlState(window.location.search));
    urlApplied.current = true;
    load();
    return () => {
      cancelled = true;
      if (timer) clearTimeout(timer);
    };
    // Once, at start: the address bar is read before the first fetch, then kept in step with the state.
  }, []);

  // The address bar follows the view, the selection and the filters; a new view is a history entry (Back returns).
  const urlKey = formatUrlState(toUrlState(state));
  const lastView = useRef(state.view);
  useEffect(() => {
    if (!urlApplied.current) return;
    const target = `${window.location.pathname}${urlKey}`;
    if (`${window.location.pathname}${window.location.search}` === target) return;
    const push = lastView.current !== state.view;
    lastView.current = state.view;
    // After the frame is painted: a history update is a round trip to the browser that a click should not wait for.
    const timer = setTimeout(() => {
      if (push) window.history.pushState(null, '', target);
      else window.history.replaceState(null, '', target);
    }, 0);
    return () => clearTimeout(timer);
  }, [urlKey, state.view]);
  useEffect(() => {
    const onPop = (): void => {
      const u = parseUrlState(window.location.search);
      lastView.current = u.view;
      applyUrl(u);
    };
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, [applyUrl]);

  // The runs in view follow the selection and the filter.
  const scopeKey = scopeKeyOf(state);
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
      loadMoreRuns,
      // A new scope of runs: the old scope's cursor must not page it (reset in the same update).
      selectJob: (id) => patch({ selectedJobId: id, selectedTaskId: null, selectedRunId: null, runsCursor: null }),
      selectTask: (id) =>
        patch((s) => ({
          selectedTaskId: id,
          selectedRunId: null,
          runsCursor: s.selectedTaskId === id ? s.runsCursor : null,
        })),
      selectRun: (id) => patch({ selectedRunId: id }),
      setRunFilter: (f) => patch({ runFilter: f, runsCursor: null }),
      setView: (view) => patch({ view }),
      setHistory: (h) => patch((s) => ({ history: { ...s.history, ...h } })),
      openRun: (run) =>
        patch((s) => ({
          view: 'tasks',
          selectedTaskId: run.task_id,
          selectedRunId: run.id,
          runsCursor: s.selectedTaskId === run.task_id ? s.runsCursor : null,
        })),
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
    [state, refreshAll, refreshTasks, refreshJobs, refreshRuns, loadMoreRuns, refreshProfiles, patch, liveLog],
  );

  return <DashboardContext.Provider value={value}>{children}</DashboardContext.Provider>;
}
