import { Option, SubCommand } from 'nest-commander';
import { renderLogFiles } from '../../debug/debug-text.renderer';
import { DebugSubcommand, parseLimit } from './debug-command.base';

@SubCommand({ name: 'logs', description: 'list run log files, newest first, with their size' })
export class DebugLogsCommand extends DebugSubcommand {
  async run(_args: string[], options: { limit?: number }): Promise<void> {
    const dataDir = this.dataDir();
    const all = await this.inspector.logFiles(dataDir);
    const files = all.slice(0, options.limit ?? 10);
    const snap = await this.inspector.snapshot(dataDir);
    this.print(
      files.map((f) => ({ ...f, mtime: f.mtime.toISOString() })),
      () => renderLogFiles(files, snap.runs, all.length),
    );
  }

  @Option({ flags: '-n, --limit <count>', description: 'how many files to show (default: 10)' })
  parseLimit(value: string): number {
    return parseLimit(value);
  }
}

@SubCommand({
  name: 'log',
  arguments: '<run>',
  argsDescription: { run: 'run id or unique id prefix' },
  description: "print a run's log file",
})
export class DebugLogCommand extends DebugSubcommand {
  async run([ref]: string[], options: { jsonl?: boolean }): Promise<void> {
    const dataDir = this.dataDir();
    const snap = await this.inspector.snapshot(dataDir);
    const log = await this.inspector.runLog(dataDir, ref, options.jsonl ? 'jsonl' : 'log', snap.runs);
    if (this.globals().json) this.out.json(log);
    else this.out.write(log.text);
  }

  @Option({ flags: '--jsonl', description: "print Claude's raw stream-json output (run_<id>.jsonl) instead" })
  parseJsonl(): boolean {
    return true;
  }
}
