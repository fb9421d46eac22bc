import { Command, Option } from 'nest-commander';
import { CommandGroup } from '../ccs-command.base';
import { DebugAllCommand } from './debug-all.command';
import { DebugEnvCommand } from './debug-env.command';
import { DebugLogCommand, DebugLogsCommand } from './debug-logs.command';
import { DebugProfilesCommand } from './debug-profiles.command';
import { DebugRunCommand, DebugRunsCommand } from './debug-runs.command';
import { DebugOptionsCommand, DebugSettingsCommand } from './debug-settings.command';
import { DebugTaskCommand, DebugTasksCommand } from './debug-tasks.command';

export const DEBUG_SUBCOMMANDS = [
  DebugAllCommand,
  DebugTasksCommand,
  DebugTaskCommand,
  DebugRunsCommand,
  DebugRunCommand,
  DebugLogsCommand,
  DebugLogCommand,
  DebugProfilesCommand,
  DebugEnvCommand,
  DebugSettingsCommand,
  DebugOptionsCommand,
];

/**
 * Inspects a data directory straight from its files: needs no running server, never takes the writer lock and
 * never writes, so it is safe to use while a coordinator runs.
 */
@Command({
  name: 'debug',
  description: 'inspect the data directory directly (read-only; works while the scheduler runs)',
  subCommands: DEBUG_SUBCOMMANDS,
})
export class DebugCommand extends CommandGroup {
  @Option({ flags: '--json', description: 'machine-readable JSON output on stdout' })
  parseJson(): boolean {
    return true;
  }
}
