import * as fs from 'node:fs';
import * as path from 'node:path';
import { DomainError } from '@ccs/core';
import type { CommandResult, CommandRunner } from '../process/command-runner.port';
import { branchNameProblem, worktreeNameProblem } from './git-ref-name';

/** How git is run. */
export interface GitDeps {
  commands: CommandRunner;
  /** Environment for git (PATH, HOME for its config). Omitted = inherit this process's. */
  env?: Readonly<Record<string, string | undefined>>;
  /** The git executable. Default `git`. */
  git?: string;
  /** Per git command. Default 30 s (the original's). */
  timeoutMs?: number;
}

/** A worktree could not be prepared; the run must not start (it would run in the wrong tree). */
export class WorktreeError extends DomainError {
  readonly code = 'WORKTREE_FAILED';
}

/** Committer identity used only when git has none configured (a fresh CI box, a container). */
export const FALLBACK_GIT_IDENTITY = { name: 'claude-code-scheduler', email: 'claude-code-scheduler@localhost' };

export interface WorktreeResult {
  /** `<repo>/trees/<name>`. */
  path: string;
  /** False when an existing worktree was reused. */
  created: boolean;
  /** The branch checked out in the worktree (always `<name>`). */
  branch: string;
  /** True when the branch `<name>` was created for this worktree. */
  branchCreated: boolean;
}

async function git(deps: GitDeps, args: string[]): Promise<CommandResult> {
  return deps.commands.run(deps.git ?? 'git', args, { timeoutMs: deps.timeoutMs ?? 30_000, env: deps.env });
}

function gitFailure(what: string, r: CommandResult): string {
  if (r.timedOut) return `${what}: timed out`;
  const out = (r.stderr.trim() || r.stdout.trim() || 'no output').split('\n').slice(-5).join(' | ');
  return `${what} failed (${r.exitCode !== null ? `exit ${r.exitCode}` : `signal ${r.signal ?? '?'}`}): ${out}`;
}

/**
 * Creates or reuses the worktree `<repoPath>/trees/<name>`:
 * - the directory exists (and is a git checkout) → reused as is;
 * - else a branch `<name>` exists → `git worktree add -- <path> <name>`;
 * - else `git worktree add -b <name> -- <path> <baseBranch or HEAD>`.
 * Names are validated first (see git-ref-name). `/trees/` is added to the repository's `.git/info/exclude` (local,
 * untracked) rather than to `.gitignore` as the original did, so preparing a run never edits a tracked file.
 * When `git worktree add` fails because another run created the same worktree meanwhile, that worktree is used.
 */
export async function ensureWorktree(
  repoPath: string,
  name: string,
  baseBranch: string | null,
  deps: GitDeps,
): Promise<WorktreeResult> {
  const nameProblem = worktreeNameProblem(name);
  if (nameProblem) throw new WorktreeError(`invalid worktree name "${name}": ${nameProblem}`);
  if (baseBranch !== null) {
    const branchProblem = branchNameProblem(baseBranch);
    if (branchProblem) throw new WorktreeError(`invalid worktree branch "${baseBranch}": ${branchProblem}`);
  }
  const top = await git(deps, ['-C', repoPath, 'rev-parse', '--show-toplevel']);
  if (top.exitCode !== 0)
    throw new WorktreeError(`"${repoPath}" is not a git repository: ${gitFailure('git rev-parse', top)}`);

  const target = path.join(repoPath, 'trees', name);
  await excludeTrees(repoPath, top.stdout.trim(), deps);
  if (fs.existsSync(target)) return reuse(target, name);

  const known = await git(deps, ['-C', repoPath, 'show-ref', '--verify', '--quiet', `refs/heads/${name}`]);
  let add: CommandResult;
  const branchCreated = known.exitCode !== 0;
  if (!branchCreated) {
    add = await git(deps, ['-C', repoPath, 'worktree', 'add', '--', target, name]);
  } else {
    const base = baseBranch ?? 'HEAD';
    const baseOk = await git(deps, ['-C', repoPath, 'rev-parse', '--verify', '--quiet', `${base}^{commit}`]);
    if (baseOk.exitCode !== 0) {
      throw new WorktreeError(
        baseBranch
          ? `base branch "${baseBranch}" does not exist in "${repoPath}"`
          : `"${repoPath}" has no commit to branch from (HEAD is unborn)`,
      );
    }
    add = await git(deps, ['-C', repoPath, 'worktree', 'add', '-b', name, '--', target, base]);
  }
  if (add.exitCode !== 0) {
    if (fs.existsSync(path.join(target, '.git'))) return reuse(target, name); // another run created it meanwhile
    throw new WorktreeError(`cannot create worktree "${target}": ${gitFailure('git worktree add', add)}`);
  }
  return { path: target, created: true, branch: name, branchCreated };
}

