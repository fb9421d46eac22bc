import * as fs from 'node:fs';
import * as path from 'node:path';
import { NotFoundError, isObject } from '@ccs/core';
import { LEGACY_FIXTURES, copyTree, snapshotTree, tempDirs } from '../test-support/temp-dirs';
import { openDataStore } from './json-file.store';
import { importLegacy } from './legacy-import.service';

const dirs = tempDirs();
afterEach(() => dirs.cleanup());

/** A copy of the fixtures laid out like the original: `<home>/.config/claude-code-scheduler` + a logs dir. */
function legacyCopy(): { from: string; fromLogs: string; root: string } {
  const root = dirs.make();
  const from = path.join(root, 'config');
  const fromLogs = path.join(root, 'logs');
  copyTree(path.join(LEGACY_FIXTURES, 'config'), from);
  copyTree(path.join(LEGACY_FIXTURES, 'logs'), fromLogs);
  return { from, fromLogs, root };
}

function readArray(file: string): Record<string, unknown>[] {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>[];
}

/**
 * What a legacy task record must look like after import: `command` → `prompt`, `command_type` → `prompt_type`,
 * and the GUI's `prompt_type: "command"` → `slash_command`. Everything else is expected verbatim.
 */
function expectedTask(legacy: Record<string, unknown>): Record<string, unknown> {
  const { command, command_type, ...rest } = legacy;
  const out: Record<string, unknown> = { ...rest };
  if (out['prompt'] === undefined && command !== undefined) out['prompt'] = command;
  if (out['prompt_type'] === undefined && command_type !== undefined) out['prompt_type'] = command_type;
  if (out['prompt_type'] === 'command') out['prompt_type'] = 'slash_command';
  return out;
}

/**
 * null means "unset" in the original; where the model has a non-null default for such a field, the default is an
 * equivalent reading (the original itself read these nulls as its defaults). Listed explicitly so nothing else may
 * change.
 */
const NULL_READS_AS: Record<string, unknown> = { 'schedule.calendar_days_of_week': [] };

