import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import {
  ClusterNode,
  CorruptDataError,
  DomainError,
  Job,
  Occurrence,
  Profile,
  Run,
  Settings,
  Task,
  ValidationError,
  isObject,
  normalizeJob,
  normalizeNode,
  normalizeOccurrence,
  normalizeProfile,
  normalizeRun,
  normalizeSettings,
  normalizeTask,
  nowIso,
  resolveIdPrefix,
} from '@ccs/core';
import { getLogger } from '@ccs/shared';
import { DIR_MODE, FILE_MODE, isAtomicTempFile, writeFileAtomic } from './atomic-write';
import { CoalescingFileWriter, FileWriteFn } from './coalescing-file-writer';
import { DataDirLock, DataDirLockOptions } from './data-dir.lock';
import { parseJsonText } from './json-text';
import { DataStore, Repository, SettingsRepository } from './ports';
import { ReadOnlyStoreError } from './storage.errors';

const log = getLogger('storage');

/** Files of a data directory. Names and shapes follow the original so its files can be read as they are. */
export const DATA_FILES = {
  jobs: 'jobs.json',
  tasks: 'tasks.json',
  runs: 'runs.json',
  profiles: 'profiles.json',
  settings: 'settings.json',
  nodes: 'nodes.json',
  occurrences: 'occurrences.json',
} as const;
export const LOGS_DIR = 'logs';

type CollectionName = Exclude<keyof typeof DATA_FILES, 'settings'>;

/** Time source; only used for the defaults the normalisers fill into records missing a timestamp. */
export interface StoreClock {
  now(): Date;
}

export interface OpenDataStoreOptions {
  dataDir: string;
  /** Takes no lock, creates nothing, never writes; mutating calls throw ReadOnlyStoreError. */
  readOnly?: boolean;
  clock?: StoreClock;
  /** Test seam: replaces the durable write (temp file + fsync + rename + dir fsync). */
  writeFile?: FileWriteFn;
  lock?: DataDirLockOptions;
}

type Normalizer<T> = (raw: unknown, path: string, now: string) => T;

const NORMALIZERS: { [K in CollectionName]: Normalizer<CollectionItem<K>> } = {
  jobs: normalizeJob,
  tasks: normalizeTask,
  runs: normalizeRun,
  profiles: normalizeProfile,
  nodes: normalizeNode,
  occurrences: normalizeOccurrence,
};

type CollectionItem<K extends CollectionName> = {
  jobs: Job;
  tasks: Task;
  runs: Run;
  profiles: Profile;
  nodes: ClusterNode;
  occurrences: Occurrence;
}[K];

const KIND: Record<CollectionName, string> = {
  jobs: 'job',
  tasks: 'task',
  runs: 'run',
  profiles: 'profile',
  nodes: 'node',
  occurrences: 'occurrence',
};

/** The stored form: exactly what JSON keeps (drops undefined, turns Dates into strings), and not shared with callers. */
function jsonCopy<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

/**
 * Deep copy of a JSON value that shares strings (they are immutable). structuredClone would copy every string too,
 * which matters for runs imported from the original: they carry their whole stdout inline.
 */
export function copyJson<T>(v: T): T {
  if (Array.isArray(v)) return v.map((x: unknown) => copyJson(x)) as T;
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      // A "__proto__" key parsed from JSON is data; plain assignment would set the copy's prototype instead.
      Object.defineProperty(out, k, { value: copyJson(x), enumerable: true, writable: true, configurable: true });
    }
    return out as T;
  }
  return v;
}

/** Serialises like the original (JSON, indent 2) plus a final newline. */
export function serializeJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

class StoreClosedError extends DomainError {
  readonly code = 'STORE_CLOSED';
}

/** Shared state of one open store, checked by every mutating call. */
interface StoreState {
  readonly dataDir: string;
  readonly readOnly: boolean;
  closed: boolean;
  now(): string;
}

function assertWritable(state: StoreState, what: string): void {
  if (state.closed) throw new StoreClosedError(`Cannot ${what}: the data store of ${state.dataDir} is closed`);
  if (state.readOnly) {
    throw new ReadOnlyStoreError(`Cannot ${what}: the data store of ${state.dataDir} was opened read-only`);
  }
}

/**
 * One item as an element of the file's array, exactly as `serializeJson(array)` writes it: the text between
 * `[\n` and `\n]` of a one-element array. (A slice of a flat string, not a concatenation: joining thousands of
 * concatenated strings re-flattens each of them on every write and costs more than encoding everything anew.)
 */
