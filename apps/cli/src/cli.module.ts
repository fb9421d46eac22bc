import { Module } from '@nestjs/common';
import { CLI_CONFIG, loadCliConfig } from './cli.config';
import { CompletionCommand } from './commands/completion.command';
import { DEBUG_SUBCOMMANDS, DebugCommand } from './commands/debug/debug.command';
import { ImportLegacyCommand } from './commands/import-legacy.command';
import { GuiCommand } from './commands/gui.command';
import { DaemonCommand, NodeCommand } from './commands/cloud-modes.command';
import { CLI_CLIENT_COMMANDS } from './commands/cli/cli.command';
import { ApiCommandDeps } from './commands/cli/api-command.base';
import { ApiClientFactory } from './client/api-client.factory';
import { ConfirmPrompt } from './client/confirm.prompt';
import { CcsRootCommand } from './commands/root.command';
import { DataDirectoryService } from './debug/data-directory.service';
import { DebugInspector } from './debug/debug-inspector.service';
import { ProfileEnvInspector } from './debug/profile-env.inspector';
import { LegacyImportRunner } from './import/legacy-import-runner.service';
import { CliOutput } from './output/cli-output';

/**
 * The executable's composition root. Top-level commands appear in help in this order. Modes that run the
 * scheduler (gui, daemon, node) will import their apps' modules here when they are built.
 */
@Module({
  providers: [
    { provide: CLI_CONFIG, useFactory: () => loadCliConfig() },
    CliOutput,
    DataDirectoryService,
    DebugInspector,
    ProfileEnvInspector,
    LegacyImportRunner,
    CcsRootCommand,
    GuiCommand,
    DaemonCommand,
    NodeCommand,
    ApiClientFactory,
    ConfirmPrompt,
    ApiCommandDeps,
    ...CLI_CLIENT_COMMANDS,
    DebugCommand,
    ...DEBUG_SUBCOMMANDS,
    ImportLegacyCommand,
    CompletionCommand,
  ],
})
export class CliModule {}
