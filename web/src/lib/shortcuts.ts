/**
 * The dashboard's keyboard shortcuts: single keys pressed outside text fields, so none of them is one the browser
 * keeps for itself (Ctrl+N, Ctrl+R, Ctrl+D… open windows, reload, bookmark). The shortcuts dialog, the tooltips
 * and the key handler all read this one table, so what a tooltip says is what the key does.
 */

export type ShortcutId =
  | 'new-task'
  | 'new-job'
  | 'run-task'
  | 'run-job'
  | 'duplicate-task'
  | 'delete-task'
  | 'filter-tasks'
  | 'settings'
  | 'view-tasks'
  | 'view-history'
  | 'view-overview'
  | 'help';

export interface Shortcut {
  id: ShortcutId;
  /** As shown to the user (and in aria-keyshortcuts). */
  keys: string;
  does: string;
  /** Matches a keydown event (modifiers already known to be absent except Shift). */
  matches: (e: { key: string; shiftKey: boolean }) => boolean;
}

const key =
  (k: string, shift = false) =>
  (e: { key: string; shiftKey: boolean }) =>
    e.key.toLowerCase() === k && e.shiftKey === shift;

export const SHORTCUTS: Shortcut[] = [
  { id: 'new-task', keys: 'N', does: 'New task', matches: key('n') },
  { id: 'new-job', keys: 'Shift+N', does: 'New job', matches: key('n', true) },
  { id: 'run-task', keys: 'R', does: 'Run the selected task now', matches: key('r') },
  { id: 'run-job', keys: 'Shift+R', does: 'Run the selected job', matches: key('r', true) },
  { id: 'duplicate-task', keys: 'D', does: 'Duplicate the selected task', matches: key('d') },
  {
    id: 'delete-task',
    keys: 'Delete',
    does: 'Delete the selected task (asks first)',
    matches: (e) => e.key === 'Delete',
  },
  { id: 'filter-tasks', keys: '/', does: 'Filter the tasks', matches: (e) => e.key === '/' },
  { id: 'settings', keys: ',', does: 'Settings', matches: (e) => e.key === ',' },
  { id: 'view-tasks', keys: '1', does: 'Show the tasks', matches: (e) => e.key === '1' },
  { id: 'view-history', keys: '2', does: 'Show the run history', matches: (e) => e.key === '2' },
  { id: 'view-overview', keys: '3', does: 'Show the overview', matches: (e) => e.key === '3' },
  { id: 'help', keys: '?', does: 'This list', matches: (e) => e.key === '?' },
];

export function shortcutFor(id: ShortcutId): string {
  return SHORTCUTS.find((s) => s.id === id)?.keys ?? '';
}

/** The shortcut a key press means, if any: never while typing, never with Ctrl, ⌘ or Alt (the browser's keys). */
export function matchShortcut(e: {
  key: string;
  shiftKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  typing: boolean;
}): ShortcutId | null {
  if (e.typing || e.ctrlKey || e.metaKey || e.altKey) return null;
  return SHORTCUTS.find((s) => s.matches(e))?.id ?? null;
}
