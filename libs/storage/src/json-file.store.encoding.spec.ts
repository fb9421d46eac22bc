import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { Run, Task, normalizeRun, normalizeTask } from '@ccs/core';
import { tempDirs } from '../test-support/temp-dirs';
import { DATA_FILES, openDataStore, serializeJson } from './json-file.store';

/**
 * The repositories keep each item's encoded text and re-encode only changed items on a write. These tests hold
 * that to the plain definition: the file is always `serializeJson([...items])`, whatever the history of puts and
 * deletes was. Also `filter`, which copies only matching items.
 */
const dirs = tempDirs('ccs-storage-enc-');
afterEach(() => dirs.cleanup());

const T0 = '2026-01-01T00:00:00.000Z';
const ids = ['a1', 'b2', 'c3', 'd4', 'e5', 'f6'].map((p) => `${p}aaaaaa-0000-4000-8000-000000000000`);

/** Any JSON value a task may carry in an unknown (kept) field: nesting, unicode, newlines and quotes in strings. */
const jsonValue = fc.jsonValue({ maxDepth: 3 });
const text = fc.string({ unit: 'binary', maxLength: 40 });

type Op =
  | { kind: 'put'; id: number; name: string; extra: unknown }
  | { kind: 'putMany'; ids: number[]; name: string }
  | { kind: 'delete'; id: number }
  | { kind: 'deleteMany'; ids: number[] };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('put' as const), id: fc.nat(ids.length - 1), name: text, extra: jsonValue }),
  fc.record({
    kind: fc.constant('putMany' as const),
    ids: fc.array(fc.nat(ids.length - 1), { maxLength: 4 }),
    name: text,
  }),
  fc.record({ kind: fc.constant('delete' as const), id: fc.nat(ids.length - 1) }),
  fc.record({ kind: fc.constant('deleteMany' as const), ids: fc.array(fc.nat(ids.length - 1), { maxLength: 4 }) }),
);

function task(id: string, name: string, extra?: unknown): Task {
  return normalizeTask({
    id,
    name: name.trim() || 'unnamed',
    prompt: `say "${name}"\n`,
    created_at: T0,
    updated_at: T0,
    x_extra: extra,
  });
}

describe('JsonFileRepository encoding', () => {
  it('writes exactly serializeJson(items) after any sequence of puts and deletes', async () => {
    const writes = new Map<string, string>();
    const store = await openDataStore({
      dataDir: dirs.make(),
      writeFile: (target, data) => {
        writes.set(path.basename(target), data);
        return Promise.resolve();
      },
    });
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(op, { maxLength: 25 }), async (ops) => {
          for (const o of ops) {
            if (o.kind === 'put') await store.tasks.put(task(ids[o.id], o.name, o.extra));
            else if (o.kind === 'putMany')
              await store.tasks.putMany([...new Set(o.ids)].map((i) => task(ids[i], `${o.name}${i}`)));
            else if (o.kind === 'delete') await store.tasks.delete(ids[o.id]);
            else await store.tasks.deleteMany(o.ids.map((i) => ids[i]));
            expect(store.tasks.serialize()).toBe(serializeJson(store.tasks.list()));
          }
          await store.flush();
          const written = writes.get(DATA_FILES.tasks) ?? serializeJson([]);
          expect(written).toBe(serializeJson(store.tasks.list()));
          expect(JSON.parse(written)).toEqual(store.tasks.list());
        }),
        { numRuns: 150 },
      );
    } finally {
      await store.close();
    }
  });

  it('keeps the file byte-identical through a reopen, then re-encodes only what changes', async () => {
    const dataDir = dirs.make();
    const file = path.join(dataDir, DATA_FILES.tasks);
    const first = await openDataStore({ dataDir });
    await first.tasks.putMany(ids.map((id, i) => task(id, `task ${i}`, { nested: [i, { deep: 'ü\n"' }] })));
    await first.close();
    const before = fs.readFileSync(file, 'utf8');
    expect(before).toBe(serializeJson(JSON.parse(before)));
    const second = await openDataStore({ dataDir });
    try {
      await second.tasks.put({ ...second.tasks.get(ids[2])!, name: 'renamed' });
      await second.tasks.delete(ids[4]);
      await second.flush();
      const expected = (JSON.parse(before) as Task[])
        .filter((t) => t.id !== ids[4])
        .map((t) => (t.id === ids[2] ? { ...t, name: 'renamed' } : t));
      expect(fs.readFileSync(file, 'utf8')).toBe(serializeJson(expected));
    } finally {
      await second.close();
    }
  });

  it('writes [] when the last item is deleted', async () => {
    const dataDir = dirs.make();
    const store = await openDataStore({ dataDir });
    try {
      await store.tasks.put(task(ids[0], 'only'));
      await store.tasks.delete(ids[0]);
      await store.flush();
      expect(fs.readFileSync(path.join(dataDir, DATA_FILES.tasks), 'utf8')).toBe('[]\n');
    } finally {
      await store.close();
    }
  });
});

describe('JsonFileRepository.filter and find', () => {
  const run = (id: string, taskId: string, status: Run['status']): Run =>
    normalizeRun({ id, task_id: taskId, status, scheduled_time: T0, created_at: T0 });

  it('returns copies of the matching items in storage order', async () => {
    const store = await openDataStore({ dataDir: dirs.make() });
    try {
      await store.runs.putMany([
        run(ids[0], 't1', 'running'),
        run(ids[1], 't2', 'running'),
        run(ids[2], 't1', 'success'),
        run(ids[3], 't1', 'upcoming'),
      ]);
      const active = store.runs.filter(
        (r) => r.task_id === 't1' && (r.status === 'running' || r.status === 'upcoming'),
      );
      expect(active.map((r) => r.id)).toEqual([ids[0], ids[3]]);
      active[0].status = 'failed';
      expect(store.runs.get(ids[0])!.status).toBe('running');
      expect(store.runs.filter(() => false)).toEqual([]);
      const first = store.runs.find((r) => r.task_id === 't1' && r.status !== 'success');
      expect(first?.id).toBe(ids[0]);
      first!.status = 'failed';
      expect(store.runs.get(ids[0])!.status).toBe('running');
      expect(store.runs.find((r) => r.task_id === 'none')).toBeUndefined();
    } finally {
      await store.close();
    }
  });
});
