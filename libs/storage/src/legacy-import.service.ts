import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  DEFAULT_SETTINGS,
  NotFoundError,
  Settings,
  ValidationError,
  isObject,
  isUuid,
  normalizeJob,
  normalizeProfile,
  normalizeRun,
  normalizeSettings,
  normalizeTask,
  nowIso,
} from '@ccs/core';
import { FILE_MODE } from './atomic-write';
import { legacyDataDir, legacyLogsDir } from './data-dir.config';
import { parseJsonText } from './json-text';
import { DataStore, Repository } from './ports';
import { RunLogFiles, parseRunLogFileName } from './run-log.files';

export interface LegacyImportOptions {
  /** The original's data directory. Default: `<home>/.config/claude-code-scheduler`. */
  from?: string;
  /**
   * The original's run logs. Default: `<home>/.claude-scheduler/logs` when `from` is defaulted too, otherwise
   * `<from>/logs` (a copied backup usually keeps them together).
   */
  fromLogs?: string;
  /** The target store, opened for writing. */
  to: DataStore;
  /** Home directory for the defaults above. Default: os.homedir(). */
  home?: string;
  /** Fills timestamps that legacy records lack. */
  now?: Date;
}

export interface LegacyImportSkip {
  /** Source file (`tasks.json`, `settings.json`, `logs/run_<id>.log`…). */
  file: string;
  id?: string;
  /** Position of the record in its file. */
  index?: number;
  /** settings.json key. */
  key?: string;
  reason: string;
}

export interface LegacyImportReport {
  from: string;
  fromLogs: string | null;
  imported: { jobs: number; tasks: number; runs: number; profiles: number; settings: number; logs: number };
  /** `logs/run_<id>.jsonl` files written from legacy runs' inline `raw_output`. */
  rawOutputFiles: number;
  skipped: LegacyImportSkip[];
  /** Things the user should know about what was imported. */
  notes: string[];
}

type Counted = 'jobs' | 'tasks' | 'runs' | 'profiles';

/**
 * Imports the Python edition's data into this edition's store. Source files are only read. Items whose id already
 * exists in the target are skipped, and so are items the model rejects: import is the one place a bad record is
 * skipped rather than stopping everything, and every skip is reported with its reason.
 */
export async function importLegacy(opts: LegacyImportOptions): Promise<LegacyImportReport> {
  const home = opts.home ?? os.homedir();
  const from = path.resolve(opts.from ?? legacyDataDir(home));
  const fromLogs = opts.fromLogs ?? (opts.from === undefined ? legacyLogsDir(home) : path.join(from, 'logs'));
  const now = nowIso(opts.now ?? new Date());
  const store = opts.to;

  const st = await fsp.stat(from).catch(() => null);
  if (!st?.isDirectory()) throw new NotFoundError(`Legacy data directory ${from} does not exist`);

  const report: LegacyImportReport = {
    from,
    fromLogs: null,
    imported: { jobs: 0, tasks: 0, runs: 0, profiles: 0, settings: 0, logs: 0 },
    rawOutputFiles: 0,
    skipped: [],
    notes: [],
  };
  const skip = (s: LegacyImportSkip): void => void report.skipped.push(s);

  // Profiles first: jobs and tasks refer to them.
  await importCollection(report, skip, from, 'profiles.json', 'profiles', store.profiles, normalizeProfile, now);
  await importCollection(report, skip, from, 'jobs.json', 'jobs', store.jobs, normalizeJob, now);
  await importCollection(report, skip, from, 'tasks.json', 'tasks', store.tasks, normalizeTask, now);
  const runs = await importCollection(report, skip, from, 'runs.json', 'runs', store.runs, normalizeRun, now);
  await importSettings(report, skip, from, store);

  const logs = RunLogFiles.forDataDir(store.dataDir);
  report.fromLogs = await importLogs(report, skip, path.resolve(fromLogs), logs);
  for (const run of runs) {
    const raw = run['raw_output'];
    if (typeof raw !== 'string' || raw === '' || !isUuid(run.id) || (await logs.exists(run.id, 'jsonl'))) continue;
    await logs.writeWhole(run.id, raw.endsWith('\n') ? raw : `${raw}\n`, 'jsonl');
    report.rawOutputFiles++;
  }
  return report;
}

/** Reads a legacy file; null (and a skip entry when it exists but cannot be read) if there is nothing to import. */
async function readLegacyJson(
  file: string,
  name: string,
  expect: 'array' | 'object',
  skip: (s: LegacyImportSkip) => void,
): Promise<unknown> {
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    skip({ file: name, reason: `cannot read the file: ${(err as Error).message}` });
    return null;
  }
  if (text.trim() === '') {
    skip({ file: name, reason: 'the file is empty; nothing imported from it' });
    return null;
  }
  const parsed = parseJsonText(text);
  if (!parsed.ok) {
    const { line, column } = parsed.position;
    skip({
      file: name,
      reason: `invalid JSON at line ${line}, column ${column}: ${parsed.message}; nothing imported from it`,
    });
    return null;
  }
  const ok = expect === 'array' ? Array.isArray(parsed.value) : isObject(parsed.value);
  if (!ok) {
    skip({ file: name, reason: `expected a JSON ${expect}; nothing imported from it` });
    return null;
  }
  return parsed.value;
}

