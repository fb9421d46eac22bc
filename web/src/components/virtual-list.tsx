'use client';
/**
 * A list that renders only the rows on screen (a thousand tasks or runs stay a few dozen elements), with one tab
 * stop: Tab enters at the selected (or last focused) row, ↑/↓/Home/End/PageUp/PageDown move between rows, ←/→ move
 * between the controls of a row. Rows may differ in height; each is measured once it is rendered.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useRef, useState } from 'react';
import { cx } from './ui';

export interface RowProps {
  /** The row's main control gets this tab index (0 for the list's one tab stop, else -1); other controls -1. */
  tabIndex: number;
  index: number;
}

export interface VirtualListProps<T> {
  items: T[];
  getKey: (item: T) => string;
  renderItem: (item: T, row: RowProps) => React.ReactNode;
  /** Class of each row (`li`). */
  rowClassName?: (item: T) => string | undefined;
  rowProps?: (item: T) => React.LiHTMLAttributes<HTMLLIElement> & Record<`data-${string}`, string | undefined>;
  label: string;
  estimateSize: number;
  /** Key of the selected item: the tab stop when focus has not been in the list yet, and kept in view. */
  selectedKey?: string | null;
  /** Called when the last rows come into view (infinite scroll); the caller ignores calls while loading. */
  onEndReached?: () => void;
  /** After the rows, inside the scrolling box (a "Load more" button, an empty note). */
  footer?: React.ReactNode;
  className?: string;
  onKeyDown?: (e: React.KeyboardEvent<HTMLUListElement>, item: T | undefined) => void;
}

const PRIMARY = '[data-primary]';

export function VirtualList<T>({
  items,
  getKey,
  renderItem,
  rowClassName,
  rowProps,
  label,
  estimateSize,
  selectedKey,
  onEndReached,
  footer,
  className,
  onKeyDown,
}: VirtualListProps<T>) {
  const scroller = useRef<HTMLDivElement>(null);
  const [activeKey, setActiveKey] = useState<string | null>(null);
  const pendingFocus = useRef<string | null>(null);
  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => estimateSize,
    getItemKey: (i) => getKey(items[i]),
    overscan: 6,
  });
  const rows = virtualizer.getVirtualItems();

  const keyIndex = useCallback(
    (key: string | null | undefined) => (key ? items.findIndex((it) => getKey(it) === key) : -1),
    [items, getKey],
  );
  // The tab stop: the row focus was last in, else the selected row, else the first.
  let stop = keyIndex(activeKey);
  if (stop < 0) stop = keyIndex(selectedKey);
  if (stop < 0 && items.length > 0) stop = 0;
  const stopKey = stop >= 0 ? getKey(items[stop]) : null;

  // Keep the selected row in view when the selection changes from elsewhere (a deep link, a shortcut).
  const selectedIndex = keyIndex(selectedKey);
  useEffect(() => {
    if (selectedIndex < 0) return;
    // Only when the row is out of view: scrolling (even to where it is) forces a layout.
    const row = virtualizer.measurementsCache[selectedIndex];
    const top = virtualizer.scrollOffset ?? 0;
    const height = virtualizer.scrollRect?.height ?? 0;
    if (!row || row.start < top || row.end > top + height) virtualizer.scrollToIndex(selectedIndex, { align: 'auto' });
    // Only when the selection moves, not on every list update.
  }, [selectedKey]);

  const last = rows.length > 0 ? rows[rows.length - 1].index : -1;
  useEffect(() => {
    if (onEndReached && items.length > 0 && last >= items.length - 5) onEndReached();
  }, [last, items.length, onEndReached]);

  // A row moved to by keyboard may not be rendered yet: focus it once it is.
  useEffect(() => {
    const key = pendingFocus.current;
    if (!key) return;
    const el = scroller.current?.querySelector<HTMLElement>(`li[data-key="${CSS.escape(key)}"] ${PRIMARY}`);
    if (el) {
      pendingFocus.current = null;
      el.focus();
    }
  });

  const moveTo = (index: number): void => {
    const i = Math.max(0, Math.min(items.length - 1, index));
    if (i < 0 || i >= items.length) return;
    const key = getKey(items[i]);
    setActiveKey(key);
    pendingFocus.current = key;
    virtualizer.scrollToIndex(i, { align: 'auto' });
  };

  const pageRows = Math.max(1, Math.floor((scroller.current?.clientHeight ?? estimateSize * 10) / estimateSize) - 1);

  const keyDown = (e: React.KeyboardEvent<HTMLUListElement>): void => {
    const li = (e.target as HTMLElement).closest<HTMLLIElement>('li[data-key]');
    const current = li ? keyIndex(li.dataset['key']) : -1;
    onKeyDown?.(e, current >= 0 ? items[current] : undefined);
    if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey) return;
    const to: Record<string, number> = {
      ArrowDown: current + 1,
      ArrowUp: current - 1,
      Home: 0,
      End: items.length - 1,
      PageDown: current + pageRows,
      PageUp: current - pageRows,
    };
    if (e.key in to && current >= 0) {
      e.preventDefault();
      moveTo(to[e.key]);
      return;
    }
    if ((e.key === 'ArrowRight' || e.key === 'ArrowLeft') && li) {
      const controls = [...li.querySelectorAll<HTMLElement>('button:not(:disabled), a[href], input')];
      const at = controls.indexOf(e.target as HTMLElement);
      if (at < 0 || controls.length < 2) return;
      e.preventDefault();
      controls[(at + (e.key === 'ArrowRight' ? 1 : -1) + controls.length) % controls.length].focus();
    }
  };

  return (
    <div className={cx('list-scroll', className)} ref={scroller}>
      <ul
        className="list"
        aria-label={label}
        style={{ height: virtualizer.getTotalSize(), position: 'relative' }}
        onKeyDown={keyDown}
        onFocus={(e) => {
          const li = (e.target as HTMLElement).closest<HTMLLIElement>('li[data-key]');
          if (li?.dataset['key']) setActiveKey(li.dataset['key']);
        }}
      >
        {rows.map((v) => {
          const item = items[v.index];
          const key = getKey(item);
          return (
            <li
              key={key}
              ref={virtualizer.measureElement}
              data-index={v.index}
              data-key={key}
              aria-setsize={items.length}
              aria-posinset={v.index + 1}
              className={cx('list-item', rowClassName?.(item))}
              style={{ position: 'absolute', top: 0, left: 0, right: 0, transform: `translateY(${v.start}px)` }}
              {...rowProps?.(item)}
            >
              {renderItem(item, { tabIndex: key === stopKey ? 0 : -1, index: v.index })}
            </li>
          );
        })}
      </ul>
      {footer}
    </div>
  );
}
