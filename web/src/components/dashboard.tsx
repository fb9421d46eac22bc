'use client';
import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '@/lib/api';
import { DashboardProvider, useDashboard } from '@/lib/dashboard-store';
import { JobDialog } from './job-dialog';
import { JobsPanel, useJobActions } from './jobs-panel';
import { LogsPanel } from './logs-panel';
import { NodesDialog, OccurrencesDialog, SettingsDialog, ShortcutsDialog, StatsDialog } from './other-dialogs';
import { ProfilesDialog } from './profiles-dialog';
import { RunsPanel } from './runs-panel';
import { TaskEditor } from './task-editor';
import { TasksPanel, useTaskActions } from './tasks-panel';
import { ConfirmProvider, DialogContext, type DialogRequest, ErrorBanner, cx, useModKey } from './ui';
import { Icon } from './icons';

export type Theme = 'system' | 'light' | 'dark';
const THEME_KEY = 'ccs-theme';
const SIZES_KEY = 'ccs-pane-sizes';
const DEFAULT_SIZES = { jobs: 230, tasks: 300, editor: 450, runs: 300 };
const MIN = { jobs: 160, tasks: 220, editor: 320, runs: 120 };
type Sizes = typeof DEFAULT_SIZES;

export function applyTheme(theme: Theme): void {
  document.documentElement.dataset.theme = theme;
  try {
    localStorage.setItem(THEME_KEY, theme);
  } catch {
    // Private mode: the theme still applies for this page.
  }
}

function loadSizes(): Sizes {
  try {
    const raw = localStorage.getItem(SIZES_KEY);
    if (raw) return { ...DEFAULT_SIZES, ...(JSON.parse(raw) as Partial<Sizes>) };
  } catch {
    // Fall back to the defaults.
  }
  return DEFAULT_SIZES;
}

/** A draggable divider between two panes; arrow keys move it too. */
function Splitter({
  label,
  vertical,
  onMove,
  onDone,
}: {
  label: string;
  vertical?: boolean;
  onMove: (delta: number) => void;
  onDone: () => void;
}) {
  const start = useRef<number | null>(null);
  return (
    <div
      role="separator"
      aria-label={label}
      aria-orientation={vertical ? 'horizontal' : 'vertical'}
      tabIndex={0}
      className={cx('splitter', vertical ? 'splitter-h' : 'splitter-v')}
      onPointerDown={(e) => {
        start.current = vertical ? e.clientY : e.clientX;
        e.currentTarget.setPointerCapture(e.pointerId);
      }}
      onPointerMove={(e) => {
        if (start.current === null) return;
        const pos = vertical ? e.clientY : e.clientX;
        onMove(pos - start.current);
        start.current = pos;
      }}
      onPointerUp={() => {
        start.current = null;
        onDone();
      }}
      onKeyDown={(e) => {
        const step = e.shiftKey ? 64 : 16;
        const back = vertical ? 'ArrowUp' : 'ArrowLeft';
        const fwd = vertical ? 'ArrowDown' : 'ArrowRight';
        if (e.key === back || e.key === fwd) {
          e.preventDefault();
          onMove(e.key === back ? -step : step);
          onDone();
        }
      }}
    />
  );
}

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el) return false;
  return el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName);
}

