'use client';
/** Small building blocks shared by the panes and dialogs. */
import { createContext, useCallback, useContext, useEffect, useId, useRef, useState } from 'react';
import { ApiError, humanError } from '@/lib/api';
import type { JobStatus, RunStatus } from '@/lib/types';

export function cx(...names: (string | false | null | undefined)[]): string {
  return names.filter(Boolean).join(' ');
}

/** The value at a field path (`schedule.interval_cron`, `env_vars.0.name`) of a request body. */
export function valueAt(body: unknown, path: string): unknown {
  let v: unknown = body;
  for (const part of path.split('.')) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}

/**
 * The server's field errors that still apply: an error stays only while its field holds the value it was given
 * for. Once the user changes the field the old message goes (it is checked again at the next save).
 */
export function liveFieldErrors(
  fields: Record<string, string>,
  sent: unknown,
  current: unknown,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [path, message] of Object.entries(fields)) {
    if (JSON.stringify(valueAt(sent, path)) === JSON.stringify(valueAt(current, path))) out[path] = message;
  }
  return out;
}

/**
 * Runs an action, keeping its error (in words a user can act on) and field errors for the place it happened.
 * `sent` is the request body: `liveFields(current body)` then drops the errors of fields changed since.
 */
export function useAction() {
  const [error, setError] = useState<string | null>(null);
  const [fields, setFields] = useState<Record<string, string>>({});
  const [sent, setSent] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const run = useCallback(async <T,>(doing: string, fn: () => Promise<T>, body?: unknown): Promise<T | undefined> => {
    setBusy(true);
    setError(null);
    setFields({});
    setSent(body);
    try {
      return await fn();
    } catch (err) {
      setError(humanError(err, doing));
      if (err instanceof ApiError) setFields(err.fields);
      return undefined;
    } finally {
      setBusy(false);
    }
  }, []);
  const clear = useCallback(() => {
    setError(null);
    setFields({});
  }, []);
  const liveFields = useCallback(
    (current: unknown) => (sent === undefined ? fields : liveFieldErrors(fields, sent, current)),
    [fields, sent],
  );
  return { run, error, fields, liveFields, busy, clear, setError };
}

export function ErrorBanner({ error, onDismiss }: { error: string | null; onDismiss?: () => void }) {
  if (!error) return null;
  return (
    <div className="error-banner" role="alert">
      <span>{error}</span>
      {onDismiss && (
        <button type="button" className="icon-btn" aria-label="Dismiss error" onClick={onDismiss}>
          ×
        </button>
      )}
    </div>
  );
}

export const RUN_ICON: Record<RunStatus, string> = {
  upcoming: '◌',
  running: '◐',
  success: '●',
  failed: '✗',
  cancelled: '○',
};

export const JOB_ICON: Record<JobStatus, string> = {
  pending: '○',
  in_progress: '◐',
  completed: '●',
  failed: '✗',
  cancelled: '⊘',
};

export function StatusBadge({ status }: { status: string }) {
  return <span className={cx('badge', `status-${status}`)}>{status.replace('_', ' ')}</span>;
}

/** A labelled form row: label, control, hint and the field's error (linked with aria-describedby). */
export function Field({
  label,
  error,
  hint,
  warning,
  children,
  inline,
  className,
}: {
  label: string;
  error?: string;
  hint?: string;
  /** Shown below the control without blocking anything (e.g. a duplicate name). */
  warning?: string | null;
  inline?: boolean;
  className?: string;
  children: (props: { id: string; 'aria-invalid'?: boolean; 'aria-describedby'?: string }) => React.ReactNode;
}) {
  const id = useId();
  const describedBy =
    [error ? `${id}-err` : null, warning ? `${id}-warn` : null, hint ? `${id}-hint` : null].filter(Boolean).join(' ') ||
    undefined;
  return (
    <div className={cx('field', inline && 'field-inline', error && 'has-error', className)}>
      <label htmlFor={id}>{label}</label>
      {children({ id, 'aria-invalid': error ? true : undefined, 'aria-describedby': describedBy })}
      {warning && !error && (
        <div className="field-warning" id={`${id}-warn`}>
          {warning}
        </div>
      )}
      {hint && !error && (
        <div className="hint" id={`${id}-hint`}>
          {hint}
        </div>
      )}
      {error && (
        <div className="field-error" id={`${id}-err`} role="alert">
          {error}
        </div>
      )}
    </div>
  );
}

