import { newRun, normalizeOccurrence, normalizeTask } from '@ccs/core';
import { DataStore, RunLogFiles, openDataStore } from '@ccs/storage';
import { FakeClock } from '@ccs/shared';
import { FileLogStore } from '@ccs/transport';
import { makeTempDir, removeTempDir } from '@ccs/testing';
import { EventHub } from '../events/event-hub';
import { RetentionService, selectOccurrencesToPrune } from './retention.service';

describe('RetentionService', () => {
  let dir: string;
  let store: DataStore;

  beforeEach(async () => {
    dir = makeTempDir('ccs-retention-');
    store = await openDataStore({ dataDir: dir });
  });
  afterEach(async () => {
    await store.close();
    removeTempDir(dir);
  });

  it('keeps the newest run_retention_count finished runs and occurrences per task, with their logs', async () => {
    await store.settings.update({ run_retention_count: 2 });
    const task = normalizeTask({ name: 't', prompt: 'p' });
    const files = RunLogFiles.forDataDir(dir);
    const runs = [1, 2, 3, 4].map((h) =>
      newRun({ task_id: task.id, task_name: 't', status: 'success', scheduled_time: `2026-01-01T0${h}:00:00.000Z` }),
    );
    const active = newRun({
      task_id: task.id,
      task_name: 't',
      status: 'running',
      scheduled_time: '2026-01-01T00:00:00.000Z',
    });
    await store.runs.putMany([...runs, active]);
    for (const r of runs) await files.appendLines(r.id, ['x']);
    await store.occurrences.putMany(
      [1, 2, 3].map((h) =>
        normalizeOccurrence({
          task_id: task.id,
          scheduled_time: `2026-01-01T0${h}:00:00.000Z`,
          kind: 'missed_downtime',
        }),
      ),
    );
    const svc = new RetentionService(store, new FileLogStore(files), new EventHub(), new FakeClock());
    expect(await svc.runOnce()).toEqual({ runs: 2, occurrences: 1, logFiles: 0 });
    expect(
      store.runs
        .list()
        .map((r) => r.id)
        .sort(),
    ).toEqual([runs[2].id, runs[3].id, active.id].sort());
    expect(await files.exists(runs[0].id)).toBe(false);
    expect(await files.exists(runs[3].id)).toBe(true);
    expect(
      store.occurrences
        .list()
        .map((o) => o.scheduled_time)
        .sort(),
    ).toEqual(['2026-01-01T02:00:00.000Z', '2026-01-01T03:00:00.000Z']);
  });

  it('selectOccurrencesToPrune keeps everything when the count is below 1', () => {
    const o = normalizeOccurrence({ task_id: 't', kind: 'run' });
    expect(selectOccurrencesToPrune([o], 0)).toEqual([]);
  });
});
