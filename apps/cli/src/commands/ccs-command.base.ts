import { CommandRunner } from 'nest-commander';
import type { Command } from 'commander';
import { EXIT_USAGE } from '../cli.errors';

/** Options defined on the root (`-v`, `--data-dir`) or a group (`--json` on `debug`), valid on every command below. */
export interface GlobalOptions {
  verbose: number;
  dataDir: string | undefined;
  json: boolean;
}

/**
 * Base of every command. A leaf command rejects extra positional words (commander 11 silently ignores them by
 * default, which would turn a typo into a wrong answer).
 */
export abstract class CcsCommand extends CommandRunner {
  override setCommand(command: Command): this {
    super.setCommand(command);
    command.allowExcessArguments(false);
    this.configureCommand(command);
    return this;
  }

  /** Hook for what nest-commander's decorators cannot express (argument choices, help text). */
  protected configureCommand(_command: Command): void {}

  protected globals(): GlobalOptions {
    const o = this.command.optsWithGlobals<Record<string, unknown>>();
    return {
      verbose: typeof o['verbose'] === 'number' ? o['verbose'] : 0,
      dataDir: typeof o['dataDir'] === 'string' ? o['dataDir'] : undefined,
      json: o['json'] === true,
    };
  }
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(above + 1, row[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = above;
    }
  }
  return row[b.length];
}

/**
 * A command that only holds subcommands (`debug`, and the root). Without a subcommand it prints its help to
 * stdout and succeeds; an unknown subcommand is a usage error (exit 2).
 */
export abstract class CommandGroup extends CcsCommand {
  override setCommand(command: Command): this {
    super.setCommand(command);
    // The unknown word must reach run() so it can be reported as an unknown command, not as "too many arguments".
    command.allowExcessArguments(true);
    return this;
  }

  run(args: string[]): Promise<void> {
    const [word] = args;
    if (word !== undefined) {
      const names = this.command.commands.flatMap((c) => [c.name(), ...c.aliases()]);
      const close = names.filter((n) => n.startsWith(word) || editDistance(n, word) <= 2);
      const hint = close.length ? `\n(Did you mean ${close.join(', ')}?)` : '';
      this.command.error(`error: unknown command '${word}'${hint}`, {
        exitCode: EXIT_USAGE,
        code: 'commander.unknownCommand',
      });
    }
    this.command.outputHelp();
    return Promise.resolve();
  }
}
