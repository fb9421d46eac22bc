import { SHORTCUTS, matchShortcut } from './shortcuts';

const press = (key: string, extra: Partial<Parameters<typeof matchShortcut>[0]> = {}) =>
  matchShortcut({ key, shiftKey: false, ctrlKey: false, metaKey: false, altKey: false, typing: false, ...extra });

describe('keyboard shortcuts', () => {
  it('maps single keys (and Shift) to their actions', () => {
    expect(press('n')).toBe('new-task');
    expect(press('N', { shiftKey: true })).toBe('new-job');
    expect(press('r')).toBe('run-task');
    expect(press('R', { shiftKey: true })).toBe('run-job');
    expect(press('Delete')).toBe('delete-task');
    expect(press('?', { shiftKey: true })).toBe('help');
    expect(press('2')).toBe('view-history');
  });

  it('leaves the browser its own keys and never fires while the user types', () => {
    expect(press('n', { ctrlKey: true })).toBeNull();
    expect(press('r', { metaKey: true })).toBeNull();
    expect(press('d', { altKey: true })).toBeNull();
    expect(press('n', { typing: true })).toBeNull();
    expect(press('x')).toBeNull();
  });

  it('has one entry per key, each described', () => {
    expect(new Set(SHORTCUTS.map((s) => s.keys)).size).toBe(SHORTCUTS.length);
    expect(SHORTCUTS.every((s) => s.does.length > 0)).toBe(true);
  });
});