function encodeElement(item: unknown): string {
  return JSON.stringify([item], null, 2).slice(2, -2);
}

/** One JSON-array file held in memory; the Repository port over it. */
export class JsonFileRepository<T extends { id: string }> implements Repository<T> {
  /**
   * Each item's text in the file, kept until the item changes: a write then re-encodes only what changed instead
   * of the whole collection (a run's status change used to re-serialise every run in runs.json).
   */
  private readonly encoded = new Map<string, string>();

  constructor(
    private readonly state: StoreState,
    readonly fileName: string,
    private readonly kind: string,
    private readonly normalize: Normalizer<T>,
    private readonly items: Map<string, T>,
    private readonly writer: CoalescingFileWriter | null,
  ) {}

  list(): T[] {
    return [...this.items.values()].map((v) => copyJson(v));
  }

  filter(predicate: (item: Readonly<T>) => boolean): T[] {
    const out: T[] = [];
    for (const v of this.items.values()) if (predicate(v)) out.push(copyJson(v));
    return out;
  }

  find(predicate: (item: Readonly<T>) => boolean): T | undefined {
    for (const v of this.items.values()) if (predicate(v)) return copyJson(v);
    return undefined;
  }

  get(id: string): T | undefined {
    const v = this.items.get(id);
    return v === undefined ? undefined : copyJson(v);
  }

  resolve(idOrPrefix: string): T {
    const id = resolveIdPrefix(idOrPrefix, this.items.keys(), this.kind);
    return copyJson(this.items.get(id)!);
  }

  count(): number {
    return this.items.size;
  }

  async put(item: T): Promise<T> {
    const [stored] = this.prepare([item], 'put');
    this.items.set(stored.id, stored);
    this.encoded.delete(stored.id);
    await this.persist();
    return copyJson(stored);
  }

  async putMany(items: T[]): Promise<void> {
    // Validate everything first: a batch is applied whole or not at all.
    const prepared = this.prepare(items, 'putMany');
    if (prepared.length === 0) return;
    for (const v of prepared) {
      this.items.set(v.id, v);
      this.encoded.delete(v.id);
    }
    await this.persist();
  }

  async delete(id: string): Promise<boolean> {
    assertWritable(this.state, `delete a ${this.kind}`);
    if (!this.items.delete(id)) return false;
    this.encoded.delete(id);
    await this.persist();
    return true;
  }

  async deleteMany(ids: string[]): Promise<number> {
    assertWritable(this.state, `delete ${this.kind}s`);
    let n = 0;
    for (const id of ids) {
      if (this.items.delete(id)) n++;
      this.encoded.delete(id);
    }
    if (n > 0) await this.persist();
    return n;
  }

  /** Waits until every change made so far is durable. */
  flush(): Promise<void> {
    return this.writer?.flush() ?? Promise.resolve();
  }

  /** Successful file writes since open (diagnostics; shows the coalescing at work). */
  get writeCount(): number {
    return this.writer?.writes ?? 0;
  }

  /** The file's content for the current state: byte for byte `serializeJson([...items])`, from cached item texts. */
  serialize(): string {
    if (this.items.size === 0) return serializeJson([]);
    const parts: string[] = [];
    for (const [id, v] of this.items) {
      let text = this.encoded.get(id);
      if (text === undefined) {
        text = encodeElement(v);
        this.encoded.set(id, text);
      }
      parts.push(text);
    }
    return `[\n${parts.join(',\n')}\n]\n`;
  }

  private prepare(items: T[], op: string): T[] {
    assertWritable(this.state, `${op} a ${this.kind}`);
    const now = this.state.now();
    return items.map((item, i) => {
      if (!isObject(item) || typeof item.id !== 'string' || item.id === '') {
        throw new ValidationError(`${this.kind}${items.length > 1 ? `[${i}]` : ''}.id must be a non-empty string`);
      }
      return this.normalize(jsonCopy(item), this.kind, now);
    });
  }

  private persist(): Promise<void> {
    return this.writer!.changed();
  }
}

/**
 * settings.json. Only the keys that were ever set are stored; `get()` fills in the defaults, so a changed default
 * reaches users who never touched that setting.
 */
export class JsonFileSettingsRepository implements SettingsRepository {
  constructor(
    private readonly state: StoreState,
    private stored: Record<string, unknown>,
    private readonly writer: CoalescingFileWriter | null,
  ) {}

  get(): Settings {
    return normalizeSettings(copyJson(this.stored));
  }

  /** The keys explicitly stored in settings.json (the rest are defaults). */
  explicit(): Partial<Settings> {
    return copyJson(this.stored);
  }