/** Walks every key of `expected` (recursively) and records each one missing or different in `actual`. */
function walk(
  expected: unknown,
  actual: unknown,
  keyPath: string,
  problems: string[],
  counter: { keys: number },
): void {
  if (isObject(expected)) {
    if (!isObject(actual)) return void problems.push(`${keyPath}: expected an object, got ${JSON.stringify(actual)}`);
    for (const [k, v] of Object.entries(expected)) {
      counter.keys++;
      const sub = keyPath ? `${keyPath}.${k}` : k;
      if (!Object.prototype.hasOwnProperty.call(actual, k)) problems.push(`${sub}: lost`);
      else walk(v, actual[k], sub, problems, counter);
    }
  } else if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) {
      return void problems.push(`${keyPath}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
    }
    expected.forEach((v, i) => walk(v, actual[i], `${keyPath}[${i}]`, problems, counter));
  } else if (expected === null && actual !== null) {
    const generic = keyPath.replace(/^[^\]]+\]\./, '');
    if (JSON.stringify(NULL_READS_AS[generic]) !== JSON.stringify(actual)) {
      problems.push(`${keyPath}: expected null, got ${JSON.stringify(actual)}`);
    }
  } else if (expected !== actual) {
    problems.push(`${keyPath}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}

/** expect.stringMatching, typed (jest types it as any). */
const matching = (re: RegExp): string => expect.stringMatching(re) as string;

function countKeys(v: unknown): number {
  if (Array.isArray(v)) return v.reduce((n: number, x) => n + countKeys(x), 0);
  if (isObject(v)) return Object.values(v).reduce((n: number, x) => n + 1 + countKeys(x), 0);
  return 0;
}

describe('importLegacy: round trip of the original’s files', () => {
  it('imports every record and re-serialises it without losing a single field', async () => {
    const { from, fromLogs } = legacyCopy();
    const dataDir = dirs.make();
    const store = await openDataStore({ dataDir });
    const report = await importLegacy({ from, fromLogs, to: store });
    await store.close();

    expect(report.skipped).toEqual([]);
    expect(report.imported).toEqual({ jobs: 2, tasks: 6, runs: 4, profiles: 2, settings: 28, logs: 2 });

    const problems: string[] = [];
    const counter = { keys: 0 };
    for (const name of ['jobs.json', 'tasks.json', 'runs.json', 'profiles.json']) {
      const source = readArray(path.join(from, name));
      const target = readArray(path.join(dataDir, name));
      expect(target.map((r) => r['id'])).toEqual(source.map((r) => r['id']));
      source.forEach((record, i) => {
        const expected = name === 'tasks.json' ? expectedTask(record) : record;
        walk(expected, target[i], `${name}[${i}]`, problems, counter);
      });
    }
    const sourceSettings = JSON.parse(fs.readFileSync(path.join(from, 'settings.json'), 'utf8')) as object;
    const targetSettings = JSON.parse(fs.readFileSync(path.join(dataDir, 'settings.json'), 'utf8')) as object;
    walk(sourceSettings, targetSettings, 'settings.json', problems, counter);
    expect(problems).toEqual([]);
    // The walk really visited every key of the fixture files (14 records, 28 settings: 357 keys), not a subset.
    const all = ['jobs', 'tasks', 'runs', 'profiles', 'settings'].map((f): unknown =>
      JSON.parse(fs.readFileSync(path.join(from, `${f}.json`), 'utf8')),
    );
    expect(counter.keys).toBe(countKeys(all));
    expect(counter.keys).toBeGreaterThan(300);

    // Legacy aliases are gone, replaced by this edition's names.
    const tasks = readArray(path.join(dataDir, 'tasks.json'));
    for (const t of tasks) {
      expect(t).not.toHaveProperty('command');
      expect(t).not.toHaveProperty('command_type');
    }
    expect(tasks.find((t) => t['name'] === 'Legacy slash command')).toMatchObject({
      prompt: '/commit',
      prompt_type: 'slash_command',
    });
    expect(tasks.find((t) => t['name'] === 'Task 2: review')?.['prompt_type']).toBe('slash_command');
  });

  it('reopens the imported store (every record is valid) and keeps naive timestamps verbatim', async () => {
    const { from, fromLogs } = legacyCopy();
    const dataDir = dirs.make();
    const store = await openDataStore({ dataDir });
    await importLegacy({ from, fromLogs, to: store });
    await store.close();

    const ro = await openDataStore({ dataDir, readOnly: true });
    expect(ro.tasks.resolve('1a2b').created_at).toBe('2025-06-01T08:56:00.111111');
    expect(ro.runs.resolve('a1b2')).toMatchObject({ duration: 133.864198, status: 'success', exit_code: 0 });
    expect(ro.runs.resolve('a1b2')['raw_output']).toContain('"subtype":"init"');
    const ssm = ro.profiles.resolve('9d2e').env_vars.find((v) => v.source === 'aws_ssm');
    expect(ssm?.config).toEqual({ region: 'eu-central-1', profile: 'sandbox', decrypt: true });
    expect(ro.settings.get()).toMatchObject({
      run_retention_count: 100,
      theme: 'dark',
      claude_cli_path: '/opt/homebrew/bin/claude',
    });
    await ro.close();
  });

  it('copies run logs (keeping their age), writes raw_output as run_<id>.jsonl, and never touches the source', async () => {
    const { from, fromLogs, root } = legacyCopy();
    const before = snapshotTree(root);
    const dataDir = dirs.make();
    const store = await openDataStore({ dataDir });
    const report = await importLegacy({ from, fromLogs, to: store });
    await store.close();

    expect(snapshotTree(root)).toEqual(before);
    const logName = 'run_a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d.log';
    const copied = path.join(dataDir, 'logs', logName);
    expect(fs.readFileSync(copied, 'utf8')).toBe(fs.readFileSync(path.join(fromLogs, logName), 'utf8'));
    expect(fs.statSync(copied).mtimeMs).toBe(fs.statSync(path.join(fromLogs, logName)).mtimeMs);
    expect(fs.statSync(copied).mode & 0o777).toBe(0o600);
    expect(fs.existsSync(path.join(dataDir, 'logs', 'notes.txt'))).toBe(false);

    // Two legacy runs have a non-empty raw_output.
    expect(report.rawOutputFiles).toBe(2);
    const jsonl = fs.readFileSync(path.join(dataDir, 'logs', 'run_a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d.jsonl'), 'utf8');
    expect(
      jsonl
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { type: string }).type),
    ).toEqual(['system', 'assistant', 'result']);
    expect(report.notes.join(' ')).toMatch(/mock_mode was imported as true/);
  });
});

