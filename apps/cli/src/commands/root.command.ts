import { InvalidArgumentError } from 'commander';
import type { Command } from 'commander';
import { Option, RootCommand } from 'nest-commander';
import { PRODUCT_NAME } from '@ccs/core';
import { DATA_DIR_ENV } from '@ccs/storage';
import { CommandGroup } from './ccs-command.base';

/**
 * The executable itself. Its options are global: commander parses a parent's options wherever they appear, so
 * `debug runs -vv --data-dir X` works, and help lists them under "Global Options" on every command.
 */
@RootCommand({
  name: PRODUCT_NAME,
  description: 'Schedule and run Claude Code CLI sessions: one machine (gui) or a fleet of nodes (daemon + node).',
})
export class CcsRootCommand extends CommandGroup {
  /** The commander tree, for the bootstrap (exit handling, version, logging hook) and for completion. */
  get commandTree(): Command {
    return this.command;
  }

  @Option({
    flags: '-v, --verbose',
    description: 'log more on stderr; repeat for more (-v INFO, -vv DEBUG, -vvv TRACE)',
  })
  parseVerbose(_value: unknown, previous: unknown): number {
    return (typeof previous === 'number' ? previous : 0) + 1;
  }

  @Option({
    flags: '--data-dir <dir>',
    description: `data directory (default: $${DATA_DIR_ENV}, else ~/.claude-scheduler)`,
  })
  parseDataDir(value: string): string {
    if (value.trim() === '') throw new InvalidArgumentError('must not be empty');
    return value;
  }
}
