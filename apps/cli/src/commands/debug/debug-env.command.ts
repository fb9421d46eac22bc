import { SubCommand } from 'nest-commander';
import { CliOutput } from '../../output/cli-output';
import { DataDirectoryService } from '../../debug/data-directory.service';
import { DebugInspector } from '../../debug/debug-inspector.service';
import { findProfile } from '../../debug/debug-queries';
import { renderProfileEnv } from '../../debug/debug-text.renderer';
import { ProfileEnvInspector } from '../../debug/profile-env.inspector';
import { DebugSubcommand } from './debug-command.base';

@SubCommand({
  name: 'env',
  arguments: '<profile>',
  argsDescription: { profile: 'profile name, id, or unique id prefix' },
  description: "resolve a profile's variables as a node would (values masked unless settings.unmask_env_vars)",
})
export class DebugEnvCommand extends DebugSubcommand {
  constructor(
    dataDirs: DataDirectoryService,
    inspector: DebugInspector,
    out: CliOutput,
    private readonly envInspector: ProfileEnvInspector,
  ) {
    super(dataDirs, inspector, out);
  }

  async run([ref]: string[]): Promise<void> {
    const snap = await this.inspector.snapshot(this.dataDir());
    const profile = findProfile(snap.profiles, ref);
    const report = await this.envInspector.inspect(profile, snap.settings.unmask_env_vars);
    this.print(report, () => renderProfileEnv(report));
  }
}
