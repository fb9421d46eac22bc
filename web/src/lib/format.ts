/** Display helpers: durations, money, token counts, times. */

export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '';
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 60) return `${seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)} s`;
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds % 60);
  if (m < 60) return `${m}m ${String(s).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  return `${h}h ${String(m % 60).padStart(2, '0')}m`;
}

export function formatCost(usd: number | null | undefined): string {
  if (usd === null || usd === undefined) return '';
  if (usd === 0) return '$0';
  return usd < 0.01 ? `$${usd.toFixed(4)}` : `$${usd.toFixed(2)}`;
}

export function formatTokens(n: number | null | undefined): string {
  if (n === null || n === undefined) return '';
  if (n < 1000) return String(n);
  if (n < 1_000_000) return `${(n / 1000).toFixed(n < 10_000 ? 1 : 0)}k`;
  return `${(n / 1_000_000).toFixed(1)}M`;
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** Made once: a formatter per call (toLocaleDateString) costs more than the rest of a list row's rendering. */
const WEEKDAY = new Intl.DateTimeFormat('en', { weekday: 'short' });
const WEEKDAY_UTC = new Intl.DateTimeFormat('en', { weekday: 'short', timeZone: 'UTC' });

/** "14:05" today, "Mon 14:05" within a week, else "2025-03-01 14:05" (local time of the browser). */
export function formatWhen(iso: string | null | undefined, now: Date = new Date()): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  const sameDay =
    d.getFullYear() === now.getFullYear() && d.getMonth() === now.getMonth() && d.getDate() === now.getDate();
  if (sameDay) return time;
  const diffDays = Math.abs(d.getTime() - now.getTime()) / 86_400_000;
  if (diffDays < 6) return `${WEEKDAY.format(d)} ${time}`;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${time}`;
}

/** A wall time "YYYY-MM-DDTHH:MM:SS" as "Mon 2025-03-03 09:00". */
export function formatLocal(local: string): string {
  const [date = '', time = ''] = local.split('T');
  const [y, mo, d] = date.split('-');
  const [h, mi, s] = time.split(':');
  if (!y || !mo || !d || !h || !mi) return local;
  const weekday = WEEKDAY_UTC.format(new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d))));
  return `${weekday} ${y}-${mo}-${d} ${h}:${mi}${s && s !== '00' ? `:${s}` : ''}`;
}

export function runTokens(r: { input_tokens?: number | null; output_tokens?: number | null }): number | null {
  if (r.input_tokens === null && r.output_tokens === null) return null;
  if (r.input_tokens === undefined && r.output_tokens === undefined) return null;
  return (r.input_tokens ?? 0) + (r.output_tokens ?? 0);
}

export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}
