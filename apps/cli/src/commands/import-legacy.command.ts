import { Command, Option } from 'nest-commander';
import { CliOutput } from '../output/cli-output';
import { DataDirectoryService } from '../debug/data-directory.service';
import { renderLegacyImportReport } from '../import/legacy-import-report.renderer';
import { LegacyImportRunner } from '../import/legacy-import-runner.service';
import { CcsCommand } from './ccs-command.base';

interface ImportLegacyOptions {
  from?: string;
  fromLogs?: string;
  json?: boolean;
}

@Command({
  name: 'import-legacy',
  description:
    "import the Python edition's data (jobs, tasks, runs, profiles, settings, run logs); existing ids are kept",
})
export class ImportLegacyCommand extends CcsCommand {
  constructor(
    private readonly dataDirs: DataDirectoryService,
    private readonly runner: LegacyImportRunner,
    private readonly out: CliOutput,
  ) {
    super();
  }

  async run(_args: string[], options: ImportLegacyOptions): Promise<void> {
    const report = await this.runner.run({
      dataDir: this.dataDirs.resolve(this.globals().dataDir),
      from: options.from,
      fromLogs: options.fromLogs,
    });
    if (options.json) this.out.json(report);
    else this.out.lines(renderLegacyImportReport(report));
  }

  @Option({
    flags: '--from <dir>',
    description: "the original's data directory (default: ~/.config/claude-code-scheduler)",
  })
  parseFrom(value: string): string {
    return value;
  }

  @Option({
    flags: '--from-logs <dir>',
    description: "the original's run logs (default: ~/.claude-scheduler/logs, or <from>/logs with --from)",
  })
  parseFromLogs(value: string): string {
    return value;
  }

  @Option({ flags: '--json', description: 'print the report as JSON' })
  parseJson(): boolean {
    return true;
  }
}
