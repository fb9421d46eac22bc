import { SubCommand } from 'nest-commander';
import { Run, ValidationError } from '@ccs/core';
import { CommandGroup } from '../ccs-command.base';
import { ApiCommand, FORCE_OPTION, finishWaitedRun, path, withOutput } from './api-command.base';
import { TaskView, runDetail, taskDetail, tasksTable } from './api-tables';
import { TASK_OPTIONS, TaskBody, TaskOptionValues, taskBodyFromOptions } from './task-options';

const TASK_ARG = { task: 'task id, unique id prefix, or name' };

abstract class TaskCommand extends ApiCommand {
  protected taskId(ref: string): Promise<string> {
    return this.resolveRef('tasks', ref);
  }

  /** Replaces the typed profile and job references with ids (names are looked up). */
  protected async withResolvedRefs(body: TaskBody): Promise<TaskBody> {
    const out = { ...body };
    if ('profile' in out) out['profile'] = await this.resolveOptionalRef('profiles', out['profile']);
    if ('job_id' in out) out['job_id'] = await this.resolveOptionalRef('jobs', out['job_id']);
    return out;
  }
}

@SubCommand({ name: 'list', aliases: ['ls'], description: 'list tasks (with their run totals and next run)' })
export class TasksListCommand extends TaskCommand {
  protected override readonly optionSpecs = withOutput([
    { flags: '--job <job>', description: 'only the tasks of this job (id, prefix or name)' },
  ]);

  protected async execute(): Promise<void> {
    const { job } = this.given<{ job: string }>();
    const jobId = job === undefined ? undefined : await this.resolveRef('jobs', job);
    const answer = await this.api().get<{ tasks: TaskView[]; count: number }>('/api/tasks', { job_id: jobId });
    this.print(answer, () => tasksTable(answer.tasks));
  }
}

@SubCommand({ name: 'get', arguments: '<task>', argsDescription: TASK_ARG, description: 'show one task' })
export class TasksGetCommand extends TaskCommand {
  protected override readonly optionSpecs = withOutput();

  protected async execute([ref]: string[]): Promise<void> {
    const answer = await this.api().get<{ task: TaskView }>(path('tasks', await this.taskId(ref)));
    this.print(answer, () => taskDetail(answer.task));
  }
}

@SubCommand({
  name: 'create',
  description: 'create a task (--name and --prompt are required; every other field has an option)',
})
export class TasksCreateCommand extends TaskCommand {
  protected override readonly optionSpecs = withOutput(TASK_OPTIONS);

  protected async execute(): Promise<void> {
    const o = this.given<TaskOptionValues>();
    if (o.name === undefined || (o.prompt === undefined && o.command === undefined)) {
      throw new ValidationError('tasks create needs --name <name> and --prompt <text>');
    }
    const body = await this.withResolvedRefs(taskBodyFromOptions(o));
    const answer = await this.api().post<{ task: TaskView }>('/api/tasks', body);
    this.print(answer, () => taskDetail(answer.task));
  }
}

@SubCommand({
  name: 'update',
  arguments: '<task>',
  argsDescription: TASK_ARG,
  description: 'change the fields given as options; the others keep their values',
})
export class TasksUpdateCommand extends TaskCommand {
  protected override readonly optionSpecs = withOutput(TASK_OPTIONS);

  protected async execute([ref]: string[]): Promise<void> {
    const body = taskBodyFromOptions(this.given<TaskOptionValues>());
    if (Object.keys(body).length === 0)
      throw new ValidationError('nothing to update: give at least one option (see --help)');
    const id = await this.taskId(ref);
    const answer = await this.api().put<{ task: TaskView }>(path('tasks', id), await this.withResolvedRefs(body));
    this.print(answer, () => taskDetail(answer.task));
  }
}

@SubCommand({
  name: 'delete',
  aliases: ['rm'],
  arguments: '<task>',
  argsDescription: TASK_ARG,
  description: 'delete a task with its runs and logs (asks first unless -f)',
})
export class TasksDeleteCommand extends TaskCommand {
  protected override readonly optionSpecs = [FORCE_OPTION];

  protected async execute([ref]: string[]): Promise<void> {
    const { task } = await this.api().get<{ task: TaskView }>(path('tasks', await this.taskId(ref)));
    const runs = task.stats?.runs ?? 0;
    if (!(await this.confirm(`Delete task "${task.name}" (${task.id}) and its ${runs} run(s)?`))) return;
    this.out.json(await this.api().delete(path('tasks', task.id)));
  }
}

@SubCommand({
  name: 'run',
  arguments: '<task>',
  argsDescription: TASK_ARG,
  description: 'run a task now; --wait follows its log and exits 0 on success, 1 on failure',
})
export class TasksRunCommand extends TaskCommand {
  protected override readonly optionSpecs = withOutput([
    { flags: '-w, --wait', description: "follow the run's log until it ends; the exit code tells how it ended" },
  ]);

  protected async execute([ref]: string[]): Promise<void> {
    const answer = await this.api().post<{ run_id: string; run: Run }>(path('tasks', await this.taskId(ref), 'run'));
    if (!this.given<{ wait: boolean }>().wait) {
      this.print(answer, () => runDetail(answer.run));
      return;
    }
    this.note(`Run ${answer.run_id} of "${answer.run.task_name}" started; following its log.`);
    finishWaitedRun(await this.followRun(answer.run_id), (t) => this.note(t));
  }
}

@SubCommand({
  name: 'enable',
  arguments: '<task>',
  argsDescription: TASK_ARG,
  description: 'let the schedule trigger the task',
})
export class TasksEnableCommand extends TaskCommand {
  protected override readonly optionSpecs = withOutput();

  protected async execute([ref]: string[]): Promise<void> {
    const answer = await this.api().post<{ task: TaskView }>(path('tasks', await this.taskId(ref), 'enable'));
    this.print(answer, () => taskDetail(answer.task));
  }
}

@SubCommand({
  name: 'disable',
  arguments: '<task>',
  argsDescription: TASK_ARG,
  description: 'stop the schedule from triggering the task',
})
export class TasksDisableCommand extends TaskCommand {
  protected override readonly optionSpecs = withOutput();

  protected async execute([ref]: string[]): Promise<void> {
    const answer = await this.api().post<{ task: TaskView }>(path('tasks', await this.taskId(ref), 'disable'));
    this.print(answer, () => taskDetail(answer.task));
  }
}

export const TASKS_SUBCOMMANDS = [
  TasksListCommand,
  TasksGetCommand,
  TasksCreateCommand,
  TasksUpdateCommand,
  TasksDeleteCommand,
  TasksRunCommand,
  TasksEnableCommand,
  TasksDisableCommand,
];

@SubCommand({
  name: 'tasks',
  description: 'tasks: list, get, create, update, delete, run, enable, disable',
  subCommands: TASKS_SUBCOMMANDS,
})
export class CliTasksCommand extends CommandGroup {}
