import { SubCommand } from 'nest-commander';
import { renderTask, renderTasks } from '../../debug/debug-text.renderer';
import { findTask } from '../../debug/debug-queries';
import { DebugSubcommand } from './debug-command.base';

@SubCommand({ name: 'tasks', description: 'list all tasks' })
export class DebugTasksCommand extends DebugSubcommand {
  async run(): Promise<void> {
    const snap = await this.inspector.snapshot(this.dataDir());
    this.print(snap.tasks, () => renderTasks(snap.tasks, snap.jobs));
  }
}

@SubCommand({
  name: 'task',
  arguments: '<task>',
  argsDescription: { task: 'task id, unique id prefix, or name' },
  description: 'show one task',
})
export class DebugTaskCommand extends DebugSubcommand {
  async run([ref]: string[]): Promise<void> {
    const snap = await this.inspector.snapshot(this.dataDir());
    const task = findTask(snap.tasks, ref);
    this.print(task, () => renderTask(task, snap));
  }
}
