import * as fs from 'node:fs';
import * as path from 'node:path';
import { DomainError, Job } from '@ccs/core';
import { worktreeNameProblem, branchNameProblem } from './git-ref-name';
import { GitDeps, ensureWorktree } from './git-worktree';
import { ExpansionContext, expandPath } from './path-expansion';

/** The run's working directory is missing, not a directory, or cannot be named. The run must not start. */
export class WorkDirError extends DomainError {
  readonly code = 'WORKDIR_INVALID';
}

export interface WorkDirOptions extends ExpansionContext {
  /** settings.default_working_directory: used for tasks without a job. */
  defaultWorkingDirectory: string;
}

/** Where a worktree-mode job runs, before the worktree exists. */
export interface WorktreeSpec {
  /** The job's expanded `working_directory.path` (the main checkout). */
  repoPath: string;
  name: string;
  /** Base branch for a new worktree branch; null = the repository's HEAD. */
  baseBranch: string | null;
}

export interface ResolvedWorkDir {
  /** Absolute directory the run executes in (in worktree mode: `<repo>/trees/<name>`, possibly not created yet). */
  dir: string;
  worktree: WorktreeSpec | null;
}

function expand(p: string, what: string, opts: ExpansionContext): string {
  try {
    return expandPath(p, opts);
  } catch (err) {
    throw new WorkDirError(`${what}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function assertDirectory(dir: string, what: string): void {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dir);
  } catch {
    throw new WorkDirError(`${what} "${dir}" does not exist; create it or change the setting (no fallback to $HOME)`);
  }
  if (!stat.isDirectory()) throw new WorkDirError(`${what} "${dir}" is not a directory`);
}

/**
 * The directory a run executes in. With a job: its `working_directory.path` with `~` and `$VARS` expanded; without
 * a job: `defaultWorkingDirectory` (settings.default_working_directory), expanded the same way. A missing directory
 * is a WorkDirError — never a silent fallback to $HOME as in the original, which ran Claude (with bypass
 * permissions) in the user's home. In worktree mode the repository must exist; the worktree itself is prepared by
 * `ensureWorktree` (see `prepareWorkDir`). Worktree name (default `job-<first 8 chars of the id>`) and branch are
 * validated here already.
 */
export function resolveWorkDir(job: Job | null, opts: WorkDirOptions): ResolvedWorkDir {
  if (!job) {
    const dir = expand(opts.defaultWorkingDirectory, 'default working directory', opts);
    assertDirectory(dir, 'default working directory');
    return { dir, worktree: null };
  }
  const wd = job.working_directory;
  const label = `working directory of job "${job.name}"`;
  const dir = expand(wd.path, label, opts);
  assertDirectory(dir, label);
  if (!wd.use_git_worktree) return { dir, worktree: null };

  const name = wd.worktree_name ?? `job-${job.id.slice(0, 8)}`;
  const nameProblem = worktreeNameProblem(name);
  if (nameProblem) throw new WorkDirError(`invalid worktree name "${name}" for job "${job.name}": ${nameProblem}`);
  const baseBranch = wd.worktree_branch;
  if (baseBranch !== null) {
    const branchProblem = branchNameProblem(baseBranch);
    if (branchProblem)
      throw new WorkDirError(`invalid worktree branch "${baseBranch}" for job "${job.name}": ${branchProblem}`);
  }
  return { dir: path.join(dir, 'trees', name), worktree: { repoPath: dir, name, baseBranch } };
}

/**
 * resolveWorkDir plus, in worktree mode, ensureWorktree. Returns the directory and notes for the run log. Throws
 * WorkDirError / WorktreeError with a clear message.
 */
export async function prepareWorkDir(
  job: Job | null,
  opts: WorkDirOptions & { git: GitDeps },
): Promise<{ dir: string; notes: string[] }> {
  const resolved = resolveWorkDir(job, opts);
  if (!resolved.worktree) return { dir: resolved.dir, notes: [] };
  const { repoPath, name, baseBranch } = resolved.worktree;
  const wt = await ensureWorktree(repoPath, name, baseBranch, opts.git);
  const how = !wt.created
    ? 'reused existing worktree'
    : wt.branchCreated
      ? `created worktree with new branch "${wt.branch}" from ${baseBranch ?? 'HEAD'}`
      : `created worktree on existing branch "${wt.branch}"`;
  return { dir: wt.path, notes: [`${how}: ${wt.path}`] };
}
