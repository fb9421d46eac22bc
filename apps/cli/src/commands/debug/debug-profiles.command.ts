import { SubCommand } from 'nest-commander';
import { maskProfile } from '@ccs/core';
import { renderProfiles } from '../../debug/debug-text.renderer';
import { DebugSubcommand } from './debug-command.base';

@SubCommand({ name: 'profiles', description: 'list profiles and their variables (static values masked)' })
export class DebugProfilesCommand extends DebugSubcommand {
  async run(): Promise<void> {
    const snap = await this.inspector.snapshot(this.dataDir());
    this.print(snap.profiles.map(maskProfile), () => renderProfiles(snap.profiles));
  }
}
