import * as fsp from 'node:fs/promises';
import { Injectable } from '@nestjs/common';
import { Job, NotFoundError, Profile, Run, Settings, Task } from '@ccs/core';
import { getLogger } from '@ccs/shared';
import { RunLogFileInfo, RunLogFiles, RunLogKind, openDataStore } from '@ccs/storage';
import { resolveRunId } from './debug-queries';

const log = getLogger('cli.debug');

/** Everything in a data directory at one moment, read without the lock. */
export interface DataSnapshot {
  dataDir: string;
  exists: boolean;
  jobs: Job[];
  tasks: Task[];
  runs: Run[];
  profiles: Profile[];
  settings: Settings;
}

export interface RunLogContent {
  runId: string;
  kind: RunLogKind;
  path: string;
  text: string;
}

/**
 * Read-only access to a data directory for the `debug` commands. It never takes the writer lock and never
 * writes, so it is safe next to a running coordinator; what it shows is the state of the files on disk.
 */
@Injectable()
export class DebugInspector {
  async snapshot(dataDir: string): Promise<DataSnapshot> {
    const exists = await fsp.stat(dataDir).then(
      (s) => s.isDirectory(),
      () => false,
    );
    if (!exists) log.warn(`Data directory ${dataDir} does not exist; showing an empty store`);
    log.info(`Reading data directory ${dataDir} (read-only, no lock)`);
    const store = await openDataStore({ dataDir, readOnly: true });
    try {
      const snapshot: DataSnapshot = {
        dataDir: store.dataDir,
        exists,
        jobs: store.jobs.list(),
        tasks: store.tasks.list(),
        runs: store.runs.list(),
        profiles: store.profiles.list(),
        settings: store.settings.get(),
      };
      log.debug(
        `Loaded ${snapshot.jobs.length} jobs, ${snapshot.tasks.length} tasks, ${snapshot.runs.length} runs, ` +
          `${snapshot.profiles.length} profiles`,
      );
      return snapshot;
    } finally {
      await store.close();
    }
  }

  /** Run log files, newest first. */
  async logFiles(dataDir: string): Promise<RunLogFileInfo[]> {
    const files = await RunLogFiles.forDataDir(dataDir).list();
    log.info(`Found ${files.length} run log files in ${RunLogFiles.forDataDir(dataDir).logsDir}`);
    return files;
  }

  /**
   * The log of a run given by full id or unique prefix (among runs and log files, so the log of a run that is
   * no longer in runs.json can still be read). `kind` picks the readable log or the raw stream-json file.
   */
  async runLog(dataDir: string, runRef: string, kind: RunLogKind, runs: readonly Run[]): Promise<RunLogContent> {
    const files = RunLogFiles.forDataDir(dataDir);
    const listed = await files.list();
    const runId = resolveRunId([...runs.map((r) => r.id), ...listed.map((f) => f.runId)], runRef);
    const text = await files.read(runId, kind);
    if (text === null) {
      const other = listed.find((f) => f.runId === runId && f.kind !== kind);
      const hint = other ? `; it has a ${other.kind} file (${other.path})` : '';
      throw new NotFoundError(`Run ${runId} has no ${kind} file in ${files.logsDir}${hint}`);
    }
    return { runId, kind, path: files.path(runId, kind), text };
  }
}
