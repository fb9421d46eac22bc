/**
 * File watching behind a port (chokidar in production). The scheduler owns debounce and ignore rules; the adapter
 * only reports changed paths.
 */
export interface WatchHandle {
  close(): Promise<void>;
}

export interface FileWatcher {
  /** Watches `dir` (recursively or not); `onChange` gets the absolute path of every changed file. */
  watch(
    dir: string,
    options: { recursive: boolean; ignored: (path: string) => boolean },
    onChange: (path: string) => void,
    onError: (err: Error) => void,
  ): Promise<WatchHandle>;
}

export const FILE_WATCHER = Symbol('FILE_WATCHER');