/** A modal built on <dialog> (focus trap, Escape and the top layer come from the browser). */
export function Dialog({
  title,
  onClose,
  children,
  footer,
  wide,
}: {
  title: string;
  onClose: () => void;
  children: React.ReactNode;
  footer?: React.ReactNode;
  wide?: boolean;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const d = ref.current;
    // Focus goes back where it was (the button that opened the dialog) when the dialog closes.
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (d && !d.open) d.showModal();
    // Into the dialog: the element marked for it, else its first field, else its main button (not "Close").
    const target =
      d?.querySelector<HTMLElement>('[data-autofocus]') ??
      d?.querySelector<HTMLElement>(
        '.dialog-body :is(input:not([type=hidden]):not([readonly]), select, textarea):not(:disabled)',
      ) ??
      d?.querySelector<HTMLElement>('.dialog-foot :is(.btn-primary, .btn-danger):not(:disabled)') ??
      null;
    target?.focus();
    return () => {
      d?.close();
      if (opener?.isConnected) opener.focus();
    };
  }, []);
  return (
    <dialog
      ref={ref}
      className={cx('dialog', wide && 'dialog-wide')}
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      <header className="dialog-head">
        <h2 id={titleId}>{title}</h2>
        <button type="button" className="icon-btn" aria-label="Close" onClick={onClose}>
          ×
        </button>
      </header>
      <div className="dialog-body">{children}</div>
      {footer && <footer className="dialog-foot">{footer}</footer>}
    </dialog>
  );
}

interface ConfirmOptions {
  title: string;
  message: React.ReactNode;
  confirmLabel: string;
  danger?: boolean;
}

const ConfirmContext = createContext<(o: ConfirmOptions) => Promise<boolean>>(() => Promise.resolve(false));

export function useConfirm() {
  return useContext(ConfirmContext);
}

/** `await confirm({...})` from anywhere: one confirmation dialog at a time. */
export function ConfirmProvider({ children }: { children: React.ReactNode }) {
  const [pending, setPending] = useState<(ConfirmOptions & { resolve: (ok: boolean) => void }) | null>(null);
  const confirm = useCallback(
    (o: ConfirmOptions) => new Promise<boolean>((resolve) => setPending({ ...o, resolve })),
    [],
  );
  const close = (ok: boolean): void => {
    pending?.resolve(ok);
    setPending(null);
  };
  return (
    <ConfirmContext.Provider value={confirm}>
      {children}
      {pending && (
        <Dialog
          title={pending.title}
          onClose={() => close(false)}
          footer={
            <>
              <button type="button" className="btn" onClick={() => close(false)}>
                Cancel
              </button>
              <button
                type="button"
                className={cx('btn', pending.danger ? 'btn-danger' : 'btn-primary')}
                onClick={() => close(true)}
                data-autofocus
              >
                {pending.confirmLabel}
              </button>
            </>
          }
        >
          <div className="confirm-message">{pending.message}</div>
        </Dialog>
      )}
    </ConfirmContext.Provider>
  );
}

export interface SegmentOption<T extends string> {
  value: T;
  label: string;
  disabled?: boolean;
  title?: string;
}

/**
 * A row of radio buttons that looks like a segmented control: one tab stop (the checked option), ←/→ (and ↑/↓,
 * Home/End) check the next enabled option, as radios do.
 */
export function Segmented<T extends string>({
  label,
  options,
  value,
  onChange,
  small,
}: {
  label: string;
  options: SegmentOption<T>[];
  value: T | null;
  onChange: (v: T) => void;
  small?: boolean;
}) {
  const enabled = options.filter((o) => !o.disabled);
  const stop = enabled.some((o) => o.value === value) ? value : (enabled[0]?.value ?? null);
  const onKeyDown = (e: React.KeyboardEvent<HTMLDivElement>): void => {
    const step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[e.key];
    // From the focused option (the checked one, unless the user clicked another without checking it).
    const focused = (e.target as HTMLElement).dataset['value'] ?? value;
    const at = enabled.findIndex((o) => o.value === focused);
    let next: SegmentOption<T> | undefined;
    if (step !== undefined) next = enabled[(Math.max(at, 0) + step + enabled.length) % enabled.length];
    else if (e.key === 'Home') next = enabled[0];
    else if (e.key === 'End') next = enabled[enabled.length - 1];
    if (!next) return;
    e.preventDefault();
    onChange(next.value);
    const target = e.currentTarget.querySelector<HTMLElement>(`[data-value="${CSS.escape(next.value)}"]`);
    target?.focus();
  };
  return (
    <div className={cx('segmented', small && 'small')} role="radiogroup" aria-label={label} onKeyDown={onKeyDown}>
      {options.map((o) => (
        <button
          key={o.value}
          type="button"
          role="radio"
          data-value={o.value}
          aria-checked={value === o.value}
          tabIndex={o.value === stop ? 0 : -1}
          disabled={o.disabled}
          title={o.title}
          className={cx('seg', value === o.value && 'on')}
          onClick={() => onChange(o.value)}
        >
          {o.label}
        </button>
      ))}
    </div>
  );
}

/** What the panes open: dialogs live at the top of the tree. */
export type DialogRequest =
  | { kind: 'job'; jobId: string | null }
  | { kind: 'profiles'; profileId?: string | null }
  | { kind: 'settings' }
  | { kind: 'occurrences'; taskId: string }
  | { kind: 'nodes' }
  | { kind: 'stats' }
  | { kind: 'shortcuts' };

export const DialogContext = createContext<(d: DialogRequest) => void>(() => undefined);

export function useOpenDialog() {
  return useContext(DialogContext);
}
