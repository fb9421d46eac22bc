import { SubCommand } from 'nest-commander';
import { renderDataDirReport, renderSettings } from '../../debug/debug-text.renderer';
import { DebugSubcommand } from './debug-command.base';

@SubCommand({ name: 'settings', description: 'show the settings (stored values merged with defaults)' })
export class DebugSettingsCommand extends DebugSubcommand {
  async run(): Promise<void> {
    const snap = await this.inspector.snapshot(this.dataDir());
    this.print(snap.settings, () => renderSettings(snap.settings));
  }
}

@SubCommand({
  name: 'options',
  description: 'show the paths in use: data directory, each file, logs, lock, legacy import sources',
})
export class DebugOptionsCommand extends DebugSubcommand {
  async run(): Promise<void> {
    const report = await this.dataDirs.report(this.globals().dataDir);
    this.print(report, () => renderDataDirReport(report));
  }
}
