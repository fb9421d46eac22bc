import { Option } from 'commander';
import type { Command } from 'commander';

/** One command-line option, declared as data so a command's options and its request body come from one table. */
export interface OptionSpec {
  /** Commander flags, e.g. `--timeout <seconds>` or `-n, --limit <count>`. */
  flags: string;
  description: string;
  /** Converts (and validates) the value; throw commander's InvalidArgumentError for a usage error. */
  parse?: (value: string, previous: unknown) => unknown;
  choices?: readonly string[];
}

export function addOptions(command: Command, specs: readonly OptionSpec[]): void {
  for (const spec of specs) {
    const option = new Option(spec.flags, spec.description);
    if (spec.choices) option.choices(spec.choices);
    if (spec.parse) option.argParser(spec.parse);
    command.addOption(option);
  }
}

/**
 * The options given on the command line, by attribute name. Defaults are left out on purpose: commander defaults
 * `--no-worktree`'s attribute to true when no `--worktree` exists, and an update must send only what was asked for.
 */
export function givenOptions<T extends object>(command: Command): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(command.opts())) {
    if (command.getOptionValueSource(key) === 'cli') out[key] = value;
  }
  return out as Partial<T>;
}