  async update(patch: Partial<Settings>): Promise<Settings> {
    assertWritable(this.state, 'update settings');
    if (!isObject(patch)) throw new ValidationError('settings patch must be an object');
    const next = { ...this.stored, ...jsonCopy(patch) };
    const normalized = normalizeSettings(next); // throws ValidationError before anything changes
    this.stored = next;
    await this.writer!.changed();
    return normalized;
  }

  flush(): Promise<void> {
    return this.writer?.flush() ?? Promise.resolve();
  }

  get writeCount(): number {
    return this.writer?.writes ?? 0;
  }

  serialize(): string {
    return serializeJson(this.stored);
  }
}

/** The JSON-file DataStore of one data directory. Create it with `openDataStore`. */
export class JsonFileDataStore implements DataStore {
  private closing: Promise<void> | null = null;

  constructor(
    private readonly state: StoreState,
    readonly jobs: JsonFileRepository<Job>,
    readonly tasks: JsonFileRepository<Task>,
    readonly runs: JsonFileRepository<Run>,
    readonly profiles: JsonFileRepository<Profile>,
    readonly settings: JsonFileSettingsRepository,
    readonly nodes: JsonFileRepository<ClusterNode>,
    readonly occurrences: JsonFileRepository<Occurrence>,
    private readonly lock: DataDirLock | null,
  ) {}

  get dataDir(): string {
    return this.state.dataDir;
  }

  get readOnly(): boolean {
    return this.state.readOnly;
  }

  get logsDir(): string {
    return path.join(this.state.dataDir, LOGS_DIR);
  }

  /** Successful writes per file since open. */
  writeCounts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const r of this.repositories()) out[r.fileName] = r.writeCount;
    out[DATA_FILES.settings] = this.settings.writeCount;
    return out;
  }

  async flush(): Promise<void> {
    await Promise.all([...this.repositories().map((r) => r.flush()), this.settings.flush()]);
  }

  /** Flushes, then releases the lock. Idempotent: a second call returns the first call's promise. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      try {
        await this.flush();
      } finally {
        this.state.closed = true;
        await this.lock?.release();
      }
    })();
    return this.closing;
  }

  private repositories(): JsonFileRepository<{ id: string }>[] {
    return [this.jobs, this.tasks, this.runs, this.profiles, this.nodes, this.occurrences] as JsonFileRepository<{
      id: string;
    }>[];
  }
}

async function readIfExists(file: string): Promise<string | null> {
  try {
    return await fsp.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/**
 * Parses a data file's text. Any problem is a CorruptDataError naming the file and the place (line/column for
 * syntax, record index and field for model errors): a file we cannot read whole is never treated as empty,
 * because the next write would then erase it (the original's data-loss defect).
 */
export function parseDataFile(file: string, text: string, expect: 'array' | 'object'): unknown {
  const name = path.basename(file);
  if (text.trim() === '') {
    throw new CorruptDataError(`${file}: the file is empty (expected a JSON ${expect}); it was left untouched`, {
      file,
    });
  }
  const parsed = parseJsonText(text);
  if (!parsed.ok) {
    const { line, column } = parsed.position;
    throw new CorruptDataError(
      `${file}: invalid JSON at line ${line}, column ${column}: ${parsed.message}. Fix or move the file; it was left untouched`,
      { file, line, column, offset: parsed.position.offset },
    );
  }
  const ok = expect === 'array' ? Array.isArray(parsed.value) : isObject(parsed.value);
  if (!ok) {
    throw new CorruptDataError(`${file}: expected a JSON ${expect} at the top level of ${name}`, { file });
  }
  return parsed.value;
}

function loadCollection<T extends { id: string }>(
  file: string,
  text: string | null,
  normalize: Normalizer<T>,
  now: string,
): Map<string, T> {
  const items = new Map<string, T>();
  if (text === null) return items;
  const raw = parseDataFile(file, text, 'array') as unknown[];
  const name = path.basename(file);
  raw.forEach((record, index) => {
    let item: T;
    try {
      item = normalize(record, `${name}[${index}]`, now);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      const id = isObject(record) && typeof record['id'] === 'string' ? ` (id ${record['id']})` : '';
      throw new CorruptDataError(`${file}: record ${index}${id} is invalid: ${err.message}`, { file, index });
    }
    if (items.has(item.id)) {
      throw new CorruptDataError(`${file}: record ${index} repeats id ${item.id}`, { file, index, id: item.id });
    }
    items.set(item.id, item);
  });
  return items;
}

