'use client';
/**
 * Charts with Chart.js (canvas; only the bar and line parts are registered, so the bundle stays small). Colours
 * come from the theme's CSS variables and the chart is redrawn when the theme changes, so both themes read well.
 * A canvas says nothing to a screen reader: each chart carries a summary as its accessible name, and the pages
 * show the same numbers as text or tables beside it.
 */
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  type ChartConfiguration,
  Legend,
  LineController,
  LineElement,
  LinearScale,
  PointElement,
  Tooltip,
} from 'chart.js';
import { useEffect, useRef, useState } from 'react';

Chart.register(
  BarController,
  BarElement,
  CategoryScale,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Legend,
  Tooltip,
);

export interface ThemeColors {
  text: string;
  muted: string;
  grid: string;
  success: string;
  danger: string;
  running: string;
  warn: string;
  accent: string;
  neutral: string;
  /** Distinct colours for series without a meaning of their own (tasks, profiles). */
  palette: string[];
}

function readColors(): ThemeColors {
  const css = getComputedStyle(document.documentElement);
  const v = (name: string): string => css.getPropertyValue(name).trim();
  const dark = css.colorScheme.includes('dark') || v('color-scheme').includes('dark');
  return {
    text: v('--text'),
    muted: v('--muted'),
    grid: v('--border'),
    success: v('--success'),
    danger: v('--danger'),
    running: v('--running'),
    warn: v('--warn'),
    accent: v('--accent'),
    neutral: v('--border-strong'),
    palette: dark
      ? ['#8b8dff', '#4cc38a', '#ffa057', '#52a9ff', '#ff8dc7', '#c4a7ff']
      : ['#5b5bd6', '#18794e', '#ad5700', '#0b68cb', '#c2298a', '#7c3aed'],
  };
}

/** The theme's colours, read again whenever the theme (the page's or the system's) changes. */
export function useThemeColors(): ThemeColors | null {
  const [colors, setColors] = useState<ThemeColors | null>(null);
  useEffect(() => {
    const update = (): void => setColors(readColors());
    update();
    const observer = new MutationObserver(update);
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    const media = window.matchMedia('(prefers-color-scheme: dark)');
    media.addEventListener('change', update);
    return () => {
      observer.disconnect();
      media.removeEventListener('change', update);
    };
  }, []);
  return colors;
}

export function ChartCanvas({
  config,
  label,
  height = 220,
}: {
  config: ChartConfiguration<'bar' | 'line'>;
  /** What the chart shows, in words (its accessible name). */
  label: string;
  height?: number;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvas.current) return;
    const chart = new Chart(canvas.current, config);
    return () => chart.destroy();
  }, [config]);
  return (
    <div className="chart" style={{ height }}>
      <canvas ref={canvas} role="img" aria-label={label} />
    </div>
  );
}

/** Options shared by the charts: theme colours for text and grid, no animation, a legend at the bottom. */
export function baseOptions(c: ThemeColors, yTitle: string, stacked = false): ChartConfiguration<'bar'>['options'] {
  const axis = { ticks: { color: c.muted }, grid: { color: c.grid }, border: { color: c.grid } };
  return {
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    interaction: { mode: 'index', intersect: false },
    plugins: { legend: { position: 'bottom', labels: { color: c.text, boxWidth: 12 } } },
    scales: {
      x: { ...axis, stacked },
      y: { ...axis, stacked, beginAtZero: true, title: { display: true, text: yTitle, color: c.muted } },
    },
  };
}
