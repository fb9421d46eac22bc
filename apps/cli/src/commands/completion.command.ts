import { Argument } from 'commander';
import type { Command as CommanderCommand } from 'commander';
import { Command } from 'nest-commander';
import { CliOutput } from '../output/cli-output';
import { bashCompletionScript } from '../completion/bash-completion';
import { specFromCommander } from '../completion/command-spec';
import { fishCompletionScript } from '../completion/fish-completion';
import { zshCompletionScript } from '../completion/zsh-completion';
import { CcsCommand } from './ccs-command.base';

export const COMPLETION_SHELLS = ['bash', 'zsh', 'fish'] as const;
type Shell = (typeof COMPLETION_SHELLS)[number];

const GENERATORS: Record<Shell, typeof bashCompletionScript> = {
  bash: bashCompletionScript,
  zsh: zshCompletionScript,
  fish: fishCompletionScript,
};

/** Prints a completion script generated from the live command tree, so every command completes as it exists. */
@Command({
  name: 'completion',
  description: 'print a shell completion script (bash, zsh or fish)',
})
export class CompletionCommand extends CcsCommand {
  constructor(private readonly out: CliOutput) {
    super();
  }

  protected override configureCommand(command: CommanderCommand): void {
    command.addArgument(new Argument('<shell>', 'the shell to complete for').choices(COMPLETION_SHELLS));
    command.addHelpText(
      'after',
      [
        '',
        'Install:',
        '  bash  source <(claude-code-scheduler completion bash)          # in ~/.bashrc',
        '  zsh   source <(claude-code-scheduler completion zsh)           # in ~/.zshrc, after compinit',
        '  fish  claude-code-scheduler completion fish | source          # in ~/.config/fish/config.fish',
      ].join('\n'),
    );
  }

  run([shell]: string[]): Promise<void> {
    let root: CommanderCommand = this.command;
    while (root.parent) root = root.parent;
    this.out.write(GENERATORS[shell as Shell](specFromCommander(root)));
    return Promise.resolve();
  }
}
