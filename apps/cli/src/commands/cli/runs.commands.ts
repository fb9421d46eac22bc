import { SubCommand } from 'nest-commander';
import { RUN_STATUSES, Run } from '@ccs/core';
import { ApiUnreachableError } from '../../client/api-client.errors';
import { CommandGroup } from '../ccs-command.base';
import { ApiCommand, FORCE_OPTION, finishWaitedRun, path, withOutput } from './api-command.base';
import { RunDetail, runDetail, runsTable } from './api-tables';
import { nonBlank, wholeNumber } from './option-parsers';

const RUN_ARG = { run: 'run id or unique id prefix' };

interface RunsListOptions {
  task: string;
  job: string;
  status: string;
  limit: number;
  cursor: string;
}

@SubCommand({ name: 'list', aliases: ['ls'], description: 'list runs, newest first (a page at a time: --cursor)' })
export class RunsListCommand extends ApiCommand {
  protected override readonly optionSpecs = withOutput([
    { flags: '--task <task>', description: 'only runs of this task (id, prefix or name)' },
    { flags: '--job <job>', description: 'only runs of this job (id, prefix or name)' },
    { flags: '--status <status>', description: 'only runs in this status', choices: RUN_STATUSES },
    { flags: '-n, --limit <count>', description: 'page size, 1-1000 (default: 100)', parse: wholeNumber(1, 1000) },
    { flags: '--cursor <cursor>', description: 'the next_cursor of the previous page', parse: nonBlank },
  ]);

  protected async execute(): Promise<void> {
    const o = this.given<RunsListOptions>();
    const answer = await this.api().get<{ runs: Run[]; count: number; next_cursor: string | null }>('/api/runs', {
      task_id: o.task === undefined ? undefined : await this.resolveRef('tasks', o.task),
      job_id: o.job === undefined ? undefined : await this.resolveRef('jobs', o.job),
      status: o.status,
      limit: o.limit,
      cursor: o.cursor,
    });
    this.print(answer, () => {
      const table = runsTable(answer.runs);
      return answer.next_cursor ? `${table}\nMore: runs list --cursor ${answer.next_cursor}` : table;
    });
  }
}

@SubCommand({ name: 'get', arguments: '<run>', argsDescription: RUN_ARG, description: 'show one run with its output' })
export class RunsGetCommand extends ApiCommand {
  protected override readonly optionSpecs = withOutput();

  protected async execute([id]: string[]): Promise<void> {
    const answer = await this.api().get<{ run: RunDetail }>(path('runs', id));
    this.print(answer, () => runDetail(answer.run));
  }
}

@SubCommand({
  name: 'stop',
  arguments: '<run>',
  argsDescription: RUN_ARG,
  description: 'stop a running or upcoming run',
})
export class RunsStopCommand extends ApiCommand {
  protected override readonly optionSpecs = withOutput();

  protected async execute([id]: string[]): Promise<void> {
    const answer = await this.api().post<{ run: RunDetail }>(path('runs', id, 'stop'));
    this.print(answer, () => runDetail(answer.run));
  }
}

@SubCommand({
  name: 'restart',
  arguments: '<run>',
  argsDescription: RUN_ARG,
  description: "run the run's task again (a new run); --wait follows it",
})
export class RunsRestartCommand extends ApiCommand {
  protected override readonly optionSpecs = withOutput([
    { flags: '-w, --wait', description: "follow the new run's log until it ends; the exit code tells how it ended" },
  ]);

  protected async execute([id]: string[]): Promise<void> {
    const answer = await this.api().post<{ run_id: string; run: Run }>(path('runs', id, 'restart'));
    if (!this.given<{ wait: boolean }>().wait) {
      this.print(answer, () => runDetail(answer.run));
      return;
    }
    this.note(`Run ${answer.run_id} of "${answer.run.task_name}" started; following its log.`);
    finishWaitedRun(await this.followRun(answer.run_id), (t) => this.note(t));
  }
}

@SubCommand({
  name: 'delete',
  aliases: ['rm'],
  arguments: '<run>',
  argsDescription: RUN_ARG,
  description: 'delete an ended run and its logs (asks first unless -f)',
})
export class RunsDeleteCommand extends ApiCommand {
  protected override readonly optionSpecs = [FORCE_OPTION];

  protected async execute([ref]: string[]): Promise<void> {
    const { run } = await this.api().get<{ run: Run }>(path('runs', ref));
    if (!(await this.confirm(`Delete run ${run.id} of "${run.task_name}" (${run.status}) and its logs?`))) return;
    this.out.json(await this.api().delete(path('runs', run.id)));
  }
}

@SubCommand({
  name: 'logs',
  aliases: ['log'],
  arguments: '<run>',
  argsDescription: RUN_ARG,
  description: "print a run's log; -f keeps following it until the run ends",
})
export class RunsLogsCommand extends ApiCommand {
  protected override readonly optionSpecs = [
    { flags: '-f, --follow', description: 'stream new lines until the run ends' },
    { flags: '--raw', description: "the raw stream-json output (the run's .jsonl log) instead of the text log" },
  ];

  protected async execute([id]: string[]): Promise<void> {
    const o = this.given<{ follow: boolean; raw: boolean }>();
    if (o.follow) {
      await this.followRun(id, o.raw ? 'jsonl' : 'log');
      return;
    }
    // Streamed to stdout as it arrives: a log of any size needs no more memory than a chunk.
    const decoder = new TextDecoder();
    let bytes = 0;
    const { interrupted } = await this.api().stream(
      path('runs', id, 'logs'),
      { kind: o.raw ? 'jsonl' : undefined },
      (chunk) => {
        bytes += chunk.byteLength;
        const text = decoder.decode(chunk, { stream: true });
        if (text) this.out.write(text);
      },
    );
    const rest = decoder.decode();
    if (rest) this.out.write(rest);
    if (interrupted) {
      throw new ApiUnreachableError(`the connection broke off after ${bytes} bytes of the log; run the command again`);
    }
  }
}

export const RUNS_SUBCOMMANDS = [
  RunsListCommand,
  RunsGetCommand,
  RunsStopCommand,
  RunsRestartCommand,
  RunsDeleteCommand,
  RunsLogsCommand,
];

@SubCommand({
  name: 'runs',
  description: 'runs: list, get, stop, restart, delete, logs',
  subCommands: RUNS_SUBCOMMANDS,
})
export class CliRunsCommand extends CommandGroup {}
