import * as fs from 'node:fs';
import { Run, RunStatus, normalizeRun } from '@ccs/core';
import { tempDirs } from '../test-support/temp-dirs';
import { openDataStore } from './json-file.store';
import { pruneRetention, selectLogFilesToPrune, selectRunsToPrune } from './retention';
import { RunLogFileInfo, RunLogFiles } from './run-log.files';

const dirs = tempDirs();
afterEach(() => dirs.cleanup());

let seq = 0;
function run(task: string, minute: number, status: RunStatus = 'success'): Run {
  seq++;
  const id = `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`;
  const t = `2025-06-01T10:${String(minute).padStart(2, '0')}:00.000000`;
  return normalizeRun({ id, task_id: task, status, scheduled_time: t, start_time: t });
}

describe('selectRunsToPrune', () => {
  it('keeps the newest N finished runs of each task and selects the older ones', () => {
    const a = [run('A', 1), run('A', 5), run('A', 3), run('A', 2)];
    const b = [run('B', 1), run('B', 2)];
    const pruned = selectRunsToPrune([...a, ...b], 2);
    expect(pruned.map((r) => r.id).sort()).toEqual([a[0].id, a[3].id].sort());
  });

  it('never selects unfinished runs, and they do not count towards N', () => {
    const runs = [run('A', 1), run('A', 2), run('A', 9, 'running'), run('A', 8, 'upcoming'), run('A', 3, 'failed')];
    const pruned = selectRunsToPrune(runs, 1);
    expect(pruned.map((r) => r.scheduled_time.slice(11, 16)).sort()).toEqual(['10:01', '10:02']);
  });

  it('treats a count below 1 as "no limit"', () => {
    expect(selectRunsToPrune([run('A', 1), run('A', 2)], 0)).toEqual([]);
  });
});

describe('selectLogFilesToPrune', () => {
  const now = new Date('2025-06-30T00:00:00Z');
  const file = (runId: string, daysOld: number): RunLogFileInfo => ({
    runId,
    kind: 'log',
    path: `/x/run_${runId}.log`,
    size: 1,
    mtime: new Date(now.getTime() - daysOld * 86_400_000),
  });

  it('selects files older than the retention days, except those of active runs', () => {
    const files = [file('a', 31), file('b', 29), file('c', 45)];
    expect(selectLogFilesToPrune(files, 30, now, new Set(['c'])).map((f) => f.runId)).toEqual(['a']);
    expect(selectLogFilesToPrune(files, 0, now)).toEqual([]);
  });
});

describe('pruneRetention', () => {
  it('deletes surplus runs with their log files, and log files past the age limit (not those of active runs)', async () => {
    const dataDir = dirs.make();
    const store = await openDataStore({ dataDir });
    const logs = RunLogFiles.forDataDir(dataDir);
    const old1 = run('T', 1);
    const old2 = run('T', 2);
    const keep = run('T', 3);
    const active = run('T', 4, 'running');
    const other = run('U', 1);
    await store.runs.putMany([old1, old2, keep, active, other]);
    for (const r of [old1, keep, active, other]) await logs.append(r.id, 'log\n');
    await logs.appendJsonl(old2.id, ['{}']);
    const now = new Date('2025-07-01T00:00:00Z');
    const ancient = new Date('2025-05-01T00:00:00Z');
    for (const r of [active, other]) fs.utimesSync(logs.path(r.id), ancient, ancient);

    const report = await pruneRetention(store, { run_retention_count: 1, log_retention_days: 30 }, { now });
    expect(report.runsDeleted.sort()).toEqual([old1.id, old2.id].sort());
    expect(report.logFilesDeleted).toBe(3); // old1.log, old2.jsonl, other.log (aged out)
    expect(
      store.runs
        .list()
        .map((r) => r.id)
        .sort(),
    ).toEqual([keep.id, active.id, other.id].sort());
    expect((await logs.list()).map((f) => f.runId).sort()).toEqual([keep.id, active.id].sort());
    await store.close();

    // The deletion is durable.
    const ro = await openDataStore({ dataDir, readOnly: true });
    expect(ro.runs.count()).toBe(3);
  });

  it('reads the limits from the store settings by default', async () => {
    const store = await openDataStore({ dataDir: dirs.make() });
    await store.settings.update({ run_retention_count: 2 });
    await store.runs.putMany([run('T', 1), run('T', 2), run('T', 3)]);
    const report = await pruneRetention(store);
    expect(report.runsDeleted).toHaveLength(1);
    await store.close();
  });
});
