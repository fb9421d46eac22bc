import * as fs from 'node:fs';
import * as nodePath from 'node:path';
import { SubCommand } from 'nest-commander';
import { Run, Task, ValidationError } from '@ccs/core';
import { RunFailedError } from '../../client/api-client.errors';
import { shortId } from '../../output/text-format';
import { CommandGroup } from '../ccs-command.base';
import { ApiCommand, FORCE_OPTION, path, runSummary, withOutput } from './api-command.base';
import { JobView, TaskView, jobDetail, jobsTable, runDetail, tasksTable } from './api-tables';
import { JOB_OPTIONS, JobOptionValues, jobBodyFromOptions } from './job-options';
import { nonBlank } from './option-parsers';

const JOB_ARG = { job: 'job id, unique id prefix, or name' };

abstract class JobCommand extends ApiCommand {
  protected jobId(ref: string): Promise<string> {
    return this.resolveRef('jobs', ref);
  }

  protected async body(): Promise<Record<string, unknown>> {
    const body = jobBodyFromOptions(this.given<JobOptionValues>());
    if ('profile' in body) body['profile'] = await this.resolveOptionalRef('profiles', body['profile']);
    return body;
  }
}

@SubCommand({ name: 'list', aliases: ['ls'], description: 'list jobs with their status, task count and run totals' })
export class JobsListCommand extends JobCommand {
  protected override readonly optionSpecs = withOutput();

  protected async execute(): Promise<void> {
    const answer = await this.api().get<{ jobs: JobView[]; count: number }>('/api/jobs');
    this.print(answer, () => jobsTable(answer.jobs));
  }
}

@SubCommand({ name: 'get', arguments: '<job>', argsDescription: JOB_ARG, description: 'show one job' })
export class JobsGetCommand extends JobCommand {
  protected override readonly optionSpecs = withOutput();

  protected async execute([ref]: string[]): Promise<void> {
    const answer = await this.api().get<{ job: JobView }>(path('jobs', await this.jobId(ref)));
    this.print(answer, () => jobDetail(answer.job));
  }
}

@SubCommand({ name: 'create', description: 'create a job (--name is required)' })
export class JobsCreateCommand extends JobCommand {
  protected override readonly optionSpecs = withOutput(JOB_OPTIONS);

  protected async execute(): Promise<void> {
    if (this.given<JobOptionValues>().name === undefined) throw new ValidationError('jobs create needs --name <name>');
    const answer = await this.api().post<{ job: JobView }>('/api/jobs', await this.body());
    this.print(answer, () => jobDetail(answer.job));
  }
}

@SubCommand({
  name: 'update',
  arguments: '<job>',
  argsDescription: JOB_ARG,
  description: 'change the fields given as options; the others keep their values',
})
export class JobsUpdateCommand extends JobCommand {
  protected override readonly optionSpecs = withOutput(JOB_OPTIONS);

  protected async execute([ref]: string[]): Promise<void> {
    const body = await this.body();
    if (Object.keys(body).length === 0)
      throw new ValidationError('nothing to update: give at least one option (see --help)');
    const answer = await this.api().put<{ job: JobView }>(path('jobs', await this.jobId(ref)), body);
    this.print(answer, () => jobDetail(answer.job));
  }
}

@SubCommand({
  name: 'delete',
  aliases: ['rm'],
  arguments: '<job>',
  argsDescription: JOB_ARG,
  description: 'delete a job with its tasks, their runs and logs (asks first unless -f)',
})
export class JobsDeleteCommand extends JobCommand {
  protected override readonly optionSpecs = [FORCE_OPTION];

  protected async execute([ref]: string[]): Promise<void> {
    const { job } = await this.api().get<{ job: JobView }>(path('jobs', await this.jobId(ref)));
    const tasks = job.task_count ?? job.task_order.length;
    if (!(await this.confirm(`Delete job "${job.name}" (${job.id}) with its ${tasks} task(s) and their runs?`))) return;
    this.out.json(await this.api().delete(path('jobs', job.id)));
  }
}

@SubCommand({
  name: 'run',
  arguments: '<job>',
  argsDescription: JOB_ARG,
  description: "run the job's tasks in order; --wait follows each run and exits 0 when the job completes",
})
export class JobsRunCommand extends JobCommand {
  protected override readonly optionSpecs = withOutput([
    { flags: '-w, --wait', description: 'follow the runs until the job ends; the exit code tells how it ended' },
  ]);

  protected async execute([ref]: string[]): Promise<void> {
    const answer = await this.api().post<{ job: JobView; run_id: string; run: Run }>(
      path('jobs', await this.jobId(ref), 'run'),
    );
    if (!this.given<{ wait: boolean }>().wait) {
      this.print(answer, () => `${jobDetail(answer.job)}\n${runDetail(answer.run)}`);
      return;
    }
    const job = await this.waitForJob(answer.job, answer.run);
    if (job.status !== 'completed') {
      throw new RunFailedError(`Job "${job.name}" ${job.status}${job.status_reason ? `: ${job.status_reason}` : ''}`);
    }
    this.note(`Job "${job.name}" completed.`);
  }

