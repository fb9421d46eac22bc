import { RUN_STATUSES, RunStatus } from '../model/enums';
import { Field, ID_REF } from './dto-field';

/** Upper bound of `limit`, so one request cannot ask for the whole history at once. */
export const RUNS_QUERY_MAX_LIMIT = 1000;
export const RUNS_QUERY_DEFAULT_LIMIT = 100;

/**
 * Query of `GET /api/runs`. Query values arrive as strings; `limit` is converted explicitly (`fromQuery`), a
 * non-numeric `limit` is an error rather than silently the default.
 */
export class RunsQueryDto {
  @Field({ ...ID_REF, description: 'Only runs of this task (id or unique prefix).' })
  task_id?: string;

  @Field({ ...ID_REF, description: 'Only runs of this job (id or unique prefix).' })
  job_id?: string;

  @Field({ type: 'enum', values: RUN_STATUSES, description: 'Only runs in this status.' })
  status?: RunStatus;

  @Field({
    type: 'integer',
    min: 1,
    max: RUNS_QUERY_MAX_LIMIT,
    fromQuery: true,
    description: 'Page size.',
    defaultValue: RUNS_QUERY_DEFAULT_LIMIT,
  })
  limit: number = RUNS_QUERY_DEFAULT_LIMIT;

  @Field({
    type: 'string',
    nonBlank: true,
    maxLength: 512,
    description: 'Opaque cursor from the previous page (`next_cursor`); omitted = the newest runs.',
  })
  cursor?: string;
}
