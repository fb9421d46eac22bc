import { DomainError } from '@ccs/core';

/** Who holds a data-directory lock, as recorded in `<dataDir>/.lock`. */
export interface LockHolder {
  pid: number;
  host: string;
  started_at: string;
}

/**
 * Another live process holds the data directory's writer lock. Fail fast: two writers on one directory would
 * overwrite each other's changes (the original's lost-update defect).
 */
export class DataDirLockedError extends DomainError {
  readonly code = 'DATA_DIR_LOCKED';
  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder,
    note = '',
  ) {
    super(
      `Data directory ${dataDir} is in use by another claude-code-scheduler process (pid ${holder.pid}` +
        `${note ? `, ${note}` : ''}). Stop it or use --data-dir.`,
      { holder },
    );
  }
}

/** A mutating call on a store opened with `readOnly: true`. */
export class ReadOnlyStoreError extends DomainError {
  readonly code = 'READ_ONLY_STORE';
}