  /**
   * Follows the job's runs one after the other (the job starts the next task when a run succeeds, or retries it)
   * until the scheduler no longer runs the job; returns the job's final record.
   */
  private async waitForJob(started: JobView, first: Run): Promise<JobView> {
    const followed = new Set<string>();
    let next: Run | undefined = first;
    for (;;) {
      if (next) {
        followed.add(next.id);
        this.note(`--- ${next.task_name} (run ${shortId(next.id)}, attempt ${next.attempt}) ---`);
        this.note(runSummary(await this.followRun(next.id)));
      }
      const { job } = await this.api().get<{ job: JobView }>(path('jobs', started.id));
      const { runs } = await this.api().get<{ runs: Run[] }>('/api/runs', { job_id: started.id, limit: 50 });
      // The job's next run (the next task, or a retry): one of this job run that has not been followed yet.
      next = runs
        .filter((r) => !followed.has(r.id) && r.trigger === 'job' && r.scheduled_time >= first.scheduled_time)
        .sort((a, b) => a.scheduled_time.localeCompare(b.scheduled_time))[0];
      if (!next && !job.running) return job;
      if (!next) await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

@SubCommand({
  name: 'stop',
  arguments: '<job>',
  argsDescription: JOB_ARG,
  description: 'stop a running job and its current run',
})
export class JobsStopCommand extends JobCommand {
  protected override readonly optionSpecs = withOutput();

  protected async execute([ref]: string[]): Promise<void> {
    const answer = await this.api().post<{ job: JobView }>(path('jobs', await this.jobId(ref), 'stop'));
    this.print(answer, () => jobDetail(answer.job));
  }
}

@SubCommand({
  name: 'tasks',
  arguments: '<job>',
  argsDescription: JOB_ARG,
  description: "list the job's tasks in run order",
})
export class JobsTasksCommand extends JobCommand {
  protected override readonly optionSpecs = withOutput();

  protected async execute([ref]: string[]): Promise<void> {
    const answer = await this.api().get<{ tasks: TaskView[]; count: number }>(
      path('jobs', await this.jobId(ref), 'tasks'),
    );
    this.print(answer, () => tasksTable(answer.tasks));
  }
}

@SubCommand({
  name: 'set-order',
  arguments: '<job> <tasks...>',
  argsDescription: { job: JOB_ARG.job, tasks: 'the tasks (ids, prefixes or names) in the order the job runs them' },
  description: 'set the order in which the job runs its tasks',
})
export class JobsSetOrderCommand extends JobCommand {
  protected override readonly optionSpecs = withOutput();

  protected async execute([ref, ...taskRefs]: string[]): Promise<void> {
    const jobId = await this.jobId(ref);
    const order: string[] = [];
    for (const t of taskRefs) order.push(await this.resolveRef('tasks', t));
    const answer = await this.api().put<{ task_order: string[]; job: JobView }>(path('jobs', jobId, 'task-order'), {
      task_order: order,
    });
    this.print(answer, () => jobDetail(answer.job));
  }
}

@SubCommand({
  name: 'export',
  arguments: '<job>',
  argsDescription: JOB_ARG,
  description: 'export a job with its tasks as a JSON document (stdout, or -o FILE)',
})
export class JobsExportCommand extends JobCommand {
  protected override readonly optionSpecs = [
    { flags: '-o, --output-file <file>', description: 'write the document to this file', parse: nonBlank },
  ];

  protected async execute([ref]: string[]): Promise<void> {
    const doc = await this.api().get<{ job: { name: string }; tasks: Task[] }>(
      path('jobs', await this.jobId(ref), 'export'),
    );
    const file = this.given<{ outputFile: string }>().outputFile;
    if (file === undefined) {
      this.out.json(doc);
      return;
    }
    fs.mkdirSync(nodePath.dirname(nodePath.resolve(file)), { recursive: true });
    fs.writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`);
    this.note(`Exported job "${doc.job.name}" with ${doc.tasks.length} task(s) to ${file}`);
  }
}

@SubCommand({
  name: 'import',
  description: 'import a job exported by `jobs export` (or by the original): -i FILE, - for stdin',
})
export class JobsImportCommand extends JobCommand {
  protected override readonly optionSpecs = withOutput([
    { flags: '-i, --input <file>', description: 'the export document ("-" reads stdin)', parse: nonBlank },
    { flags: '-f, --force', description: 'overwrite the job and tasks that already exist with the same ids' },
    { flags: '--new-ids', description: 'import a copy under new ids (the original stays)' },
  ]);

  protected async execute(): Promise<void> {
    const o = this.given<{ input: string; force: boolean; newIds: boolean }>();
    if (o.input === undefined)
      throw new ValidationError('jobs import needs -i <file> (the document `jobs export` wrote)');
    if (o.force && o.newIds) throw new ValidationError('--force (overwrite) and --new-ids (copy) exclude each other');
    const text = o.input === '-' ? fs.readFileSync(0, 'utf8') : readFile(o.input);
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (err) {
      throw new Error(`${o.input === '-' ? 'stdin' : o.input} is not valid JSON: ${(err as Error).message}`, {
        cause: err,
      });
    }
    const answer = await this.withCliHint(409, 'pass -f/--force to overwrite them, or --new-ids to import a copy', () =>
      this.api().post<{ job: JobView; tasks: TaskView[]; warnings: string[] }>('/api/jobs/import', doc, {
        force: o.force || undefined,
        new_ids: o.newIds || undefined,
      }),
    );
    answer.warnings.forEach((w) => this.note(`Warning: ${w}`));
    this.print(answer, () => `${jobDetail(answer.job)}\n${tasksTable(answer.tasks)}`);
  }
}

function readFile(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, {
      cause: err,
    });
  }
}

export const JOBS_SUBCOMMANDS = [
  JobsListCommand,
  JobsGetCommand,
  JobsCreateCommand,
  JobsUpdateCommand,
  JobsDeleteCommand,
  JobsRunCommand,
  JobsStopCommand,
  JobsTasksCommand,
  JobsSetOrderCommand,
  JobsExportCommand,
  JobsImportCommand,
];

@SubCommand({
  name: 'jobs',
  description: 'jobs: list, get, create, update, delete, run, stop, tasks, set-order, export, import',
  subCommands: JOBS_SUBCOMMANDS,
})
export class CliJobsCommand extends CommandGroup {}