/**
 * Opens the store of a data directory: takes the writer lock (unless readOnly), creates what is missing
 * (directory 0700, files 0600), loads every file once and validates each record with the core normalisers.
 *
 * @throws DataDirLockedError another live process writes to this directory.
 * @throws CorruptDataError a file is not valid JSON or holds a record the model rejects (the file is untouched).
 */
export async function openDataStore(opts: OpenDataStoreOptions): Promise<JsonFileDataStore> {
  const dataDir = path.resolve(opts.dataDir);
  const readOnly = opts.readOnly ?? false;
  const clock = opts.clock ?? { now: () => new Date() };
  const state: StoreState = { dataDir, readOnly, closed: false, now: () => nowIso(clock.now()) };
  const write = opts.writeFile ?? writeFileAtomic;

  if (!readOnly) {
    await fsp.mkdir(dataDir, { recursive: true, mode: DIR_MODE });
    await fsp.mkdir(path.join(dataDir, LOGS_DIR), { recursive: true, mode: DIR_MODE });
  }
  const lock = readOnly ? null : await DataDirLock.acquire(dataDir, opts.lock);
  try {
    if (!readOnly) await removeInterruptedWrites(dataDir);
    const now = state.now();
    const texts = new Map<string, string | null>();
    for (const f of Object.values(DATA_FILES)) texts.set(f, await readIfExists(path.join(dataDir, f)));

    const collection = <K extends CollectionName>(key: K): JsonFileRepository<CollectionItem<K>> => {
      const file = path.join(dataDir, DATA_FILES[key]);
      const items = loadCollection(file, texts.get(DATA_FILES[key])!, NORMALIZERS[key], now);
      let repo: JsonFileRepository<CollectionItem<K>> | undefined = undefined;
      const writer = readOnly ? null : new CoalescingFileWriter(file, () => repo!.serialize(), write);
      repo = new JsonFileRepository(state, DATA_FILES[key], KIND[key], NORMALIZERS[key], items, writer);
      return repo;
    };
    const jobs = collection('jobs');
    const tasks = collection('tasks');
    const runs = collection('runs');
    const profiles = collection('profiles');
    const nodes = collection('nodes');
    const occurrences = collection('occurrences');

    const settingsFile = path.join(dataDir, DATA_FILES.settings);
    const settingsText = texts.get(DATA_FILES.settings)!;
    const storedSettings =
      settingsText === null ? {} : (parseDataFile(settingsFile, settingsText, 'object') as Record<string, unknown>);
    try {
      normalizeSettings(storedSettings, DATA_FILES.settings);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      throw new CorruptDataError(`${settingsFile}: ${err.message}`, { file: settingsFile });
    }
    let settings: JsonFileSettingsRepository | undefined = undefined;
    const settingsWriter = readOnly ? null : new CoalescingFileWriter(settingsFile, () => settings!.serialize(), write);
    settings = new JsonFileSettingsRepository(state, storedSettings, settingsWriter);

    const store = new JsonFileDataStore(state, jobs, tasks, runs, profiles, settings, nodes, occurrences, lock);
    if (!readOnly) await createMissingAndTighten(dataDir, texts, write);
    return store;
  } catch (err) {
    await lock?.release();
    throw err;
  }
}

/** Missing files are created (empty array / object); existing ones lose group/other access, as they may hold secrets. */
async function createMissingAndTighten(
  dataDir: string,
  texts: Map<string, string | null>,
  write: FileWriteFn,
): Promise<void> {
  for (const [name, text] of texts) {
    const file = path.join(dataDir, name);
    if (text === null) {
      await write(file, name === DATA_FILES.settings ? serializeJson({}) : serializeJson([]));
      continue;
    }
    const st = await fsp.stat(file);
    if ((st.mode & 0o077) !== 0) {
      await fsp.chmod(file, FILE_MODE);
      log.info(`Restricted ${file} to owner-only access (mode 600)`);
    }
  }
}

/** Temp files of atomic writes interrupted by a crash. They were never renamed, so they hold nothing acknowledged. */
async function removeInterruptedWrites(dataDir: string): Promise<void> {
  const names = new Set<string>(Object.values(DATA_FILES));
  for (const entry of await fsp.readdir(dataDir)) {
    if (!isAtomicTempFile(entry)) continue;
    const target = entry.slice(1).replace(/\.\d+\.[0-9a-f]{12}\.tmp$/, '');
    if (names.has(target)) await fsp.rm(path.join(dataDir, entry), { force: true });
  }
}
