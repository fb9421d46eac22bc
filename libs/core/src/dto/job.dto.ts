import { DEFAULT_JOB_WORKING_DIRECTORY, Job, normalizeJob } from '../model/job';
import { nowIso } from '../model/read';
import { Field, ID_REF, definedFields } from './dto-field';
import type { FieldError } from './validate-dto';

/**
 * Job DTOs.
 *
 * `status` is NOT writable. The original let `PUT /api/jobs/{id}` set it, so a client could mark a job
 * `in_progress` with nothing running, or `completed` while its tasks still ran, and the UI then lied. Here a job's
 * status follows its runs and changes only through the run/stop actions (`POST /api/jobs/{id}/run|stop`) and the
 * coordinator's own bookkeeping; sending `status` is answered with a message that says so.
 */

export class WorkingDirectoryDto {
  @Field({
    type: 'string',
    nonBlank: true,
    maxLength: 4096,
    description: 'Directory the tasks run in (~ and $VAR are expanded on the node).',
    example: '~/projects/my-repo',
    defaultValue: DEFAULT_JOB_WORKING_DIRECTORY.path,
  })
  path?: string;

  @Field({
    type: 'boolean',
    description: 'Run in a git worktree at <path>/trees/<worktree_name> instead of <path> itself.',
    defaultValue: false,
  })
  use_git_worktree?: boolean;

  @Field({
    type: 'string',
    // It becomes a directory name under <path>/trees: no separators, no "." or "..".
    pattern: /^(?!\.{1,2}$)[A-Za-z0-9._-]{1,100}$/,
    patternHint: "a directory name of letters, digits, '.', '_' and '-'",
    nullable: true,
    description: 'Worktree directory name; null = job-<first 8 characters of the job id>.',
  })
  worktree_name?: string | null;

  @Field({
    type: 'string',
    // A branch name that git accepts and that cannot be read as an option (leading '-') by the git CLI.
    pattern: /^(?![-/.])(?!.*\.\.)(?!.*\/\/)(?!.*@\{)(?!.*[/.]$)(?!.*\.lock$)[A-Za-z0-9._/@+-]{1,200}$/,
    patternHint: "a git branch name such as feature/nightly (no spaces, no '..', not starting with '-')",
    nullable: true,
    description: 'Branch for the worktree; null = a detached worktree of the current HEAD.',
  })
  worktree_branch?: string | null;
}

class JobFieldsDto {
  @Field({ type: 'string', maxLength: 10_000, description: 'Free text.', defaultValue: '' })
  description?: string;

  @Field({
    ...ID_REF,
    nullable: true,
    description: "Profile id applied to every task of the job (it overrides the tasks' own profiles); null = none.",
  })
  profile?: string | null;

  @Field({
    type: 'nested',
    dto: () => WorkingDirectoryDto,
    description: 'Where the tasks run (partial; merged field by field on update).',
  })
  working_directory?: WorkingDirectoryDto;
}

/** Body of `POST /api/jobs`. */
export class CreateJobDto extends JobFieldsDto {
  @Field({ type: 'string', nonBlank: true, maxLength: 200, required: true, description: 'Display name.' })
  name: string;
}

/**
 * Body of `PUT`/`PATCH /api/jobs/{id}`: every field optional; `working_directory` is merged field by field
 * (`mergeJobUpdate`). `task_order` is accepted here as in the original (its CLI's `set-order` used this route);
 * `PUT /api/jobs/{id}/task-order` (TaskOrderDto) is the dedicated way.
 */
export class UpdateJobDto extends JobFieldsDto {
  @Field({ type: 'string', nonBlank: true, maxLength: 200, description: 'Display name.' })
  name?: string;

  @Field({
    type: 'string-list',
    nonBlankItems: true,
    unique: true,
    maxItems: 10_000,
    description: 'Task ids in the order the job runs them.',
  })
  task_order?: string[];

  static crossCheck(dto: UpdateJobDto): FieldError[] {
    return dto.task_order ? idListErrors('task_order', dto.task_order) : [];
  }
}

/** Body of `PUT /api/jobs/{id}/task-order`: `{"task_order": [...]}` or, as the original accepted, a bare array. */
export class TaskOrderDto {
  @Field({
    type: 'string-list',
    nonBlankItems: true,
    unique: true,
    maxItems: 10_000,
    required: true,
    description: 'Task ids in the order the job runs them.',
  })
  task_order: string[];

  static preprocess(raw: unknown): unknown {
    return normalizeTaskOrderBody(raw);
  }

  static crossCheck(dto: TaskOrderDto): FieldError[] {
    return idListErrors('task_order', dto.task_order);
  }
}

/** Every item of a list of ids must look like one (full id or unique prefix); reported per item. */
function idListErrors(field: string, ids: readonly string[]): FieldError[] {
  return ids.flatMap((id, i) =>
    ID_REF.pattern.test(id)
      ? []
      : [
          {
            field: `${field}[${i}]`,
            message: `${field}[${i}] must be ${ID_REF.patternHint} (got ${JSON.stringify(id)})`,
          },
        ],
  );
}

/** A bare JSON array becomes `{ task_order: array }`; anything else is returned unchanged. Pure. */
export function normalizeTaskOrderBody(body: unknown): unknown {
  return Array.isArray(body) ? { task_order: body } : body;
}

/** Applies a validated update: top-level fields replace, `working_directory` merges field by field. Pure. */
export function mergeJobUpdate(current: Job, update: UpdateJobDto, now: string = nowIso()): Job {
  const { working_directory, ...top } = definedFields(update);
  return {
    ...current,
    ...(top as Partial<Job>),
    working_directory: { ...current.working_directory, ...definedFields(working_directory) },
    updated_at: now,
  };
}

/** A new job from a validated create body: status `pending`, empty task order, defaults for omitted fields. */
export function jobFromCreateDto(dto: CreateJobDto, id: string, now: string = nowIso()): Job {
  const { working_directory, ...top } = definedFields(dto);
  return normalizeJob(
    {
      ...top,
      working_directory: definedFields(working_directory),
      id,
      status: 'pending',
      status_reason: null,
      task_order: [],
      created_at: now,
      updated_at: now,
    },
    'job',
    now,
  );
}
