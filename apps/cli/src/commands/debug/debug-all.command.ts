import { SubCommand } from 'nest-commander';
import { maskProfile } from '@ccs/core';
import { renderAll } from '../../debug/debug-text.renderer';
import { runsNewestFirst } from '../../debug/debug-queries';
import { DebugSubcommand } from './debug-command.base';

@SubCommand({ name: 'all', description: 'everything at once: settings, profiles, jobs, tasks, newest runs, logs' })
export class DebugAllCommand extends DebugSubcommand {
  async run(): Promise<void> {
    const dataDir = this.dataDir();
    const snap = await this.inspector.snapshot(dataDir);
    const logs = await this.inspector.logFiles(dataDir);
    const newest = runsNewestFirst(snap.runs, 5);
    this.print(
      {
        dataDir: snap.dataDir,
        exists: snap.exists,
        settings: snap.settings,
        profiles: snap.profiles.map(maskProfile),
        jobs: snap.jobs,
        tasks: snap.tasks,
        newestRuns: newest,
        runCount: snap.runs.length,
        logs: { files: logs.length, bytes: logs.reduce((n, f) => n + f.size, 0) },
      },
      () => renderAll(snap, newest, logs),
    );
  }
}