async function importCollection<T extends { id: string }>(
  report: LegacyImportReport,
  skip: (s: LegacyImportSkip) => void,
  from: string,
  name: string,
  counter: Counted,
  repo: Repository<T>,
  normalize: (raw: unknown, path: string, now: string) => T,
  now: string,
): Promise<T[]> {
  const raw = (await readLegacyJson(path.join(from, name), name, 'array', skip)) as unknown[] | null;
  if (!raw) return [];
  const accepted: T[] = [];
  const seen = new Set<string>();
  raw.forEach((record, index) => {
    const rawId = isObject(record) && typeof record['id'] === 'string' ? record['id'] : undefined;
    let item: T;
    try {
      item = normalize(record, `${name}[${index}]`, now);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      skip({ file: name, index, ...(rawId ? { id: rawId } : {}), reason: err.message });
      return;
    }
    if (repo.get(item.id) !== undefined) {
      skip({ file: name, index, id: item.id, reason: 'an item with this id already exists in the target' });
    } else if (seen.has(item.id)) {
      skip({ file: name, index, id: item.id, reason: 'repeats the id of an earlier record in the same file' });
    } else {
      seen.add(item.id);
      accepted.push(item);
    }
  });
  if (accepted.length > 0) await repo.putMany(accepted);
  report.imported[counter] = accepted.length;
  return accepted;
}

/**
 * Settings merge key by key: a legacy value is taken unless the target already has its own value for that key
 * (explicitly stored, or — for stores that cannot tell — different from the default).
 */
async function importSettings(
  report: LegacyImportReport,
  skip: (s: LegacyImportSkip) => void,
  from: string,
  store: DataStore,
): Promise<void> {
  const name = 'settings.json';
  const raw = (await readLegacyJson(path.join(from, name), name, 'object', skip)) as Record<string, unknown> | null;
  if (!raw) return;
  const settingsRepo = store.settings as DataStore['settings'] & { explicit?: () => Partial<Settings> };
  const explicit = settingsRepo.explicit?.();
  const current = store.settings.get();
  const patch: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    try {
      normalizeSettings({ [key]: value }, name);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      skip({ file: name, key, reason: err.message });
      continue;
    }
    const targetHasOwn = explicit
      ? Object.prototype.hasOwnProperty.call(explicit, key)
      : key in current &&
        JSON.stringify(current[key]) !== JSON.stringify((DEFAULT_SETTINGS as Record<string, unknown>)[key]);
    if (targetHasOwn) {
      skip({ file: name, key, reason: 'the target already has its own value for this setting' });
      continue;
    }
    patch[key] = value;
  }
  if (Object.keys(patch).length === 0) return;
  await store.settings.update(patch);
  report.imported.settings = Object.keys(patch).length;
  if (patch['mock_mode'] === true) {
    report.notes.push(
      'mock_mode was imported as true (the original default): runs are simulated until you turn mock mode off.',
    );
  }
}

/** Copies `run_<uuid>.log` files; returns the source directory used, or null when there was none. */
async function importLogs(
  report: LegacyImportReport,
  skip: (s: LegacyImportSkip) => void,
  fromLogs: string,
  logs: RunLogFiles,
): Promise<string | null> {
  let names: string[];
  try {
    names = await fsp.readdir(fromLogs);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  const realFrom = await fsp.realpath(fromLogs);
  const realTo = await fsp.realpath(logs.logsDir).catch(() => null);
  if (realFrom === realTo) {
    report.notes.push(`The legacy logs directory ${fromLogs} is the target's logs directory: its logs are in place.`);
    return fromLogs;
  }
  for (const name of names.sort()) {
    const parsed = parseRunLogFileName(name);
    if (!parsed) continue;
    const src = path.join(fromLogs, name);
    const dst = logs.path(parsed.runId, parsed.kind);
    const srcStat = await fsp.stat(src);
    if (!srcStat.isFile()) continue;
    try {
      await fsp.mkdir(logs.logsDir, { recursive: true, mode: 0o700 });
      await fsp.copyFile(src, dst, fs.constants.COPYFILE_EXCL);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      skip({ file: `logs/${name}`, id: parsed.runId, reason: 'a log file for this run already exists in the target' });
      continue;
    }
    await fsp.chmod(dst, FILE_MODE);
    // Keep the age: log retention counts days from the file's mtime.
    await fsp.utimes(dst, srcStat.atime, srcStat.mtime);
    report.imported.logs++;
  }
  return fromLogs;
}
