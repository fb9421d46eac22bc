import type { ClusterNode, Job, Occurrence, Profile, Run, Settings, Task } from '@ccs/core';

/**
 * Repository ports. Reads are served from memory (the adapter loads each file once at open); writes are
 * persisted atomically and coalesced. Every mutating method resolves only after the change is durable on disk,
 * so a caller that got an answer can tell the user "saved".
 */
export interface Repository<T extends { id: string }> {
  /** All items, in storage order. Returned objects are copies: mutating them changes nothing. */
  list(): T[];
  /**
   * Copies of the items the predicate accepts, in storage order. Only matches are copied, so a narrow query over a
   * large collection (e.g. the active runs of one task) costs a scan, not a copy of everything. The predicate sees
   * the stored item and must not modify it.
   */
  filter(predicate: (item: Readonly<T>) => boolean): T[];
  /** A copy of the first item (storage order) the predicate accepts; stops at the first match. */
  find(predicate: (item: Readonly<T>) => boolean): T | undefined;
  get(id: string): T | undefined;
  /** Full id or unique prefix → the item. Throws NotFoundError / AmbiguousIdError / ValidationError. */
  resolve(idOrPrefix: string): T;
  /** Inserts or replaces by id. */
  put(item: T): Promise<T>;
  /** Inserts or replaces several items in one durable write. */
  putMany(items: T[]): Promise<void>;
  /** Returns false when the id was unknown. */
  delete(id: string): Promise<boolean>;
  deleteMany(ids: string[]): Promise<number>;
  count(): number;
}

export type JobRepository = Repository<Job>;
export type TaskRepository = Repository<Task>;
export type RunRepository = Repository<Run>;
export type ProfileRepository = Repository<Profile>;
export type NodeRepository = Repository<ClusterNode>;
export type OccurrenceRepository = Repository<Occurrence>;

export interface SettingsRepository {
  get(): Settings;
  /** Merges `patch` into the stored settings and persists them. */
  update(patch: Partial<Settings>): Promise<Settings>;
}

/** The whole store of one data directory. */
export interface DataStore {
  readonly dataDir: string;
  readonly jobs: JobRepository;
  readonly tasks: TaskRepository;
  readonly runs: RunRepository;
  readonly profiles: ProfileRepository;
  readonly settings: SettingsRepository;
  readonly nodes: NodeRepository;
  readonly occurrences: OccurrenceRepository;
  /** Waits for every pending write to be durable. */
  flush(): Promise<void>;
  /** Flushes and releases the data-directory lock (if held). Idempotent. */
  close(): Promise<void>;
}

/** Injection tokens (Nest). */
export const DATA_STORE = Symbol('DATA_STORE');
