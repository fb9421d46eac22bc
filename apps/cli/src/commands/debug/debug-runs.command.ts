import { Option, SubCommand } from 'nest-commander';
import { resolveIdPrefix } from '@ccs/core';
import { renderRun, renderRuns } from '../../debug/debug-text.renderer';
import { runsNewestFirst } from '../../debug/debug-queries';
import { DebugSubcommand, parseLimit } from './debug-command.base';

@SubCommand({ name: 'runs', description: 'list the newest runs (by scheduled time)' })
export class DebugRunsCommand extends DebugSubcommand {
  async run(_args: string[], options: { limit?: number }): Promise<void> {
    const snap = await this.inspector.snapshot(this.dataDir());
    const runs = runsNewestFirst(snap.runs, options.limit ?? 10);
    this.print(runs, () => renderRuns(runs, snap.runs.length));
  }

  @Option({ flags: '-n, --limit <count>', description: 'how many runs to show (default: 10)' })
  parseLimit(value: string): number {
    return parseLimit(value);
  }
}

@SubCommand({
  name: 'run',
  arguments: '<run>',
  argsDescription: { run: 'run id or unique id prefix' },
  description: 'show one run',
})
export class DebugRunCommand extends DebugSubcommand {
  async run([ref]: string[]): Promise<void> {
    const dataDir = this.dataDir();
    const snap = await this.inspector.snapshot(dataDir);
    const id = resolveIdPrefix(
      ref,
      snap.runs.map((r) => r.id),
      'run',
    );
    const run = snap.runs.find((r) => r.id === id)!;
    const logs = await this.inspector.logFiles(dataDir);
    this.print(run, () => renderRun(run, logs));
  }
}