describe('importLegacy: merge and skip report', () => {
  it('skips existing ids, bad records, unreadable files, own settings and existing logs — each with a reason', async () => {
    const { from, fromLogs, root } = legacyCopy();
    // A bad task (unknown schedule type), a duplicate task id, and a runs.json the original truncated mid-write.
    const tasks = readArray(path.join(from, 'tasks.json'));
    tasks.push({ id: '7a8b9c0d-1e2f-4a3b-8c5d-6e7f8a9b0c1d', name: 'bad', schedule: { schedule_type: 'hourly' } });
    tasks.push({ ...tasks[0], name: 'dupe' });
    fs.writeFileSync(path.join(from, 'tasks.json'), JSON.stringify(tasks, null, 2));
    fs.writeFileSync(path.join(from, 'runs.json'), '[\n  {\n    "id": "a1b2c3d4-e5f6');
    const settings = JSON.parse(fs.readFileSync(path.join(from, 'settings.json'), 'utf8')) as Record<string, unknown>;
    settings['window_width'] = 'wide';
    fs.writeFileSync(path.join(from, 'settings.json'), JSON.stringify(settings));
    const before = snapshotTree(root);

    const dataDir = dirs.make();
    const store = await openDataStore({ dataDir });
    // The target already has one of the jobs (edited there), its own theme, and a log of one run.
    await store.jobs.put({
      ...store.jobs.list()[0],
      id: '4b8f1c2e-7a3d-4e5f-9a1b-2c3d4e5f6a7b',
      name: 'mine',
    });
    await store.settings.update({ theme: 'light' });
    fs.writeFileSync(path.join(dataDir, 'logs', 'run_c3d4e5f6-a7b8-4c9d-8e0f-1a2b3c4d5e6f.log'), 'mine\n');

    const report = await importLegacy({ from, fromLogs, to: store });
    const sorted = [...report.skipped].sort((a, b) =>
      `${a.file}${a.key ?? ''}`.localeCompare(`${b.file}${b.key ?? ''}`),
    );
    expect(sorted).toEqual([
      {
        file: 'jobs.json',
        index: 0,
        id: '4b8f1c2e-7a3d-4e5f-9a1b-2c3d4e5f6a7b',
        reason: 'an item with this id already exists in the target',
      },
      {
        file: 'logs/run_c3d4e5f6-a7b8-4c9d-8e0f-1a2b3c4d5e6f.log',
        id: 'c3d4e5f6-a7b8-4c9d-8e0f-1a2b3c4d5e6f',
        reason: 'a log file for this run already exists in the target',
      },
      { file: 'runs.json', reason: matching(/^invalid JSON at line 3, column \d+: .*nothing imported/) },
      { file: 'settings.json', key: 'theme', reason: 'the target already has its own value for this setting' },
      { file: 'settings.json', key: 'window_width', reason: matching(/window_width must be a number/) },
      {
        file: 'tasks.json',
        index: 6,
        id: '7a8b9c0d-1e2f-4a3b-8c5d-6e7f8a9b0c1d',
        reason: matching(/tasks\.json\[6\]\.schedule\.schedule_type must be one of/),
      },
      {
        file: 'tasks.json',
        index: 7,
        id: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
        reason: 'repeats the id of an earlier record in the same file',
      },
    ]);
    expect(report.imported).toEqual({ jobs: 1, tasks: 6, runs: 0, profiles: 2, settings: 26, logs: 1 });
    expect(store.jobs.get('4b8f1c2e-7a3d-4e5f-9a1b-2c3d4e5f6a7b')?.name).toBe('mine');
    expect(store.settings.get()).toMatchObject({ theme: 'light', window_width: 1450, default_model: 'opus' });
    expect(fs.readFileSync(path.join(dataDir, 'logs', 'run_c3d4e5f6-a7b8-4c9d-8e0f-1a2b3c4d5e6f.log'), 'utf8')).toBe(
      'mine\n',
    );
    await store.close();
    expect(snapshotTree(root)).toEqual(before);
  });

  it('is idempotent: a second import skips everything the first one brought in', async () => {
    const { from, fromLogs } = legacyCopy();
    const store = await openDataStore({ dataDir: dirs.make() });
    await importLegacy({ from, fromLogs, to: store });
    const again = await importLegacy({ from, fromLogs, to: store });
    expect(again.imported).toEqual({ jobs: 0, tasks: 0, runs: 0, profiles: 0, settings: 0, logs: 0 });
    expect(again.rawOutputFiles).toBe(0);
    expect(again.skipped).toHaveLength(2 + 6 + 4 + 2 + 28 + 2);
    expect(store.tasks.count()).toBe(6);
    await store.close();
  });

  it('uses the original’s default locations under home, and notices when its logs dir is the target’s', async () => {
    const home = dirs.make();
    copyTree(path.join(LEGACY_FIXTURES, 'config'), path.join(home, '.config', 'claude-code-scheduler'));
    copyTree(path.join(LEGACY_FIXTURES, 'logs'), path.join(home, '.claude-scheduler', 'logs'));
    const store = await openDataStore({ dataDir: path.join(home, '.claude-scheduler') });
    const report = await importLegacy({ home, to: store });
    await store.close();
    expect(report.from).toBe(path.join(home, '.config', 'claude-code-scheduler'));
    expect(report.imported).toMatchObject({ jobs: 2, tasks: 6, logs: 0 });
    expect(report.notes.join(' ')).toMatch(/is the target's logs directory/);
  });

  it('fails clearly when the legacy directory does not exist', async () => {
    const store = await openDataStore({ dataDir: dirs.make() });
    await expect(importLegacy({ from: path.join(dirs.make(), 'nope'), to: store })).rejects.toThrow(NotFoundError);
    await store.close();
  });
});
