import type { Command, Help, Option } from 'commander';

/**
 * A shell-neutral description of the command tree, taken from the live commander tree. The completion script
 * generators are pure functions of this spec, so a new command or option completes without touching them.
 */
export interface OptionSpec {
  /** Every spelling, e.g. `['-n', '--limit']`. */
  flags: string[];
  description: string;
  /** True when the option consumes the next word (`--data-dir <dir>`). */
  takesValue: boolean;
  /** Allowed values, when commander knows them. */
  choices: string[];
  /** What the value is, for file-name completion: `dir`, `file` or `none`. */
  valueKind: 'dir' | 'file' | 'none';
}

export interface ArgumentSpec {
  name: string;
  choices: string[];
}

export interface CommandSpec {
  name: string;
  aliases: string[];
  description: string;
  /** Options this command accepts itself (not its ancestors'). */
  options: OptionSpec[];
  arguments: ArgumentSpec[];
  subcommands: CommandSpec[];
}

/** One node of the flattened tree: where it is, and everything a word after it may be. */
export interface CompletionNode {
  /** Subcommand names from the root, e.g. `['debug', 'runs']`; `[]` for the root. */
  path: string[];
  command: CommandSpec;
  /**
   * Options accepted at this point: the command's own plus every ancestor's, because a parent's options are
   * parsed wherever they appear (global options such as `-v` and `--data-dir`).
   */
  options: OptionSpec[];
}

/** By whole words of the placeholder: `<dir>`, `<work-dir>` complete directories; `<profile>` is not a file. */
export function valueKindOf(placeholder: string): OptionSpec['valueKind'] {
  const words = placeholder.toLowerCase().split(/[^a-z]+/);
  if (words.some((w) => w === 'dir' || w === 'directory' || w === 'folder')) return 'dir';
  if (words.some((w) => w === 'file' || w === 'path')) return 'file';
  return 'none';
}

function optionSpec(o: Option): OptionSpec {
  const flags = [o.short, o.long].filter((f): f is string => typeof f === 'string' && f.length > 0);
  const placeholder = /[<[]([^>\]]+)[>\]]/.exec(o.flags)?.[1] ?? '';
  return {
    flags,
    description: o.description ?? '',
    takesValue: o.required || o.optional,
    choices: o.argChoices ? [...o.argChoices] : [],
    valueKind: valueKindOf(placeholder),
  };
}

/** Reads the visible commands, options and arguments of a commander tree (hidden ones stay hidden). */
export function specFromCommander(cmd: Command): CommandSpec {
  const help: Help = cmd.createHelp();
  const visible = help.visibleCommands(cmd);
  return {
    name: cmd.name(),
    aliases: cmd.aliases(),
    description: cmd.description(),
    options: help.visibleOptions(cmd).map(optionSpec),
    arguments: cmd.registeredArguments.map((a) => ({ name: a.name(), choices: a.argChoices ? [...a.argChoices] : [] })),
    subcommands: visible.map((sub) => {
      // commander's implicit `help [command]` is a stand-in object without its own tree.
      // Its argument is one of its siblings' names.
      if (sub.parent !== cmd) {
        const siblings = visible.filter((c) => c !== sub).flatMap((c) => [c.name(), ...c.aliases()]);
        return {
          name: sub.name(),
          aliases: [],
          description: sub.description(),
          options: [],
          arguments: sub.registeredArguments.map((a) => ({ name: a.name(), choices: siblings })),
          subcommands: [],
        };
      }
      return specFromCommander(sub);
    }),
  };
}

/** Depth-first list of every command with the options that are valid after it. */
export function flattenSpec(root: CommandSpec): CompletionNode[] {
  const out: CompletionNode[] = [];
  const visit = (command: CommandSpec, path: string[], inherited: OptionSpec[]): void => {
    const seen = new Set(command.options.flatMap((o) => o.flags));
    const options = [...command.options, ...inherited.filter((o) => !o.flags.some((f) => seen.has(f)))];
    out.push({ path, command, options });
    for (const sub of command.subcommands) visit(sub, [...path, sub.name], options);
  };
  visit(root, [], []);
  return out;
}

/** The names a word can take to enter a subcommand (name and aliases). */
export function subcommandWords(command: CommandSpec): string[] {
  return command.subcommands.flatMap((s) => [s.name, ...s.aliases]);
}

/** Word-safe identifier for a shell function name: `claude-code-scheduler` → `claude_code_scheduler`. */
export function shellIdentifier(name: string): string {
  return name.replace(/[^A-Za-z0-9_]/g, '_');
}
