/**
 * The dashboard's HTTP client. Same origin as the API, so no base URL and no CORS. Errors become `ApiError`s that
 * carry the API's code, its sentence, and field errors keyed by field path (`name`, `schedule.interval_cron`).
 */

export interface FieldError {
  field: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: Record<string, string> = {},
    readonly details: unknown = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Keys of ScheduleConfig: schedule problems name these fields without the `schedule.` prefix. */
const SCHEDULE_KEYS = new Set([
  'schedule_type',
  'timezone',
  'calendar_frequency',
  'calendar_time',
  'calendar_days_of_week',
  'calendar_day_of_month',
  'interval_type',
  'interval_preset',
  'interval_value',
  'interval_unit',
  'interval_cron',
  'watch_directory',
  'watch_recursive',
  'watch_debounce_seconds',
  'seq_max_retries',
  'seq_retry_delay_seconds',
  'overlap_policy',
  'catchup_policy',
  'catchup_window_hours',
]);

/** Field errors of an error body's `details`: a list of `{field, message}` (400) or one `{field}` object (422). */
export function fieldErrors(details: unknown, message: string): Record<string, string> {
  const out: Record<string, string> = {};
  const add = (field: unknown, msg: unknown): void => {
    if (typeof field !== 'string' || !field) return;
    const key = SCHEDULE_KEYS.has(field) ? `schedule.${field}` : field.replace(/\[(\d+)\]/g, '.$1');
    if (!(key in out)) out[key] = typeof msg === 'string' && msg ? msg : message;
  };
  if (Array.isArray(details)) {
    for (const d of details) if (d && typeof d === 'object') add((d as FieldError).field, (d as FieldError).message);
  } else if (details && typeof details === 'object' && 'field' in details) {
    add(details.field, message);
  }
  return out;
}

/** Builds the ApiError for a non-2xx answer. */
export async function errorFromResponse(res: Response): Promise<ApiError> {
  let code = `HTTP_${res.status}`;
  let message = res.statusText || `HTTP ${res.status}`;
  let details: unknown = null;
  try {
    const body = (await res.json()) as { error?: { code?: string; message?: string; details?: unknown } };
    if (body.error) {
      code = body.error.code ?? code;
      message = body.error.message ?? message;
      details = body.error.details ?? null;
    }
  } catch {
    // Not JSON (a proxy's page): keep the status text.
  }
  return new ApiError(res.status, code, message, fieldErrors(details, message), details);
}

/** A sentence a user can act on, for any error the client met. */
export function humanError(err: unknown, doing?: string): string {
  const prefix = doing ? `Could not ${doing}: ` : '';
  if (err instanceof ApiError) {
    switch (err.code) {
      case 'VALIDATION_FAILED':
        return Object.keys(err.fields).length > 0
          ? `${prefix}please fix the highlighted field${Object.keys(err.fields).length > 1 ? 's' : ''}. ${err.message}`
          : `${prefix}${err.message}`;
      case 'NOT_FOUND':
        return `${prefix}it no longer exists (it may have been deleted in another window). The lists have been refreshed.`;
      case 'UNSUPPORTED_MEDIA_TYPE':
      case 'ORIGIN_NOT_ALLOWED':
      case 'HOST_NOT_ALLOWED':
        return `${prefix}${err.message}. Open the dashboard at the scheduler's own address (http://127.0.0.1:<port>/).`;
      case 'UNAUTHORIZED':
        return `${prefix}the scheduler wants its API token (--api-token). Reload the page to enter it.`;
      default:
        if (err.status >= 500)
          return `${prefix}the scheduler hit an internal error. ${err.message}. Its log (run with -v) has the details.`;
        return `${prefix}${err.message}`;
    }
  }
  if (err instanceof TypeError) {
    return `${prefix}the scheduler cannot be reached. Check that it is still running; the dashboard reconnects by itself.`;
  }
  return `${prefix}${err instanceof Error ? err.message : String(err)}`;
}

const TOKEN_KEY = 'ccs-api-token';

/** The API token the user entered in this tab (a scheduler started with --api-token), if any. */
export function apiToken(): string | null {
  try {
    return window.sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

/** The event-stream URL: EventSource cannot send headers, so the token travels as a query parameter there. */
export function eventsUrl(): string {
  const token = apiToken();
  return token ? `/api/events?access_token=${encodeURIComponent(token)}` : '/api/events';
}

/** Asks for the token once after a 401; true when the user gave one (the request is then retried). */
function askForToken(): boolean {
  if (typeof window === 'undefined' || typeof window.prompt !== 'function') return false;
  const token = window.prompt('This scheduler needs its API token (the value of --api-token):')?.trim();
  if (!token) return false;
  window.sessionStorage.setItem(TOKEN_KEY, token);
  return true;
}

async function request<T>(method: string, url: string, body?: unknown, retried = false): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const token = apiToken();
  if (token) headers['authorization'] = `Bearer ${token}`;
  const init: RequestInit = { method, headers, cache: 'no-store' };
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await fetch(url, init);
  // Requests sent in parallel all fail with 401: the first asks, the others retry with what it stored.
  if (res.status === 401 && !retried && ((apiToken() !== null && apiToken() !== token) || askForToken())) {
    return request<T>(method, url, body, true);
  }
  if (!res.ok) throw await errorFromResponse(res);
  const type = res.headers.get('content-type') ?? '';
  return (type.includes('application/json') ? await res.json() : await res.text()) as T;
}

export const api = {
  get: <T>(url: string) => request<T>('GET', url),
  post: <T>(url: string, body?: unknown) => request<T>('POST', url, body),
  put: <T>(url: string, body: unknown) => request<T>('PUT', url, body),
  del: <T>(url: string) => request<T>('DELETE', url),
  text: (url: string) => request<string>('GET', url),
};

export function qs(params: Record<string, string | number | null | undefined>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}
