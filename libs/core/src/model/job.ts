import { JOB_STATUSES, JobStatus } from './enums';
import { asObject, bool, Json, nowIso, oneOf, optStr, str, strList, timestamp } from './read';
import { randomUUID } from 'node:crypto';

/** Where a job's tasks run. In worktree mode the effective directory is `<path>/trees/<worktree_name>`. */
export interface JobWorkingDirectory {
  path: string;
  use_git_worktree: boolean;
  /** Defaults to `job-<first 8 chars of the job id>` when worktree mode is on and no name is given. */
  worktree_name: string | null;
  worktree_branch: string | null;
}

/** A container of tasks that run in `task_order` when the job is run. */
export interface Job {
  id: string;
  name: string;
  description: string;
  status: JobStatus;
  /** Why the job is in its status (e.g. "task X failed after 2 attempts", "coordinator restarted"). New. */
  status_reason: string | null;
  /** Profile id; overrides the profile of every task in the job. */
  profile: string | null;
  working_directory: JobWorkingDirectory;
  task_order: string[];
  created_at: string;
  updated_at: string;
  /** Fields this edition does not know are kept, so data written by a newer/older version is never lost. */
  [extra: string]: unknown;
}

export const DEFAULT_JOB_WORKING_DIRECTORY: JobWorkingDirectory = {
  path: '~/projects',
  use_git_worktree: false,
  worktree_name: null,
  worktree_branch: null,
};

export function normalizeJobWorkingDirectory(raw: unknown, path: string): JobWorkingDirectory {
  if (raw === undefined || raw === null) return { ...DEFAULT_JOB_WORKING_DIRECTORY };
  const o = asObject(raw, path);
  return {
    ...o,
    path: str(o, 'path', path, DEFAULT_JOB_WORKING_DIRECTORY.path),
    use_git_worktree: bool(o, 'use_git_worktree', path, false),
    worktree_name: optStr(o, 'worktree_name', path),
    worktree_branch: optStr(o, 'worktree_branch', path),
  };
}

/** Reads a job as stored by this edition or by the Python original; missing fields get defaults. */
export function normalizeJob(raw: unknown, path = 'job', now = nowIso()): Job {
  const o: Json = asObject(raw, path);
  return {
    ...o,
    id: str(o, 'id', path, '') || randomUUID(),
    name: str(o, 'name', path, 'Untitled Job'),
    description: str(o, 'description', path, ''),
    status: oneOf(o, 'status', path, JOB_STATUSES, 'pending'),
    status_reason: optStr(o, 'status_reason', path),
    profile: optStr(o, 'profile', path),
    working_directory: normalizeJobWorkingDirectory(o['working_directory'], `${path}.working_directory`),
    task_order: strList(o, 'task_order', path),
    created_at: timestamp(o, 'created_at', path, now),
    updated_at: timestamp(o, 'updated_at', path, now),
  };
}

/** The directory a job's tasks run in, before `~`/`$VAR` expansion. */
export function jobRunDirectory(job: Job): string {
  const wd = job.working_directory;
  if (!wd.use_git_worktree) return wd.path;
  return `${wd.path.replace(/\/+$/, '')}/trees/${wd.worktree_name ?? `job-${job.id.slice(0, 8)}`}`;
}