function Shell() {
  const dash = useDashboard();
  const { state, selectTask } = dash;
  const [dialog, setDialog] = useState<DialogRequest | null>(null);
  const [theme, setTheme] = useState<Theme>('system');
  const [sizes, setSizes] = useState<Sizes>(DEFAULT_SIZES);
  const mod = useModKey();
  const taskActions = useTaskActions();
  const jobActions = useJobActions();
  const settingsTheme = state.settings?.theme;
  const showJobs = state.settings?.show_jobs_panel !== false;

  useEffect(() => {
    setSizes(loadSizes());
    const stored = (localStorage.getItem(THEME_KEY) as Theme | null) ?? 'system';
    setTheme(stored);
  }, []);
  // The server's setting wins once it is known (it is what other browsers and the Settings dialog see).
  useEffect(() => {
    if (settingsTheme === 'light' || settingsTheme === 'dark' || settingsTheme === 'system') {
      setTheme(settingsTheme);
      applyTheme(settingsTheme);
    }
  }, [settingsTheme]);
  useEffect(() => {
    document.body.dataset.ready = state.ready ? 'true' : 'false';
  }, [state.ready]);

  const cycleTheme = (): void => {
    const next: Theme = theme === 'system' ? 'light' : theme === 'light' ? 'dark' : 'system';
    setTheme(next);
    applyTheme(next);
    api.put('/api/settings', { theme: next }).catch(() => undefined);
  };

  const toggleJobs = (): void => {
    if (!state.settings) return;
    dash.setSettings({ ...state.settings, show_jobs_panel: !showJobs });
    api.put('/api/settings', { show_jobs_panel: !showJobs }).catch(() => undefined);
  };

  const resize = (key: keyof Sizes, delta: number): void =>
    setSizes((s) => ({ ...s, [key]: Math.max(MIN[key], Math.min(1200, s[key] + delta)) }));
  const saveSizes = useCallback(() => {
    setSizes((s) => {
      try {
        localStorage.setItem(SIZES_KEY, JSON.stringify(s));
      } catch {
        // Not persisted; the layout still applies.
      }
      api
        .put('/api/settings', { main_splitter_sizes: [s.jobs, s.tasks, s.editor], right_splitter_sizes: [s.runs] })
        .catch(() => undefined);
      return s;
    });
  }, []);

  // Keyboard shortcuts of the original window.
  const selectedTask = state.tasks.find((t) => t.id === state.selectedTaskId) ?? null;
  const selectedJob = state.jobs.find((j) => j.id === state.selectedJobId) ?? null;
  const keys = useRef({ selectedTask, selectedJob, dialog, taskActions, jobActions });
  keys.current = { selectedTask, selectedJob, dialog, taskActions, jobActions };
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      const k = keys.current;
      // Shortcuts act on the main window, not behind an open dialog.
      if (k.dialog || document.querySelector('dialog[open]')) return;
      const modKey = e.ctrlKey || e.metaKey;
      const key = e.key.toLowerCase();
      const act = (fn: () => void): void => {
        e.preventDefault();
        fn();
      };
      if ((modKey || e.altKey) && e.shiftKey && key === 'n') return act(() => setDialog({ kind: 'job', jobId: null }));
      if ((modKey || e.altKey) && !e.shiftKey && key === 'n') return act(() => selectTask('new'));
      if (modKey && e.shiftKey && key === 'r') {
        return act(() => {
          if (k.selectedJob) void k.jobActions.run(k.selectedJob);
        });
      }
      if (modKey && !e.shiftKey && key === 'r') {
        return act(() => {
          if (k.selectedTask) void k.taskActions.run(k.selectedTask);
        });
      }
      if (modKey && !e.shiftKey && key === 'd') {
        return act(() => {
          if (k.selectedTask) void k.taskActions.duplicate(k.selectedTask);
        });
      }
      if (modKey && (key === ',' || e.code === 'Comma')) return act(() => setDialog({ kind: 'settings' }));
      if (isTyping(e.target)) return;
      if (e.key === 'Delete' && k.selectedTask) return act(() => void k.taskActions.remove(k.selectedTask!));
      if (e.key === '?' && !modKey) return act(() => setDialog({ kind: 'shortcuts' }));
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [selectTask]);

  const close = (): void => setDialog(null);
  const daemon = state.health?.mode === 'daemon';
  const shortcutError = taskActions.action.error ?? jobActions.action.error;

  return (
    <DialogContext.Provider value={setDialog}>
      <div className={cx('app', state.settings?.compact_mode && 'compact')}>
        <header className="toolbar">
          <div className="brand">
            <span className="logo" aria-hidden>
              <Icon name="clock" size={17} />
            </span>
            <h1>Claude Code Scheduler</h1>
            {state.health && <span className="badge mode">{state.health.mode}</span>}
            <span
              className={cx('conn', `conn-${state.connection}`)}
              role="status"
              aria-label={`Connection: ${state.connection === 'live' ? 'live' : state.connection === 'offline' ? 'reconnecting' : 'connecting'}`}
            >
              <span className="dot" aria-hidden />
              {state.connection === 'live' ? 'Live' : state.connection === 'offline' ? 'Reconnecting…' : 'Connecting…'}
            </span>
          </div>
          <nav className="toolbar-actions" aria-label="Main">
            <button
              type="button"
              className="btn btn-ghost"
              aria-pressed={showJobs}
              onClick={toggleJobs}
              title="Show or hide the jobs pane"
            >
              Jobs pane
            </button>
            <button type="button" className="btn btn-ghost" onClick={() => setDialog({ kind: 'profiles' })}>
              Profiles
            </button>
            {daemon && (
              <>
                <button type="button" className="btn btn-ghost" onClick={() => setDialog({ kind: 'nodes' })}>
                  Nodes
                </button>
                <button type="button" className="btn btn-ghost" onClick={() => setDialog({ kind: 'stats' })}>
                  Stats
                </button>
              </>
            )}
            <button
              type="button"
              className="btn btn-ghost"
              onClick={() => setDialog({ kind: 'settings' })}
              title={`Settings (${mod}+,)`}
            >
              Settings
            </button>
            <button
              type="button"
              className="btn btn-ghost"
              onClick={() => setDialog({ kind: 'shortcuts' })}
              aria-label="Keyboard shortcuts"
              title="Keyboard shortcuts (?)"
            >
              <Icon name="keyboard" />
            </button>
            <button
              type="button"
              className="btn btn-ghost theme-toggle"
              onClick={cycleTheme}
              aria-label={`Theme: ${theme}. Switch theme`}
              title={`Theme: ${theme} (click to switch)`}
            >
              <Icon name={theme === 'dark' ? 'moon' : theme === 'light' ? 'sun' : 'auto'} />
              {theme === 'system' ? 'Auto' : theme === 'dark' ? 'Dark' : 'Light'}
            </button>
          </nav>
        </header>
        {state.loadError && !state.ready && (
          <ErrorBanner error={`Cannot load the scheduler's data: ${state.loadError}. Retrying…`} />
        )}
        {state.connection === 'offline' && state.ready && (
          <div className="offline-banner" role="status">
            Lost the connection to the scheduler. Reconnecting… (changes made meanwhile appear once it is back)
          </div>
        )}
        {shortcutError && (
          <ErrorBanner
            error={shortcutError}
            onDismiss={() => (taskActions.action.clear(), jobActions.action.clear())}
          />
        )}
        <main className="panes" aria-busy={!state.ready}>
          {showJobs && (
            <>
              <div className="pane-box" style={{ width: sizes.jobs }}>
                <JobsPanel />
              </div>
              <Splitter label="Resize the jobs pane" onMove={(d) => resize('jobs', d)} onDone={saveSizes} />
            </>
          )}
          <div className="pane-box" style={{ width: sizes.tasks }}>
            <TasksPanel />
          </div>
          <Splitter label="Resize the tasks pane" onMove={(d) => resize('tasks', d)} onDone={saveSizes} />
          <div className="pane-box" style={{ width: sizes.editor }}>
            <TaskEditor />
          </div>
          <Splitter label="Resize the task editor" onMove={(d) => resize('editor', d)} onDone={saveSizes} />
          <div className="pane-box right">
            <div className="runs-box" style={{ height: sizes.runs }}>
              <RunsPanel />
            </div>
            <Splitter label="Resize runs and logs" vertical onMove={(d) => resize('runs', d)} onDone={saveSizes} />
            <div className="logs-box">
              <LogsPanel />
            </div>
          </div>
        </main>
        <footer className="statusbar">
          <span>v{state.health?.version ?? '…'}</span>
          {state.health && <span className="muted">data: {state.health.data_dir}</span>}
          <span className="spacer" />
          <span className="muted">
            {state.tasks.length} tasks · {state.jobs.length} jobs · press ? for shortcuts
          </span>
        </footer>
      </div>
      {dialog?.kind === 'job' && <JobDialog jobId={dialog.jobId} onClose={close} />}
      {dialog?.kind === 'profiles' && <ProfilesDialog profileId={dialog.profileId} onClose={close} />}
      {dialog?.kind === 'settings' && <SettingsDialog onClose={close} />}
      {dialog?.kind === 'occurrences' && <OccurrencesDialog taskId={dialog.taskId} onClose={close} />}
      {dialog?.kind === 'nodes' && <NodesDialog onClose={close} />}
      {dialog?.kind === 'stats' && <StatsDialog onClose={close} />}
      {dialog?.kind === 'shortcuts' && <ShortcutsDialog onClose={close} mod={mod} />}
    </DialogContext.Provider>
  );
}

export function Dashboard() {
  return (
    <DashboardProvider>
      <ConfirmProvider>
        <Shell />
      </ConfirmProvider>
    </DashboardProvider>
  );
}
