import { watch } from 'chokidar';
import type { FileWatcher, WatchHandle } from './file-watcher.port';

/** chokidar adapter of the FileWatcher port. Resolves once the initial scan is done, so no startup events leak. */
export class ChokidarFileWatcher implements FileWatcher {
  async watch(
    dir: string,
    options: { recursive: boolean; ignored: (path: string) => boolean },
    onChange: (path: string) => void,
    onError: (err: Error) => void,
  ): Promise<WatchHandle> {
    const watcher = watch(dir, {
      ignoreInitial: true,
      depth: options.recursive ? undefined : 0,
      ignored: (p: string) => p !== dir && options.ignored(p),
      persistent: true,
    });
    for (const ev of ['add', 'change', 'unlink'] as const) watcher.on(ev, (p: string) => onChange(p));
    watcher.on('error', (err: unknown) => onError(err instanceof Error ? err : new Error(String(err))));
    await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
    return { close: () => watcher.close() };
  }
}