function reuse(target: string, name: string): WorktreeResult {
  if (!fs.existsSync(path.join(target, '.git'))) {
    throw new WorktreeError(`"${target}" exists but is not a git worktree; move it away or pick another worktree name`);
  }
  return { path: target, created: false, branch: name, branchCreated: false };
}

/** Makes git ignore `<repo>/trees/` locally, so `git add -A` in the main checkout never picks up worktrees. */
async function excludeTrees(repoPath: string, topLevel: string, deps: GitDeps): Promise<void> {
  const common = await git(deps, ['-C', repoPath, 'rev-parse', '--git-common-dir']);
  if (common.exitCode !== 0) return;
  const gitDir = path.resolve(repoPath, common.stdout.trim());
  const rel = path.relative(fs.realpathSync(topLevel), fs.realpathSync(repoPath)).split(path.sep).join('/');
  const pattern = rel ? `/${rel}/trees/` : '/trees/';
  const file = path.join(gitDir, 'info', 'exclude');
  const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  if (current.split('\n').some((l) => l.trim() === pattern)) return;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const sep = current === '' || current.endsWith('\n') ? '' : '\n';
  fs.appendFileSync(file, `${sep}# added by claude-code-scheduler (worktrees of scheduled jobs)\n${pattern}\n`);
}

export interface CommitOutcome {
  status: 'committed' | 'clean' | 'not_a_repo' | 'failed';
  /** The new commit's sha when committed. */
  commit: string | null;
  /** Set when nothing could be committed though it was asked for; the run stays successful. */
  warning: string | null;
  /** One line for the run log. */
  note: string;
}

/**
 * After a successful REAL run: `git add -A`, `git status --porcelain` (nothing to do when clean), then
 * `git commit -m "task: <task name>"`. When git has no user.name/user.email configured, the commit uses
 * FALLBACK_GIT_IDENTITY through `-c` options (repository config is never written). Never throws: a failure
 * becomes a warning, because the run itself succeeded.
 *
 * Callers must not call this for mock runs: a mock run changed nothing, so the commit would carry the user's own
 * unrelated edits under the task's name (the original did exactly that).
 */
export async function commitOnSuccess(dir: string, taskName: string, deps: GitDeps): Promise<CommitOutcome> {
  const fail = (warning: string): CommitOutcome => ({
    status: 'failed',
    commit: null,
    warning,
    note: `commit_on_success: ${warning}`,
  });
  try {
    const inside = await git(deps, ['-C', dir, 'rev-parse', '--is-inside-work-tree']);
    if (inside.exitCode !== 0 || inside.stdout.trim() !== 'true') {
      const warning = `"${dir}" is not a git work tree; nothing committed`;
      return { status: 'not_a_repo', commit: null, warning, note: `commit_on_success: ${warning}` };
    }
    const add = await git(deps, ['-C', dir, 'add', '-A']);
    if (add.exitCode !== 0) return fail(gitFailure('git add -A', add));
    const status = await git(deps, ['-C', dir, 'status', '--porcelain']);
    if (status.exitCode !== 0) return fail(gitFailure('git status', status));
    if (status.stdout.trim() === '') {
      return {
        status: 'clean',
        commit: null,
        warning: null,
        note: 'commit_on_success: working tree clean, nothing to commit',
      };
    }
    const identity: string[] = [];
    const userName = await git(deps, ['-C', dir, 'config', 'user.name']);
    if (userName.exitCode !== 0 || !userName.stdout.trim())
      identity.push('-c', `user.name=${FALLBACK_GIT_IDENTITY.name}`);
    const userEmail = await git(deps, ['-C', dir, 'config', 'user.email']);
    if (userEmail.exitCode !== 0 || !userEmail.stdout.trim())
      identity.push('-c', `user.email=${FALLBACK_GIT_IDENTITY.email}`);
    const message = `task: ${taskName}`;
    const commit = await git(deps, ['-C', dir, ...identity, 'commit', '-m', message]);
    if (commit.exitCode !== 0) return fail(gitFailure('git commit', commit));
    const head = await git(deps, ['-C', dir, 'rev-parse', 'HEAD']);
    const sha = head.exitCode === 0 ? head.stdout.trim() : null;
    const what = sha ? `${sha.slice(0, 12)} ` : '';
    return {
      status: 'committed',
      commit: sha,
      warning: null,
      note: `commit_on_success: committed ${what}"${message}"`,
    };
  } catch (err) {
    return fail(err instanceof Error ? err.message : String(err));
  }
}
