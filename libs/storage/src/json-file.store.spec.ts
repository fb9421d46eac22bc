import * as fs from 'node:fs';
import * as path from 'node:path';
import { AmbiguousIdError, CorruptDataError, NotFoundError, Task, ValidationError, normalizeTask } from '@ccs/core';
import { snapshotTree, tempDirs } from '../test-support/temp-dirs';
import { writeFileAtomic } from './atomic-write';
import { DATA_FILES, copyJson, openDataStore } from './json-file.store';
import { ReadOnlyStoreError } from './storage.errors';

const dirs = tempDirs();
afterEach(() => dirs.cleanup());

const T0 = '2026-01-01T00:00:00.000Z';
function task(id: string, extra: Partial<Task> = {}): Task {
  return normalizeTask({ id, name: `task ${id.slice(0, 4)}`, created_at: T0, updated_at: T0, ...extra });
}
const ID_A = 'aaaaaaaa-0000-4000-8000-000000000001';
const ID_AB = 'aaaabbbb-0000-4000-8000-000000000002';
const ID_B = 'bbbbbbbb-0000-4000-8000-000000000003';

function readJson(file: string): unknown {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

describe('openDataStore', () => {
  it('creates the directory (0700), logs/ and every file (0600) with empty content', async () => {
    const dataDir = path.join(dirs.make(), 'nested', 'data');
    const store = await openDataStore({ dataDir });
    try {
      expect(fs.statSync(dataDir).mode & 0o777).toBe(0o700);
      expect(fs.statSync(path.join(dataDir, 'logs')).isDirectory()).toBe(true);
      for (const name of Object.values(DATA_FILES)) {
        const file = path.join(dataDir, name);
        expect(fs.statSync(file).mode & 0o777).toBe(0o600);
        expect(readJson(file)).toEqual(name === 'settings.json' ? {} : []);
      }
      expect(store.settings.get().run_retention_count).toBe(50);
    } finally {
      await store.close();
    }
  });

  it('tightens existing files that others could read (they may hold secrets)', async () => {
    const dataDir = dirs.make();
    fs.writeFileSync(path.join(dataDir, 'profiles.json'), '[]', { mode: 0o644 });
    fs.chmodSync(path.join(dataDir, 'profiles.json'), 0o644);
    const store = await openDataStore({ dataDir });
    await store.close();
    expect(fs.statSync(path.join(dataDir, 'profiles.json')).mode & 0o777).toBe(0o600);
  });

  it('persists puts in the original format (JSON array, indent 2) and reloads them, unknown fields included', async () => {
    const dataDir = dirs.make();
    const store = await openDataStore({ dataDir });
    await store.tasks.put({ ...task(ID_A), future_field: { nested: [1, 2] } });
    await store.tasks.put(task(ID_B, { name: 'second' }));
    await store.close();

    const text = fs.readFileSync(path.join(dataDir, 'tasks.json'), 'utf8');
    expect(text.startsWith('[\n  {\n    "')).toBe(true);
    const reopened = await openDataStore({ dataDir });
    try {
      expect(reopened.tasks.list().map((t) => t.id)).toEqual([ID_A, ID_B]);
      expect(reopened.tasks.get(ID_A)?.['future_field']).toEqual({ nested: [1, 2] });
      expect(reopened.tasks.get(ID_B)?.name).toBe('second');
    } finally {
      await reopened.close();
    }
  });

  it('replaces by id in place, deletes, and reports unknown ids', async () => {
    const store = await openDataStore({ dataDir: dirs.make() });
    try {
      await store.tasks.putMany([task(ID_A), task(ID_B)]);
      await store.tasks.put(task(ID_A, { name: 'renamed' }));
      expect(store.tasks.list().map((t) => [t.id, t.name])).toEqual([
        [ID_A, 'renamed'],
        [ID_B, 'task bbbb'],
      ]);
      expect(await store.tasks.delete(ID_A)).toBe(true);
      expect(await store.tasks.delete(ID_A)).toBe(false);
      expect(await store.tasks.deleteMany([ID_A, ID_B, ID_AB])).toBe(1);
      expect(store.tasks.count()).toBe(0);
    } finally {
      await store.close();
    }
  });

  it('hands out copies: mutating a returned or a put object changes nothing stored', async () => {
    const store = await openDataStore({ dataDir: dirs.make() });
    try {
      const input = task(ID_A, { allowed_tools: ['Read'] });
      const returned = await store.tasks.put(input);
      input.allowed_tools.push('Bash');
      returned.allowed_tools.push('Write');
      store.tasks.get(ID_A)!.allowed_tools.push('Edit');
      store.tasks.list()[0].name = 'changed';
      expect(store.tasks.get(ID_A)).toMatchObject({ allowed_tools: ['Read'], name: 'task aaaa' });
    } finally {
      await store.close();
    }
  });

  it('rejects an invalid item before changing anything, and a batch as a whole', async () => {
    const store = await openDataStore({ dataDir: dirs.make() });
    try {
      await expect(store.tasks.put({ ...task(ID_A), permissions: 'yolo' } as unknown as Task)).rejects.toThrow(
        ValidationError,
      );
      await expect(store.tasks.put({ ...task(ID_A), id: '' })).rejects.toThrow(/id must be a non-empty string/);
      await expect(
        store.tasks.putMany([task(ID_A), { ...task(ID_B), enabled: 'no' } as unknown as Task]),
      ).rejects.toThrow(/enabled/);
      expect(store.tasks.count()).toBe(0);
    } finally {
      await store.close();
    }
  });

  it('merges settings patches, validates them, and stores only the keys that were set', async () => {
    const dataDir = dirs.make();
    const store = await openDataStore({ dataDir });
    const s = await store.settings.update({ max_concurrent_tasks: 7, custom_key: 'kept' });
    expect(s.max_concurrent_tasks).toBe(7);
    expect(s.log_retention_days).toBe(30);
    await expect(store.settings.update({ theme: 42 } as never)).rejects.toThrow(ValidationError);
    expect(store.settings.get().theme).toBe('system');
    await store.close();
    expect(readJson(path.join(dataDir, 'settings.json'))).toEqual({ max_concurrent_tasks: 7, custom_key: 'kept' });
    const reopened = await openDataStore({ dataDir, readOnly: true });
    expect(reopened.settings.get()).toMatchObject({ max_concurrent_tasks: 7, custom_key: 'kept' });
  });

  it('refuses writes after close, and close is idempotent', async () => {
    const store = await openDataStore({ dataDir: dirs.make() });
    const first = store.close();
    expect(store.close()).toBe(first);
    await first;
    await expect(store.tasks.put(task(ID_A))).rejects.toThrow(/closed/);
  });

  it('removes temp files left by an interrupted write, and only those', async () => {
    const dataDir = dirs.make();
    fs.writeFileSync(path.join(dataDir, '.tasks.json.4242.0123456789ab.tmp'), '[{"half":');
    fs.writeFileSync(path.join(dataDir, '.unrelated.4242.0123456789ab.tmp'), 'keep');
    const store = await openDataStore({ dataDir });
    await store.close();
    expect(fs.existsSync(path.join(dataDir, '.tasks.json.4242.0123456789ab.tmp'))).toBe(false);
    expect(fs.existsSync(path.join(dataDir, '.unrelated.4242.0123456789ab.tmp'))).toBe(true);
  });
});

describe('resolve (unique id prefix)', () => {
  let store: Awaited<ReturnType<typeof openDataStore>>;
  beforeEach(async () => {
    store = await openDataStore({ dataDir: dirs.make() });
    await store.tasks.putMany([task(ID_A), task(ID_AB), task(ID_B)]);
  });
  afterEach(() => store.close());

  it('resolves a full id and a unique prefix, case-insensitively', () => {
    expect(store.tasks.resolve(ID_B).id).toBe(ID_B);
    expect(store.tasks.resolve('BBB').id).toBe(ID_B);
    expect(store.tasks.resolve('aaaab').id).toBe(ID_AB);
    // A full id wins even when it is also a prefix of nothing else.
    expect(store.tasks.resolve(ID_A).id).toBe(ID_A);
  });

  it('says which ids an ambiguous prefix matches', () => {
    expect(() => store.tasks.resolve('aaaa')).toThrow(AmbiguousIdError);
    expect(() => store.tasks.resolve('aaaa')).toThrow(/2 tasks match .*aaaaaaaa.*aaaabbbb/);
  });

  it('reports an unknown prefix as not found', () => {
    expect(() => store.tasks.resolve('cccc')).toThrow(NotFoundError);
  });

  it('rejects characters no id can contain (keeps ../ out of every later use)', () => {
    expect(() => store.tasks.resolve('../etc')).toThrow(ValidationError);
    expect(() => store.tasks.resolve('zz')).toThrow(ValidationError);
    expect(() => store.tasks.resolve('')).toThrow(ValidationError);
  });
});

describe('coalesced writes', () => {
  it('turns 200 concurrent puts into far fewer file writes, each put resolving after a write that contains it', async () => {
    const dataDir = dirs.make();
    const writes: { file: string; ids: string[] }[] = [];
    const store = await openDataStore({
      dataDir,
      writeFile: async (file, data) => {
        await writeFileAtomic(file, data);
        if (file.endsWith('tasks.json')) {
          writes.push({ file, ids: (JSON.parse(data) as { id: string }[]).map((t) => t.id) });
        }
      },
    });
    writes.length = 0; // ignore the files created at open
    const ids = Array.from({ length: 200 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    const resolvedAfter = new Map<string, number>();
    await Promise.all(ids.map((id) => store.tasks.put(task(id)).then(() => resolvedAfter.set(id, writes.length))));
    expect(writes.length).toBeGreaterThanOrEqual(1);
    expect(writes.length).toBeLessThanOrEqual(3);
    for (const id of ids) {
      // When put(id) resolved, some completed write already contained id.
      const n = resolvedAfter.get(id)!;
      expect(writes.slice(0, n).some((w) => w.ids.includes(id))).toBe(true);
    }
    await store.close();
    expect((readJson(path.join(dataDir, 'tasks.json')) as unknown[]).length).toBe(200);
  });

  it('joins puts made while a write is in flight into the next single write', async () => {
    let release!: () => void;
    let calls = 0;
    let armed = false;
    const gate = new Promise<void>((r) => (release = r));
    const dataDir = dirs.make();
    const store = await openDataStore({
      dataDir,
      writeFile: async (file, data) => {
        if (armed && file.endsWith('tasks.json')) {
          calls++;
          if (calls === 1) await gate;
        }
        await writeFileAtomic(file, data);
      },
    });
    armed = true;
    const writesAtOpen = store.writeCounts()['tasks.json'];
    const first = store.tasks.put(task(ID_A));
    await new Promise((r) => setImmediate(r)); // the first write is now in flight and blocked
    const more = [ID_AB, ID_B].map((id) => store.tasks.put(task(id)));
    await new Promise((r) => setImmediate(r));
    expect(calls).toBe(1);
    release();
    await Promise.all([first, ...more]);
    expect(calls).toBe(2);
    expect(store.writeCounts()['tasks.json'] - writesAtOpen).toBe(2);
    await store.close();
  });

  it('rejects the callers of a failed write, keeps the change in memory and retries it with the next write', async () => {
    let fail = false;
    const dataDir = dirs.make();
    const store = await openDataStore({
      dataDir,
      writeFile: async (file, data) => {
        if (fail) throw new Error('disk full');
        await writeFileAtomic(file, data);
      },
    });
    fail = true;
    await expect(store.tasks.put(task(ID_A))).rejects.toThrow('disk full');
    fail = false;
    await store.tasks.put(task(ID_B));
    await store.close();
    expect((readJson(path.join(dataDir, 'tasks.json')) as { id: string }[]).map((t) => t.id)).toEqual([ID_A, ID_B]);
  });
});

describe('readOnly', () => {
  it('never writes, takes no lock and refuses every mutation', async () => {
    const dataDir = dirs.make();
    const writer = await openDataStore({ dataDir });
    await writer.tasks.put(task(ID_A));
    await writer.settings.update({ theme: 'dark' });
    // Read-only opens are allowed while the writer runs (the debug commands do that).
    const before = snapshotTree(dataDir);
    const ro = await openDataStore({ dataDir, readOnly: true });
    expect(ro.tasks.resolve('aaaa').id).toBe(ID_A);
    expect(ro.settings.get().theme).toBe('dark');
    await expect(ro.tasks.put(task(ID_B))).rejects.toThrow(ReadOnlyStoreError);
    await expect(ro.tasks.putMany([task(ID_B)])).rejects.toThrow(ReadOnlyStoreError);
    await expect(ro.tasks.delete(ID_A)).rejects.toThrow(ReadOnlyStoreError);
    await expect(ro.tasks.deleteMany([ID_A])).rejects.toThrow(ReadOnlyStoreError);
    await expect(ro.settings.update({ theme: 'light' })).rejects.toThrow(ReadOnlyStoreError);
    await ro.flush();
    await ro.close();
    expect(snapshotTree(dataDir)).toEqual(before);
    expect(writer.tasks.count()).toBe(1);
    await writer.close();
  });

  it('creates nothing for a data directory that does not exist', async () => {
    const dataDir = path.join(dirs.make(), 'absent');
    const ro = await openDataStore({ dataDir, readOnly: true });
    expect(ro.tasks.list()).toEqual([]);
    await ro.close();
    expect(fs.existsSync(dataDir)).toBe(false);
  });
});

describe('corrupt files', () => {
  async function expectCorrupt(name: string, content: string, message: RegExp): Promise<void> {
    const dataDir = dirs.make();
    const file = path.join(dataDir, name);
    fs.writeFileSync(file, content);
    const before = snapshotTree(dataDir);
    for (const readOnly of [false, true]) {
      const err = await openDataStore({ dataDir, readOnly }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(CorruptDataError);
      expect((err as Error).message).toContain(file);
      expect((err as Error).message).toMatch(message);
    }
    // The bad file is byte-for-byte untouched, and no other file was created around it.
    expect(snapshotTree(dataDir)).toEqual(before);
    // The failed open released its lock: a fixed file opens fine.
    fs.writeFileSync(file, name === 'settings.json' ? '{}' : '[]');
    const store = await openDataStore({ dataDir });
    await store.close();
  }

  it('stops at a JSON syntax error in tasks.json, naming the line and column', async () => {
    const text = '[\n  {\n    "id": "aaaaaaaa-0000-4000-8000-000000000001",\n    "name": "x",\n  }\n]\n';
    await expectCorrupt('tasks.json', text, /invalid JSON at line 5, column 3/);
  });

  it('stops at a truncated file (the original could leave one)', async () => {
    await expectCorrupt('tasks.json', '[\n  {\n    "id": "aaaa', /invalid JSON at line 3, column/);
  });

  it('stops at an empty file instead of reading it as no data', async () => {
    await expectCorrupt('runs.json', '', /empty/);
  });

  it('stops at a record the model rejects, naming its index and field', async () => {
    const records = [
      { id: ID_A, name: 'ok' },
      { id: ID_B, schedule: { schedule_type: 'hourly' } },
    ];
    await expectCorrupt('tasks.json', JSON.stringify(records), /record 1 \(id bbbbbbbb.*\).*schedule\.schedule_type/);
  });

  it('stops at a repeated id instead of silently keeping one of them', async () => {
    await expectCorrupt('jobs.json', JSON.stringify([{ id: ID_A }, { id: ID_A }]), /record 1 repeats id/);
  });

  it('stops at a top-level value of the wrong shape', async () => {
    await expectCorrupt('settings.json', '[]', /expected a JSON object/);
    await expectCorrupt('profiles.json', '{}', /expected a JSON array/);
  });

  it('stops at an invalid setting', async () => {
    await expectCorrupt('settings.json', '{"max_concurrent_tasks": "many"}', /max_concurrent_tasks/);
  });
});

describe('copyJson', () => {
  it('deep-copies objects and arrays, keeps a "__proto__" key as data', () => {
    const src = JSON.parse('{"a": [{"b": 1}], "__proto__": {"polluted": true}}') as Record<string, unknown>;
    const copy = copyJson(src);
    expect(copy).toEqual(src);
    expect(copy['a']).not.toBe(src['a']);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.keys(copy)).toEqual(['a', '__proto__']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});
