import type { Command } from 'commander';
import { setupLogging } from '@ccs/shared';

export interface CommandTreeOptions {
  /** Printed by `--version`. */
  version: string;
}

function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

function walk(cmd: Command, visit: (c: Command) => void): void {
  visit(cmd);
  for (const sub of cmd.commands) walk(sub, visit);
}

/**
 * Settings nest-commander applies to the root only (or not at all), applied to every command: errors are thrown
 * instead of calling process.exit (so main decides the exit code and Nest closes cleanly), and help shows the
 * global options. The root gets `--version` and the hook that applies `-v` before any command runs.
 */
export function configureCommandTree(root: Command, opts: CommandTreeOptions): void {
  root.version(opts.version, '--version', 'print the version and exit');
  walk(root, (cmd) => {
    cmd.exitOverride();
    cmd.configureHelp({ showGlobalOptions: true });
    cmd.showHelpAfterError(`(run '${commandPath(cmd)} --help' for usage)`);
    // nest-commander gives every command an action, which hides commander's `help <command>`; groups get it back.
    if (cmd.commands.length) cmd.addHelpCommand('help [command]', 'show help for a command');
  });
  root.hook('preAction', (_hooked, action) => {
    const verbose = action.optsWithGlobals<{ verbose?: number }>().verbose;
    setupLogging(typeof verbose === 'number' ? verbose : 0);
  });
}
