import { InvalidArgumentError } from 'commander';
import { Command, Option } from 'nest-commander';
import { API_TOKEN_ENV, API_URL_ENV } from '../../cli.config';
import { apiUrlProblem } from '../../client/api-client.factory';
import { CommandGroup } from '../ccs-command.base';
import { JOBS_SUBCOMMANDS, CliJobsCommand } from './jobs.commands';
import { PROFILES_SUBCOMMANDS, CliProfilesCommand } from './profiles.commands';
import { RUNS_SUBCOMMANDS, CliRunsCommand } from './runs.commands';
import {
  CliHealthCommand,
  CliNodesCommand,
  CliSchedulerCommand,
  CliStateCommand,
  CliStatsCommand,
  NodesListCommand,
} from './system.commands';
import { TASKS_SUBCOMMANDS, CliTasksCommand } from './tasks.commands';

const GROUPS = [
  CliTasksCommand,
  CliRunsCommand,
  CliProfilesCommand,
  CliJobsCommand,
  CliNodesCommand,
  CliStateCommand,
  CliHealthCommand,
  CliSchedulerCommand,
  CliStatsCommand,
];

/**
 * `cli`: a client of a running `gui` or `daemon`, over its REST API only. It never opens the data directory, so
 * it works from any machine that can reach the API. Output is the API's JSON (or `--output table`); exit codes:
 * 0 ok, 1 the API refused or a run failed, 2 usage error, 3 the API cannot be reached.
 */
@Command({
  name: 'cli',
  description: 'talk to a running gui or daemon over its REST API: tasks, runs, profiles, jobs, nodes, state',
  subCommands: GROUPS,
})
export class CliClientCommand extends CommandGroup {
  @Option({
    flags: '--api-url <url>',
    description: `API base URL (default: $${API_URL_ENV}, else http://127.0.0.1:5679)`,
  })
  parseApiUrl(value: string): string {
    const problem = apiUrlProblem(value);
    if (problem) throw new InvalidArgumentError(problem);
    return value;
  }

  @Option({ flags: '--api-token <token>', description: `bearer token the API requires (default: $${API_TOKEN_ENV})` })
  parseApiToken(value: string): string {
    if (value.trim() === '') throw new InvalidArgumentError('must not be empty');
    return value;
  }
}

/** Every provider of the `cli` command tree, for the module. */
export const CLI_CLIENT_COMMANDS = [
  CliClientCommand,
  ...GROUPS,
  ...TASKS_SUBCOMMANDS,
  ...RUNS_SUBCOMMANDS,
  ...PROFILES_SUBCOMMANDS,
  ...JOBS_SUBCOMMANDS,
  NodesListCommand,
];
