'use client';
/** Small building blocks shared by the panes and dialogs. */
import { createContext, useCallback, useContext, useEffect, useId, useRef, useState } from 'react';
import { ApiError, humanError } from '@/lib/api';
import type { JobStatus, RunStatus } from '@/lib/types';

export function cx(...names: (string | false | null | undefined)[]): string {
  return names.filter(Boolean).join(' ');
}

/** Runs an action, keeping its error (in words a user can act on) and field errors for the place it happened. */
export function useAction() {
  const [error, setError] = useState<string | null>(null);
  const [fields, setFields] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const run = useCallback(async <T,>(doing: string, fn: () => Promise<T>): Promise<T | undefined> => {
    setBusy(true);
    setError(null);
    setFields({});
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
  return { run, error, fields, busy, clear, setError };
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
  children,
  inline,
  className,
}: {
  label: string;
  error?: string;
  hint?: string;
  inline?: boolean;
  className?: string;
  children: (props: { id: string; 'aria-invalid'?: boolean; 'aria-describedby'?: string }) => React.ReactNode;
}) {
  const id = useId();
  const describedBy = [error ? `${id}-err` : null, hint ? `${id}-hint` : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className={cx('field', inline && 'field-inline', error && 'has-error', className)}>
      <label htmlFor={id}>{label}</label>
      {children({ id, 'aria-invalid': error ? true : undefined, 'aria-describedby': describedBy })}
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
    if (d && !d.open) d.showModal();
    return () => d?.close();
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
                autoFocus
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

/** Platform-aware shortcut text: ⌘ on macOS, Ctrl elsewhere. */
export function useModKey(): string {
  const [mod, setMod] = useState('Ctrl');
  useEffect(() => {
    if (/Mac|iPhone|iPad/.test(navigator.platform)) setMod('⌘');
  }, []);
  return mod;
}
