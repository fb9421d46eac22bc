/**
 * What the address bar holds: the view, the selection and the filters, so a link (or a reload) opens the same
 * screen. The dashboard is one static page served at `/`, so everything lives in the query string
 * (`/?view=history&task=<id>&status=failed`), which needs nothing from the server.
 */
import { RUN_STATUS_LIST, type RunStatus } from './types';

export type View = 'tasks' | 'history' | 'overview';
export const VIEWS: View[] = ['tasks', 'history', 'overview'];

export type RunFilter = RunStatus | 'all';

/** Columns of the run history that can be sorted (client-side, over the loaded pages). */
export type HistorySort = 'start' | 'duration' | 'cost' | 'tokens' | 'trigger' | 'status';
export const HISTORY_SORTS: HistorySort[] = ['start', 'duration', 'cost', 'tokens', 'trigger', 'status'];

export interface HistoryFilters {
  /** Text search over task name, trigger, status reason, node and run id (client-side). */
  q: string;
  /** Inclusive local dates `YYYY-MM-DD`, or '' (client-side). */
  from: string;
  to: string;
  sort: HistorySort;
  desc: boolean;
}

export interface UrlState {
  view: View;
  jobId: string | null;
  taskId: string | null;
  runId: string | null;
  runFilter: RunFilter;
  history: HistoryFilters;
}

export const DEFAULT_HISTORY: HistoryFilters = { q: '', from: '', to: '', sort: 'start', desc: true };

const ID = /^[A-Za-z0-9_-]{1,64}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function id(v: string | null): string | null {
  return v && ID.test(v) ? v : null;
}

/** Reads a query string; anything malformed falls back to the default instead of failing the page. */
export function parseUrlState(search: string): UrlState {
  const p = new URLSearchParams(search);
  const view = p.get('view');
  const status = p.get('status');
  const sort = p.get('sort');
  const from = p.get('from') ?? '';
  const to = p.get('to') ?? '';
  const task = p.get('task');
  return {
    view: VIEWS.includes(view as View) ? (view as View) : 'tasks',
    jobId: id(p.get('job')),
    taskId: task === 'new' ? 'new' : id(task),
    runId: id(p.get('run')),
    runFilter: RUN_STATUS_LIST.includes(status as RunStatus) ? (status as RunStatus) : 'all',
    history: {
      q: (p.get('q') ?? '').slice(0, 200),
      from: DATE.test(from) ? from : '',
      to: DATE.test(to) ? to : '',
      sort: HISTORY_SORTS.includes(sort as HistorySort) ? (sort as HistorySort) : DEFAULT_HISTORY.sort,
      desc: p.get('dir') !== 'asc',
    },
  };
}

/** The query string for a state (defaults left out, so the plain address stays `/`). */
export function formatUrlState(s: UrlState): string {
  const p = new URLSearchParams();
  if (s.view !== 'tasks') p.set('view', s.view);
  if (s.jobId) p.set('job', s.jobId);
  if (s.taskId) p.set('task', s.taskId);
  if (s.runId) p.set('run', s.runId);
  if (s.runFilter !== 'all') p.set('status', s.runFilter);
  if (s.view === 'history') {
    const h = s.history;
    if (h.q) p.set('q', h.q);
    if (h.from) p.set('from', h.from);
    if (h.to) p.set('to', h.to);
    if (h.sort !== DEFAULT_HISTORY.sort) p.set('sort', h.sort);
    if (!h.desc) p.set('dir', 'asc');
  }
  const q = p.toString();
  return q ? `?${q}` : '';
}
