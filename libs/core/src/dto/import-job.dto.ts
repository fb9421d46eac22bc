import { DomainError } from '../errors';
import { isUuid } from '../ids';
import { normalizeJob } from '../model/job';
import { normalizeTask } from '../model/task';
import { Field } from './dto-field';
import type { FieldError } from './validate-dto';

/** The export format version this edition writes and reads (the original's). */
export const JOB_EXPORT_VERSION = '1.0';

/**
 * Body of `POST /api/jobs/import`: a job export document as the original wrote it
 * (`{ version, exported_at, job, tasks, profiles_referenced }`).
 *
 * `job` and the items of `tasks` are whole stored records, so they may carry fields this edition does not know
 * (they are kept, like in the data files). They are therefore not checked field by field against a DTO but read
 * with the model's own readers (`normalizeJob`/`normalizeTask`), which report the first bad field of each record;
 * ids must be full UUIDs because they are kept on import.
 */
export class ImportJobDto {
  @Field({
    type: 'enum',
    values: [JOB_EXPORT_VERSION],
    required: true,
    message: `version must be "${JOB_EXPORT_VERSION}" (the job export format this server reads)`,
    description: 'Export format version.',
    example: JOB_EXPORT_VERSION,
  })
  version: string;

  @Field({ type: 'string', format: 'date-time', description: 'When the export was made (informational).' })
  exported_at?: string;

  @Field({ type: 'object', required: true, description: 'The job record (with its id and name).' })
  job: Record<string, unknown>;

  @Field({ type: 'object-list', maxItems: 10_000, required: true, description: 'The task records of the job.' })
  tasks: Record<string, unknown>[];

  @Field({
    type: 'string-list',
    unique: true,
    maxItems: 10_000,
    description: 'Profile ids the job and its tasks refer to (profiles are not part of an export).',
  })
  profiles_referenced?: string[];

  static crossCheck(dto: ImportJobDto): FieldError[] {
    const errors = recordErrors(dto.job, 'job', () => normalizeJob(dto.job, 'job'));
    const seen = new Map<string, number>();
    dto.tasks.forEach((task, i) => {
      const path = `tasks[${i}]`;
      const own = recordErrors(task, path, () => normalizeTask(task, path));
      errors.push(...own);
      const id = task['id'];
      if (typeof id !== 'string' || own.length) return;
      const first = seen.get(id.toLowerCase());
      if (first !== undefined) {
        errors.push({ field: `${path}.id`, message: `${path}.id ${id} is the same as tasks[${first}].id` });
      } else seen.set(id.toLowerCase(), i);
    });
    return errors;
  }
}

/** id (UUID) and name of one imported record, then whatever the model's reader finds wrong with it. */
function recordErrors(record: Record<string, unknown>, path: string, read: () => unknown): FieldError[] {
  const errors: FieldError[] = [];
  const id = record['id'];
  if (typeof id !== 'string' || !isUuid(id)) {
    errors.push({ field: `${path}.id`, message: `${path}.id must be a UUID (got ${JSON.stringify(id ?? null)})` });
  }
  const name = record['name'];
  if (typeof name !== 'string' || name.trim() === '') {
    errors.push({ field: `${path}.name`, message: `${path}.name must be a non-empty string` });
  }
  if (errors.length) return errors;
  try {
    read();
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    // The readers' messages start with the path of the bad field, e.g. "job.status must be one of …".
    const field = /^([\w.[\]]+)/.exec(err.message)?.[1] ?? path;
    errors.push({ field, message: err.message });
  }
  return errors;
}
