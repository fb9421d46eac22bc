import { ValidationError } from '@ccs/core';
import type { OptionSpec } from './option-spec';
import { isNoneWord, nonBlank } from './option-parsers';

/** `cli jobs create|update` options, converted to a request body by `jobBodyFromOptions`. */
export const JOB_OPTIONS: readonly OptionSpec[] = [
  { flags: '--name <name>', description: 'display name', parse: nonBlank },
  { flags: '--description <text>', description: 'free text' },
  {
    flags: '--profile <profile>',
    description: 'profile id, id prefix or name for every task of the job; "none" clears',
  },
  {
    flags: '--working-directory <dir>',
    description: 'where the tasks run (~ and $VARS expand on the worker)',
    parse: nonBlank,
  },
  { flags: '--use-worktree', description: 'run in a git worktree at <dir>/trees/<worktree name>' },
  { flags: '--no-worktree', description: 'run in the working directory itself' },
  { flags: '--worktree-name <name>', description: 'worktree directory name; "default" = job-<id prefix>' },
  { flags: '--worktree-branch <branch>', description: 'branch for the worktree; "none" = detached HEAD' },
];

export interface JobOptionValues {
  name?: string;
  description?: string;
  profile?: string;
  workingDirectory?: string;
  useWorktree?: boolean;
  /** `--no-worktree` → false. */
  worktree?: boolean;
  worktreeName?: string;
  worktreeBranch?: string;
}

const nullIfNone = (v: string | undefined): string | null | undefined =>
  v === undefined ? undefined : isNoneWord(v) ? null : v;

/**
 * Maps `cli jobs create|update` options to the API's body; only given options are sent (`working_directory` is
 * merged field by field by the API). `profile` still holds what the user typed until the command resolves it. Pure.
 */
export function jobBodyFromOptions(o: JobOptionValues): Record<string, unknown> {
  if (o.useWorktree && o.worktree === false)
    throw new ValidationError('--use-worktree and --no-worktree exclude each other');
  const body: Record<string, unknown> = {};
  if (o.name !== undefined) body['name'] = o.name;
  if (o.description !== undefined) body['description'] = o.description;
  if (o.profile !== undefined) body['profile'] = nullIfNone(o.profile);
  const wd: Record<string, unknown> = {};
  if (o.workingDirectory !== undefined) wd['path'] = o.workingDirectory;
  if (o.useWorktree) wd['use_git_worktree'] = true;
  if (o.worktree === false) wd['use_git_worktree'] = false;
  if (o.worktreeName !== undefined) wd['worktree_name'] = nullIfNone(o.worktreeName);
  if (o.worktreeBranch !== undefined) wd['worktree_branch'] = nullIfNone(o.worktreeBranch);
  if (Object.keys(wd).length > 0) body['working_directory'] = wd;
  return body;
}
