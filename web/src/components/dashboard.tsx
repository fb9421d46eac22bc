'use client';
import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '@/lib/api';
import { type Connection, DashboardProvider, useDashboard } from '@/lib/dashboard-store';
import { JobDialog } from './job-dialog';
import { JobsPanel, useJobActions } from './jobs-panel';
import { LogsPanel } from './logs-panel';
import { HistoryView } from './history-view';
import { NodesDialog, OccurrencesDialog, SettingsDialog, ShortcutsDialog, StatsDialog } from './other-dialogs';
import { OverviewView } from './overview-view';
import { ProfilesDialog } from './profiles-dialog';
import { RunsPanel } from './runs-panel';
import { TaskEditor } from './task-editor';
import { TasksPanel, useTaskActions } from './tasks-panel';
import { ConfirmProvider, DialogContext, type DialogRequest, ErrorBanner, cx } from './ui';
import { formatUrlState, type View } from '@/lib/url-state';
import { matchShortcut, shortcutFor } from '@/lib/shortcuts';
import { Icon } from './icons';

export type Theme = 'system' | 'light' | 'dark';
const THEME_KEY = 'ccs-theme';
const SIZES_KEY = 'ccs-pane-sizes';
const DEFAULT_SIZES = { jobs: 230, tasks: 300, editor: 450, runs: 300 };
const MIN = { jobs: 160, tasks: 220, editor: 320, runs: 120 };
type Sizes = typeof DEFAULT_SIZES;
const MAX_SIZE = 1200;
/** Below this width the four panes become two columns, the right one with tabs (editor | runs and logs). */
const NARROW = '(max-width: 1279px)';

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
  value,
  min,
  onMove,
  onDone,
}: {
  label: string;
  vertical?: boolean;
  /** The size in pixels of the pane before the splitter (what the arrow keys change). */
  value: number;
  min: number;
  onMove: (delta: number) => void;
  onDone: () => void;
}) {
  const start = useRef<number | null>(null);
  return (
    <div
      role="separator"
      aria-label={label}
      aria-orientation={vertical ? 'horizontal' : 'vertical'}
      aria-valuenow={value}
      aria-valuemin={min}
      aria-valuemax={MAX_SIZE}
      aria-valuetext={`${value} pixels`}
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

/** True while the media query matches (false during the static render, so the first paint is the wide layout). */
function useMedia(query: string): boolean {
  const [match, setMatch] = useState(false);
  useEffect(() => {
    const m = window.matchMedia(query);
    const update = (): void => setMatch(m.matches);
    update();
    m.addEventListener('change', update);
    return () => m.removeEventListener('change', update);
  }, [query]);
  return match;
}

const VIEW_LABELS: Record<View, string> = { tasks: 'Tasks', history: 'History', overview: 'Overview' };
const VIEW_SHORTCUTS: Record<View, 'view-tasks' | 'view-history' | 'view-overview'> = {
  tasks: 'view-tasks',
  history: 'view-history',
  overview: 'view-overview',
};

const CONNECTION_TEXT: Record<Connection, [string, string]> = {
  live: ['live', 'Live'],
  offline: ['reconnecting', 'Reconnecting…'],
  connecting: ['connecting', 'Connecting…'],
  stopped: ['stopped', 'Stopped'],
};

function Shell() {
  const dash = useDashboard();
  const { state, selectTask, setView } = dash;
  const [dialog, setDialog] = useState<DialogRequest | null>(null);
  const [theme, setTheme] = useState<Theme>('system');
  const [sizes, setSizes] = useState<Sizes>(DEFAULT_SIZES);
  const narrow = useMedia(NARROW);
  const [rightTab, setRightTab] = useState<'editor' | 'runs'>('editor');
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
    // "Data ready" for the scale test and anyone profiling: time from navigation to the first complete render.
    if (state.ready && performance.getEntriesByName('ccs-data-ready').length === 0) performance.mark('ccs-data-ready');
  }, [state.ready]);
  // In the two-column layout the right column shows what was just chosen: a task's editor, or a run's logs.
  useEffect(() => setRightTab('editor'), [state.selectedTaskId]);
  useEffect(() => {
    if (state.selectedRunId) setRightTab('runs');
  }, [state.selectedRunId]);

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
    setSizes((s) => ({ ...s, [key]: Math.max(MIN[key], Math.min(MAX_SIZE, s[key] + delta)) }));
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

  // Keyboard shortcuts: single keys outside text fields (see lib/shortcuts.ts).
  const selectedTask = state.tasks.find((t) => t.id === state.selectedTaskId) ?? null;
  const selectedJob = state.jobs.find((j) => j.id === state.selectedJobId) ?? null;
  const keys = useRef({ selectedTask, selectedJob, dialog, taskActions, jobActions, view: state.view });
  keys.current = { selectedTask, selectedJob, dialog, taskActions, jobActions, view: state.view };
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      const k = keys.current;
      // Shortcuts act on the main window, not behind an open dialog.
      if (k.dialog || document.querySelector('dialog[open]')) return;
      const id = matchShortcut({
        key: e.key,
        shiftKey: e.shiftKey,
        ctrlKey: e.ctrlKey,
        metaKey: e.metaKey,
        altKey: e.altKey,
        typing: isTyping(e.target),
      });
      if (!id) return;
      e.preventDefault();
      const inTasks = (fn: () => void): void => {
        if (k.view !== 'tasks') setView('tasks');
        fn();
      };
      switch (id) {
        case 'new-task':
          return inTasks(() => selectTask('new'));
        case 'new-job':
          return setDialog({ kind: 'job', jobId: null });
        case 'run-task':
          if (k.selectedTask) void k.taskActions.run(k.selectedTask);
          return;
        case 'run-job':
          if (k.selectedJob) void k.jobActions.run(k.selectedJob);
          return;
        case 'duplicate-task':
          if (k.selectedTask) void k.taskActions.duplicate(k.selectedTask);
          return;
        case 'delete-task':
          if (k.selectedTask) void k.taskActions.remove(k.selectedTask);
          return;
        case 'filter-tasks':
          return inTasks(() =>
            setTimeout(() => document.querySelector<HTMLElement>('[data-shortcut="filter-tasks"]')?.focus(), 0),
          );
        case 'settings':
          return setDialog({ kind: 'settings' });
        case 'view-tasks':
          return setView('tasks');
        case 'view-history':
          return setView('history');
        case 'view-overview':
          return setView('overview');
        case 'help':
          return setDialog({ kind: 'shortcuts' });
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [selectTask, setView]);

  const close = (): void => setDialog(null);
  const daemon = state.health?.mode === 'daemon';
  const shortcutError = taskActions.action.error ?? jobActions.action.error;
  const [connWord, connText] = CONNECTION_TEXT[state.connection];
  const themeLabel = theme === 'system' ? 'Auto' : theme === 'dark' ? 'Dark' : 'Light';
  const viewHref = (view: View): string =>
    `/${formatUrlState({
      view,
      jobId: state.selectedJobId,
      taskId: state.selectedTaskId,
      runId: state.selectedRunId,
      runFilter: state.runFilter,
      history: state.history,
    })}`;

  const runsAndLogs = (
    <>
      <div className="runs-box" style={narrow ? undefined : { height: sizes.runs }}>
        <RunsPanel />
      </div>
      <Splitter
        label="Resize runs and logs"
        vertical
        value={sizes.runs}
        min={MIN.runs}
        onMove={(d) => resize('runs', d)}
        onDone={saveSizes}
      />
      <div className="logs-box">
        <LogsPanel />
      </div>
    </>
  );

  const workspace = narrow ? (
    <div className="panes panes-narrow">
      <div className="col-left">
        {showJobs && (
          <div className="pane-box jobs-box">
            <JobsPanel />
          </div>
        )}
        <div className="pane-box tasks-box">
          <TasksPanel />
        </div>
      </div>
      <div className="col-right">
        <div className="pane-tabs" role="tablist" aria-label="Panes">
          {(
            [
              ['editor', 'Task editor'],
              ['runs', 'Runs and logs'],
            ] as const
          ).map(([id, label], i, all) => (
            <button
              key={id}
              type="button"
              role="tab"
              id={`pane-tab-${id}`}
              aria-controls={`pane-${id}`}
              aria-selected={rightTab === id}
              tabIndex={rightTab === id ? 0 : -1}
              className={cx('tab', rightTab === id && 'on')}
              onClick={() => setRightTab(id)}
              onKeyDown={(e) => {
                if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
                e.preventDefault();
                const next = all[(i + 1) % all.length][0];
                setRightTab(next);
                document.getElementById(`pane-tab-${next}`)?.focus();
              }}
            >
              {label}
            </button>
          ))}
        </div>
        {/* Both stay mounted: an unsaved edit survives a look at the runs. */}
        <div
          className="pane-box tab-panel"
          id="pane-editor"
          role="tabpanel"
          aria-labelledby="pane-tab-editor"
          hidden={rightTab !== 'editor'}
        >
          <TaskEditor />
        </div>
        <div
          className="pane-box right tab-panel"
          id="pane-runs"
          role="tabpanel"
          aria-labelledby="pane-tab-runs"
          hidden={rightTab !== 'runs'}
        >
          {runsAndLogs}
        </div>
      </div>
    </div>
  ) : (
    <div className="panes">
      {showJobs && (
        <>
          <div className="pane-box" style={{ width: sizes.jobs }}>
            <JobsPanel />
          </div>
          <Splitter
            label="Resize the jobs pane"
            value={sizes.jobs}
            min={MIN.jobs}
            onMove={(d) => resize('jobs', d)}
            onDone={saveSizes}
          />
        </>
      )}
      <div className="pane-box" style={{ width: sizes.tasks }}>
        <TasksPanel />
      </div>
      <Splitter
        label="Resize the tasks pane"
        value={sizes.tasks}
        min={MIN.tasks}
        onMove={(d) => resize('tasks', d)}
        onDone={saveSizes}
      />
      <div className="pane-box" style={{ width: sizes.editor }}>
        <TaskEditor />
      </div>
      <Splitter
        label="Resize the task editor"
        value={sizes.editor}
        min={MIN.editor}
        onMove={(d) => resize('editor', d)}
        onDone={saveSizes}
      />
      <div className="pane-box right">{runsAndLogs}</div>
    </div>
  );

  return (
    <DialogContext.Provider value={setDialog}>
      <a className="skip-link" href="#main">
        Skip to the main content
      </a>
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
              aria-label={`Connection: ${connWord}`}
            >
              <span className="dot" aria-hidden />
              {connText}
            </span>
          </div>
          <nav className="views" aria-label="Views">
            {(Object.keys(VIEW_LABELS) as View[]).map((v) => (
              <a
                key={v}
                href={viewHref(v)}
                className={cx('view-link', state.view === v && 'on')}
                aria-current={state.view === v ? 'page' : undefined}
                aria-keyshortcuts={shortcutFor(VIEW_SHORTCUTS[v])}
                title={`${VIEW_LABELS[v]} (${shortcutFor(VIEW_SHORTCUTS[v])})`}
                onClick={(e) => {
                  if (e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return; // a new tab or window
                  e.preventDefault();
                  setView(v);
                }}
              >
                {VIEW_LABELS[v]}
              </a>
            ))}
          </nav>
          <div className="toolbar-actions">
            {state.view === 'tasks' && (
              <button
                type="button"
                className="btn btn-ghost"
                aria-pressed={showJobs}
                onClick={toggleJobs}
                title="Show or hide the jobs pane"
              >
                Jobs pane
              </button>
            )}
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
              title={`Settings (${shortcutFor('settings')})`}
              aria-keyshortcuts={shortcutFor('settings')}
            >
              Settings
            </button>
            <button
              type="button"
              className="btn btn-ghost"
              onClick={() => setDialog({ kind: 'shortcuts' })}
              aria-label="Keyboard shortcuts"
              title={`Keyboard shortcuts (${shortcutFor('help')})`}
              aria-keyshortcuts={shortcutFor('help')}
            >
              <Icon name="keyboard" />
            </button>
            <button
              type="button"
              className="btn btn-ghost theme-toggle"
              onClick={cycleTheme}
              aria-label={`Theme: ${theme}. ${themeLabel}: switch theme`}
              title={`Theme: ${theme} (click to switch)`}
            >
              <Icon name={theme === 'dark' ? 'moon' : theme === 'light' ? 'sun' : 'auto'} />
              {themeLabel}
            </button>
          </div>
        </header>
        {state.loadError && !state.ready && (
          <ErrorBanner error={`Cannot load the scheduler's data: ${state.loadError}. Retrying…`} />
        )}
        {state.connection === 'offline' && state.ready && (
          <div className="offline-banner" role="status">
            Lost the connection to the scheduler. Reconnecting… (changes made meanwhile appear once it is back)
          </div>
        )}
        {state.connection === 'stopped' && (
          <div className="offline-banner" role="status">
            The scheduler has stopped. This page reconnects by itself when it is started again.
          </div>
        )}
        {shortcutError && (
          <ErrorBanner
            error={shortcutError}
            onDismiss={() => (taskActions.action.clear(), jobActions.action.clear())}
          />
        )}
        <main id="main" tabIndex={-1} className="main" aria-busy={!state.ready}>
          {state.view === 'tasks' && workspace}
          {state.view === 'history' && <HistoryView />}
          {state.view === 'overview' && <OverviewView />}
        </main>
        <footer className="statusbar">
          <span>v{state.health?.version ?? '…'}</span>
          {state.health && <span className="muted data-dir">data: {state.health.data_dir}</span>}
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
      {dialog?.kind === 'shortcuts' && <ShortcutsDialog onClose={close} />}
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
