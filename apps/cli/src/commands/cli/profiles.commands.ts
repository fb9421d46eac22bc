import { SubCommand } from 'nest-commander';
import { Profile, ValidationError } from '@ccs/core';
import { CommandGroup } from '../ccs-command.base';
import { ApiCommand, FORCE_OPTION, path, withOutput } from './api-command.base';
import { profileDetail, profilesTable } from './api-tables';
import { PROFILE_OPTIONS, ProfileOptionValues, profileBodyFromOptions } from './profile-options';

const PROFILE_ARG = { profile: 'profile id, unique id prefix, or name' };
const UNMASK_OPTION = {
  flags: '--unmask',
  description: "show static values in full (only when the scheduler's settings.unmask_env_vars allows it)",
};

@SubCommand({ name: 'list', aliases: ['ls'], description: 'list profiles (static values masked)' })
export class ProfilesListCommand extends ApiCommand {
  protected override readonly optionSpecs = withOutput([UNMASK_OPTION]);

  protected async execute(): Promise<void> {
    const unmask = this.given<{ unmask: boolean }>().unmask;
    const answer = await this.api().get<{ profiles: Profile[]; count: number }>('/api/profiles', { unmask });
    this.print(answer, () => profilesTable(answer.profiles));
  }
}

@SubCommand({
  name: 'get',
  arguments: '<profile>',
  argsDescription: PROFILE_ARG,
  description: 'show one profile and its variables',
})
export class ProfilesGetCommand extends ApiCommand {
  protected override readonly optionSpecs = withOutput([UNMASK_OPTION]);

  protected async execute([ref]: string[]): Promise<void> {
    const unmask = this.given<{ unmask: boolean }>().unmask;
    const answer = await this.api().get<{ profile: Profile }>(
      path('profiles', await this.resolveRef('profiles', ref)),
      { unmask },
    );
    this.print(answer, () => profileDetail(answer.profile));
  }
}

@SubCommand({ name: 'create', description: 'create a profile (--name is required; --env adds variables)' })
export class ProfilesCreateCommand extends ApiCommand {
  protected override readonly optionSpecs = withOutput(
    PROFILE_OPTIONS.filter((o) => !o.flags.startsWith('--unset-env')),
  );

  protected async execute(): Promise<void> {
    const o = this.given<ProfileOptionValues>();
    if (o.name === undefined) throw new ValidationError('profiles create needs --name <name>');
    const { body } = profileBodyFromOptions(o, []);
    const answer = await this.api().post<{ profile: Profile }>('/api/profiles', body);
    this.print(answer, () => profileDetail(answer.profile));
  }
}

@SubCommand({
  name: 'update',
  arguments: '<profile>',
  argsDescription: PROFILE_ARG,
  description: 'change name, description or variables (--env sets, --unset-env removes; others are kept)',
})
export class ProfilesUpdateCommand extends ApiCommand {
  protected override readonly optionSpecs = withOutput(PROFILE_OPTIONS);

  protected async execute([ref]: string[]): Promise<void> {
    const o = this.given<ProfileOptionValues>();
    if (Object.keys(o).filter((k) => k !== 'output').length === 0) {
      throw new ValidationError('nothing to update: give at least one option (see --help)');
    }
    // The API replaces env_vars as a whole list: start from the stored one (masked values are kept by the server).
    const { profile } = await this.api().get<{ profile: Profile }>(
      path('profiles', await this.resolveRef('profiles', ref)),
    );
    const { body, warnings } = profileBodyFromOptions(o, profile.env_vars);
    warnings.forEach((w) => this.note(`Warning: ${w}`));
    const answer = await this.api().put<{ profile: Profile }>(path('profiles', profile.id), body);
    this.print(answer, () => profileDetail(answer.profile));
  }
}

@SubCommand({
  name: 'delete',
  aliases: ['rm'],
  arguments: '<profile>',
  argsDescription: PROFILE_ARG,
  description: 'delete a profile (asks first unless -f; refused while tasks or jobs use it)',
})
export class ProfilesDeleteCommand extends ApiCommand {
  protected override readonly optionSpecs = [
    FORCE_OPTION,
    {
      flags: '--clear-references',
      description: 'also delete it while tasks or jobs use it (their profile becomes none)',
    },
  ];

  protected async execute([ref]: string[]): Promise<void> {
    const { profile } = await this.api().get<{ profile: Profile }>(
      path('profiles', await this.resolveRef('profiles', ref)),
    );
    if (!(await this.confirm(`Delete profile "${profile.name}" (${profile.id})?`))) return;
    const clear = this.given<{ clearReferences: boolean }>().clearReferences === true;
    const answer = await this.withCliHint(409, 'change those tasks and jobs first, or pass --clear-references', () =>
      this.api().delete(path('profiles', profile.id), { force: clear || undefined }),
    );
    this.out.json(answer);
  }
}

export const PROFILES_SUBCOMMANDS = [
  ProfilesListCommand,
  ProfilesGetCommand,
  ProfilesCreateCommand,
  ProfilesUpdateCommand,
  ProfilesDeleteCommand,
];

@SubCommand({
  name: 'profiles',
  description: 'environment profiles: list, get, create, update, delete',
  subCommands: PROFILES_SUBCOMMANDS,
})
export class CliProfilesCommand extends CommandGroup {}
