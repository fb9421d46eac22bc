import { SubCommand } from 'nest-commander';
import { ClusterNode } from '@ccs/core';
import { CommandGroup } from '../ccs-command.base';
import { ApiCommand, withOutput } from './api-command.base';
import { SchedulerStatus, nodesTable, objectTable, schedulerTable } from './api-tables';

@SubCommand({
  name: 'state',
  description: 'everything at once: jobs, tasks, newest runs, profiles (masked), settings, nodes',
})
export class CliStateCommand extends ApiCommand {
  protected override readonly optionSpecs = withOutput();

  protected async execute(): Promise<void> {
    const s = await this.api().get<Record<string, unknown>>('/api/state');
    const count = (k: string): number => (Array.isArray(s[k]) ? (s[k] as unknown[]).length : 0);
    this.print(s, () =>
      objectTable({
        version: s['version'],
        mode: s['mode'],
        jobs: count('jobs'),
        tasks: count('tasks'),
        runs: s['runs_total'],
        profiles: count('profiles'),
        nodes: count('nodes'),
        running_jobs: count('running_jobs'),
        totals: s['totals'],
      }),
    );
  }
}

@SubCommand({ name: 'health', description: "the scheduler's health: version, mode, uptime, data directory" })
export class CliHealthCommand extends ApiCommand {
  protected override readonly optionSpecs = withOutput();

  protected async execute(): Promise<void> {
    const h = await this.api().get<Record<string, unknown>>('/api/health');
    this.print(h, () => objectTable(h));
  }
}

@SubCommand({ name: 'scheduler', description: 'scheduled tasks with their next run time and watched directories' })
export class CliSchedulerCommand extends ApiCommand {
  protected override readonly optionSpecs = withOutput();

  protected async execute(): Promise<void> {
    const answer = await this.api().get<{ scheduler: SchedulerStatus }>('/api/scheduler');
    this.print(answer, () => schedulerTable(answer.scheduler));
  }
}

@SubCommand({ name: 'stats', description: 'runs by status, throughput, queue depths, nodes, cost and token totals' })
export class CliStatsCommand extends ApiCommand {
  protected override readonly optionSpecs = withOutput();

  protected async execute(): Promise<void> {
    const s = await this.api().get<Record<string, unknown>>('/api/stats');
    this.print(s, () => objectTable(s));
  }
}

@SubCommand({ name: 'list', aliases: ['ls'], description: 'list worker nodes (gui mode has one: local)' })
export class NodesListCommand extends ApiCommand {
  protected override readonly optionSpecs = withOutput();

  protected async execute(): Promise<void> {
    const answer = await this.api().get<{ nodes: ClusterNode[]; count: number }>('/api/nodes');
    this.print(answer, () => nodesTable(answer.nodes));
  }
}

@SubCommand({ name: 'nodes', description: 'worker nodes: list', subCommands: [NodesListCommand] })
export class CliNodesCommand extends CommandGroup {}
